import ArgumentParser

/// What `backprop train` writes: the trained network in three formats, the checkpoint, the
/// history and the learning curves.
struct TrainOutputOptions: ParsableArguments {
    enum Keep: String, ExpressibleByArgument, CaseIterable {
        case last, best
        static var allValueDescriptions: [String: String] {
            ["last": "the network after the last epoch (the run as a checkpoint holds it)",
             "best": "the network after the epoch with the best evaluation accuracy, with the run as it stood then"]
        }
    }

    @Option(help: ArgumentHelp("Save the trained network, its training configuration and history (backprop's format, .json).", valueName: "file"))
    var save: String?

    @Option(help: ArgumentHelp("Also save the network in network2.py's JSON format (sigmoid networks, quadratic or cross-entropy cost; .json).", valueName: "file"))
    var saveNetwork2: String?

    @Option(help: ArgumentHelp("Also save the network as safetensors (.safetensors), for numpy, PyTorch and other tools (fully connected layers only).", valueName: "file"))
    var saveSafetensors: String?

    @Option(help: "Which network --save, --save-network2 and --save-safetensors write.")
    var keep = Keep.last

    @Option(help: ArgumentHelp("Write the run to this file (.json) after every epoch, so that --resume can continue it. A resumed run checkpoints to its --resume file unless this names another.", valueName: "file"))
    var checkpoint: String?

    @Option(help: ArgumentHelp("Write the per-epoch history: .csv or .json.", valueName: "file"))
    var history: String?

    @Option(help: ArgumentHelp("Draw the learning curves after training: .svg or .png.", valueName: "file"))
    var plot: String?
}
