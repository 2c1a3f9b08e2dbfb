/// A fully connected layer, the book's: every neuron takes every activation of the layer before,
/// aˡ = σ(wˡaˡ⁻¹ + bˡ). The first ``LayerKind``, and the one the matrix path and the kernels run.
///
/// Layer-index convention, stated once: the book numbers layers 1…L with the input as layer 1,
/// which has no weights. `Network.layers[i]` is the book's layer l = i + 2, and its `weights`
/// are the book's wˡ: one row per neuron j of layer l, one column per neuron k of layer l − 1,
/// so wˡⱼₖ is `weights[j, k]` and aˡ = σ(wˡaˡ⁻¹ + bˡ) needs no transpose. Neurons are numbered
/// from 0.
public struct DenseLayer<Scalar: BLASScalar>: LayerKind, Equatable, Sendable {
    public static var kindName: String { "dense" }

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
    /// σ for neuron `j`.
    @inline(__always)
    public func activation(ofNeuron j: Int) -> Activation {
        neuronActivations.isEmpty ? activation : neuronActivations[j] ?? activation
    }

    /// zˡ = wˡaˡ⁻¹ + bˡ for one input vector.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func weightedInput(_ aPrevious: [Scalar]) -> [Scalar] {
        zip(weights * aPrevious, biases).map { $0 + $1 }
    }

    /// σ(z) neuron by neuron, or the softmax of the whole layer.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func activate(_ z: [Scalar]) -> [Scalar] {
        if activation == .softmax { return softmax(z) }
        return z.indices.map { activation(ofNeuron: $0).value(z[$0]) }
    }

    /// σ′(z) neuron by neuron; for softmax, the diagonal ∂aⱼ/∂zⱼ = aⱼ(1 − aⱼ) of its Jacobian.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func activationDerivative(_ z: [Scalar]) -> [Scalar] {
        if activation == .softmax { return softmax(z).map { $0 * (1 - $0) } }
        return z.indices.map { activation(ofNeuron: $0).derivative(z[$0]) }
    }

    /// (wˡ)ᵀδˡ, BP2's product.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func errorAtInput(_ delta: [Scalar], input _: [Scalar]) -> [Scalar] { weights.transposedTimes(delta) }

    /// BP3: ∂C/∂bˡ = δˡ.
    public func biasGradient(_ delta: [Scalar]) -> [Scalar] { delta }

    /// BP4: ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ, the outer product δˡ(aˡ⁻¹)ᵀ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func weightGradient(_ delta: [Scalar], input aPrevious: [Scalar]) -> Matrix<Scalar> {
        let n = aPrevious.count
        let elements = [Scalar](unsafeUninitializedCapacity: delta.count * n) { buffer, initialized in
            aPrevious.withUnsafeBufferPointer { a in
                for (j, d) in delta.enumerated() {
                    let row = buffer.baseAddress! + j * n
                    for k in 0..<n { row[k] = d * a[k] }
                }
            }
            initialized = delta.count * n
        }
        return Matrix(rows: delta.count, columns: n, elements: elements)
    }

    public var hasUniformActivation: Bool { neuronActivations.isEmpty }
    public var dense: DenseLayer<Scalar>? { self }

    public func problem(number l: Int) -> String? {
        if neurons == 0 || inputs == 0 { return "layer \(l) has no neurons or no inputs" }
        if neuronActivations.values.contains(.softmax) || (activation == .softmax && !neuronActivations.isEmpty) {
            return "a softmax layer's neurons cannot have functions of their own (layer \(l))"
        }
        return nil
    }

    public func converted<Other: BLASScalar>(to _: Other.Type) -> any LayerKind<Other> {
        DenseLayer<Other>(weights: weights.converted(), biases: biases.map { Other($0) },
                          activation: activation, neuronActivations: neuronActivations)
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
                        if activation == .softmax {
                            softmaxColumns(bias: b, rows: b.count, columns: m, z: z, a: a, sigmaPrime: sp)
                            return
                        }
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

/// The softmax of a vector, shifted by its maximum so that no exponential overflows.
func softmax<Scalar: BLASScalar>(_ z: [Scalar]) -> [Scalar] {
    let top = z.max() ?? 0
    let e = z.map { Scalar.exp($0 - top) }
    let sum = e.reduce(0, +)
    return e.map { $0 / sum }
}

/// Z += b, then the softmax of each column (example) of a `rows × columns` batch, and the
/// diagonal a(1 − a) of its Jacobian as σ′.
func softmaxColumns<Scalar: BLASScalar>(
    bias: UnsafeBufferPointer<Scalar>, rows: Int, columns: Int, z: UnsafeMutableBufferPointer<Scalar>,
    a: UnsafeMutableBufferPointer<Scalar>, sigmaPrime: UnsafeMutableBufferPointer<Scalar>
) {
    for j in 0..<rows {
        for c in 0..<columns { z[j * columns + c] += bias[j] }
    }
    for c in 0..<columns {
        var top = z[c]
        for j in 1..<rows { top = max(top, z[j * columns + c]) }
        var sum: Scalar = 0
        for j in 0..<rows {
            let e = Scalar.exp(z[j * columns + c] - top)
            a[j * columns + c] = e
            sum += e
        }
        for j in 0..<rows {
            let value = a[j * columns + c] / sum
            a[j * columns + c] = value
            sigmaPrime[j * columns + c] = value * (1 - value)
        }
    }
}

extension DenseLayer: Codable {
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

extension Network {
    /// Gives neuron `j` of dense layer `l` (an index into `layers`) its own σ: the chapter 2
    /// exercise "backpropagation with a single modified neuron".
    /// - Precondition: Layer `l` is dense and has neuron `j`.
    public mutating func modifyNeuron(layer l: Int, neuron j: Int, activation: Activation) {
        guard var layer = layers[l].dense, (0..<layer.neurons).contains(j) else {
            preconditionFailure("Layer \(l + 2) is not dense or has no neuron \(j)")
        }
        layer.neuronActivations[j] = activation
        layers[l] = layer
    }
}
