import ArgumentParser
import Backprop
import Datasets

/// `backprop predict MODEL`: the network's answer for one image.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify one image with a saved network and print each digit's probability.",
        discussion: """
            The image is an MNIST image (--index, --split) or a 28×28 PGM file (--image). MNIST \
            digits are light on dark; an image that is mostly light is taken to be dark on light \
            and inverted (say --invert or --no-invert to decide). With softmax outputs the \
            activations are the probabilities; with sigmoid outputs they are shown normalized to \
            sum to 1.
            """)

    @OptionGroup var model: ModelArgument

    @Option(help: ArgumentHelp("A 28×28 greyscale image in PGM format (P2 or P5).", valueName: "file"))
    var image: String?

    @Option(help: "Which MNIST image, counted from 0 within the split.")
    var index = 0

    @Option(help: "The MNIST split the image comes from.")
    var split = ExampleOptions.Split.test

    @Flag(inversion: .prefixedNo, help: "Invert the PGM image's shades (default: when it is mostly light).")
    var invert: Bool?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var data: DataOptions

    struct Report: Encodable {
        var source: String
        var label: Int?
        var prediction: Int
        var probabilities: [Double]
        var activations: [Double]
    }

    func validate() throws {
        guard index >= 0 else { throw ValidationError("--index must not be negative, got \(index)") }
    }

    func run() throws {
        let network = try model.load().network
        guard network.inputSize == MNIST.inputSize, network.outputSize == MNIST.classCount else {
            throw CLIError("\(model.path): a network with layer sizes \(network.layerSizes) cannot read 28×28 digits")
        }
        let (x, label, source) = try input()
        let activations = network.feedforward(x.map { Float($0) }).map(Double.init)
        let isSoftmax = network.layers.last!.activation == .softmax
        let total = activations.reduce(0, +)
        let probabilities = isSoftmax || total <= 0 ? activations : activations.map { $0 / total }
        let prediction = activations.indices.max { activations[$0] < activations[$1] }!
        if json {
            return try printJSON(Report(source: source, label: label, prediction: prediction,
                                        probabilities: probabilities, activations: activations))
        }
        printLine("\(source): the network says \(prediction)" + (label.map { $0 == prediction ? " (right)" : " (the label is \($0))" } ?? ""))
        printLine(isSoftmax ? "digit  probability" : "digit  share of output  (sigmoid activation)")
        for digit in 0..<10 {
            let bar = String(repeating: "█", count: Int((probabilities[digit] * 40).rounded()))
            let line = pad("\(digit)", 5) + pad(fixed(probabilities[digit] * 100, places: 2) + "%", 10)
                + (isSoftmax ? "" : pad("(" + fixed(activations[digit], places: 4) + ")", 10))
            printLine(bar.isEmpty ? line : line + "  " + bar)
        }
    }

    func input() throws -> (x: [Double], label: Int?, source: String) {
        if let image {
            let pgm = try PGMImage(contentsOf: image)
            guard pgm.width == MNIST.imageSide, pgm.height == MNIST.imageSide else {
                throw CLIError("\(image): the image is \(pgm.width)×\(pgm.height); the network reads 28×28 digits")
            }
            let mean = pgm.pixels.reduce(0, +) / Double(pgm.pixels.count)
            let flip = invert ?? (mean > 0.5)
            return (flip ? pgm.pixels.map { 1 - $0 } : pgm.pixels, nil, image + (flip ? " (inverted)" : ""))
        }
        let mnist = try MNIST(directory: data.resolvedDirectory)
        let set = split.data(in: mnist)
        guard index < set.count else { throw ValidationError("--index \(index) is past the \(set.count) \(split.rawValue) images") }
        return (set.input(index), Int(set.labels[index]), "\(split.rawValue) image \(index)")
    }
}
