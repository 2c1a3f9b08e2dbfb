import ArgumentParser
import Backprop
import Datasets

/// `backprop show`: an MNIST digit in the terminal.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw an MNIST digit in the terminal, with its label and, given a model, the network's answer.")

    @Option(help: "Which image, counted from 0 within the split.")
    var index = 0

    @Option(help: "The split the image comes from.")
    var split = MNIST.Split.test

    @Option(help: ArgumentHelp("A saved network whose answer to show.", valueName: "file"))
    var model: String?

    @OptionGroup var data: DataOptions

    func validate() throws {
        guard index >= 0 else { throw ValidationError("--index must not be negative, got \(index)") }
    }

    func run() throws {
        let set = try data.loadAll()[split]
        guard index < set.count else { throw ValidationError("--index \(index) is past the \(set.count) \(split.rawValue) images") }
        let pixels: [Double] = set.input(index)
        let border = "+" + String(repeating: "-", count: 2 * MNIST.imageSide) + "+"
        printLine(border)
        for line in Terminal.shades(pixels, side: MNIST.imageSide) { printLine("|" + line + "|") }
        printLine(border)
        let label = Int(set.labels[index])
        var text = "\(split.rawValue) image \(index): label \(label)"
        if let model {
            let network = try ModelFile.load(from: model).network
            guard network.inputSize == MNIST.inputSize, network.outputSize == MNIST.classCount else {
                throw CLIError("\(model): the network does not read 28×28 digits into 10 classes")
            }
            let output = network.feedforward(set.input(index, as: Float.self))
            let predicted = output.indices.max { output[$0] < output[$1] }!
            text += "; the network says \(predicted) "
                + (predicted == label ? Terminal.colored("(right)", 32) : Terminal.colored("(wrong)", 31))
        }
        printLine(text)
    }
}
