import ArgumentParser
import Backprop
import Datasets

/// The model file a command reads.
struct ModelArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("A model file: backprop's (from train --save or --checkpoint), network2.py's JSON, or safetensors.", valueName: "model"))
    var path: String

    func load() throws -> ModelFile {
        try ModelFile.load(from: path)
    }

    /// The network saved at `path`, refused unless it reads MNIST images and gives 10 outputs.
    static func mnistNetwork(at path: String) throws -> Network<Float> {
        let network = try ModelFile.load(from: path).network
        guard network.inputSize == MNIST.inputSize, network.outputSize == MNIST.classCount else {
            throw CLIError("\(path): a network with layer sizes \(network.layerSizes) cannot read MNIST images (784 inputs, 10 outputs)")
        }
        return network
    }
}
