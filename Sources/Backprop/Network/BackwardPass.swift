/// Everything backpropagation computes for one training example, kept so it can be printed,
/// plotted and checked: the weighted inputs, activations and errors of every layer, and the
/// gradient of the example's cost.
///
/// Arrays are indexed like ``Network/layers``: entry i belongs to the book's layer l = i + 2.
public struct BackwardPass<Scalar: BLASScalar>: Equatable, Codable, Sendable {
    /// The input x, which is the input layer's activation.
    public var input: [Scalar]
    /// The desired output y.
    public var target: [Scalar]
    /// zˡ = wˡaˡ⁻¹ + bˡ, the weighted input of each layer.
    public var z: [[Scalar]]
    /// aˡ = σ(zˡ), the activation of each layer; the last is the network's output.
    public var a: [[Scalar]]
    /// σ′(zˡ), how fast each neuron's activation responds to its weighted input.
    public var sigmaPrime: [[Scalar]]
    /// δˡ = ∂C/∂zˡ, the error of each layer (BP1 at the output, BP2 going back).
    public var delta: [[Scalar]]
    /// ∂C/∂bˡ (BP3).
    public var nablaB: [[Scalar]]
    /// ∂C/∂wˡ (BP4), shaped like wˡ.
    public var nablaW: [Matrix<Scalar>]
    /// The cost C of this example.
    public var cost: Scalar

    /// The output aᴸ.
    public var output: [Scalar] { a[a.count - 1] }
}

extension Network {
    /// Backpropagation for one example `(x, y)`: a forward pass that keeps every zˡ and aˡ, then
    /// the four fundamental equations from the output back to the first layer.
    ///
    /// This is the simple path, written to read like the book; training uses the matrix path in
    /// ``MiniBatch``, which must agree with it.
    ///
    /// - Parameters:
    ///   - x: The input, one value per input neuron.
    ///   - y: The desired output, one value per output neuron.
    /// - Returns: zˡ, aˡ, σ′(zˡ), δˡ, ∂C/∂bˡ and ∂C/∂wˡ for every layer, and the cost.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backpropagate(input x: [Scalar], target y: [Scalar]) -> BackwardPass<Scalar> {
        precondition(x.count == inputSize, "Input has \(x.count) values, the network takes \(inputSize)")
        precondition(y.count == outputSize, "Target has \(y.count) values, the network gives \(outputSize)")

        // Forward: zˡ = wˡaˡ⁻¹ + bˡ and aˡ = σ(zˡ), keeping both.
        var zs: [[Scalar]] = [], activations: [[Scalar]] = [], sigmaPrimes: [[Scalar]] = []
        var a = x
        for layer in layers {
            let z = layer.weightedInput(a)
            a = layer.activate(z)
            zs.append(z)
            activations.append(a)
            sigmaPrimes.append(layer.activationDerivative(z))
        }

        // Backward, from the output layer L down to layer 2.
        let last = layers.count - 1
        var deltas = [[Scalar]](repeating: [], count: layers.count)
        var nablaW = [Matrix<Scalar>](repeating: Matrix(rows: 0, columns: 0), count: layers.count)
        // BP1: δᴸ = ∇ₐC ⊙ σ′(zᴸ) (for softmax outputs, ∇ₐC times the softmax's Jacobian).
        deltas[last] = cost.outputError(output: a, target: y, sigmaPrime: sigmaPrimes[last], layer: layers[last])
        for l in stride(from: last, through: 0, by: -1) {
            if l < last {
                // BP2: δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ); the layer above carries δ back to its input.
                deltas[l] = zip(layers[l + 1].errorAtInput(deltas[l + 1], input: activations[l]), sigmaPrimes[l]).map { $0 * $1 }
            }
            // BP4: ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ, the outer product δˡ(aˡ⁻¹)ᵀ for a dense layer.
            nablaW[l] = layers[l].weightGradient(deltas[l], input: l == 0 ? x : activations[l - 1])
        }
        // BP3: ∂C/∂bˡ = δˡ for a dense layer.
        let nablaB = layers.indices.map { layers[$0].biasGradient(deltas[$0]) }

        return BackwardPass(
            input: x, target: y, z: zs, a: activations, sigmaPrime: sigmaPrimes, delta: deltas,
            nablaB: nablaB, nablaW: nablaW,
            cost: cost.value(output: a, weightedInput: zs[last], target: y, layer: layers[last]))
    }
}
