import ArgumentParser
import Backprop
import Datasets
import Foundation
import Pictures

/// `backprop report MODEL`: one HTML page with a run's configuration, figures and table.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML report of a saved run: configuration, figures and per-epoch table.")

    @OptionGroup var model: ModelArgument

    @Option(name: .shortAndLong, help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var output: String

    @Option(help: "The images the mistakes and the confusion matrix are drawn from.")
    var split = ExampleOptions.Split.test

    @OptionGroup var data: DataOptions

    func run() throws {
        let file = try model.load()
        let network = file.network
        var configuration: [(String, String)] = [
            ("model", model.path), ("layer sizes", "\(network.layerSizes)"), ("cost", network.cost.defaultValueDescription),
            ("activations", network.layers.map(\.activation.rawValue).joined(separator: ", ")),
        ]
        var figures: [(caption: String, svg: SVGDocument)] = []
        if let training = file.training {
            let sgd = training.configuration
            configuration += [
                ("epochs run", "\(training.history.epochs.count) of \(sgd.epochs)"), ("mini-batch size", "\(sgd.miniBatchSize)"),
                ("η", "\(sgd.learningRate)"), ("regularization", "\(sgd.regularization)"), ("momentum μ", "\(sgd.momentum)"),
                ("dropout", "\(sgd.dropout)"), ("training images", grouped(training.data.trainingCount) + (training.data.expanded ? ", expanded ×5" : "")),
                ("evaluated on", training.data.evaluationSet),
            ]
            if let best = training.history.bestEpoch, let evaluation = best.evaluation {
                configuration.append(("best", "\(percent(evaluation.accuracy)) after epoch \(best.epoch)"))
            }
            figures.append(("Accuracy and cost per epoch (solid: evaluation data, dashed: training data).",
                            LearningCurves.svg([("run", training.history)])))
            if let speed = LearningCurves.learningSpeedSVG(training.history) {
                figures.append(("How fast each layer learns: ‖δˡ‖ over a fixed sample of training images.", speed))
            }
        }
        if network.inputSize == MNIST.inputSize {
            figures.append(("What the first layer learned: each neuron's incoming weights as an image.",
                            WeightGrid.svg(network, side: MNIST.imageSide)))
        }
        if network.inputSize == MNIST.inputSize, network.outputSize == MNIST.classCount {
            let set = split.data(in: try MNIST(directory: data.resolvedDirectory))
            let evaluation = network.evaluate(on: set)
            configuration.append(("\(split.rawValue) accuracy", "\(grouped(evaluation.correct)) / \(grouped(evaluation.count)) (\(percent(evaluation.accuracy)))"))
            figures.append(("Confusion matrix on the \(split.rawValue) images.",
                            DigitFigures.confusionSVG(network.confusionMatrix(on: set), title: "Confusion matrix")))
            let mistakes = DigitFigures.mistakes(of: network, on: set)
            figures.append(("The first misclassified \(split.rawValue) images.",
                            DigitFigures.mistakesSVG(mistakes, data: set, side: MNIST.imageSide, limit: 40,
                                                     title: "\(grouped(mistakes.count)) mistakes; the first 40")))
        }
        let report = HTMLReport(title: "backprop run: \((model.path as NSString).lastPathComponent)",
                                configuration: configuration, figures: figures, history: file.training?.history)
        try AtomicFile.write(Data(report.html.utf8), to: output)
        printLine("Wrote \(output)")
    }
}
