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
    /// The weights and biases the steps change, and momentum's velocities, layer by layer.
    private let w: [UnsafeMutablePointer<Scalar>], b: [UnsafeMutablePointer<Scalar>]
    private let vw: [UnsafeMutablePointer<Scalar>]?, vb: [UnsafeMutablePointer<Scalar>]?
    /// Buffers for the two halves of a mini-batch, and of a chunk of evaluation.
    private var halves: [ConvolutionBatch<Scalar>], chunkHalves: [ConvolutionBatch<Scalar>] = []
    /// Examples per evaluation chunk (two halves).
    private static var chunk: Int { 100 }

    /// Nil unless the network is convolutions and max-pooling followed by dense layers (see
    /// ``BatchStage/stages(of:)``).
    init?(_ network: Network<Scalar>, optimizer: Optimizer<Scalar>?, capacity: Int, threads: Int = BLASBackend.threadCount) {
        guard let stages = BatchStage.stages(of: network) else { return nil }
        self.network = network
        self.stages = stages
        guard let last = network.layers[network.layers.count - 1].dense else { return nil }
        output = OutputForm(last)
        self.threads = threads
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
        (0..<2).map { _ in ConvolutionBatch(stages: stages, classes: network.outputSize, capacity: capacity) }
    }

    /// Loads the two halves of `indices`, calls `loaded` with each in turn on this thread, and
    /// runs `body` on each, on two threads when allowed.
    private func runHalves(_ halves: [ConvolutionBatch<Scalar>], _ data: LabelledData, _ indices: ArraySlice<Int>,
                           loaded: (ConvolutionBatch<Scalar>) -> Void = { _ in },
                           _ body: @escaping @Sendable (ConvolutionBatch<Scalar>) -> Void) -> Int {
        let middle = indices.startIndex + (indices.count + 1) / 2
        let parts = [indices[..<middle], indices[middle...]].filter { !$0.isEmpty }
        for (half, part) in zip(halves, parts) {
            half.load(data, indices: part)
            loaded(half)
        }
        if parts.count > 1, threads > 1 {
            BLASBackend.threadCount = 1
            DispatchQueue.concurrentPerform(iterations: parts.count) { body(halves[$0]) }
            BLASBackend.threadCount = threads
        } else {
            for half in halves.prefix(parts.count) { body(half) }
        }
        return parts.count
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func step(on data: LabelledData, indices: ArraySlice<Int>, next _: ArraySlice<Int>,
              optimizer: inout Optimizer<Scalar>) -> Bool {
        if (indices.count + 1) / 2 > halves[0].capacity { halves = makeHalves(capacity: (indices.count + 1) / 2) }
        nonisolated(unsafe) let weights = w, biases = b
        let cost = network.cost, output = self.output, masked = optimizer.dropout > 0, rate = optimizer.stepDropout
        // The masks are drawn here, half after half, so that they do not depend on the threads.
        let used = runHalves(halves, data, indices, loaded: { half in
            if masked { half.drawMasks(rate: rate, generator: &optimizer.dropoutGenerator) }
        }) { half in
            half.feedforward(weights: weights, biases: biases, masked: masked)
            half.backpropagate(weights: weights, cost: cost, output: output, masked: masked)
        }
        update(&optimizer, examples: indices.count, halves: Array(halves.prefix(used)))
        return halves.prefix(used).allSatisfy(\.outputIsFinite)
    }

    /// w → w − (η/m) Σₓ ∂Cₓ/∂w less weight decay, b → b − (η/m) Σₓ ∂Cₓ/∂b, through the velocity
    /// with momentum, as ``Optimizer/update(_:nablaW:nablaB:examples:)`` writes it; the sum over
    /// the mini-batch is the first half's plus the second's.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func update(_ optimizer: inout Optimizer<Scalar>, examples m: Int, halves: [ConvolutionBatch<Scalar>]) {
        let scale = -optimizer.stepEta / Scalar(m), mu = optimizer.stepMomentum
        let (l2, l1): (Scalar, Scalar) = switch optimizer.regularization {
        case .none: (0, 0)
        case .l2: (optimizer.decay, 0)
        case .l1: (0, optimizer.decay)
        }
        func descend(_ p: UnsafeMutablePointer<Scalar>, _ v: UnsafeMutablePointer<Scalar>?, count: Int, l2: Scalar, l1: Scalar,
                     gradient: (ConvolutionBatch<Scalar>) -> UnsafeMutablePointer<Scalar>) {
            let g = gradient(halves[0])
            if halves.count > 1 {
                let second = gradient(halves[1])
                for i in 0..<count { g[i] += second[i] }
            }
            if l1 != 0 {
                for i in 0..<count { g[i] -= l1 / scale * (p[i] > 0 ? 1 : p[i] < 0 ? -1 : 0) }  // scale·g − l1·sgn(w)
            }
            if let v {
                for i in 0..<count {
                    v[i] = mu * v[i] + (scale * g[i] - l2 * p[i])
                    p[i] += v[i]
                }
            } else {
                for i in 0..<count { p[i] += scale * g[i] - l2 * p[i] }
            }
        }
        for (l, stage) in stages.enumerated() where stage.weightCount > 0 {
            descend(w[l], vw?[l], count: stage.weightCount, l2: l2, l1: l1) { $0.nablaW[l] }
            descend(b[l], vb?[l], count: stage.biasCount, l2: 0, l1: 0) { $0.nablaB[l] }
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

extension ConvolutionBatch {
    /// Whether the last forward pass's output holds only finite numbers.
    var outputIsFinite: Bool {
        let last = stages.count - 1
        var sum: Scalar = 0
        for i in 0..<stages[last].output.count * count { sum += a[last][i] * 0 }  // NaN or ±infinity makes NaN
        return !sum.isNaN
    }
}
