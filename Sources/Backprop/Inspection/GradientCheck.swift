/// A formula for a derivative from values of the function at nearby points.
public enum FiniteDifference: String, Codable, CaseIterable, Sendable {
    /// (C(p + ε) − C(p − ε)) / 2ε: two forward passes per parameter, error O(ε²).
    case central
    /// (−C(p + 2ε) + 8C(p + ε) − 8C(p − ε) + C(p − 2ε)) / 12ε: the five-point central stencil,
    /// four forward passes per parameter, error O(ε⁴). With ε ≈ 1e-3 it resolves gradients about
    /// a hundred times smaller than `central` can in Double.
    case fivePoint

    /// Forward passes per parameter.
    public var forwardPassesPerParameter: Int {
        switch self {
        case .central: return 2
        case .fivePoint: return 4
        }
    }

    /// The step ε for arithmetic in `Scalar` that roughly balances the formula's truncation error
    /// (ε² or ε⁴ relative) against rounding in the cost (u/ε, u the unit roundoff): about u^⅓ for
    /// central differences and u^⅕ for five-point ones, rounded to a power of ten.
    public func defaultEpsilon<Scalar: BLASScalar>(for _: Scalar.Type) -> Double {
        let isDouble = Scalar.significandBitCount > Float.significandBitCount
        switch self {
        case .central: return isDouble ? 1e-5 : 1e-2
        case .fivePoint: return isDouble ? 1e-3 : 1e-1
        }
    }

    /// The derivative of `f` at 0 with step `epsilon`.
    func derivative<Scalar: BLASScalar>(epsilon: Scalar, _ f: (Scalar) -> Scalar) -> Scalar {
        switch self {
        case .central:
            return (f(epsilon) - f(-epsilon)) / (2 * epsilon)
        case .fivePoint:
            return (-f(2 * epsilon) + 8 * f(epsilon) - 8 * f(-epsilon) + f(-2 * epsilon)) / (12 * epsilon)
        }
    }
}

/// Finite-difference gradients, the independent check on backpropagation.
extension Network {
    /// ∂C/∂w and ∂C/∂b for one example by finite differences, one parameter at a time:
    /// two or four forward passes per weight and bias, against backpropagation's one forward and
    /// one backward pass for all of them.
    ///
    /// - Parameters:
    ///   - x: The input.
    ///   - y: The desired output.
    ///   - epsilon: ε, the step; in Double about 1e-5 suits `.central`, 1e-3 `.fivePoint`.
    ///   - method: The difference formula.
    /// - Returns: The estimated gradient, shaped like ``BackwardPass/nablaW`` and ``BackwardPass/nablaB``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func numericalGradient(input x: [Scalar], target y: [Scalar], epsilon: Scalar,
                                  method: FiniteDifference = .central)
        -> (nablaW: [Matrix<Scalar>], nablaB: [[Scalar]]) {
        var probe = self
        var nablaW = layers.map { Matrix<Scalar>(rows: $0.neurons, columns: $0.inputs) }
        var nablaB = layers.map { [Scalar](repeating: 0, count: $0.neurons) }
        for l in layers.indices {
            for i in layers[l].weights.elements.indices {
                nablaW[l].elements[i] = probe.finiteDifference(
                    at: .weight(layer: l, index: i), input: x, target: y, epsilon: epsilon, method: method)
            }
            for j in layers[l].biases.indices {
                nablaB[l][j] = probe.finiteDifference(
                    at: .bias(layer: l, index: j), input: x, target: y, epsilon: epsilon, method: method)
            }
        }
        return (nablaW, nablaB)
    }
}

/// The relative error |a − b| / max(|a|, |b|) of two estimates of the same number, with
/// `floor` guarding against dividing by (nearly) zero when both are tiny.
public func relativeError<Scalar: BLASScalar>(_ a: Scalar, _ b: Scalar, floor: Scalar = 1e-10) -> Scalar {
    abs(a - b) / max(abs(a), abs(b), floor)
}
