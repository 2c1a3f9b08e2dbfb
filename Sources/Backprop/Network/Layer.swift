/// One layer of neurons with its incoming weights and its biases.
///
/// Layer-index convention, stated once: the book numbers layers 1…L with the input as layer 1,
/// which has no weights. `Network.layers[i]` is the book's layer l = i + 2, and its `weights`
/// are the book's wˡ: one row per neuron j of layer l, one column per neuron k of layer l − 1,
/// so wˡⱼₖ is `weights[j, k]` and aˡ = σ(wˡaˡ⁻¹ + bˡ) needs no transpose.
public struct Layer<Scalar: BLASScalar>: Equatable, Codable, Sendable {
    /// wˡ, `neurons × inputs`.
    public var weights: Matrix<Scalar>
    /// bˡ, one per neuron.
    public var biases: [Scalar]
    /// σ for every neuron of the layer.
    public var activation: Activation

    public init(weights: Matrix<Scalar>, biases: [Scalar], activation: Activation = .sigmoid) {
        precondition(biases.count == weights.rows,
                     "\(biases.count) biases for \(weights.rows) neurons")
        self.weights = weights
        self.biases = biases
        self.activation = activation
    }

    /// The number of neurons in this layer.
    public var neurons: Int { weights.rows }
    /// The number of neurons in the layer before.
    public var inputs: Int { weights.columns }
    /// The number of weights and biases.
    public var parameterCount: Int { weights.elements.count + biases.count }
}
