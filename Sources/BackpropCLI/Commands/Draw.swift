import ArgumentParser
import Backprop
import Datasets
import Pictures

/// `backprop draw`: pictures of a trained network.
struct Draw: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw what a saved network learned: first-layer weights, its mistakes, its confusion matrix, or its feature maps for an image.",
        discussion: """
            weights: each first-layer neuron's 784 incoming weights as a 28×28 image, blue negative, \
            red positive (the first 100 neurons of a wider layer, or --limit); for a convolutional \
            network, the first layer's learned k×k kernels (filters). mistakes: the \
            misclassified digits with true and predicted labels (the first 60, or --limit). \
            confusion: the confusion matrix as a heat map with counts. feature-maps: for one image (--split, --index), \
            the activations of each convolution and pooling layer, one tile per feature map.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case weights, mistakes, confusion
        case featureMaps = "feature-maps"
        static var allValueDescriptions: [String: String] {
            ["weights": "each first-layer neuron's incoming weights as a 28×28 image",
             "mistakes": "images the network gets wrong, with its answer", "confusion": "the confusion matrix",
             "feature-maps": "a convolutional network's feature maps for one image"]
        }
    }

    @Argument(help: "What to draw: weights, mistakes, confusion or feature-maps.")
    var kind: Kind

    @OptionGroup var model: ModelArgument

    @Option(name: .shortAndLong, help: ArgumentHelp("The figure to write: .svg or .png.", valueName: "file"))
    var output: String

    @Option(help: "The images to classify, for mistakes, confusion and feature-maps.")
    var split = MNIST.Split.test

    @Option(help: ArgumentHelp("The image whose feature maps to draw, counted from 0 in --split.", valueName: "i"))
    var index = 0

    @Option(help: ArgumentHelp("The most mistakes (default 60) or neurons (default 100) to show.", valueName: "n"))
    var limit: Int?

    @OptionGroup var data: DataOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if kind == .confusion || kind == .featureMaps, limit != nil {
            throw ValidationError("--limit applies to weights and mistakes, not \(kind.rawValue)")
        }
        if index < 0 { throw ValidationError("--index must not be negative, got \(index)") }
        if index != 0, kind != .featureMaps { throw ValidationError("--index applies to feature-maps only") }
    }

    func run() throws {
        try OutputCheck(inputs: [("<model>", model.path)], outputs: [("-o", output, ["svg", "png"])]).verify()
        let network = try model.load().network
        guard network.inputSize == MNIST.inputSize else {
            throw CLIError("\(model.path): the network takes \(network.inputSize) inputs, not 28×28 images")
        }
        switch kind {
        case .weights:
            // A first convolution draws its kernels (filters); a dense first layer, each neuron's 28×28 weights.
            var side = MNIST.imageSide
            if let conv = network.layers[0] as? ConvolutionLayer<Float> {
                guard conv.input.depth == 1 else { throw CLIError("\(model.path): the first convolution's kernels span \(conv.input.depth) maps") }
                side = conv.kernel
            } else if network.layers[0].dense == nil {
                throw CLIError("\(model.path): the first layer is neither dense nor a convolution; it has no weights to draw")
            }
            try writeFigure(WeightGrid.svg(network, side: side, limit: limit ?? WeightGrid.defaultLimit), to: output)
        case .featureMaps:
            guard network.layers.indices.contains(where: { network.imageShape(ofLayer: $0) != nil }) else {
                throw CLIError("\(model.path): the network has no convolution or pooling layers, so no feature maps; "
                               + "draw weights shows a dense network's first layer")
            }
            let set = try data.loadAll()[split]
            guard index < set.count else { throw ValidationError("--index \(index): the \(split.rawValue) images are 0 to \(set.count - 1)") }
            let input: [Float] = set.input(index)
            let answer = network.predictions(on: set[index..<index + 1])[0]
            try writeFigure(FeatureMaps.svg(network, input: input, inputSide: MNIST.imageSide, title:
                "Feature maps of \(split.rawValue) image \(index) (a \(set.labels[index]); the network says \(answer))"), to: output)
        case .mistakes, .confusion:
            guard network.outputSize == MNIST.classCount else { throw CLIError("\(model.path): the network has no 10 outputs") }
            let set = try data.loadAll()[split]
            if kind == .confusion {
                let evaluation = network.evaluate(on: set)
                try writeFigure(DigitFigures.confusionSVG(network.confusionMatrix(on: set), title:
                    "Confusion matrix on the \(grouped(set.count)) \(split.rawValue) images (\(percent(evaluation.accuracy)) right)"),
                                to: output)
            } else {
                let mistakes = DigitFigures.mistakes(of: network, on: set)
                let limit = limit ?? 60, shown = min(limit, mistakes.count)
                try writeFigure(DigitFigures.mistakesSVG(mistakes, data: set, side: MNIST.imageSide, limit: limit, title:
                    "\(grouped(mistakes.count)) of \(grouped(set.count)) \(split.rawValue) images misclassified; the first \(shown)"),
                                to: output)
            }
        }
        printLine("Wrote \(output)")
    }
}
