import ArgumentParser
import Backprop
import Datasets
import Foundation
import Pictures

/// `backprop predict MODEL`: the network's answer for one image, or for each image in a folder.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify an image (or a folder of them) with a saved network and print each digit's probability.",
        discussion: """
            The image is an MNIST image (--index, --split) or a PNG or PGM file (--image): any \
            size, grey or colour, with or without transparency. A picture that is not 28×28 is \
            prepared as MNIST's digits were: dark ink on a light background is inverted (MNIST's \
            ink is light on dark; the picture's border decides, or --invert / --no-invert), the \
            box around the ink is fitted into 20×20 keeping its aspect ratio, and placed in 28×28 \
            with its centre of mass at the centre. A 28×28 picture is only inverted when its \
            border is light. --show-input writes the 28×28 image the network saw.

            --image FOLDER classifies each .png and .pgm file in the folder, one line each, in \
            name order (numbers in names counted as numbers); a file that cannot be read is \
            reported and the others are still classified, and the exit status is 1 if any failed. \
            With a folder, --show-input names a folder (made if missing) that gets one PNG per image.

            With softmax outputs the activations are the probabilities; with sigmoid outputs they \
            are shown normalized to sum to 1.
            """)

    @OptionGroup var model: ModelArgument

    @Option(help: ArgumentHelp("A picture of a digit, PNG or PGM, any size; or a folder of them.", valueName: "path"))
    var image: String?

    @Option(help: "Which MNIST image, counted from 0 within the split.")
    var index = 0

    @Option(help: "The MNIST split the image comes from.")
    var split = MNIST.Split.test

    @Flag(inversion: .prefixedNo, help: "Invert the picture's shades (default: when its border is mostly light).")
    var invert: Bool?

    @Option(help: ArgumentHelp(
        "Write the 28×28 image the network saw: .png (enlarged ten times) or .pgm (28×28); with a folder of images, a folder.",
        valueName: "path"))
    var showInput: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var data: DataOptions

    struct Report: Encodable {
        var source: String
        var label: Int?
        var prediction: Int
        var probabilities: [Double]
        var activations: [Double]
        /// For a picture file: whether its shades were inverted, and whether it was fitted and centred.
        var inverted: Bool?
        var prepared: Bool?
    }

    /// A picture file made into the network's input.
    struct PreparedInput {
        var x: [Double]
        var digit: DigitPreparation.PreparedDigit

        init(path: String, invert: Bool?) throws {
            digit = try DigitPreparation.prepare(try GreyscaleImage(contentsOf: path), invert: invert, name: path)
            x = digit.pixels
        }

        /// What was done to the picture, in words: "inverted, fitted into 20×20 and centred".
        var notes: [String] {
            (digit.inverted ? ["inverted"] : []) + (digit.resized ? ["fitted into 20×20 and centred"] : [])
        }
    }

    func validate() throws {
        guard index >= 0 else { throw ValidationError("--index must not be negative, got \(index)") }
    }

    func run() throws {
        if let image, PathKind(of: image) == .folder { return try runFolder(image) }
        try OutputCheck(inputs: [("<model>", model.path), ("--image", image)],
                        outputs: [("--show-input", showInput, ["png", "pgm"])]).verify()
        let network = try loadNetwork()
        let (x, label, source, prepared) = try input()
        if let showInput { try AtomicFile.write(Self.inputPicture(x, format: showInput), to: showInput) }
        let report = Self.report(network, x, source: source, label: label, prepared: prepared)
        if json { return try printJSON(report) }
        let notes = prepared?.notes ?? []
        printLine(source + (notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")") + ": the network says \(report.prediction)"
                  + (label.map { $0 == report.prediction ? " (right)" : " (the label is \($0))" } ?? ""))
        let isSoftmax = network.layers.last!.activation == .softmax
        printLine(isSoftmax ? "digit  probability" : "digit  share of output  (sigmoid activation)")
        for digit in 0..<10 {
            let share = report.probabilities[digit]
            let bar = String(repeating: "█", count: Int((share * 40).rounded()))
            let line = pad("\(digit)", 5) + pad(fixed(share * 100, places: 2) + "%", 10)
                + (isSoftmax ? "" : pad("(" + fixed(report.activations[digit], places: 4) + ")", 10))
            printLine(bar.isEmpty ? line : line + "  " + bar)
        }
    }

    /// The saved network, checked to read 28×28 digits.
    func loadNetwork() throws -> Network<Float> {
        let network = try model.load().network
        guard network.inputSize == MNIST.inputSize, network.outputSize == MNIST.classCount else {
            throw CLIError("\(model.path): a network with layer sizes \(network.layerSizes) cannot read 28×28 digits")
        }
        return network
    }

    func input() throws -> (x: [Double], label: Int?, source: String, prepared: PreparedInput?) {
        if let image {
            let prepared = try PreparedInput(path: image, invert: invert)
            return (prepared.x, nil, image, prepared)
        }
        let set = try data.load(split)
        guard index < set.count else { throw ValidationError("--index \(index) is past the \(set.count) \(split.rawValue) images") }
        return (set.input(index), Int(set.labels[index]), "\(split.rawValue) image \(index)", nil)
    }

    /// The network's answer for input `x`: with sigmoid outputs, the activations normalized to sum to 1.
    static func report(_ network: Network<Float>, _ x: [Double], source: String, label: Int?, prepared: PreparedInput?) -> Report {
        let activations = network.feedforward(x.map { Float($0) }).map(Double.init)
        let isSoftmax = network.layers.last!.activation == .softmax
        let total = activations.reduce(0, +)
        let probabilities = isSoftmax || total <= 0 ? activations : activations.map { $0 / total }
        let prediction = activations.indices.max { activations[$0] < activations[$1] }!
        return Report(source: source, label: label, prediction: prediction, probabilities: probabilities,
                      activations: activations, inverted: prepared?.digit.inverted, prepared: prepared?.digit.resized)
    }

    /// The 28×28 input as a picture file, in the network's shades (ink white on black, as in
    /// MNIST's files): a PGM file of 28×28 pixels, which `predict --image` reads back unchanged,
    /// or a PNG file enlarged ten times for looking at.
    static func inputPicture(_ x: [Double], format path: String) -> Data {
        let side = MNIST.imageSide
        let levels = x.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
        if path.lowercased().hasSuffix(".pgm") { return Data("P5\n\(side) \(side)\n255\n".utf8) + Data(levels) }
        let zoom = 10
        var picture = RGBImage(width: side * zoom, height: side * zoom, fill: .black)
        for (i, level) in levels.enumerated() {
            picture.fillRect(x: i % side * zoom, y: i / side * zoom, width: zoom, height: zoom,
                             color: Color(red: level, green: level, blue: level))
        }
        return Data(PNGEncoder.encode(picture))
    }
}
