/// A feedforward network of sigmoid-like neurons: aˡ = σ(wˡaˡ⁻¹ + bˡ), layer after layer.
///
/// See ``Layer`` for how the book's layer numbers map onto `layers`.
public struct Network<Scalar: BLASScalar>: Equatable, Codable, Sendable {
    /// The layers after the input layer, in order.
    public var layers: [Layer<Scalar>]
    /// The cost that training minimizes.
    public var cost: Cost

    /// A network made of the given layers, each taking the previous one's outputs.
    public init(layers: [Layer<Scalar>], cost: Cost = .quadratic) {
        precondition(!layers.isEmpty, "A network needs at least one layer of weights")
        for (previous, next) in zip(layers, layers.dropFirst()) {
            precondition(previous.neurons == next.inputs,
                         "A layer of \(previous.neurons) neurons cannot feed one with \(next.inputs) inputs")
        }
        self.layers = layers
        self.cost = cost
    }

    /// A new network with random weights and biases.
    ///
    /// - Parameters:
    ///   - layerSizes: Neurons per layer, input first, e.g. `[784, 30, 10]`.
    ///   - activation: σ for every layer.
    ///   - initializer: The distribution of the initial weights and biases.
    ///   - generator: The source of randomness; the same seed gives the same network.
    public init<G: RandomNumberGenerator>(
        layerSizes: [Int], activation: Activation = .sigmoid, cost: Cost = .quadratic,
        initializer: WeightInitializer = .standardNormal, using generator: inout G
    ) {
        precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 > 0 },
                     "A network needs at least two layers, each with at least one neuron")
        var layers: [Layer<Scalar>] = []
        for (inputs, neurons) in zip(layerSizes, layerSizes.dropFirst()) {
            let (weights, biases): (Matrix<Scalar>, [Scalar]) =
                initializer.initialParameters(neurons: neurons, inputs: inputs, using: &generator)
            layers.append(Layer(weights: weights, biases: biases, activation: activation))
        }
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
        var a = x
        for layer in layers {
            a = layer.activate(layer.weightedInput(a))
        }
        return a
    }

    /// The same network in another precision.
    public func converted<Other: BLASScalar>(to _: Other.Type = Other.self) -> Network<Other> {
        Network<Other>(
            layers: layers.map {
                Layer(weights: $0.weights.converted(), biases: $0.biases.map { Other($0) },
                      activation: $0.activation, neuronActivations: $0.neuronActivations)
            },
            cost: cost)
    }
}
