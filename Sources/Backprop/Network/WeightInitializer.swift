/// How a new network draws its weights and biases.
public enum WeightInitializer: String, Codable, CaseIterable, Sendable {
    /// Every weight and bias from the standard normal distribution N(0, 1), as in the book's
    /// chapter 1.
    case standardNormal
    /// Weights from N(0, 1/n_in), where n_in is the number of inputs to the neuron, biases from
    /// N(0, 1): chapter 3's default, which keeps weighted inputs from saturating the neurons.
    case scaledNormal
    /// Weights from N(0, 2/n_in) and biases 0 (He et al. 2015): the variance ReLU neurons need to
    /// pass a signal of the same size from layer to layer, since they zero half their inputs.
    case he
    /// Weights and biases from the uniform distribution on [−1/√n_in, 1/√n_in), PyTorch's default
    /// for its `Linear` and `Conv2d` layers.
    case uniform

    /// Weights for a layer with `inputs` inputs and `neurons` neurons, and its biases.
    public func initialParameters<Scalar: BLASScalar, G: RandomNumberGenerator>(
        neurons: Int, inputs: Int, using generator: inout G
    ) -> (weights: Matrix<Scalar>, biases: [Scalar]) {
        let scale: Double = switch self {
        case .standardNormal: 1
        case .scaledNormal, .uniform: 1 / Double(inputs).squareRoot()
        case .he: (2 / Double(inputs)).squareRoot()
        }
        let draw: (inout G) -> Double = switch self {
        case .standardNormal, .scaledNormal, .he: { scale * $0.nextStandardNormal() }
        case .uniform: { scale * (2 * $0.nextUniform() - 1) }
        }
        // Weights row by row, then biases: the order fixes which numbers a seed gives.
        let weights = (0..<neurons * inputs).map { _ in Scalar(draw(&generator)) }
        let bias: (inout G) -> Double = switch self {
        case .standardNormal, .scaledNormal: { $0.nextStandardNormal() }
        case .he: { _ in 0 }
        case .uniform: draw
        }
        let biases = (0..<neurons).map { _ in Scalar(bias(&generator)) }
        return (Matrix(rows: neurons, columns: inputs, elements: weights), biases)
    }
}
