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
