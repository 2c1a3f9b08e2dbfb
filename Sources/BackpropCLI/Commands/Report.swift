import ArgumentParser
import Backprop
import Datasets
import Foundation
import Pictures

/// `backprop report MODEL`: one HTML page with a run's configuration, figures and table.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML report of a saved run: configuration, figures and per-epoch table.",
        discussion: """
            Model files leave out the seconds each epoch took, so that the same command with the \
            same seed writes the same bytes; the table shows them when --history names the file \
            train --history wrote for the same run.
            """)

    @OptionGroup var model: ModelArgument

    @Option(name: .shortAndLong, help: ArgumentHelp("The HTML file to write (.html).", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("The run's history file from train --history (CSV or JSON), for the seconds per epoch.",
                               valueName: "file"))
    var history: String?

    @Option(help: "The images the mistakes and the confusion matrix are drawn from.")
    var split = MNIST.Split.test

    @OptionGroup var data: DataOptions

    /// The most mistakes the report shows.
    static let mistakesShown = 40

    func run() throws {
        try OutputCheck(inputs: [("<model>", model.path), ("--history", history)],
                        outputs: [("-o", output, ["html", "htm"])]).verify()
        let file = try model.load()
        let network = file.network
        var configuration = [("<model>", model.path)] + RunDescription.network(network)
        var figures: [(caption: String, svg: SVGDocument)] = []
        var table: TrainingHistory?
        var secondsUnknown: String?
        if let training = file.training {
            configuration += RunDescription.training(training)
            if let best = training.history.bestEpoch, let evaluation = best.evaluation {
                configuration.append(("best evaluation accuracy", "\(percent(evaluation.accuracy)) after epoch \(best.epoch)"))
            }
            if let history {
                table = try withSeconds(training.history, from: history)
            } else {
                table = training.history
                secondsUnknown = "Training seconds: – because model files leave out the time each epoch took, so that "
                    + "the same command with the same seed writes the same bytes; backprop report --history FILE takes "
                    + "them from the file train --history wrote."
            }
            let runs = [(label: "run", history: training.history)]
            if LearningCurves.hasCurves(runs) {
                let set = training.data.flatMap { EvaluationSet(name: $0.evaluationSet) }?.split
                let evaluationData = set.map { "the \($0.rawValue) images" } ?? "the evaluation data"
                figures.append((LearningCurves.caption(training.history, evaluationData: evaluationData), LearningCurves.svg(runs)))
            }
            if let speed = LearningCurves.learningSpeedSVG(training.history) {
                figures.append(("How fast each layer learns: ‖δˡ‖ = ‖∂C/∂bˡ‖ over a fixed sample of the training images, "
                                + "before training (epoch −1) and after each epoch.", speed))
            }
        }
        if network.inputSize == MNIST.inputSize {
            let neurons = network.layers[0].neurons, shown = min(neurons, WeightGrid.defaultLimit)
            figures.append(("What the first layer learned: each neuron's 784 incoming weights as a 28×28 image"
                            + (shown < neurons ? ", for the first \(shown) of its \(grouped(neurons)) neurons." : "."),
                            WeightGrid.svg(network, side: MNIST.imageSide)))
        }
        if network.inputSize == MNIST.inputSize, network.outputSize == MNIST.classCount {
            let set = try data.loadAll()[split]
            let evaluation = network.evaluate(on: set)
            configuration.append(("\(split.rawValue) accuracy", "\(grouped(evaluation.correct)) / \(grouped(evaluation.count)) (\(percent(evaluation.accuracy)))"))
            figures.append(("Confusion matrix on the \(grouped(set.count)) \(split.rawValue) images.",
                            DigitFigures.confusionSVG(network.confusionMatrix(on: set), title: "Confusion matrix")))
            let mistakes = DigitFigures.mistakes(of: network, on: set)
            let shown = min(mistakes.count, Self.mistakesShown)
            let what = shown == mistakes.count ? "All \(grouped(mistakes.count)) misclassified \(split.rawValue) images"
                : "The first \(shown) of the \(grouped(mistakes.count)) misclassified \(split.rawValue) images"
            if !mistakes.isEmpty { figures.append((what + ", with the network's answers.",
                            DigitFigures.mistakesSVG(mistakes, data: set, side: MNIST.imageSide, limit: shown,
                                                     title: "\(grouped(mistakes.count)) mistakes"
                                                         + (shown < mistakes.count ? "; the first \(shown)" : "")))) }
        }
        let report = HTMLReport(title: "backprop run: \((model.path as NSString).lastPathComponent)",
                                configuration: configuration, figures: figures, history: table, secondsUnknown: secondsUnknown)
        try AtomicFile.write(Data(report.html.utf8), to: output)
        printLine("Wrote \(output)")
    }

    /// The model's history with the seconds per epoch from the run's history file, after checking
    /// that the file is that run's: the same epochs with the same evaluation results.
    func withSeconds(_ recorded: TrainingHistory, from path: String) throws -> TrainingHistory {
        let timed = try loadHistory(path)
        guard timed.epochs.contains(where: { $0.trainingSeconds > 0 }) else {
            throw CLIError("\(path) holds no seconds per epoch (model files leave them out); give the file train --history wrote")
        }
        let byEpoch = Dictionary(timed.epochs.map { ($0.epoch, $0) }, uniquingKeysWith: { $1 })
        var history = recorded
        for i in history.epochs.indices {
            let record = history.epochs[i]
            guard let match = byEpoch[record.epoch] else {
                throw CLIError("\(path) has no epoch \(record.epoch); it is not the history of \(model.path)")
            }
            guard match.evaluation?.accuracy == record.evaluation?.accuracy, match.training?.accuracy == record.training?.accuracy else {
                throw CLIError("\(path): epoch \(record.epoch)'s accuracy differs from \(model.path)'s; it is the history of another run")
            }
            history.epochs[i].trainingSeconds = match.trainingSeconds
            history.epochs[i].evaluationSeconds = match.evaluationSeconds
        }
        return history
    }
}
