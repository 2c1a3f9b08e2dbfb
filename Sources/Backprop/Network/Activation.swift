import BackpropKernels
import RealModule

/// The function σ a neuron applies to its weighted input: a = σ(z).
///
/// A closed set, so that a new case makes the compiler point at every place that must handle it.
public enum Activation: String, Codable, CaseIterable, Sendable {
    /// σ(z) = 1 / (1 + e⁻ᶻ), the book's neuron.
    case sigmoid
    /// σ(z) = z: the chapter 2 exercise "backpropagation with linear neurons".
    case linear
    /// σ(z) = tanh z.
    case tanh
    /// σ(z) = max(0, z), the rectified linear unit.
    case relu
    /// aⱼ = eᶻʲ / Σₖ eᶻᵏ over the whole layer, so the outputs are a probability distribution.
    /// Only for the output layer; it is not a function of one neuron's z, so ``value(_:)`` and
    /// ``derivative(_:)`` do not apply to it (see ``DenseLayer/activate(_:)``).
    case softmax

    /// Whether each neuron's activation depends on its own weighted input only.
    public var isElementwise: Bool { self != .softmax }

    /// σ(z).
    @inline(__always)
    public func value<Scalar: BLASScalar>(_ z: Scalar) -> Scalar {
        switch self {
        case .sigmoid: return 1 / (1 + Scalar.exp(-z))
        case .linear: return z
        case .tanh: return Scalar.tanh(z)
        case .relu: return z > 0 ? z : 0
        case .softmax: preconditionFailure("softmax is a function of the whole layer, not of one z")
        }
    }

    /// σ′(z), the rate at which the activation changes with the weighted input.
    @inline(__always)
    public func derivative<Scalar: BLASScalar>(_ z: Scalar) -> Scalar {
        switch self {
        case .sigmoid:
            let s = value(z)
            return s * (1 - s)
        case .linear: return 1
        case .tanh:
            let t = Scalar.tanh(z)
            return 1 - t * t
        case .relu: return z > 0 ? 1 : 0
        case .softmax: preconditionFailure("softmax is a function of the whole layer, not of one z")
        }
    }

    /// For `count` weighted inputs: z += bias, then a = σ(z) and σ′(z), in one pass over the data.
    @inline(__always)
    func apply<Scalar: BLASScalar>(
        bias: Scalar, count: Int, z: UnsafeMutablePointer<Scalar>,
        a: UnsafeMutablePointer<Scalar>, sigmaPrime: UnsafeMutablePointer<Scalar>
    ) {
        switch self {
        case .sigmoid:
            Scalar.sigmoidWithBias(bias, count: count, z: z, a: a, sigmaPrime: sigmaPrime)
        case .relu:
            for i in 0..<count {
                let zi = z[i] + bias
                z[i] = zi
                a[i] = max(zi, 0)
                sigmaPrime[i] = zi > 0 ? 1 : 0
            }
        case .linear, .tanh, .softmax:
            for i in 0..<count {
                let zi = z[i] + bias
                z[i] = zi
                a[i] = value(zi)
                sigmaPrime[i] = derivative(zi)
            }
        }
    }
}

extension Activation {
    /// Reads the case name, or its hyphenated spelling as the command line writes it; encoding
    /// still writes the case name.
    public init(from decoder: Decoder) throws {
        self = try Activation(decodingAnySpelling: decoder, kind: "activation")
    }
}

extension BLASScalar {
    /// z += bias, a = σ(z) and σ′(z) = a(1 − a) for `count` weighted inputs, one at a time.
    public static func sigmoidWithBias(_ bias: Self, count: Int, z: UnsafeMutablePointer<Self>,
                                       a: UnsafeMutablePointer<Self>, sigmaPrime: UnsafeMutablePointer<Self>) {
        for i in 0..<count {
            let zi = z[i] + bias
            let s = 1 / (1 + Self.exp(-zi))
            z[i] = zi
            a[i] = s
            sigmaPrime[i] = s * (1 - s)
        }
    }
}

extension Float {
    /// The kernels' vector code: a third of libm's time.
    public static func sigmoidWithBias(_ bias: Float, count: Int, z: UnsafeMutablePointer<Float>,
                                       a: UnsafeMutablePointer<Float>, sigmaPrime: UnsafeMutablePointer<Float>) {
        bp_sigmoid_with_bias(z, bias, a, sigmaPrime, count)
    }
}
