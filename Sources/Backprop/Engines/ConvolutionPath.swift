import BackpropKernels
import Foundation

/// The batch engine for convolutional networks (convolutions and max-pooling, then dense
/// layers): each mini-batch goes forward and back as matrix products over BLAS
/// (`ConvolutionBatch`), any precision, with every update an ``Optimizer`` makes; dropout drops
/// the inputs of the dense layers, as network3.py does.
///
/// A mini-batch is cut into two halves, each with buffers of its own, run on two threads when
/// ``BLASBackend/threadCount`` allows (BLAS then runs one thread in each). The halves' gradients
/// are added in the same order however many threads ran them, so the results do not depend on
/// the thread count.
final class ConvolutionPath<Scalar: BLASScalar>: PreparedNetwork {
    let engine = Engine.blas
    private var network: Network<Scalar>
    private let stages: [BatchStage]
    private let output: OutputForm
    private let threads: Int
    /// The two threads of the halves, with `threads` > 1.
    private let team: WorkerTeam?
    /// The weights and biases the steps change, and momentum's velocities, layer by layer.
    private let w: [UnsafeMutablePointer<Scalar>], b: [UnsafeMutablePointer<Scalar>]
    private let vw: [UnsafeMutablePointer<Scalar>]?, vb: [UnsafeMutablePointer<Scalar>]?
    /// Buffers for the two halves of a mini-batch, and of a chunk of evaluation.
    private var halves: [ConvolutionBatch<Scalar>], chunkHalves: [ConvolutionBatch<Scalar>] = []
    /// Examples per evaluation chunk (two halves).
    private static var chunk: Int { 100 }

    /// Nil unless the network is convolutions and max-pooling followed by dense layers (see
    /// ``BatchStage/stages(of:)``).
    /// Whether the batches run the C loops around the products (Float; `false` for tests), the
    /// convolutions' products in C (`bp_gemm`; with the loops only), and for which instruction set.
    private let kernels: Bool, products: Bool, isa: Int32

    init?(_ network: Network<Scalar>, optimizer: Optimizer<Scalar>?, capacity: Int, threads: Int = BLASBackend.threadCount,
          kernels: Bool = true, products: Bool = true, isa: Int32 = bp_best_isa()) {
        guard let stages = BatchStage.stages(of: network) else { return nil }
        self.network = network
        self.stages = stages
        guard let last = network.layers[network.layers.count - 1].dense else { return nil }
        output = OutputForm(last)
        self.threads = threads
        team = threads > 1 ? WorkerTeam() : nil
        self.kernels = kernels
        self.products = products
        self.isa = isa
        func copy(_ values: [Scalar]) -> UnsafeMutablePointer<Scalar> {
            let p = UnsafeMutablePointer<Scalar>.allocate(capacity: max(values.count, 1))
            p.initialize(from: values, count: values.count)
            return p
        }
        w = network.layers.map { copy($0.weights.elements) }
        b = network.layers.map { copy($0.biases) }
        let velocity = optimizer?.velocity
        vw = velocity.map { $0.layers.map { copy($0.weights.elements) } }
        vb = velocity.map { $0.layers.map { copy($0.biases) } }
        halves = []
        halves = makeHalves(capacity: (max(1, capacity) + 1) / 2)
    }

    deinit {
        for p in w + b + (vw ?? []) + (vb ?? []) { p.deallocate() }
    }

    private func makeHalves(capacity: Int) -> [ConvolutionBatch<Scalar>] {
        (0..<2).map { _ in ConvolutionBatch(stages: stages, classes: network.outputSize, capacity: capacity, kernels: kernels, products: products,
                                      isa: isa) }
    }

    /// Cuts `indices` in two halves, calls `counted` with each in turn on this thread once it
    /// knows its count, then loads each and runs `body` on it, on two threads when allowed.
    private func runHalves(_ halves: [ConvolutionBatch<Scalar>], _ data: LabelledData, _ indices: ArraySlice<Int>,
                           counted: (ConvolutionBatch<Scalar>) -> Void = { _ in },
                           _ body: @escaping @Sendable (ConvolutionBatch<Scalar>) -> Void) -> Int {
        let middle = indices.startIndex + (indices.count + 1) / 2
        let parts = [indices[..<middle], indices[middle...]].filter { !$0.isEmpty }
        for (half, part) in zip(halves, parts) {
            half.count = part.count
            counted(half)
        }
        inParallel(parts.count) { i in
            halves[i].load(data, indices: parts[i])
            body(halves[i])
        }
        return parts.count
    }

    /// Runs `body(0 ..< count)`, `count` at most 2, on two threads when allowed (BLAS then runs
    /// one thread in each): on the team's when it has one.
    private func inParallel(_ count: Int, _ body: @Sendable (Int) -> Void) {
        precondition(count <= 2, "a mini-batch is cut in at most two halves")
        if count > 1, threads > 1 {
            BLASBackend.threadCount = 1
            if let team { team.run(body) } else { DispatchQueue.concurrentPerform(iterations: count, execute: body) }
            BLASBackend.threadCount = threads
        } else {
            for i in 0..<count { body(i) }
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func step(on data: LabelledData, indices: ArraySlice<Int>, next _: ArraySlice<Int>,
              optimizer: inout Optimizer<Scalar>) -> Bool {
        precondition(!indices.isEmpty, "a step needs at least one example")
        let (finite, used) = backpropagateHalves(data, indices, optimizer: &optimizer)
        // The halves' sum and the step are element by element: half of every layer on each thread.
        nonisolated(unsafe) let path = self
        let descent = optimizer, m = indices.count, (first, second) = (halves[0], used > 1 ? halves[1] : nil)
        let ran = Array(halves.prefix(used))
        inParallel(2) { part in
            path.update(descent, examples: m, part: part, of: 2, gradient: { (first.nablaW[$0], first.nablaB[$0]) },
                        adding: second.map { second in { (second.nablaW[$0], second.nablaB[$0]) } }, denseFrom: ran)
        }
        return finite
    }

    /// The forward and backward passes of both halves of `indices`, with `optimizer`'s dropout;
    /// whether every output was finite, and how many halves ran. The dense layers' BP4 is left to
    /// ``denseGradient(layer:rows:halves:into:)``.
    private func backpropagateHalves(_ data: LabelledData, _ indices: ArraySlice<Int>,
                                     optimizer: inout Optimizer<Scalar>) -> (finite: Bool, used: Int) {
        if (indices.count + 1) / 2 > halves[0].capacity { halves = makeHalves(capacity: (indices.count + 1) / 2) }
        nonisolated(unsafe) let weights = w, biases = b
        let cost = network.cost, output = self.output, masked = optimizer.dropout > 0, rate = optimizer.stepDropout
        // The masks are drawn here, half after half, so that they do not depend on the threads.
        let used = runHalves(halves, data, indices, counted: { half in
            if masked { half.drawMasks(rate: rate, generator: &optimizer.dropoutGenerator) }
        }) { half in
            half.feedforward(weights: weights, biases: biases, masked: masked)
            half.backpropagate(weights: weights, cost: cost, output: output, masked: masked, denseGradients: false)
        }
        return (halves.prefix(used).allSatisfy(\.outputIsFinite), used)
    }

    /// w → w − (η/m) Σₓ ∂Cₓ/∂w less weight decay, b → b − (η/m) Σₓ ∂Cₓ/∂b, through the velocity
    /// with momentum, from the gradient sums `gradient(l)` gives for each layer `l`; with
    /// `denseFrom`, a dense layer's weights take their gradient from those halves instead (see
    /// ``descendDense(_:layer:examples:rows:halves:)``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func update(_ optimizer: Optimizer<Scalar>, examples m: Int, part: Int = 0, of parts: Int = 1,
                        gradient: (Int) -> (w: UnsafeMutablePointer<Scalar>, b: UnsafeMutablePointer<Scalar>),
                        adding extra: ((Int) -> (w: UnsafeMutablePointer<Scalar>, b: UnsafeMutablePointer<Scalar>))? = nil,
                        denseFrom ran: [ConvolutionBatch<Scalar>]? = nil) {
        for (l, stage) in stages.enumerated() where stage.weightCount > 0 {
            let g = gradient(l), h = extra?(l), fused = ran != nil && stage.isDense
            if fused, let ran {
                let neurons = stage.output.count
                descendDense(optimizer, layer: l, examples: m, rows: neurons * part / parts ..< neurons * (part + 1) / parts, halves: ran)
            }
            for (p, v, sum, more, count, decays) in [(w[l], vw?[l], g.w, h?.w, fused ? 0 : stage.weightCount, true),
                                                     (b[l], vb?[l], g.b, h?.b, stage.biasCount, false)] where count > 0 {
                let range = count * part / parts ..< count * (part + 1) / parts
                if let more { for i in range { sum[i] += more[i] } }
                optimizer.descend(p + range.lowerBound, velocity: v.map { $0 + range.lowerBound }, gradient: sum + range.lowerBound,
                                  count: range.count, examples: m, decays: decays)
            }
        }
    }

    /// The step of dense layer `l`'s weights `rows`, with ∂C/∂w = Σₓ δˡ(aˡ⁻¹)ᵀ (BP4) formed a few
    /// rows at a time from the halves' δˡ and input rows, each element's products added example
    /// by example, the first half's first: the gradient never fills a matrix of its own, so the
    /// step reads and writes wˡ once (the 1,000 × 1,000 layers of chapter 6's dropout network
    /// spent most of their time writing, zeroing and reading back those sums). The rows a
    /// thread takes do not change any element's sums, so the bits do not depend on the threads.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func descendDense(_ optimizer: Optimizer<Scalar>, layer l: Int, examples m: Int, rows: Range<Int>,
                              halves: [ConvolutionBatch<Scalar>]) {
        // Rows a block of `bp_gemm`'s: each block's product then reads the input rows once.
        let inputs = stages[l].input.count, block = halves[0].usesProducts ? Int(bp_gemm_block_rows(halves[0].isa)) : 6
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: block * inputs) { buffer in
            let g = buffer.baseAddress!
            for first in stride(from: rows.lowerBound, to: rows.upperBound, by: block) {
                let count = min(block, rows.upperBound - first)
                denseGradient(layer: l, rows: first ..< first + count, halves: halves, into: g)
                optimizer.descend(w[l] + first * inputs, velocity: vw.map { $0[l] + first * inputs }, gradient: g,
                                  count: count * inputs, examples: m, decays: true)
            }
        }
    }

    /// Σₓ ∂C/∂wˡ (BP4) of dense layer `l`'s `rows`, from the halves' δˡ and input rows, into `g`
    /// (row after row): each element's products added example by example, the first half's first.
    private func denseGradient(layer l: Int, rows: Range<Int>, halves: [ConvolutionBatch<Scalar>], into g: UnsafeMutablePointer<Scalar>) {
        let inputs = stages[l].input.count
        for (h, half) in halves.enumerated() {
            let n = half.count, delta = half.delta[l] + rows.lowerBound * n, x = half.inputRows[l]!
            if half.usesProducts {
                // The same sums as the loop below, each a chain of fused multiply-adds.
                bp_gemm(half.isa, Int32(rows.count), Int32(inputs), Int32(n), half.floats(delta), n, half.floats(x), inputs,
                        half.floats(g), inputs, h > 0 ? 1 : 0)
                continue
            }
            if h == 0 { g.update(repeating: 0, count: rows.count * inputs) }
            for r in 0..<rows.count {
                let sums = g + r * inputs
                for e in 0..<n {
                    let d = delta[r * n + e], row = x + e * inputs
                    for i in 0..<inputs { sums[i] += d * row[i] }
                }
            }
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func evaluate(on data: LabelledData) -> Evaluation {
        var correct = 0, totalCost = 0.0
        let last = stages.count - 1, outputs = network.outputSize
        forEachChunk(of: data) { half, indices in
            let m = half.count
            for (e, example) in indices.enumerated() {
                if largest(of: half.a[last] + e, count: outputs, stride: m) == Int(data.labels[example]) { correct += 1 }
                totalCost += network.cost.value(a: half.a[last] + e, z: half.z[last] + e, y: half.y + e, count: outputs,
                                                stride: m, output: output)
            }
        }
        return Evaluation(correct: correct, count: data.count, cost: data.count == 0 ? 0 : totalCost / Double(data.count))
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func predictions(on data: LabelledData) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(data.count)
        let last = stages.count - 1, outputs = network.outputSize
        forEachChunk(of: data) { half, indices in
            for e in 0..<indices.count { result.append(largest(of: half.a[last] + e, count: outputs, stride: half.count)) }
        }
        return result
    }

    /// Feeds `data` forward a chunk at a time and hands each half of each chunk to `body` with
    /// the examples it holds, in order.
    private func forEachChunk(of data: LabelledData, _ body: (ConvolutionBatch<Scalar>, ArraySlice<Int>) -> Void) {
        if chunkHalves.isEmpty { chunkHalves = makeHalves(capacity: Self.chunk / 2) }
        nonisolated(unsafe) let weights = w, biases = b
        let order = Array(0..<data.count)
        var start = 0
        while start < data.count {
            let indices = order[start ..< min(start + Self.chunk, data.count)]
            let used = runHalves(chunkHalves, data, indices) { $0.feedforward(weights: weights, biases: biases) }
            let middle = indices.startIndex + (indices.count + 1) / 2
            body(chunkHalves[0], indices[..<middle])
            if used > 1 { body(chunkHalves[1], indices[middle...]) }
            start += indices.count
        }
    }

    func store(into network: inout Network<Scalar>, optimizer: inout Optimizer<Scalar>) {
        for (l, stage) in stages.enumerated() where stage.weightCount > 0 {
            self.network.layers[l].weights.elements = Array(UnsafeBufferPointer(start: w[l], count: stage.weightCount))
            self.network.layers[l].biases = Array(UnsafeBufferPointer(start: b[l], count: stage.biasCount))
            if let vw, let vb, optimizer.velocity != nil {
                optimizer.velocity!.layers[l].weights.elements = Array(UnsafeBufferPointer(start: vw[l], count: stage.weightCount))
                optimizer.velocity!.layers[l].biases = Array(UnsafeBufferPointer(start: vb[l], count: stage.biasCount))
            }
        }
        network = self.network
    }
}

extension ConvolutionPath: GradientSumming {
    var parameterCount: Int { stages.reduce(0) { $0 + $1.weightCount + $1.biasCount } }

    func gradientSum(on data: LabelledData, indices: ArraySlice<Int>, into gradient: UnsafeMutablePointer<Scalar>) -> Bool {
        var withoutDropout = Optimizer<Scalar>(eta: 1)
        let (finite, used) = backpropagateHalves(data, indices, optimizer: &withoutDropout)
        // The first half's sums plus the second's, layer by layer, weights then biases; a dense
        // layer's weights as the step forms them (``denseGradient(layer:rows:halves:into:)``).
        let ran = Array(halves.prefix(used))
        var offset = 0
        for (l, stage) in stages.enumerated() where stage.weightCount > 0 {
            if stage.isDense {
                denseGradient(layer: l, rows: 0 ..< stage.output.count, halves: ran, into: gradient + offset)
                offset += stage.weightCount
            }
            for (sums, count) in [(ran.map { $0.nablaW[l] }, stage.isDense ? 0 : stage.weightCount), (ran.map { $0.nablaB[l] }, stage.biasCount)] {
                for i in 0..<count { gradient[offset + i] = used > 1 ? sums[0][i] + sums[1][i] : sums[0][i] }
                offset += count
            }
        }
        return finite
    }

    func step(gradientSum gradient: UnsafeMutablePointer<Scalar>, examples: Int, optimizer: inout Optimizer<Scalar>) {
        var offsets: [Int] = [], offset = 0
        for stage in stages {
            offsets.append(offset)
            offset += stage.weightCount + stage.biasCount
        }
        update(optimizer, examples: examples) { (gradient + offsets[$0], gradient + offsets[$0] + self.stages[$0].weightCount) }
    }
}

extension ConvolutionBatch {
    /// Whether the last forward pass's output holds only finite numbers.
    var outputIsFinite: Bool {
        let last = stages.count - 1
        var sum: Scalar = 0
        for i in 0..<stages[last].output.count * count { sum += a[last][i] * 0 }  // NaN or ±infinity makes NaN
        return !sum.isNaN
    }
}
