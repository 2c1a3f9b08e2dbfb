import ArgumentParser
import Backprop
import Datasets

/// Which example to feed the network: given numbers, or an MNIST image.
struct ExampleOptions: ParsableArguments {
    enum Split: String, ExpressibleByArgument, CaseIterable {
        case training, validation, test
        static var allValueDescriptions: [String: String] {
            ["training": "the first 50,000 of MNIST's 60,000 training images",
             "validation": "the last 10,000 of the training images, held out", "test": "MNIST's 10,000 test images"]
        }
    }

    @Option(parsing: .unconditional, help: ArgumentHelp("The input x, comma-separated (instead of an MNIST image).", valueName: "values"))
    var input: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The desired output y, comma-separated, with --input.", valueName: "values"))
    var target: String?

    @Option(parsing: .unconditional, help: "Which MNIST image, counted from 0 within the split.")
    var index = 0

    @Option(help: "The MNIST split the image comes from.")
    var split = Split.training

    @OptionGroup var data: DataOptions

    func validate() throws {
        guard (input == nil) == (target == nil) else { throw ValidationError("--input and --target go together") }
        guard index >= 0 else { throw ValidationError("--index must not be negative, got \(index)") }
    }

    /// The example, checked against the network's shape, and a description of it.
    func example<Scalar: BLASScalar>(for network: Network<Scalar>) throws -> (x: [Scalar], y: [Scalar], name: String) {
        if let input, let target {
            let x = try Self.numbers(input, "--input"), y = try Self.numbers(target, "--target")
            guard x.count == network.inputSize else {
                throw ValidationError("--input has \(x.count) values, the network takes \(network.inputSize)")
            }
            guard y.count == network.outputSize else {
                throw ValidationError("--target has \(y.count) values, the network has \(network.outputSize) outputs")
            }
            return (x.map { Scalar($0) }, y.map { Scalar($0) }, "the given input")
        }
        guard network.inputSize == MNIST.inputSize, network.outputSize == MNIST.classCount else {
            throw ValidationError("an MNIST image needs a network with \(MNIST.inputSize) inputs and \(MNIST.classCount) outputs; "
                                  + "for this one give --input and --target")
        }
        let set = try split.load(from: data.resolvedDirectory)
        guard index < set.count else {
            throw ValidationError("--index \(index) is past the \(set.count) \(split.rawValue) images")
        }
        return (set.input(index), set.target(index), "\(split.rawValue) image \(index) (a \(set.labels[index]))")
    }

    static func numbers(_ text: String, _ what: String) throws -> [Double] {
        try text.split(separator: ",").map { item in
            guard let value = Double(item.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw ValidationError("\(what): \"\(item)\" is not a number")
            }
            return value
        }
    }
}

extension ExampleOptions.Split {
    /// The same split as the data set names it.
    var mnistSplit: MNIST.Split {
        switch self {
        case .training: .training
        case .validation: .validation
        case .test: .test
        }
    }

    /// This split's images, read from only the files it needs (the test images need only the two
    /// t10k files).
    func load(from directory: String) throws -> LabelledData {
        try MNIST.load(mnistSplit, directory: directory)
    }

    /// This split's images from the whole data set.
    func data(in mnist: MNIST) -> LabelledData {
        switch self {
        case .training: mnist.training
        case .validation: mnist.validation
        case .test: mnist.test
        }
    }
}

/// Floating-point precision for inspection commands.
enum Precision: String, ExpressibleByArgument, CaseIterable {
    case float, double
    static var allValueDescriptions: [String: String] {
        ["float": "32-bit, as training runs", "double": "64-bit, for exact comparisons"]
    }
}

/// A command that works in either precision: `run()` calls `run(Float.self)` or `run(Double.self)`.
protocol PrecisionCommand: ParsableCommand {
    var precision: Precision { get }
    func run<Scalar: BLASScalar>(_: Scalar.Type) throws
}

extension PrecisionCommand {
    func run() throws {
        switch precision {
        case .float: try run(Float.self)
        case .double: try run(Double.self)
        }
    }
}
