/// How a mini-batch's gradient changes the network, and what carries over from one mini-batch
/// to the next: the learning rate η, momentum μ with its velocities, weight decay λ, and dropout
/// with the generator that draws its masks.
///
/// The one owner of η while a run trains. A schedule or the command line asks it to change
/// (``halveEta()``, ``follow(_:eta:at:)``); engines read it at each step.
public struct Optimizer<Scalar: BLASScalar>: Equatable, Sendable {
    /// η now.
    public private(set) var eta: Double
    /// L2 or L1 weight decay.
    public let regularization: Regularization
    /// n, the size of the whole training set, which weight decay is scaled by.
    public let trainingSetSize: Int
    /// μ, the momentum coefficient; 0 is plain gradient descent.
    public let momentum: Double
    /// The probability of dropping each hidden neuron for a mini-batch; 0 is none.
    public let dropout: Double
    /// v for every weight and bias, shaped like the network; nil without momentum.
    public internal(set) var velocity: Network<Scalar>?
    /// Draws which neurons drop out.
    public internal(set) var dropoutGenerator: SeededGenerator

    /// An optimizer for `network` (zero velocities when `momentum` is above 0).
    public init(eta: Double, regularization: Regularization = .none, trainingSetSize: Int = 1, momentum: Double = 0,
                dropout: Double = 0, for network: Network<Scalar>? = nil, dropoutSeed: UInt64 = 0) {
        self.eta = eta
        self.regularization = regularization
        self.trainingSetSize = trainingSetSize
        self.momentum = momentum
        self.dropout = dropout
        velocity = momentum > 0 ? network.map(Self.zeros) : nil
        dropoutGenerator = SeededGenerator(seed: dropoutSeed)
    }

    /// An optimizer as a model file saved it.
    init(eta: Double, configuration: StochasticGradientDescent, trainingSetSize: Int, velocity: Network<Scalar>?,
         dropoutGenerator: SeededGenerator) {
        self.init(eta: eta, regularization: configuration.regularization, trainingSetSize: trainingSetSize,
                  momentum: configuration.momentum, dropout: configuration.dropout)
        self.velocity = velocity
        self.dropoutGenerator = dropoutGenerator
    }

    /// Halves η: the learning-rate schedule's step, and a diverged run's second chance.
    public mutating func halveEta() { eta /= 2 }

    /// Sets η to what `schedule` gives the initial η₀ `eta` at share `t` of the run.
    public mutating func follow(_ schedule: EtaSchedule, eta: Double, at t: Double) { self.eta = schedule.eta(eta, at: t) }

    /// η in the network's precision, as the step uses it.
    var stepEta: Scalar { Scalar(eta) }
    /// μ in the network's precision.
    var stepMomentum: Scalar { Scalar(momentum) }
    /// The dropout probability in the network's precision.
    var stepDropout: Scalar { Scalar(dropout) }
    /// ηλ/n, the weight decay per step.
    var decay: Scalar { stepEta * Scalar(regularization.lambda / Double(max(trainingSetSize, 1))) }

    /// Whether the optimizer changes the weights only by the gradient and L2 decay (no momentum,
    /// dropout or L1): the updates the kernels make.
    var isPlainDescent: Bool {
        guard momentum == 0, dropout == 0 else { return false }
        if case .l1(let lambda) = regularization { return lambda == 0 }  // λ = 0 is no regularization
        return true
    }

    /// The network with every weight and bias 0.
    private static func zeros(_ network: Network<Scalar>) -> Network<Scalar> {
        var zero = network
        for l in zero.layers.indices {
            zero.layers[l].weights.elements.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            zero.layers[l].biases.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        return zero
    }
}

/// What a model file holds of an optimizer beside η: `{"velocity": …, "dropoutGenerator": …}`.
struct OptimizerState<Scalar: BLASScalar>: Codable {
    var velocity: Network<Scalar>?
    var dropoutGenerator: SeededGenerator
}

extension Optimizer {
    /// One step from the summed gradient of `examples` examples, as the book writes it:
    /// w → w − (η/m) Σₓ ∂Cₓ/∂w less weight decay, (1 − ηλ/n)w for L2 or w − (ηλ/n) sgn(w) for L1;
    /// b → b − (η/m) Σₓ ∂Cₓ/∂b. With momentum the same change goes into the velocity,
    /// v → μv − (η/m) Σₓ ∂Cₓ/∂w − (weight decay), and then w → w + v. The reference path's update;
    /// the matrix path and the kernels fold it into their products.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func update(_ network: inout Network<Scalar>, nablaW: [Matrix<Scalar>], nablaB: [[Scalar]], examples m: Int) {
        let scale = -stepEta / Scalar(m), eta = stepEta, mu = stepMomentum
        for l in network.layers.indices {
            var w = network.layers[l].weights.elements, b = network.layers[l].biases
            var vw = velocity?.layers[l].weights.elements, vb = velocity?.layers[l].biases
            for i in w.indices {
                let change = scale * nablaW[l].elements[i] - eta * regularization.gradient(weight: w[i], n: trainingSetSize)
                if vw != nil {
                    vw![i] = mu * vw![i] + change
                    w[i] += vw![i]
                } else {
                    w[i] += change
                }
            }
            for j in b.indices {
                let change = scale * nablaB[l][j]
                if vb != nil {
                    vb![j] = mu * vb![j] + change
                    b[j] += vb![j]
                } else {
                    b[j] += change
                }
            }
            network.layers[l].weights.elements = w
            network.layers[l].biases = b
            if let vw, let vb {
                velocity!.layers[l].weights.elements = vw
                velocity!.layers[l].biases = vb
            }
        }
    }
}
