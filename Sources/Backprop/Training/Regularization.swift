/// A penalty on large weights added to the cost, which makes gradient descent shrink the weights
/// ("weight decay"). Biases are not regularized, as in the book.
public enum Regularization: Equatable, Codable, Sendable {
    case none
    /// L2: C = C₀ + (λ/2n) Σ w², so w → (1 − ηλ/n) w − (η/m) Σₓ ∂Cₓ/∂w.
    case l2(lambda: Double)
    /// L1: C = C₀ + (λ/n) Σ |w|, so w → w − (ηλ/n) sgn(w) − (η/m) Σₓ ∂Cₓ/∂w.
    case l1(lambda: Double)

    /// λ, or 0 for none.
    public var lambda: Double {
        switch self {
        case .none: return 0
        case .l2(let lambda), .l1(let lambda): return lambda
        }
    }

    /// The regularization term of the cost for `network` on a data set of `n` examples.
    public func cost<Scalar: BLASScalar>(of network: Network<Scalar>, n: Int) -> Double {
        guard n > 0 else { return 0 }
        switch self {
        case .none:
            return 0
        case .l2(let lambda):
            let squares = network.layers.reduce(0.0) { sum, layer in
                layer.weights.elements.reduce(sum) { $0 + Double($1) * Double($1) }
            }
            return lambda / (2 * Double(n)) * squares
        case .l1(let lambda):
            let absolute = network.layers.reduce(0.0) { sum, layer in
                layer.weights.elements.reduce(sum) { $0 + abs(Double($1)) }
            }
            return lambda / Double(n) * absolute
        }
    }

    /// ∂/∂w of the regularization term for one weight: (λ/n) w for L2, (λ/n) sgn(w) for L1.
    public func gradient<Scalar: BLASScalar>(weight w: Scalar, n: Int) -> Scalar {
        switch self {
        case .none: return 0
        case .l2(let lambda): return Scalar(lambda / Double(n)) * w
        case .l1(let lambda): return Scalar(lambda / Double(n)) * (w > 0 ? 1 : w < 0 ? -1 : 0)
        }
    }
}

/// How one mini-batch's gradient changes the network: the learning rate, weight decay,
/// momentum and dropout.
public struct UpdateRule<Scalar: BLASScalar>: Sendable {
    /// η.
    public var learningRate: Scalar
    public var regularization: Regularization
    /// n, the size of the whole training set, which weight decay is scaled by.
    public var trainingSetSize: Int
    /// μ, the momentum coefficient; 0 is plain gradient descent.
    public var momentum: Scalar
    /// The probability of dropping each hidden neuron for a mini-batch; 0 is none.
    public var dropout: Scalar

    public init(learningRate: Scalar, regularization: Regularization = .none, trainingSetSize: Int = 1,
                momentum: Scalar = 0, dropout: Scalar = 0) {
        self.learningRate = learningRate
        self.regularization = regularization
        self.trainingSetSize = trainingSetSize
        self.momentum = momentum
        self.dropout = dropout
    }

    /// ηλ/n, the weight decay per step.
    var decay: Scalar { learningRate * Scalar(regularization.lambda / Double(max(trainingSetSize, 1))) }
}

/// What an update rule carries from one mini-batch to the next: the velocity of every weight and
/// bias for momentum, and the generator that draws dropout masks.
public struct OptimizerState<Scalar: BLASScalar>: Equatable, Codable, Sendable {
    /// v for every weight and bias, shaped like the network; nil without momentum.
    public var velocity: Network<Scalar>?
    /// Draws which neurons drop out.
    public var dropoutGenerator: SeededGenerator

    public init(velocity: Network<Scalar>? = nil, dropoutGenerator: SeededGenerator = SeededGenerator(seed: 0)) {
        self.velocity = velocity
        self.dropoutGenerator = dropoutGenerator
    }

    /// A state for `network`: zero velocity when `momentum` is used.
    public init(for network: Network<Scalar>, momentum: Bool, dropoutSeed: UInt64) {
        var zero = network
        for l in zero.layers.indices {
            zero.layers[l].weights.elements.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            zero.layers[l].biases.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        self.init(velocity: momentum ? zero : nil, dropoutGenerator: SeededGenerator(seed: dropoutSeed))
    }
}
