import ArgumentParser
import Datasets

/// MNIST's splits on the command line, by name: `--split test`, `--evaluate-on validation`.
extension MNIST.Split: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0.summary) })
    }

    /// What the split holds, as the help says it.
    var summary: String {
        switch self {
        case .training: "the first 50,000 of MNIST's 60,000 training images"
        case .validation: "the last 10,000 of the training images, held out"
        case .test: "MNIST's 10,000 test images"
        }
    }
}
