import ArgumentParser
import Backprop

/// The cost on the command line: `--cost cross-entropy`.
extension Cost: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        ["quadratic": "C = ½‖y − aᴸ‖², chapter 1's cost",
         "cross-entropy": "C = −Σⱼ [yⱼ ln aⱼᴸ + (1 − yⱼ) ln(1 − aⱼᴸ)], which does not learn slowly when σ saturates",
         "log-likelihood": "C = −ln aᵧᴸ, for softmax outputs"]
    }
}
