/// How a new network draws its weights and biases.
public enum WeightInitializer: String, Codable, CaseIterable, Sendable {
    /// Every weight and bias from the standard normal distribution N(0, 1), as in the book's
    /// chapter 1.
    case standardNormal

    /// Weights for a layer with `inputs` inputs and `neurons` neurons, and its biases.
    public func initialParameters<Scalar: BLASScalar, G: RandomNumberGenerator>(
        neurons: Int, inputs: Int, using generator: inout G
    ) -> (weights: Matrix<Scalar>, biases: [Scalar]) {
        switch self {
        case .standardNormal:
            // Weights row by row, then biases: the order fixes which numbers a seed gives.
            let weights = (0..<neurons * inputs).map { _ in Scalar(generator.nextStandardNormal()) }
            let biases = (0..<neurons).map { _ in Scalar(generator.nextStandardNormal()) }
            return (Matrix(rows: neurons, columns: inputs, elements: weights), biases)
        }
    }
}
