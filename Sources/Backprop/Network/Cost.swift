/// The cost C that training minimizes, as a function of the output activations aᴸ and the
/// desired output y.
public enum Cost: String, Codable, CaseIterable, Sendable {
    /// C = ½‖y − aᴸ‖² for one example; over n examples, the mean.
    case quadratic

    /// The cost of one example.
    public func value<Scalar: BLASScalar>(output a: [Scalar], target y: [Scalar]) -> Scalar {
        precondition(a.count == y.count, "Output and target differ in length")
        var sum: Scalar = 0
        for i in a.indices { sum += term(output: a[i], target: y[i]) }
        return sum
    }

    /// One output neuron's share of the cost of one example; the cost is their sum.
    @inline(__always)
    public func term<Scalar: BLASScalar>(output a: Scalar, target y: Scalar) -> Scalar {
        switch self {
        case .quadratic: return (a - y) * (a - y) / 2
        }
    }

    /// ∂C/∂aᴸⱼ for one output neuron.
    @inline(__always)
    public func gradient<Scalar: BLASScalar>(output a: Scalar, target y: Scalar) -> Scalar {
        switch self {
        case .quadratic: return a - y
        }
    }

    /// BP1 for a whole batch at once: δᴸ = ∇ₐC ⊙ σ′(zᴸ), element by element.
    func outputError<Scalar: BLASScalar>(
        a: Matrix<Scalar>, y: Matrix<Scalar>, sigmaPrime: Matrix<Scalar>,
        into delta: inout Matrix<Scalar>
    ) {
        precondition(a.elements.count == delta.elements.count && y.elements.count == delta.elements.count)
        a.elements.withUnsafeBufferPointer { a in
            y.elements.withUnsafeBufferPointer { y in
                sigmaPrime.elements.withUnsafeBufferPointer { sp in
                    delta.elements.withUnsafeMutableBufferPointer { delta in
                        for i in 0..<delta.count {
                            delta[i] = gradient(output: a[i], target: y[i]) * sp[i]  // BP1
                        }
                    }
                }
            }
        }
    }

    /// The summed cost of every column (example) of a batch: Σₓ Cₓ.
    func totalValue<Scalar: BLASScalar>(a: Matrix<Scalar>, y: Matrix<Scalar>, columns: Int) -> Double {
        var sum = 0.0
        for row in 0..<a.rows {
            for column in 0..<columns {
                sum += Double(term(output: a[row, column], target: y[row, column]))
            }
        }
        return sum
    }
}
