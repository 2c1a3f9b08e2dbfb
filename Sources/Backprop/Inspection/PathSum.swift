/// ∂C/∂wˡⱼₖ as the book's eq. 53 writes it: a sum over every path from the weight to the cost
/// of the products of the rate factors along the path.
public struct PathSum: Codable, Sendable {
    /// The sum, which equals backpropagation's ∂C/∂wˡⱼₖ.
    public var value: Double
    /// The number of paths summed.
    public var pathCount: Int
}

/// Why a path sum was not computed.
public enum PathSumError: Error, Equatable, CustomStringConvertible {
    case tooManyPaths(count: Double, limit: Int)
    case noSuchWeight(String)

    public var description: String {
        switch self {
        case .tooManyPaths(let count, let limit):
            return "the weight has \(count) paths to the cost, more than the limit of \(limit)"
        case .noSuchWeight(let message):
            return message
        }
    }
}

extension Network {
    /// ∂C/∂wˡⱼₖ for one example by eq. 53. A change Δw changes aˡⱼ by σ′(zˡⱼ)aˡ⁻¹ₖΔw; each
    /// neuron q of the next layer m passes a change on to neuron r of layer m + 1 at the rate
    /// ∂aᵐ⁺¹ᵣ/∂aᵐ_q = σ′(zᵐ⁺¹ᵣ)wᵐ⁺¹ᵣ_q; the output aᴸ changes C at the rate ∂C/∂aᴸ. The
    /// derivative is the sum over all paths j → q → … → output of the products of these factors.
    ///
    /// - Parameters:
    ///   - layer: The weight's layer, an index into `layers`.
    ///   - j: The neuron the weight leads to.
    ///   - k: The neuron in the layer before that it comes from.
    ///   - limit: The most paths to enumerate.
    /// - Throws: ``PathSumError`` when there are more paths than `limit` or the weight does not exist.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func pathSum(input x: [Scalar], target y: [Scalar], layer: Int, j: Int, k: Int,
                        limit: Int = 10_000) throws(PathSumError) -> PathSum {
        guard layers.indices.contains(layer), (0..<layers[layer].neurons).contains(j),
              (0..<layers[layer].inputs).contains(k) else {
            throw .noSuchWeight("the network has no weight w[\(j)][\(k)] in layer \(layer + 2)")
        }
        let count = layers[(layer + 1)...].reduce(1.0) { $0 * Double($1.neurons) }
        guard count <= Double(limit) else { throw .tooManyPaths(count: count, limit: limit) }

        // The forward pass's values; δ is deliberately not used.
        let pass = backpropagate(input: x, target: y)
        let aPrevious = layer == 0 ? x : pass.a[layer - 1]
        let last = layers.count - 1
        var total = 0.0
        var paths = 0
        func walk(_ m: Int, _ q: Int, _ product: Double) {
            if m == last {
                total += product * Double(cost.gradient(output: pass.a[last][q], target: y[q]))
                paths += 1
                return
            }
            let next = layers[m + 1]
            for r in 0..<next.neurons {
                walk(m + 1, r, product * Double(pass.sigmaPrime[m + 1][r] * next.weights[r, q]))
            }
        }
        walk(layer, j, Double(pass.sigmaPrime[layer][j] * aPrevious[k]))
        return PathSum(value: total, pathCount: paths)
    }
}
