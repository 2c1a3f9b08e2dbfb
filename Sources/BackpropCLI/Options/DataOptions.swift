import ArgumentParser
import Backprop
import Datasets

/// Where to find the MNIST files, and the one way commands read them.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp(
        "Folder with the MNIST files, gzipped or raw (all four, or the two a command needs).",
        discussion: "Default: $MNIST_DIR if set, else \(MNISTLocation.defaultDirectory()).",
        valueName: "dir"))
    var directory: String?

    /// The folder chosen by `--data`, `$MNIST_DIR` or the default, in that order.
    var resolvedDirectory: String { MNISTLocation.directory(explicit: directory) }

    /// One split's images, read from only the files it needs (the test images need only the two
    /// t10k files).
    /// - Throws: ``MNISTError`` naming what is missing from the folder, ``IDXError`` naming a
    ///   malformed file.
    func load(_ split: MNIST.Split) throws -> LabelledData {
        try MNIST.load(split, directory: resolvedDirectory)
    }

    /// The whole data set; without the test images only the two train files are read.
    /// - Throws: As ``load(_:)`` does.
    func loadAll(includingTest: Bool = true) throws -> MNIST {
        try MNIST(directory: resolvedDirectory, includingTest: includingTest)
    }
}
