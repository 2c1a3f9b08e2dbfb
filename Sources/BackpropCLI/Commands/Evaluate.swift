import ArgumentParser
import Backprop
import Datasets

/// `backprop evaluate MODEL`: accuracy, cost and confusion matrix on MNIST.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a saved network on MNIST: accuracy, cost and confusion matrix.",
        discussion: """
            The test images need only the two t10k files in the data folder; the training and \
            validation images only the two train files.
            """)

    @OptionGroup var model: ModelArgument

    @Option(help: "The images to evaluate on.")
    var split = MNIST.Split.test

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var data: DataOptions

    @OptionGroup var engineOption: EngineOption

    struct Report: Encodable {
        var split: String
        var correct: Int
        var count: Int
        var accuracy: Double
        var cost: Double
        /// confusion[true digit][predicted digit]
        var confusion: [[Int]]
    }

    func run() throws {
        let network = try ModelArgument.mnistNetwork(at: model.path)
        let set = try data.load(split)
        let evaluation = network.evaluate(on: set, engine: engineOption.engine)
        let confusion = network.confusionMatrix(on: set, engine: engineOption.engine)
        if json {
            return try printJSON(Report(split: split.rawValue, correct: evaluation.correct, count: evaluation.count,
                                        accuracy: evaluation.accuracy, cost: evaluation.cost, confusion: confusion))
        }
        printLine("\(model.path): \(LayerList.naming(network)), cost \(network.cost.defaultValueDescription)")
        printLine("\(split.rawValue.capitalized) images: \(grouped(evaluation.correct)) / \(grouped(evaluation.count)) "
                  + "(\(percent(evaluation.accuracy))) correct; mean cost \(significant(evaluation.cost, 5))")
        printLine("")
        printLine("Confusion matrix (rows: true digit, columns: predicted digit)")
        printLine("      " + (0..<10).map { pad("\($0)", 6) }.joined())
        for (digit, row) in confusion.enumerated() {
            printLine(pad("\(digit)", 5) + " " + row.map { pad(grouped($0), 6) }.joined())
        }
    }
}
