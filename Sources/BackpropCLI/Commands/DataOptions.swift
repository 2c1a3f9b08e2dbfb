import ArgumentParser
import Datasets

/// Where to find the MNIST files.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp(
        "Folder with the MNIST files, gzipped or raw (all four, or the two a command needs).",
        discussion: "Default: $MNIST_DIR if set, else \(MNISTLocation.defaultDirectory()).",
        valueName: "dir"))
    var directory: String?

    /// The folder chosen by `--data`, `$MNIST_DIR` or the default, in that order.
    var resolvedDirectory: String { MNISTLocation.directory(explicit: directory) }
}
