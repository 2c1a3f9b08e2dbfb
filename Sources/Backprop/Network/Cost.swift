import RealModule

/// The cost C that training minimizes, as a function of the output activations aᴸ and the
/// desired output y; over n examples, the mean of the examples' costs.
public enum Cost: String, Codable, CaseIterable, Sendable {
    /// C = ½‖y − aᴸ‖², the book's chapter 1 cost.
    case quadratic
    /// C = −Σⱼ [yⱼ ln aᴸⱼ + (1 − yⱼ) ln(1 − aᴸⱼ)], for outputs in (0, 1). With sigmoid outputs
    /// δᴸ = aᴸ − y: no σ′ factor, so saturated output neurons still learn fast.
    case crossEntropy
    /// C = −ln aᴸ_y, the log-likelihood of the right class; with softmax outputs δᴸ = aᴸ − y.
    case logLikelihood

    /// Whether the cost is defined for outputs of `activation` (cross-entropy and log-likelihood
    /// need outputs in (0, 1)).
    public func supports(_ activation: Activation) -> Bool {
        switch self {
        case .quadratic: return true
        case .crossEntropy, .logLikelihood: return activation == .sigmoid || activation == .softmax
        }
    }

    /// ∂C/∂aᴸⱼ for one output neuron.
    @inline(__always)
    public func gradient<Scalar: BLASScalar>(output a: Scalar, target y: Scalar) -> Scalar {
        switch self {
        case .quadratic: return a - y
        case .crossEntropy: return (a - y) / (a * (1 - a))
        case .logLikelihood: return y == 0 ? 0 : -y / a
        }
    }

    /// aⱼ · ∂C/∂aⱼ, written so that it stays finite when aⱼ is 0.
    @inline(__always)
    func scaledGradient<Scalar: BLASScalar>(output a: Scalar, target y: Scalar) -> Scalar {
        switch self {
        case .quadratic: return a * (a - y)
        case .crossEntropy: return (a - y) / (1 - a)
        case .logLikelihood: return -y
        }
    }

    /// The cost of one example from its output layer.
    public func value<Scalar: BLASScalar>(output a: [Scalar], weightedInput z: [Scalar], target y: [Scalar],
                                          layer: any LayerKind<Scalar>) -> Scalar {
        let form = OutputForm(layer)
        precondition(a.count == y.count && z.count == y.count, "Output and target differ in length")
        return a.withUnsafeBufferPointer { a in
            z.withUnsafeBufferPointer { z in
                y.withUnsafeBufferPointer { y in
                    Scalar(value(a: a.baseAddress!, z: z.baseAddress!, y: y.baseAddress!, count: y.count, stride: 1, output: form))
                }
            }
        }
    }

    /// The cost of one example whose `count` outputs lie `stride` apart, in Double. Computed from
    /// z where that is exact, so that an output rounded to exactly 0 or 1 does not give an
    /// infinite cost: ln σ(z) = −softplus(−z), ln softmax(z)ⱼ = zⱼ − ln Σₖ eᶻᵏ.
    func value<Scalar: BLASScalar>(a: UnsafePointer<Scalar>, z: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>,
                                   count: Int, stride: Int, output layer: OutputForm) -> Double {
        let sigmoid = layer.activation == .sigmoid && layer.isUniform
        var sum = 0.0
        switch self {
        case .quadratic:
            for i in 0..<count {
                let d = Double(a[i * stride]) - Double(y[i * stride])
                sum += d * d / 2
            }
        case .crossEntropy:
            for i in 0..<count {
                let yi = Double(y[i * stride]), ai = Double(a[i * stride]), zi = Double(z[i * stride])
                let logA = sigmoid ? -softplus(-zi) : Double.log(ai)
                let logOneMinusA = sigmoid ? -softplus(zi) : Double.log(onePlus: -ai)
                sum -= (yi == 0 ? 0 : yi * logA) + (yi == 1 ? 0 : (1 - yi) * logOneMinusA)
            }
        case .logLikelihood:
            var logSum = 0.0
            if layer.activation == .softmax {
                var top = -Double.infinity
                for i in 0..<count { top = max(top, Double(z[i * stride])) }
                var total = 0.0
                for i in 0..<count { total += Double.exp(Double(z[i * stride]) - top) }
                logSum = top + Double.log(total)
            }
            for i in 0..<count where y[i * stride] != 0 {
                let zi = Double(z[i * stride])
                let logA = layer.activation == .softmax ? zi - logSum
                    : sigmoid ? -softplus(-zi) : Double.log(Double(a[i * stride]))
                sum -= Double(y[i * stride]) * logA
            }
        }
        return sum
    }

    /// BP1 for one example: δᴸ from the output aᴸ, the target y and σ′(zᴸ).
    public func outputError<Scalar: BLASScalar>(output a: [Scalar], target y: [Scalar], sigmaPrime: [Scalar],
                                                layer: any LayerKind<Scalar>) -> [Scalar] {
        let form = OutputForm(layer)
        precondition(a.count == y.count && sigmaPrime.count == y.count, "Output and target differ in length")
        var delta = [Scalar](repeating: 0, count: y.count)
        a.withUnsafeBufferPointer { a in
            y.withUnsafeBufferPointer { y in
                sigmaPrime.withUnsafeBufferPointer { sp in
                    delta.withUnsafeMutableBufferPointer { d in
                        outputError(a: a.baseAddress!, y: y.baseAddress!, sigmaPrime: sp.baseAddress!,
                                    delta: d.baseAddress!, count: y.count, stride: 1, output: form)
                    }
                }
            }
        }
        return delta
    }

    /// BP1 for one example whose `count` outputs lie `stride` apart: δᴸ = ∇ₐC ⊙ σ′(zᴸ), or for
    /// softmax, whose Jacobian is not diagonal, δᴸⱼ = Σₖ ∂C/∂aₖ · ∂aₖ/∂zⱼ = aⱼgⱼ − aⱼ Σₖ aₖgₖ.
    /// Where the book simplifies (cross-entropy with sigmoid, log-likelihood with softmax) this
    /// computes δᴸ = aᴸ − y directly.
    func outputError<Scalar: BLASScalar>(
        a: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>, sigmaPrime: UnsafePointer<Scalar>,
        delta: UnsafeMutablePointer<Scalar>, count: Int, stride: Int, output layer: OutputForm
    ) {
        let plainSigmoid = layer.activation == .sigmoid && layer.isUniform
        switch (self, layer.activation) {
        case (.crossEntropy, .sigmoid) where plainSigmoid, (.logLikelihood, .softmax):
            for i in 0..<count { delta[i * stride] = a[i * stride] - y[i * stride] }
        case (.logLikelihood, .sigmoid) where plainSigmoid:
            for i in 0..<count { delta[i * stride] = -y[i * stride] * (1 - a[i * stride]) }
        case (_, .softmax):
            var total: Scalar = 0
            for i in 0..<count { total += scaledGradient(output: a[i * stride], target: y[i * stride]) }
            for i in 0..<count {
                delta[i * stride] = scaledGradient(output: a[i * stride], target: y[i * stride]) - a[i * stride] * total
            }
        default:
            for i in 0..<count {
                delta[i * stride] = gradient(output: a[i * stride], target: y[i * stride]) * sigmaPrime[i * stride]
            }
        }
    }
}

extension Cost {
    /// Reads "crossEntropy" (what model files hold) or "cross-entropy" (the command line's
    /// spelling); encoding still writes the case name.
    public init(from decoder: Decoder) throws {
        self = try Cost(decodingAnySpelling: decoder, kind: "cost")
    }
}

/// ln(1 + eˣ), without overflow for large x.
@inline(__always)
func softplus(_ x: Double) -> Double {
    max(x, 0) + Double.log(onePlus: Double.exp(-abs(x)))
}

/// What the cost needs to know of the output layer: its σ, and whether every neuron uses it.
struct OutputForm {
    var activation: Activation
    var isUniform: Bool

    init(_ layer: some LayerKind) {
        activation = layer.activation
        isUniform = layer.hasUniformActivation
    }
}
