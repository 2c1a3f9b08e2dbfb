/// One layer of neurons with its incoming weights and its biases.
///
/// Layer-index convention, stated once: the book numbers layers 1…L with the input as layer 1,
/// which has no weights. `Network.layers[i]` is the book's layer l = i + 2, and its `weights`
/// are the book's wˡ: one row per neuron j of layer l, one column per neuron k of layer l − 1,
/// so wˡⱼₖ is `weights[j, k]` and aˡ = σ(wˡaˡ⁻¹ + bˡ) needs no transpose. Neurons are numbered
/// from 0.
public struct Layer<Scalar: BLASScalar>: Equatable, Sendable {
    /// wˡ, `neurons × inputs`.
    public var weights: Matrix<Scalar>
    /// bˡ, one per neuron.
    public var biases: [Scalar]
    /// σ for the layer's neurons.
    public var activation: Activation
    /// Neurons that use another function than `activation`, by neuron index: the chapter 2
    /// exercise "backpropagation with a single modified neuron". Usually empty.
    public var neuronActivations: [Int: Activation]

    public init(weights: Matrix<Scalar>, biases: [Scalar], activation: Activation = .sigmoid,
                neuronActivations: [Int: Activation] = [:]) {
        precondition(biases.count == weights.rows,
                     "\(biases.count) biases for \(weights.rows) neurons")
        precondition(neuronActivations.keys.allSatisfy { (0..<weights.rows).contains($0) },
                     "A modified neuron is not in the layer")
        self.weights = weights
        self.biases = biases
        self.activation = activation
        self.neuronActivations = neuronActivations
    }

    /// The number of neurons in this layer.
    public var neurons: Int { weights.rows }
    /// The number of neurons in the layer before.
    public var inputs: Int { weights.columns }
    /// The number of weights and biases.
    public var parameterCount: Int { weights.elements.count + biases.count }

    /// σ for neuron `j`.
    @inline(__always)
    public func activation(ofNeuron j: Int) -> Activation {
        neuronActivations.isEmpty ? activation : neuronActivations[j] ?? activation
    }

    /// zˡ = wˡaˡ⁻¹ + bˡ for one input vector.
    public func weightedInput(_ aPrevious: [Scalar]) -> [Scalar] {
        zip(weights * aPrevious, biases).map { $0 + $1 }
    }

    /// σ(z) neuron by neuron.
    public func activate(_ z: [Scalar]) -> [Scalar] {
        z.indices.map { activation(ofNeuron: $0).value(z[$0]) }
    }

    /// σ′(z) neuron by neuron.
    public func activationDerivative(_ z: [Scalar]) -> [Scalar] {
        z.indices.map { activation(ofNeuron: $0).derivative(z[$0]) }
    }

    /// For a `neurons × m` batch of weighted inputs: Z += b, A = σ(Z) and σ′(Z), row by row.
    func applyWithBias(z: inout Matrix<Scalar>, a: inout Matrix<Scalar>, sigmaPrime: inout Matrix<Scalar>) {
        let m = z.columns
        precondition(z.rows == neurons && a.elements.count == z.elements.count
                     && sigmaPrime.elements.count == z.elements.count)
        biases.withUnsafeBufferPointer { b in
            z.elements.withUnsafeMutableBufferPointer { z in
                a.elements.withUnsafeMutableBufferPointer { a in
                    sigmaPrime.elements.withUnsafeMutableBufferPointer { sp in
                        for j in 0..<b.count {
                            activation(ofNeuron: j).apply(
                                bias: b[j], count: m, z: z.baseAddress! + j * m,
                                a: a.baseAddress! + j * m, sigmaPrime: sp.baseAddress! + j * m)
                        }
                    }
                }
            }
        }
    }
}

extension Layer: Codable {
    private enum CodingKeys: String, CodingKey { case weights, biases, activation, neuronActivations }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let weights = try container.decode(Matrix<Scalar>.self, forKey: .weights)
        let biases = try container.decode([Scalar].self, forKey: .biases)
        let activation = try container.decodeIfPresent(Activation.self, forKey: .activation) ?? .sigmoid
        let named = try container.decodeIfPresent([String: Activation].self, forKey: .neuronActivations) ?? [:]
        var neuronActivations: [Int: Activation] = [:]
        for (key, value) in named {
            guard let j = Int(key), (0..<weights.rows).contains(j) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .neuronActivations, in: container,
                    debugDescription: "\"\(key)\" is not a neuron of a layer with \(weights.rows) neurons")
            }
            neuronActivations[j] = value
        }
        guard biases.count == weights.rows else {
            throw DecodingError.dataCorruptedError(
                forKey: .biases, in: container,
                debugDescription: "\(biases.count) biases for a layer of \(weights.rows) neurons")
        }
        self.init(weights: weights, biases: biases, activation: activation, neuronActivations: neuronActivations)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(weights, forKey: .weights)
        try container.encode(biases, forKey: .biases)
        try container.encode(activation, forKey: .activation)
        if !neuronActivations.isEmpty {
            let named = Dictionary(uniqueKeysWithValues: neuronActivations.map { (String($0.key), $0.value) })
            try container.encode(named, forKey: .neuronActivations)
        }
    }
}
