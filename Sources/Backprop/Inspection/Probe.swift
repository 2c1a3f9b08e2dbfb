/// What `probe` changes: one weight wˡⱼₖ, one bias bˡⱼ, or one neuron's weighted input zˡⱼ (the
/// chapter's "demon", who adds Δz to it). Layers are indices into `Network.layers`.
public enum ProbeTarget: Equatable, Codable, Sendable {
    case weight(layer: Int, j: Int, k: Int)
    case bias(layer: Int, j: Int)
    case weightedInput(layer: Int, j: Int)
}

/// The cost's response to a change Δ in one quantity, predicted to first order by the gradient
/// (ΔC ≈ ∂C/∂p · Δ, the book's eq. 47, or δˡⱼ·Δz for the demon) beside the change measured by
/// running the network again.
public struct ProbeReport: Codable, Sendable {
    public struct Row: Codable, Sendable {
        /// Δ.
        public var change: Double
        /// ∂C/∂p · Δ.
        public var predicted: Double
        /// C(p + Δ) − C(p), or nil when p + Δ rounds back to p in the network's precision (Δ
        /// below half a unit in the last place of p): nothing changed, so nothing was measured.
        public var measured: Double?
        /// |measured − predicted|: for small Δ it shrinks like Δ², the size of the neglected
        /// second-order term.
        public var discrepancy: Double? { measured.map { abs($0 - predicted) } }
    }

    public var target: ProbeTarget
    /// The cost before any change.
    public var cost: Double
    /// ∂C/∂p from backpropagation (δˡⱼ for a weighted input).
    public var gradient: Double
    public var rows: [Row]
}

extension Network {
    /// The cost of one example, with `nudge.dz` added to the weighted input of neuron
    /// `nudge.neuron` in layer `nudge.layer` when given.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func cost(input x: [Scalar], target y: [Scalar], nudge: (layer: Int, neuron: Int, dz: Scalar)? = nil) -> Scalar {
        let (z, a) = outputLayer(for: x, nudge: nudge)
        return cost.value(output: a, weightedInput: z, target: y, layer: layers[layers.count - 1])
    }

    /// Changes `target` by each of `changes` in turn (from the original network each time) and
    /// compares the cost's measured change with the gradient's prediction.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func probe(input x: [Scalar], target y: [Scalar], changing target: ProbeTarget,
                      by changes: [Scalar]) -> ProbeReport {
        let pass = backpropagate(input: x, target: y)
        let base = pass.cost
        let gradient: Scalar = switch target {
        case .weight(let l, let j, let k): pass.nablaW[l][j, k]
        case .bias(let l, let j): pass.nablaB[l][j]
        case .weightedInput(let l, let j): pass.delta[l][j]
        }
        let original: Scalar = switch target {
        case .weight(let l, let j, let k): layers[l].weights[j, k]
        case .bias(let l, let j): layers[l].biases[j]
        case .weightedInput(let l, let j): pass.z[l][j]
        }
        let rows = changes.map { change -> ProbeReport.Row in
            var changed = self
            let after: Scalar
            switch target {
            case .weight(let l, let j, let k):
                changed.layers[l].weights[j, k] += change
                after = changed.cost(input: x, target: y)
            case .bias(let l, let j):
                changed.layers[l].biases[j] += change
                after = changed.cost(input: x, target: y)
            case .weightedInput(let l, let j):
                after = cost(input: x, target: y, nudge: (l, j, change))
            }
            return ProbeReport.Row(change: Double(change), predicted: Double(gradient * change),
                                   measured: original + change == original ? nil : Double(after - base))
        }
        return ProbeReport(target: target, cost: Double(base), gradient: Double(gradient), rows: rows)
    }
}
