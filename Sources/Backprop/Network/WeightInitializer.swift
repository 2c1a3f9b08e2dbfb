/// How a new network draws its weights and biases.
public enum WeightInitializer: String, Codable, CaseIterable, Sendable {
    /// Every weight and bias from the standard normal distribution N(0, 1), as in the book's
    /// chapter 1.
    case standardNormal
    /// Weights from N(0, 1/n_in), where n_in is the number of inputs to the neuron, biases from
    /// N(0, 1): chapter 3's default, which keeps weighted inputs from saturating the neurons.
    case scaledNormal

    /// Weights for a layer with `inputs` inputs and `neurons` neurons, and its biases.
    public func initialParameters<Scalar: BLASScalar, G: RandomNumberGenerator>(
        neurons: Int, inputs: Int, using generator: inout G
    ) -> (weights: Matrix<Scalar>, biases: [Scalar]) {
        let scale: Double = switch self {
        case .standardNormal: 1
        case .scaledNormal: 1 / Double(inputs).squareRoot()
        }
        // Weights row by row, then biases: the order fixes which numbers a seed gives.
        let weights = (0..<neurons * inputs).map { _ in Scalar(scale * generator.nextStandardNormal()) }
        let biases = (0..<neurons).map { _ in Scalar(generator.nextStandardNormal()) }
        return (Matrix(rows: neurons, columns: inputs, elements: weights), biases)
    }
}
