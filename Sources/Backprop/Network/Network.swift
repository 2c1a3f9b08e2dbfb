/// A feedforward network: aˡ = σ(wˡaˡ⁻¹ + bˡ) layer after layer, each layer of some
/// ``LayerKind`` (``DenseLayer`` for the book's networks).
///
/// See ``DenseLayer`` for how the book's layer numbers map onto `layers`.
public struct Network<Scalar: BLASScalar>: Equatable, Sendable {
    /// The layers after the input layer, in order.
    public var layers: [any LayerKind<Scalar>]
    /// The cost that training minimizes.
    public var cost: Cost

    /// A network made of the given layers, each taking the previous one's outputs.
    ///
    /// - Precondition: The layers fit together, softmax is only used by the output layer, and
    ///   `cost` is defined for the output layer's activation (see ``problem(layers:cost:)``).
    public init(layers: [any LayerKind<Scalar>], cost: Cost = .quadratic) {
        if let problem = Self.problem(layers: layers, cost: cost) { preconditionFailure(problem) }
        self.layers = layers
        self.cost = cost
    }

    /// What makes these layers and cost not a network, if anything.
    public static func problem(layers: [any LayerKind<Scalar>], cost: Cost) -> String? {
        guard let output = layers.last else { return "a network needs at least one layer of weights" }
        for (l, layer) in layers.enumerated() {
            if let problem = layer.problem(number: l + 2) { return problem }
            if layer.activation == .softmax && l != layers.count - 1 {
                return "softmax is for the output layer only, not layer \(l + 2)"
            }
        }
        for (l, (previous, next)) in zip(layers, layers.dropFirst()).enumerated() {
            if previous.neurons != next.inputs {
                return "layer \(l + 2) has \(previous.neurons) neurons but layer \(l + 3) takes \(next.inputs) inputs"
            }
        }
        if (0..<output.neurons).contains(where: { !cost.supports(output.activation(ofNeuron: $0)) }) || !cost.supports(output.activation) {
            return "the \(cost.hyphenatedName) cost needs outputs in (0, 1), from sigmoid or softmax, not \(output.activation.rawValue)"
        }
        return nil
    }

    /// A new network with random weights and biases.
    ///
    /// - Parameters:
    ///   - layerSizes: Neurons per layer, input first, e.g. `[784, 30, 10]`.
    ///   - activation: σ for every layer.
    ///   - initializer: The distribution of the initial weights and biases.
    ///   - generator: The source of randomness; the same seed gives the same network.
    ///   - outputActivation: σ for the output layer, when it differs (e.g. softmax).
    public init<G: RandomNumberGenerator>(
        layerSizes: [Int], activation: Activation = .sigmoid, outputActivation: Activation? = nil,
        cost: Cost = .quadratic, initializer: WeightInitializer = .standardNormal, using generator: inout G
    ) {
        precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 > 0 },
                     "A network needs at least two layers, each with at least one neuron")
        var layers: [any LayerKind<Scalar>] = []
        for (inputs, neurons) in zip(layerSizes, layerSizes.dropFirst()) {
            let (weights, biases): (Matrix<Scalar>, [Scalar]) =
                initializer.initialParameters(neurons: neurons, inputs: inputs, using: &generator)
            layers.append(DenseLayer(weights: weights, biases: biases, activation: activation))
        }
        if let outputActivation { layers[layers.count - 1].activation = outputActivation }
        self.init(layers: layers, cost: cost)
    }

    /// Neurons per layer, input first.
    public var layerSizes: [Int] { [layers[0].inputs] + layers.map(\.neurons) }
    /// The number of inputs, n in the input layer.
    public var inputSize: Int { layers[0].inputs }
    /// The number of output neurons.
    public var outputSize: Int { layers[layers.count - 1].neurons }
    /// The number of weights and biases in all layers.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// The output aᴸ for input `x`, computing aˡ = σ(wˡaˡ⁻¹ + bˡ) layer by layer.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func feedforward(_ x: [Scalar]) -> [Scalar] {
        precondition(x.count == inputSize, "Input has \(x.count) values, the network takes \(inputSize)")
        return outputLayer(for: x).a
    }

    /// zᴸ and aᴸ for input `x`, with `nudge.dz` added to the weighted input of neuron
    /// `nudge.neuron` in layer `nudge.layer` (an index into `layers`) when given: the demon of
    /// ``probe(input:target:changing:by:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func outputLayer(for x: [Scalar], nudge: (layer: Int, neuron: Int, dz: Scalar)? = nil) -> (z: [Scalar], a: [Scalar]) {
        var a = x, z: [Scalar] = []
        for (l, layer) in layers.enumerated() {
            z = layer.weightedInput(a)
            if let nudge, nudge.layer == l { z[nudge.neuron] += nudge.dz }
            a = layer.activate(z)
        }
        return (z, a)
    }

    /// The same network in another precision.
    public func converted<Other: BLASScalar>(to _: Other.Type = Other.self) -> Network<Other> {
        Network<Other>(layers: layers.map { $0.converted(to: Other.self) }, cost: cost)
    }

    /// The layers as dense ones, when every layer is: what the matrix path and the kernels run.
    public var denseLayers: [DenseLayer<Scalar>]? {
        var result: [DenseLayer<Scalar>] = []
        for layer in layers {
            guard let dense = layer.dense else { return nil }
            result.append(dense)
        }
        return result
    }

    /// The kinds of layer a model file may hold, by their ``LayerKind/kindName``, each with the
    /// code that reads one; a layer without a `"kind"` is dense. A new kind of layer is added here.
    public static var layerKinds: [(name: String, decode: (Decoder) throws -> any LayerKind<Scalar>)] {
        [(DenseLayer<Scalar>.kindName, { try DenseLayer<Scalar>(from: $0) }),
         (ConvolutionLayer<Scalar>.kindName, { try ConvolutionLayer<Scalar>(from: $0) }),
         (MaxPoolingLayer<Scalar>.kindName, { try MaxPoolingLayer<Scalar>(from: $0) }),
         (L2PoolingLayer<Scalar>.kindName, { try L2PoolingLayer<Scalar>(from: $0) })]
    }

    public static func == (lhs: Network, rhs: Network) -> Bool {
        lhs.cost == rhs.cost && lhs.layers.count == rhs.layers.count
            && zip(lhs.layers, rhs.layers).allSatisfy { $0.isEqual(to: $1) }
    }
}

extension Network: Codable {
    private enum CodingKeys: String, CodingKey { case layers, cost }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let layers = try container.decode([DecodedLayer<Scalar>].self, forKey: .layers).map(\.layer)
        let cost = try container.decodeIfPresent(Cost.self, forKey: .cost) ?? .quadratic
        if let problem = Self.problem(layers: layers, cost: cost) {
            throw DecodingError.dataCorruptedError(forKey: .layers, in: container, debugDescription: problem)
        }
        for (l, layer) in layers.enumerated() {
            if let bad = layer.weights.elements.firstIndex(where: { !$0.isFinite }) {
                throw DecodingError.dataCorruptedError(
                    forKey: .layers, in: container,
                    debugDescription: "weight w[\(bad / layer.inputs)][\(bad % layer.inputs)] of layer \(l + 2) is not a finite number")
            }
            if let bad = layer.biases.firstIndex(where: { !$0.isFinite }) {
                throw DecodingError.dataCorruptedError(
                    forKey: .layers, in: container, debugDescription: "bias b[\(bad)] of layer \(l + 2) is not a finite number")
            }
        }
        self.init(layers: layers, cost: cost)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layers.map(EncodedLayer.init), forKey: .layers)
        try container.encode(cost, forKey: .cost)
    }
}

/// One layer of a model file, of the kind its `"kind"` names (dense when it names none).
private struct DecodedLayer<Scalar: BLASScalar>: Decodable {
    var layer: any LayerKind<Scalar>
    private enum CodingKeys: String, CodingKey { case kind }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decodeIfPresent(String.self, forKey: .kind) ?? DenseLayer<Scalar>.kindName
        guard let kind = Network<Scalar>.layerKinds.first(where: { $0.name == name }) else {
            let known = Network<Scalar>.layerKinds.map(\.name).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container,
                                                   debugDescription: "no kind of layer is called \"\(name)\" (known: \(known))")
        }
        layer = try kind.decode(decoder)
    }
}

/// One layer written as its kind writes itself.
private struct EncodedLayer<Scalar: BLASScalar>: Encodable {
    var layer: any LayerKind<Scalar>
    func encode(to encoder: Encoder) throws { try layer.encode(to: encoder) }
}
