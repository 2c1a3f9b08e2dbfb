import ArgumentParser
import Backprop
import Datasets
import Pictures

/// `backprop draw`: pictures of a trained network.
struct Draw: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw what a saved network learned: first-layer weights, its mistakes, or its confusion matrix.",
        discussion: """
            weights: each first-layer neuron's 784 incoming weights as a 28×28 image, blue negative, \
            red positive. mistakes: the misclassified digits with true and predicted labels. \
            confusion: the confusion matrix as a heat map with counts.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable { case weights, mistakes, confusion }

    @Argument(help: "What to draw: weights, mistakes or confusion.")
    var kind: Kind

    @OptionGroup var model: ModelArgument

    @Option(name: .shortAndLong, help: ArgumentHelp("The figure to write: .svg or .png.", valueName: "file"))
    var output: String

    @Option(help: "The images to classify, for mistakes and confusion.")
    var split = ExampleOptions.Split.test

    @Option(help: "The most mistakes to show.")
    var limit = 60

    @OptionGroup var data: DataOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let network = try model.load().network
        guard network.inputSize == MNIST.inputSize else {
            throw CLIError("\(model.path): the network takes \(network.inputSize) inputs, not 28×28 images")
        }
        switch kind {
        case .weights:
            try writeFigure(WeightGrid.svg(network, side: MNIST.imageSide), to: output)
        case .mistakes, .confusion:
            guard network.outputSize == MNIST.classCount else { throw CLIError("\(model.path): the network has no 10 outputs") }
            let set = split.data(in: try MNIST(directory: data.resolvedDirectory))
            if kind == .confusion {
                let evaluation = network.evaluate(on: set)
                try writeFigure(DigitFigures.confusionSVG(network.confusionMatrix(on: set), title:
                    "Confusion matrix on the \(grouped(set.count)) \(split.rawValue) images (\(percent(evaluation.accuracy)) right)"),
                                to: output)
            } else {
                let mistakes = DigitFigures.mistakes(of: network, on: set)
                let shown = min(limit, mistakes.count)
                try writeFigure(DigitFigures.mistakesSVG(mistakes, data: set, side: MNIST.imageSide, limit: limit, title:
                    "\(grouped(mistakes.count)) of \(grouped(set.count)) \(split.rawValue) images misclassified; the first \(shown)"),
                                to: output)
            }
        }
        printLine("Wrote \(output)")
    }
}
