import ArgumentParser
import Backprop

/// The initial weights on the command line: `--initialization scaled-normal`.
extension WeightInitializer: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        ["standard-normal": "weights N(0, 1), chapter 1", "scaled-normal": "weights N(0, 1/n_in), chapter 3"]
    }
}
