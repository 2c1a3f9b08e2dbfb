import ArgumentParser
import Backprop

/// The initial weights on the command line: `--initialization scaled-normal`.
extension WeightInitializer: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        ["standard-normal": "weights and biases N(0, 1), chapter 1",
         "scaled-normal": "weights N(0, 1/n_in), biases N(0, 1), chapter 3",
         "he": "weights N(0, 2/n_in), biases 0, for ReLU",
         "uniform": "weights and biases uniform in ±1/√n_in, PyTorch's default"]
    }
}
