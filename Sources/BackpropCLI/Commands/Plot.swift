import ArgumentParser
import Backprop
import Foundation
import Pictures

/// `backprop plot HISTORY…`: learning curves, and chapter 5's learning-speed figure.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw learning curves (accuracy and cost per epoch) from saved histories.",
        discussion: """
            Each HISTORY is a file written by train --history (CSV or JSON) or a model file saved \
            by train --save or --checkpoint. Several are overlaid with a legend, e.g. three runs \
            with different η. With --learning-speed, draws ‖δˡ‖ per layer across epochs on a log \
            scale instead (the history must come from train --learning-speed).
            """)

    @Argument(help: ArgumentHelp("History or model files.", valueName: "history"))
    var histories: [String]

    @Option(help: ArgumentHelp("Labels for the runs, comma-separated (default: the file names).", valueName: "labels"))
    var labels: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The figure to write: .svg or .png.", valueName: "file"))
    var output: String

    @Option(help: "The figure's title.")
    var title = "Learning curves"

    @Flag(help: "Draw each layer's learning speed ‖δˡ‖ instead of the learning curves.")
    var learningSpeed = false

    func validate() throws {
        guard !histories.isEmpty else { throw ValidationError("give at least one history file") }
        if let labels, labels.split(separator: ",").count != histories.count {
            throw ValidationError("--labels has \(labels.split(separator: ",").count) labels for \(histories.count) histories")
        }
        if learningSpeed && histories.count != 1 { throw ValidationError("--learning-speed draws one history") }
    }

    func run() throws {
        try OutputCheck(inputs: histories.map { ("<history>", $0) }, outputs: [("-o", output, ["svg", "png"])]).verify()
        let names = labels.map { $0.split(separator: ",").map(String.init) }
            ?? histories.map { ($0 as NSString).lastPathComponent }
        let runs = try zip(names, histories).map { (label: $0, history: try loadHistory($1)) }
        if learningSpeed {
            guard let figure = LearningCurves.learningSpeedSVG(runs[0].history) else {
                throw CLIError("\(histories[0]) has no learning-speed records; train with --learning-speed")
            }
            try writeFigure(figure, to: output)
        } else {
            guard LearningCurves.hasCurves(runs) else {
                throw CLIError("nothing to draw: \(histories.joined(separator: ", ")) recorded no accuracy or cost "
                               + "(train with evaluation data or --monitor training-accuracy,training-cost)")
            }
            try writeFigure(LearningCurves.svg(runs, title: title), to: output)
        }
        printLine("Wrote \(output)")
    }
}
