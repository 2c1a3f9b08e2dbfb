import ArgumentParser
import Backprop
import Datasets

/// Which example to feed the network: given numbers, or an MNIST image.
struct ExampleOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("The input x, comma-separated (instead of an MNIST image).", valueName: "values"))
    var input: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The desired output y, comma-separated, with --input.", valueName: "values"))
    var target: String?

    @Option(parsing: .unconditional, help: "Which MNIST image, counted from 0 within the split.")
    var index = 0

    @Option(help: "The MNIST split the image comes from.")
    var split = MNIST.Split.training

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
        let set = try data.load(split)
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
