import ArgumentParser
import Backprop

/// The model file a command reads.
struct ModelArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("A model file: backprop's (from train --save or --checkpoint), network2.py's JSON, or safetensors.", valueName: "model"))
    var path: String

    func load() throws -> ModelFile {
        try ModelFile.load(from: path)
    }
}
