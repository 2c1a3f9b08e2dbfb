import BackpropKernels

/// One layer as `ConvolutionBatch` runs it: what it does, the images it takes and gives, σ.
struct BatchStage: Sendable {
    enum Kind: Sendable { case convolution(kernel: Int), pooling(size: Int), dense }
    var kind: Kind
    var input: ImageShape, output: ImageShape
    var activation: Activation
    /// Whether the output is stored as a `values × m` matrix, one column per example, as a dense
    /// layer takes it; otherwise map after map, each map's m examples side by side, as a
    /// convolution's product gives it (`maps × m·positions`).
    var byColumns: Bool

    /// The rows of a convolution's unfolded input: one receptive field, depth·k·k values.
    var fieldSize: Int { if case .convolution(let k) = kind { input.depth * k * k } else { input.count } }
    var isDense: Bool { if case .dense = kind { true } else { false } }
    var weightCount: Int { if case .pooling = kind { 0 } else { output.depth * fieldSize } }
    var biasCount: Int { if case .pooling = kind { 0 } else { output.depth } }

    /// The stages of `network`, or nil unless it is convolutions and max-pooling followed by dense
    /// layers of one σ each (at least one of the first two kinds, and a dense output).
    static func stages<Scalar: BLASScalar>(of network: Network<Scalar>) -> [BatchStage]? {
        var stages: [BatchStage] = []
        for (l, layer) in network.layers.enumerated() {
            let flat = stages.last.map { if case .dense = $0.kind { true } else { false } } ?? false
            let beforeDense = l + 1 < network.layers.count && network.layers[l + 1].dense != nil
            if let conv = layer as? ConvolutionLayer<Scalar>, !flat, !beforeDense {
                stages.append(BatchStage(kind: .convolution(kernel: conv.kernel), input: conv.input, output: conv.output,
                                         activation: conv.activation, byColumns: false))
            } else if let pool = layer as? MaxPoolingLayer<Scalar>, !flat {
                stages.append(BatchStage(kind: .pooling(size: pool.size), input: pool.input, output: pool.output,
                                         activation: .linear, byColumns: beforeDense))
            } else if let dense = layer.dense, dense.hasUniformActivation {
                stages.append(BatchStage(kind: .dense, input: ImageShape(depth: dense.inputs, height: 1, width: 1),
                                         output: ImageShape(depth: dense.neurons, height: 1, width: 1),
                                         activation: dense.activation, byColumns: true))
            } else {
                return nil
            }
        }
        guard case .dense = stages.last?.kind, stages.contains(where: { if case .dense = $0.kind { false } else { true } }) else {
            return nil
        }
        return stages
    }
}

/// Where value (map c, example e, position p = row·width + column) of a batch of images lies:
/// c·map + e·example + p·position.
struct BatchLayout {
    var map: Int, example: Int, position: Int

    /// Images of `shape` for `m` examples, stored one column per example or map after map.
    init(_ shape: ImageShape, examples m: Int, byColumns: Bool) {
        let positions = shape.height * shape.width
        (map, example, position) = byColumns ? (positions * m, 1, m) : (m * positions, positions, 1)
    }

    init(map: Int, example: Int, position: Int) { (self.map, self.example, self.position) = (map, example, position) }

    @inline(__always)
    func offset(_ c: Int, _ e: Int, _ p: Int) -> Int { c * map + e * example + p * position }
}

/// Backpropagation over a batch of examples through convolution, max-pooling and dense layers,
/// each layer one or two matrix products over BLAS.
///
/// A convolution unfolds its input (im2col): each output position of each example gets a column
/// holding its receptive field, depth·k·k values, so that zˡ = wˡ·cols + bˡ is one product for the
/// whole batch, BP4 is δˡ·colsᵀ, and BP2 is (wˡ)ᵀδˡ, one column per receptive field, added back
/// onto the input positions it came from (col2im). Max-pooling keeps where each maximum was
/// (the first in row-major order on a tie, as ``MaxPoolingLayer``) and routes δ there. Dense
/// layers are products as in ``MiniBatch``.
///
/// Owns every buffer, allocated once for up to `capacity` examples; the gradients it leaves are
/// sums over the examples, for the engine to add up and apply. In Float the loops around the
/// products (im2col, col2im, pooling, BP3's sums) are BackpropKernels' C loops, which give the
/// Swift loops' bits; `kernels: false` keeps the Swift loops, for tests.
final class ConvolutionBatch<Scalar: BLASScalar>: @unchecked Sendable {
    let stages: [BatchStage]
    let capacity: Int
    /// The examples loaded (set ahead of ``load(_:indices:)`` when masks are drawn first).
    var count = 0
    /// The inputs in [0, 1], one row per example; the one-hot targets, one column per example.
    let x: UnsafeMutablePointer<Scalar>, y: UnsafeMutablePointer<Scalar>
    /// zˡ, aˡ, σ′(zˡ) and δˡ of each layer (a pooling layer's z is its a).
    let z: [UnsafeMutablePointer<Scalar>], a: [UnsafeMutablePointer<Scalar>]
    let sigmaPrime: [UnsafeMutablePointer<Scalar>], delta: [UnsafeMutablePointer<Scalar>]
    /// A convolution's unfolded input, and then BP2's (wˡ)ᵀδˡ, for a slab of examples.
    private let columns: [UnsafeMutablePointer<Scalar>]
    /// Examples per convolution product: a slab's unfolded input (128 KB an example for chapter 6's
    /// second convolution) stays in the cache between im2col and the products.
    static var slab: Int { 8 }
    /// Where each pooling output's maximum is in its input.
    private let argmax: [UnsafeMutablePointer<Int32>]
    /// Σₓ ∂Cₓ/∂wˡ and Σₓ ∂Cₓ/∂bˡ over the examples.
    let nablaW: [UnsafeMutablePointer<Scalar>], nablaB: [UnsafeMutablePointer<Scalar>]
    /// A dense layer's input, one row per example (aˡ⁻¹ transposed, dropout's mask applied), as the
    /// forward pass leaves it: for the narrow products, and for the engine, which forms ∂C/∂wˡ
    /// row by row as it updates wˡ (nil for the other layers).
    let inputRows: [UnsafeMutablePointer<Scalar>?]
    /// A dense layer's zˡ or BP2's product for the narrow products, one row per example, before
    /// they are turned into columns.
    private let transposed: UnsafeMutablePointer<Scalar>
    /// `bp_gemm_nt_by_transposes`'s scratch, for the largest of the convolutions' BP4 products.
    private let productScratch: UnsafeMutablePointer<Scalar>
    /// Dropout's factors for each layer whose output feeds a dense layer (nil for the others):
    /// 0 for a dropped value, 1/(1 − rate) for a kept one, as ``drawMasks(rate:generator:)`` drew them.
    let masks: [UnsafeMutablePointer<Scalar>?]
    private var owned: [UnsafeMutableRawPointer] = []
    /// Whether the C loops run (Float, and every offset fits the 32 bits of `argmax`), and for
    /// which instruction set; whether the convolutions' products are BackpropKernels' `bp_gemm`
    /// rather than BLAS's (with the C loops only).
    let usesKernels: Bool, isa: Int32, usesProducts: Bool

    init(stages: [BatchStage], classes: Int, capacity: Int, kernels: Bool = true, products: Bool = true, isa: Int32 = bp_best_isa()) {
        var owned: [UnsafeMutableRawPointer] = []
        func buffer<T: Numeric>(_ count: Int) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            owned.append(UnsafeMutableRawPointer(p))
            return p
        }
        self.stages = stages
        self.capacity = capacity
        x = buffer(stages[0].input.count * capacity)
        y = buffer(classes * capacity)
        let sizes = stages.map { $0.output.count * capacity }
        let a: [UnsafeMutablePointer<Scalar>] = sizes.map { buffer($0) }
        self.a = a
        z = stages.indices.map { if case .pooling = stages[$0].kind { a[$0] } else { buffer(sizes[$0]) } }
        sigmaPrime = sizes.map { buffer($0) }
        delta = sizes.map { buffer($0) }
        columns = stages.map { if case .convolution = $0.kind { buffer($0.fieldSize * $0.output.height * $0.output.width * min(capacity, Self.slab)) } else { buffer(0) } }
        argmax = stages.map { if case .pooling = $0.kind { buffer($0.output.count * capacity) } else { buffer(0) } }
        nablaW = stages.map { buffer($0.weightCount) }
        nablaB = stages.map { buffer($0.biasCount) }
        inputRows = stages.map { $0.isDense ? buffer($0.input.count * capacity) : nil }
        productScratch = buffer(stages.map {
            guard case .convolution = $0.kind else { return 0 }
            return bp_gemm_nt_scratch(Int32($0.output.depth), Int32($0.fieldSize), Int32(min(capacity, Self.slab) * $0.output.height * $0.output.width))
        }.max()!)
        transposed = buffer(stages.filter(\.isDense).map { max($0.input.count, $0.output.count) }.max()! * capacity)
        masks = stages.indices.map { l in
            guard l + 1 < stages.count, case .dense = stages[l + 1].kind else { return nil }
            return buffer(sizes[l])
        }
        let usesKernels = kernels && Scalar.self == Float.self && stages.allSatisfy { $0.input.count * capacity < Int(Int32.max) }
        (self.usesKernels, usesProducts) = (usesKernels, usesKernels && products)
        self.owned = owned
        self.isa = min(isa, bp_cpu_isa())
    }

    deinit { for p in owned { p.deallocate() } }

    /// Loads examples `indices` of `data`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func load(_ data: LabelledData, indices: ArraySlice<Int>) {
        precondition(indices.count <= capacity, "\(indices.count) examples for buffers of \(capacity)")
        count = indices.count
        let n = data.inputSize, m = count
        data.inputBytes.withUnsafeBufferPointer { bytes in
            for (row, example) in indices.enumerated() {
                for i in 0..<n { x[row * n + i] = Scalar(bytes[example * n + i]) / 255 }
            }
        }
        y.update(repeating: 0, count: data.classCount * m)
        for (column, example) in indices.enumerated() { y[Int(data.labels[example]) * m + column] = 1 }
    }

    /// The input of layer `l` and how it is laid out: the examples' rows for the first layer.
    private func input(of l: Int) -> (UnsafeMutablePointer<Scalar>, BatchLayout) {
        let shape = stages[l].input
        if l == 0 { return (x, BatchLayout(map: shape.height * shape.width, example: shape.count, position: 1)) }
        return (a[l - 1], BatchLayout(shape, examples: count, byColumns: stages[l - 1].byColumns))
    }

    /// Dropout, as network3.py drops the inputs of its fully connected layers: each value that
    /// feeds a dense layer (a hidden dense layer's activations, the last pooling layer's outputs)
    /// is kept with probability 1 − `rate` for each example of the batch loaded, and scaled by
    /// 1/(1 − rate) so that evaluation needs no change. Draws in the masks' order, one number
    /// per value.
    func drawMasks(rate: Scalar, generator: inout SeededGenerator) {
        let keep = 1 - Double(rate), scale = 1 / Scalar(keep)
        for (l, mask) in masks.enumerated() {
            guard let mask else { continue }
            for i in 0..<stages[l].output.count * count { mask[i] = generator.nextUniform() < keep ? scale : 0 }
        }
    }

    /// The forward pass: zˡ and aˡ = σ(zˡ) of every layer, keeping σ′(zˡ); with `masked`, each
    /// layer's output that feeds a dense layer is multiplied by its dropout mask.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func feedforward(weights w: [UnsafeMutablePointer<Scalar>], biases b: [UnsafeMutablePointer<Scalar>], masked: Bool = false) {
        let m = count
        for (l, stage) in stages.enumerated() {
            defer {
                if masked, let mask = masks[l] { for i in 0..<stage.output.count * m { a[l][i] *= mask[i] } }
            }
            let (input, layout) = input(of: l)
            let out = stage.output, positions = out.height * out.width
            switch stage.kind {
            case .convolution(let k):
                // zˡ = wˡ·cols + bˡ: maps × (m·positions), one column per receptive field.
                let n = m * positions
                for slab in slabs {
                    unfold(input + slab.lowerBound * layout.example, layout, layer: l, kernel: k, examples: slab.count)
                    multiply(m: out.depth, n: slab.count * positions, k: stage.fieldSize, a: w[l], lda: stage.fieldSize, b: columns[l],
                             ldb: slab.count * positions, c: z[l] + slab.lowerBound * positions, ldc: n)
                }
                if poolingActivates(after: l) { continue }
                for c in 0..<out.depth {
                    stage.activation.apply(bias: b[l][c], count: n, z: z[l] + c * n, a: a[l] + c * n, sigmaPrime: sigmaPrime[l] + c * n)
                }
            case .pooling(let size):
                let to = BatchLayout(out, examples: m, byColumns: stage.byColumns), width = stage.input.width
                let (a, argmax) = (a[l], argmax[l])
                if usesKernels {
                    var shape = images(l, layout, kernel: size)
                    if poolingActivates(after: l - 1) {
                        let activation = stages[l - 1].activation == .relu ? BP_RELU : BP_LINEAR
                        bp_max_pool(isa, &shape, floats(z[l - 1]), floats(b[l - 1]), Int32(activation.rawValue), floats(a), to.map,
                                    to.example, to.position, argmax, floats(sigmaPrime[l]))
                    } else {
                        bp_max_pool(isa, &shape, floats(input), nil, 0, floats(a), to.map, to.example, to.position, argmax, nil)
                    }
                    continue
                }
                for c in 0..<out.depth {
                    for e in 0..<m {
                        let base = layout.offset(c, e, 0), step = layout.position
                        for i in 0..<out.height {
                            for j in 0..<out.width {
                                var best = base + (i * size * width + j * size) * step, top = input[best]
                                for p in 0..<size {
                                    let row = base + ((i * size + p) * width + j * size) * step
                                    for q in 0..<size where input[row + q * step] > top {
                                        best = row + q * step
                                        top = input[best]
                                    }
                                }
                                let o = to.offset(c, e, i * out.width + j)
                                a[o] = top
                                argmax[o] = Int32(best)
                            }
                        }
                    }
                }
            case .dense:
                let neurons = out.count, inputs = stage.input.count, rows = inputRows[l]!
                for e in 0..<m {
                    for i in 0..<inputs { rows[e * inputs + i] = l > 0 ? input[i * m + e] : input[e * inputs + i] }
                }
                if narrow {
                    // zᵀ = (aˡ⁻¹)ᵀ(wˡ)ᵀ, one row per example, reading wˡ once, then turned into columns.
                    bp_gemm_nt(isa, Int32(m), Int32(neurons), Int32(inputs), floats(rows), inputs, floats(w[l]), inputs, floats(transposed),
                               neurons, 0)
                    transpose(transposed, rows: m, columns: neurons, into: z[l])
                } else {
                    // zˡ = wˡaˡ⁻¹ + bˡ, one column per example (the first layer reads the rows of x as columns).
                    Scalar.gemm(transposeA: false, transposeB: l == 0, m: neurons, n: m, k: inputs, alpha: 1, a: w[l], lda: inputs,
                                b: input, ldb: l == 0 ? inputs : m, beta: 0, c: z[l], ldc: m)
                }
                if stage.activation == .softmax {
                    softmaxColumns(bias: UnsafeBufferPointer(start: b[l], count: neurons), rows: neurons, columns: m,
                                   z: UnsafeMutableBufferPointer(start: z[l], count: neurons * m),
                                   a: UnsafeMutableBufferPointer(start: a[l], count: neurons * m),
                                   sigmaPrime: UnsafeMutableBufferPointer(start: sigmaPrime[l], count: neurons * m))
                } else {
                    for j in 0..<neurons {
                        stage.activation.apply(bias: b[l][j], count: m, z: z[l] + j * m, a: a[l] + j * m, sigmaPrime: sigmaPrime[l] + j * m)
                    }
                }
            }
        }
    }

    /// The backward pass after ``feedforward(weights:biases:masked:)``: BP1 at the output, then BP2
    /// layer by layer back, leaving BP3 and BP4 summed over the examples in `nablaB` and `nablaW`.
    /// `masked` must be what the forward pass was given: a dropped value passes no δ back. Without
    /// `denseGradients`, a dense layer's BP4 is left to the engine, which forms it from δˡ and
    /// `inputRows` as it updates wˡ (a product of rank `count` would be written, then read back, in full).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func backpropagate(weights w: [UnsafeMutablePointer<Scalar>], cost: Cost, output: OutputForm, masked: Bool = false,
                       denseGradients: Bool = true) {
        let m = count, last = stages.count - 1
        // BP1: δᴸ = ∇ₐC ⊙ σ′(zᴸ), example by example.
        for e in 0..<m {
            cost.outputError(a: a[last] + e, y: y + e, sigmaPrime: sigmaPrime[last] + e, delta: delta[last] + e,
                             count: stages[last].output.count, stride: m, output: output)
        }
        for l in stride(from: last, through: 0, by: -1) {
            let stage = stages[l], (input, layout) = input(of: l)
            let out = stage.output, n = m * out.height * out.width
            switch stage.kind {
            case .convolution(let k):
                // BP3: ∂C/∂bₘ = Σ δ over the map's positions (and the examples).
                sumRows(delta[l], rows: out.depth, columns: n, into: nablaB[l])
                let positions = out.height * out.width
                for slab in slabs {
                    // The forward pass's columns are still there when one slab held every example.
                    if m > Self.slab {
                        unfold(input + slab.lowerBound * layout.example, layout, layer: l, kernel: k, examples: slab.count)
                    }
                    let width = slab.count * positions, first = delta[l] + slab.lowerBound * positions
                    // BP4: ∂C/∂w = δ·colsᵀ, the correlation of each input map with δ, added up slab by slab.
                    multiply(transposeB: true, m: out.depth, n: stage.fieldSize, k: width, a: first, lda: n, b: columns[l], ldb: width,
                             adding: slab.lowerBound > 0, c: nablaW[l], ldc: stage.fieldSize)
                    if l > 0 {
                        // BP2: (wˡ)ᵀδˡ, one column per receptive field, added back where each value came from.
                        multiply(transposeA: true, m: stage.fieldSize, n: width, k: out.depth, a: w[l], lda: stage.fieldSize, b: first, ldb: n,
                                 c: columns[l], ldc: width)
                        fold(into: delta[l - 1] + slab.lowerBound * layout.example, layout, layer: l, kernel: k, examples: slab.count)
                    }
                }
            case .pooling(let size):
                // BP2: each δ goes to its window's maximum; the other inputs get 0.
                if l > 0, usesKernels {
                    let to = BatchLayout(out, examples: m, byColumns: stage.byColumns)
                    var shape = images(l, layout, kernel: size)
                    let atOutput = poolingActivates(after: l - 1)
                    let sp = atOutput ? floats(sigmaPrime[l]) : stages[l - 1].weightCount > 0 ? floats(sigmaPrime[l - 1]) : nil
                    bp_max_pool_back(isa, &shape, floats(delta[l]), to.map, to.example, to.position, argmax[l], sp, atOutput ? 1 : 0,
                                     floats(delta[l - 1]))
                    continue
                } else if l > 0 {
                    delta[l - 1].update(repeating: 0, count: stage.input.count * m)
                    for o in 0..<out.count * m { delta[l - 1][Int(argmax[l][o])] += delta[l][o] }
                }
            case .dense:
                let neurons = out.count, inputs = stage.input.count
                // BP3: ∂C/∂b = δ, summed over the examples.
                sumRows(delta[l], rows: neurons, columns: m, into: nablaB[l])
                if denseGradients {
                    // BP4: ∂C/∂w = δ(aˡ⁻¹)ᵀ, summed over the examples.
                    Scalar.gemm(transposeA: false, transposeB: l > 0, m: neurons, n: inputs, k: m, alpha: 1, a: delta[l], lda: m,
                                b: input, ldb: l > 0 ? m : inputs, beta: 0, c: nablaW[l], ldc: inputs)
                }
                // BP2's product (wˡ)ᵀδˡ; narrow, as (δˡ)ᵀwˡ, one row per example, reading wˡ once.
                if l > 0, narrow {
                    bp_gemm_tn(isa, Int32(m), Int32(inputs), Int32(neurons), floats(delta[l]), m, floats(w[l]), inputs, floats(transposed),
                               inputs, 0)
                    transpose(transposed, rows: m, columns: inputs, into: delta[l - 1])
                } else if l > 0 {
                    Scalar.gemm(transposeA: true, transposeB: false, m: inputs, n: m, k: neurons, alpha: 1, a: w[l], lda: inputs,
                                b: delta[l], ldb: m, beta: 0, c: delta[l - 1], ldc: m)
                }
            }
            // BP2: δˡ⁻¹ = (the product) ⊙ σ′(zˡ⁻¹); a pooling layer's σ′ is 1.
            if l > 0, stages[l - 1].weightCount > 0 {
                for i in 0..<stages[l - 1].output.count * m { delta[l - 1][i] *= sigmaPrime[l - 1][i] }
            }
            // Dropout: aˡ⁻¹ = σ(zˡ⁻¹)·mask, so δˡ⁻¹ takes the mask's factor too.
            if l > 0, masked, let mask = masks[l - 1] {
                for i in 0..<stages[l - 1].output.count * m { delta[l - 1][i] *= mask[i] }
            }
        }
    }

    /// The rows im2col moves, each `width′` values: calls `body(input offset, column row)` with
    /// the offset of input (d, i + p, q) of example e in `layout` and where its run of columns
    /// starts: row (d·k + p)·k + q of `columns`, column e·positions + i·width′. A convolution's
    /// input (the rows of x, or a stage stored map after map) has its positions side by side.
    @inline(__always)
    private func forEachUnfoldedRow(_ layout: BatchLayout, layer l: Int, kernel k: Int, examples: Int,
                                    _ body: (Int, UnsafeMutablePointer<Scalar>) -> Void) {
        let stage = stages[l], from = stage.input, out = stage.output, positions = out.height * out.width, n = examples * positions
        for d in 0..<from.depth {
            for p in 0..<k {
                for q in 0..<k {
                    let row = columns[l] + ((d * k + p) * k + q) * n
                    for e in 0..<examples {
                        for i in 0..<out.height {
                            body(layout.offset(d, e, (i + p) * from.width + q), row + e * positions + i * out.width)
                        }
                    }
                }
            }
        }
    }

    /// im2col: column e·positions + i·width′ + j of row (d·k + p)·k + q holds input
    /// (d, i + p, j + q) of example e, for the first `examples` examples from `input`.
    private func unfold(_ input: UnsafePointer<Scalar>, _ layout: BatchLayout, layer l: Int, kernel k: Int, examples: Int) {
        if usesKernels {
            var shape = images(l, layout, kernel: k, examples: examples)
            return bp_unfold(isa, &shape, floats(input), floats(columns[l]))
        }
        let width = stages[l].output.width
        forEachUnfoldedRow(layout, layer: l, kernel: k, examples: examples) { offset, target in
            target.update(from: input + offset, count: width)
        }
    }

    /// col2im: adds each value of `columns` to the input position it was unfolded from, for the
    /// first `examples` examples from `g`, after zeroing theirs.
    private func fold(into g: UnsafeMutablePointer<Scalar>, _ layout: BatchLayout, layer l: Int, kernel k: Int, examples: Int) {
        if usesKernels {
            var shape = images(l, layout, kernel: k, examples: examples)
            return bp_fold(isa, &shape, floats(columns[l]), floats(g))
        }
        let width = stages[l].output.width, from = stages[l].input
        for d in 0..<from.depth {
            for e in 0..<examples { (g + layout.offset(d, e, 0)).update(repeating: 0, count: from.height * from.width) }
        }
        forEachUnfoldedRow(layout, layer: l, kernel: k, examples: examples) { offset, source in
            for j in 0..<width { g[offset + j] += source[j] }
        }
    }

    /// A convolution's product, C = op(A)·op(B) (C += with `adding`), row-major as BLAS takes it:
    /// BackpropKernels' products with `usesProducts`, else BLAS. A·Bᵀ (BP4) is `bp_gemm_nt` when
    /// its rows are long, k ≥ 1024 (the first convolution's slabs of two examples or more, 576
    /// positions each: about 0.6 of BLAS's time), otherwise `bp_gemm` on transposed copies
    /// (`bp_gemm_nt_by_transposes`; the second convolution's rows of 64 positions an example,
    /// where `bp_gemm_nt`'s sums of lanes took 1.2–1.5 times BLAS's time).
    private func multiply(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, a: UnsafePointer<Scalar>, lda: Int,
                          b: UnsafePointer<Scalar>, ldb: Int, adding: Bool = false, c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        if usesProducts, transposeB, k < 1024 {
            return bp_gemm_nt_by_transposes(isa, Int32(m), Int32(n), Int32(k), floats(a), lda, floats(b), ldb, floats(c), ldc, adding ? 1 : 0,
                                            floats(productScratch))
        }
        if usesProducts {
            let product = transposeB ? bp_gemm_nt : transposeA ? bp_gemm_tn : bp_gemm
            return product(isa, Int32(m), Int32(n), Int32(k), floats(a), lda, floats(b), ldb, floats(c), ldc, adding ? 1 : 0)
        }
        Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb,
                    beta: adding ? 1 : 0, c: c, ldc: ldc)
    }

    /// Whether the dense layers' forward products and BP2 are BackpropKernels' (with
    /// `usesProducts`, for at most one block of `bp_gemm`'s rows of examples: 6 with AVX2 and
    /// AVX-512, 4 in portable C): each then reads wˡ once where it lies, where BLAS copied
    /// ("packed") all of it first, a copy that took about as long as the product for chapter 6's
    /// 1,000-neuron layers at 5 examples a half-batch.
    private var narrow: Bool { usesProducts && count <= Int(bp_gemm_block_rows(isa)) }

    /// `matrix` (`rows` × `columns`) transposed into `target`.
    private func transpose(_ matrix: UnsafePointer<Scalar>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Scalar>) {
        for r in 0..<rows {
            for c in 0..<columns { target[c * rows + r] = matrix[r * columns + c] }
        }
    }

    /// The examples loaded, cut into slabs of at most ``slab``.
    private var slabs: LazyMapSequence<StrideTo<Int>, Range<Int>> {
        let count = count
        return stride(from: 0, to: count, by: Self.slab).lazy.map { $0 ..< min($0 + Self.slab, count) }
    }

    /// Whether convolution `l`'s bias and σ wait for the max-pooling after it, which then pools
    /// zˡ without them and applies them once per window (the C loops, σ ReLU or linear): the same
    /// values, and the same gradients, since σ does not decrease; zˡ stays without the bias and
    /// aˡ and σ′(zˡ) are not written.
    private func poolingActivates(after l: Int) -> Bool {
        guard usesKernels, l >= 0, l + 1 < stages.count, case .convolution = stages[l].kind, case .pooling = stages[l + 1].kind
        else { return false }
        return stages[l].activation == .relu || stages[l].activation == .linear
    }

    /// Layer `l`'s input images as the C loops take them (`layout`'s positions are adjacent).
    private func images(_ l: Int, _ layout: BatchLayout, kernel: Int, examples: Int? = nil) -> bp_images {
        let from = stages[l].input
        return bp_images(depth: Int32(from.depth), height: Int32(from.height), width: Int32(from.width), examples: Int32(examples ?? count),
                         kernel: Int32(kernel), map: layout.map, example: layout.example)
    }

    /// `p` as the C loops' Float (only called when `usesKernels`, so when Scalar is Float).
    func floats(_ p: UnsafePointer<Scalar>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(mutating: p).assumingMemoryBound(to: Float.self)
    }

    /// BP3's sums of δ's rows: 16 running sums (column c to sum c mod 16) added in the C loop's
    /// order, then the columns past the last 16, so that the two paths give the same bits.
    private func sumRows(_ matrix: UnsafePointer<Scalar>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Scalar>) {
        if usesKernels { return bp_sum_rows(isa, floats(matrix), Int32(rows), columns, floats(sums)) }
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 16) { lanes in
            for r in 0..<rows {
                let row = matrix + r * columns, whole = columns - columns % 16
                lanes.initialize(repeating: 0)
                for c in 0..<whole { lanes[c % 16] += row[c] }
                var sum: Scalar = 0
                for lane in 0..<8 { sum += lanes[lane] + lanes[lane + 8] }
                for c in whole..<columns { sum += row[c] }
                sums[r] = sum
            }
        }
    }
}
