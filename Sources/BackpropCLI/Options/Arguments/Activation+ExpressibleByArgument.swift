import ArgumentParser
import Backprop

/// An activation function on the command line: `--activation relu`.
extension Activation: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        ["sigmoid": "σ(z) = 1/(1 + e⁻ᶻ), the book's neuron", "linear": "σ(z) = z",
         "tanh": "σ(z) = tanh z", "relu": "σ(z) = max(0, z)",
         "softmax": "aⱼ = eᶻʲ/Σₖ eᶻᵏ, output layer only"]
    }
}
