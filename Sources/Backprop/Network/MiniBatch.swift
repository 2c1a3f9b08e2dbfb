/// Matrix-based backpropagation over a whole mini-batch at once: the m examples are the columns
/// of one matrix X = [x₁ … xₘ], so each layer needs one matrix product forward and two backward.
///
/// A `MiniBatch` owns every buffer the passes need, allocated once for its network shape and size,
/// so training reuses it for each mini-batch without allocating. All matrices are
/// `neurons × m`; arrays are indexed like ``Network/layers``.
public struct MiniBatch<Scalar: BLASScalar>: Sendable {
    /// m, the number of examples (columns).
    public let size: Int
    /// Xᵀ, the inputs stored one row per example, so that loading an example copies contiguous
    /// bytes; products read it transposed, which costs BLAS nothing.
    public private(set) var inputRows: Matrix<Scalar>
    /// Y, the desired outputs, one column per example.
    public private(set) var y: Matrix<Scalar>
    /// Zˡ, the weighted inputs of each layer.
    public private(set) var z: [Matrix<Scalar>]
    /// Aˡ = σ(Zˡ), the activations of each layer.
    public private(set) var a: [Matrix<Scalar>]
    /// σ′(Zˡ).
    public private(set) var sigmaPrime: [Matrix<Scalar>]
    /// Δˡ, the errors of each layer, one column per example.
    public private(set) var delta: [Matrix<Scalar>]
    /// m ones: Δˡ·1 sums the errors over the examples (BP3).
    private let ones: [Scalar]

    /// Buffers for `size` examples through a network with `layerSizes` neurons per layer.
    public init(layerSizes: [Int], size: Int) {
        precondition(size > 0, "A mini-batch holds at least one example")
        self.size = size
        inputRows = Matrix(rows: size, columns: layerSizes[0])
        y = Matrix(rows: layerSizes[layerSizes.count - 1], columns: size)
        let perLayer = layerSizes.dropFirst().map { Matrix<Scalar>(rows: $0, columns: size) }
        z = perLayer
        a = perLayer
        sigmaPrime = perLayer
        delta = perLayer
        ones = [Scalar](repeating: 1, count: size)
    }

    /// Loads examples `indices` of `data` as the columns of X and their one-hot targets as Y.
    public mutating func load(_ data: LabelledData, indices: ArraySlice<Int>) {
        precondition(indices.count == size, "\(indices.count) examples for a mini-batch of \(size)")
        precondition(data.inputSize == inputRows.columns && data.classCount == y.rows,
                     "Data of \(data.inputSize) inputs and \(data.classCount) classes do not fit the network")
        let m = size, n = data.inputSize
        let scale = 1 / Scalar(255)
        data.inputBytes.withUnsafeBufferPointer { bytes in
            inputRows.elements.withUnsafeMutableBufferPointer { rows in
                for (row, example) in indices.enumerated() {
                    let source = bytes.baseAddress! + example * n
                    let destination = rows.baseAddress! + row * n
                    for i in 0..<n { destination[i] = Scalar(source[i]) * scale }
                }
            }
        }
        y.elements.withUnsafeMutableBufferPointer { y in
            y.update(repeating: 0)
            for (column, example) in indices.enumerated() {
                y[Int(data.labels[example]) * m + column] = 1
            }
        }
    }

    /// Loads inputs and targets given as matrices with one column per example.
    public mutating func load(inputs: Matrix<Scalar>, targets: Matrix<Scalar>) {
        precondition(inputs.rows == inputRows.columns && inputs.columns == size
                     && targets.rows == y.rows && targets.columns == size,
                     "Inputs or targets do not fit a mini-batch of \(size)")
        inputRows = inputs.transposed
        y = targets
    }

    /// X, the inputs, one column per example (a copy, for inspection).
    public var x: Matrix<Scalar> { inputRows.transposed }

    /// The forward pass: Zˡ = wˡAˡ⁻¹ + bˡ and Aˡ = σ(Zˡ) for every layer, keeping σ′(Zˡ).
    /// - Precondition: Every layer of `network` is dense.
    public mutating func feedforward(_ network: Network<Scalar>) {
        guard let layers = network.denseLayers else { preconditionFailure("The matrix path runs dense layers only") }
        feedforward(layers)
    }

    /// The forward pass through dense `layers`.
    mutating func feedforward(_ layers: [DenseLayer<Scalar>]) {
        precondition(fits(layers), "The network does not fit these buffers")
        for (l, layer) in layers.enumerated() {
            if l == 0 {
                z[l].assignProduct(layer.weights, inputRows, transposeB: true)
            } else {
                z[l].assignProduct(layer.weights, a[l - 1])
            }
            layer.applyWithBias(z: &z[l], a: &a[l], sigmaPrime: &sigmaPrime[l])
        }
    }

    /// The gradient of the mean cost over the mini-batch, (1/m) Σₓ ∂Cₓ/∂w and (1/m) Σₓ ∂Cₓ/∂b,
    /// by a forward and a backward pass.
    ///
    /// - Returns: ∂C/∂wˡ and ∂C/∂bˡ for every layer, shaped like the network's.
    /// - Precondition: Every layer of `network` is dense.
    public mutating func gradient(of network: Network<Scalar>) -> (nablaW: [Matrix<Scalar>], nablaB: [[Scalar]]) {
        guard let layers = network.denseLayers else { preconditionFailure("The matrix path runs dense layers only") }
        var gradient = layers
        for l in gradient.indices {
            gradient[l].weights.elements.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            gradient[l].biases.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        feedforward(layers)
        backpropagate(weightsFrom: layers, into: &gradient, cost: network.cost, scale: 1 / Scalar(size))
        return (gradient.map(\.weights), gradient.map(\.biases))
    }

    /// One step of gradient descent on this mini-batch, after the book:
    /// w → w − (η/m) Σₓ ∂Cₓ/∂w and b → b − (η/m) Σₓ ∂Cₓ/∂b.
    /// - Precondition: Every layer of `network` is dense.
    public mutating func descend(_ network: inout Network<Scalar>, eta: Double) {
        var optimizer = Optimizer<Scalar>(eta: eta)
        descend(&network, optimizer: &optimizer)
    }

    /// One step of gradient descent on this mini-batch as `optimizer` says.
    /// - Precondition: Every layer of `network` is dense.
    public mutating func descend(_ network: inout Network<Scalar>, optimizer: inout Optimizer<Scalar>) {
        guard var layers = network.denseLayers else { preconditionFailure("The matrix path runs dense layers only") }
        var velocity = optimizer.velocity?.denseLayers
        descend(&layers, cost: network.cost, optimizer: &optimizer, velocity: &velocity)
        network.layers = layers
        if let velocity { optimizer.velocity?.layers = velocity }
    }

    /// One step of gradient descent on this mini-batch for dense `layers`, as `optimizer` says.
    ///
    /// Without momentum the gradient is never stored: BP3 and BP4 add their scaled sums straight
    /// into the layers' biases and weights, and L2 weight decay is the factor (1 − ηλ/n) the
    /// weights are kept with in the same product. With momentum they go into the velocity,
    /// v → μv − (η/m) Σₓ ∂Cₓ/∂w − (weight decay), and then w → w + v.
    mutating func descend(_ layers: inout [DenseLayer<Scalar>], cost: Cost, optimizer: inout Optimizer<Scalar>,
                          velocity: inout [DenseLayer<Scalar>]?) {
        feedforward(layers)
        if optimizer.dropout > 0 { dropHiddenNeurons(rate: optimizer.stepDropout, generator: &optimizer.dropoutGenerator) }
        let scale = -optimizer.stepEta / Scalar(size)
        let decay = optimizer.decay, momentum = optimizer.stepMomentum
        guard momentum != 0, velocity != nil else {
            switch optimizer.regularization {
            case .none:
                backpropagate(weightsFrom: nil, into: &layers, cost: cost, scale: scale)
            case .l2:
                backpropagate(weightsFrom: nil, into: &layers, cost: cost, scale: scale, keepWeights: 1 - decay)
            case .l1:
                backpropagate(weightsFrom: nil, into: &layers, cost: cost, scale: scale, l1Shrink: decay)
            }
            return
        }
        backpropagate(weightsFrom: layers, into: &velocity!, cost: cost, scale: scale,
                      keepWeights: momentum, keepBiases: momentum)
        for l in layers.indices {
            layers[l].weights.elements.withUnsafeMutableBufferPointer { w in
                velocity![l].weights.elements.withUnsafeMutableBufferPointer { v in
                    switch optimizer.regularization {
                    case .none: break
                    case .l2: for i in 0..<w.count { v[i] -= decay * w[i] }
                    case .l1: for i in 0..<w.count { v[i] -= decay * (w[i] > 0 ? 1 : w[i] < 0 ? -1 : 0) }
                    }
                    Scalar.axpy(count: w.count, alpha: 1, x: v.baseAddress!, y: w.baseAddress!)
                }
            }
            layers[l].biases.withUnsafeMutableBufferPointer { b in
                velocity![l].biases.withUnsafeBufferPointer { v in
                    Scalar.axpy(count: b.count, alpha: 1, x: v.baseAddress!, y: b.baseAddress!)
                }
            }
        }
    }

    /// Dropout: each hidden neuron's activation is zeroed with probability `rate` for each
    /// example, and kept ones are scaled by 1/(1 − rate) so that the network needs no change at
    /// evaluation. σ′ gets the same factor, so BP2 and BP4 see the thinned network.
    mutating func dropHiddenNeurons(rate: Scalar, generator: inout SeededGenerator) {
        let keep = 1 - Double(rate), scale = 1 / Scalar(keep)
        for l in 0..<(a.count - 1) {
            a[l].elements.withUnsafeMutableBufferPointer { a in
                sigmaPrime[l].elements.withUnsafeMutableBufferPointer { sp in
                    for i in 0..<a.count {
                        let factor: Scalar = generator.nextUniform() < keep ? scale : 0
                        a[i] *= factor
                        sp[i] *= factor
                    }
                }
            }
        }
    }

    /// The backward pass, BP1–BP4 over the whole mini-batch, after `feedforward(network)`.
    ///
    /// BP3 and BP4 are delivered as `target.b ← keepBiases·target.b + scale·Σₓ ∂Cₓ/∂b` and
    /// `target.w ← keepWeights·target.w + scale·Σₓ ∂Cₓ/∂w`, after `target.w −= l1Shrink·sgn(target.w)`.
    /// With `source` nil the network is `target` itself, updated in place: each layer's weights
    /// are read (for BP2) before the same layer's update is written, and never copied.
    mutating func backpropagate(weightsFrom source: [DenseLayer<Scalar>]?, into target: inout [DenseLayer<Scalar>],
                                cost: Cost, scale: Scalar, keepWeights: Scalar = 1, keepBiases: Scalar = 1,
                                l1Shrink: Scalar = 0) {
        let last = target.count - 1
        // BP1: Δᴸ = ∇ₐC ⊙ σ′(Zᴸ), column by column (example by example).
        outputError(cost: cost, layer: (source ?? target)[last])
        for l in stride(from: last, through: 0, by: -1) {
            if l > 0 {
                // BP2: Δˡ⁻¹ = ((wˡ)ᵀ Δˡ) ⊙ σ′(Zˡ⁻¹).
                if let source {
                    delta[l - 1].assignProduct(source[l].weights, delta[l], transposeA: true)
                } else {
                    delta[l - 1].assignProduct(target[l].weights, delta[l], transposeA: true)
                }
                multiplyElementwise(&delta[l - 1], by: sigmaPrime[l - 1])
            }
            // BP3: ∂C/∂bˡ = δˡ, summed over the examples as Δˡ·1.
            addRowSums(of: delta[l], scaledBy: scale, keeping: keepBiases, to: &target[l].biases)
            if l1Shrink != 0 { shrinkTowardZero(&target[l].weights, by: l1Shrink) }
            // BP4: ∂C/∂wˡ = δˡ(aˡ⁻¹)ᵀ, summed over the examples as Δˡ(Aˡ⁻¹)ᵀ (for the first
            // layer Aˡ⁻¹ = X, whose transpose is stored).
            if l == 0 {
                target[l].weights.assignProduct(delta[l], inputRows, alpha: scale, beta: keepWeights)
            } else {
                target[l].weights.assignProduct(delta[l], a[l - 1], transposeB: true, alpha: scale, beta: keepWeights)
            }
        }
    }

    /// w −= amount·sgn(w), L1 weight decay.
    private func shrinkTowardZero(_ weights: inout Matrix<Scalar>, by amount: Scalar) {
        weights.elements.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] -= amount * (w[i] > 0 ? 1 : w[i] < 0 ? -1 : 0) }
        }
    }

    /// BP1 for every column into Δᴸ.
    private mutating func outputError(cost: Cost, layer: DenseLayer<Scalar>) {
        let form = OutputForm(layer)
        let last = a.count - 1, m = size, rows = y.rows
        a[last].elements.withUnsafeBufferPointer { a in
            y.elements.withUnsafeBufferPointer { y in
                sigmaPrime[last].elements.withUnsafeBufferPointer { sp in
                    delta[last].elements.withUnsafeMutableBufferPointer { delta in
                        for c in 0..<m {
                            cost.outputError(a: a.baseAddress! + c, y: y.baseAddress! + c, sigmaPrime: sp.baseAddress! + c,
                                             delta: delta.baseAddress! + c, count: rows, stride: m, output: form)
                        }
                    }
                }
            }
        }
    }

    /// The summed cost Σₓ Cₓ over the mini-batch's first `count` examples, after `feedforward`.
    func totalCost(_ cost: Cost, layer: DenseLayer<Scalar>, count: Int) -> Double {
        let form = OutputForm(layer)
        let last = a.count - 1, m = size, rows = y.rows
        return a[last].elements.withUnsafeBufferPointer { a in
            z[last].elements.withUnsafeBufferPointer { z in
                y.elements.withUnsafeBufferPointer { y in
                    (0..<count).reduce(0.0) { sum, c in
                        sum + cost.value(a: a.baseAddress! + c, z: z.baseAddress! + c, y: y.baseAddress! + c,
                                         count: rows, stride: m, output: form)
                    }
                }
            }
        }
    }

    /// Whether the last forward pass's output holds only finite numbers.
    public var outputIsFinite: Bool {
        a[a.count - 1].elements.withUnsafeBufferPointer { output in
            var sum: Scalar = 0
            for value in output { sum += value * 0 }  // NaN or ±infinity turns the sum into NaN
            return !sum.isNaN
        }
    }

    /// Whether `layers` have the sizes these buffers were made for.
    func fits(_ layers: [DenseLayer<Scalar>]) -> Bool {
        guard layers.count == z.count, layers.first?.inputs == inputRows.columns else { return false }
        for (layer, buffer) in zip(layers, z) where layer.neurons != buffer.rows { return false }
        return true
    }

    private func addRowSums(of matrix: Matrix<Scalar>, scaledBy scale: Scalar, keeping keep: Scalar,
                            to vector: inout [Scalar]) {
        matrix.elements.withUnsafeBufferPointer { pm in
            ones.withUnsafeBufferPointer { pOnes in
                vector.withUnsafeMutableBufferPointer { pv in
                    Scalar.gemv(transposeA: false, m: matrix.rows, n: matrix.columns, alpha: scale,
                                a: pm.baseAddress!, lda: matrix.columns,
                                x: pOnes.baseAddress!, beta: keep, y: pv.baseAddress!)
                }
            }
        }
    }

    private func multiplyElementwise(_ matrix: inout Matrix<Scalar>, by factor: Matrix<Scalar>) {
        matrix.elements.withUnsafeMutableBufferPointer { pm in
            factor.elements.withUnsafeBufferPointer { pf in
                for i in 0..<pm.count { pm[i] *= pf[i] }
            }
        }
    }
}
