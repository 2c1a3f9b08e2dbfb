import RealModule

/// The function σ a layer applies to its weighted input: aˡ = σ(zˡ).
///
/// A closed set, so that a new case makes the compiler point at every place that must handle it.
public enum Activation: String, Codable, CaseIterable, Sendable {
    /// σ(z) = 1 / (1 + e⁻ᶻ), the book's neuron.
    case sigmoid

    /// σ(z).
    @inline(__always)
    public func value<Scalar: BLASScalar>(_ z: Scalar) -> Scalar {
        switch self {
        case .sigmoid: return 1 / (1 + Scalar.exp(-z))
        }
    }

    /// σ′(z), the rate at which the activation changes with the weighted input.
    @inline(__always)
    public func derivative<Scalar: BLASScalar>(_ z: Scalar) -> Scalar {
        switch self {
        case .sigmoid:
            let s = value(z)
            return s * (1 - s)
        }
    }

    /// For each element: z += bias of its row, then a = σ(z) and σ′(z), in one pass over the data.
    ///
    /// The matrices are `neurons × examples`; `biases` has one entry per neuron (row).
    func applyWithBias<Scalar: BLASScalar>(
        _ biases: [Scalar], z: inout Matrix<Scalar>,
        a: inout Matrix<Scalar>, sigmaPrime: inout Matrix<Scalar>
    ) {
        let n = z.columns
        precondition(biases.count == z.rows && a.elements.count == z.elements.count
                     && sigmaPrime.elements.count == z.elements.count)
        biases.withUnsafeBufferPointer { b in
            z.elements.withUnsafeMutableBufferPointer { z in
                a.elements.withUnsafeMutableBufferPointer { a in
                    sigmaPrime.elements.withUnsafeMutableBufferPointer { sp in
                        switch self {
                        case .sigmoid:
                            for j in 0..<b.count {
                                let bj = b[j]
                                for i in j * n ..< (j + 1) * n {
                                    let zi = z[i] + bj
                                    let s = 1 / (1 + Scalar.exp(-zi))
                                    z[i] = zi
                                    a[i] = s
                                    sp[i] = s * (1 - s)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
