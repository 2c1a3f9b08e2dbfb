/// The matrix path: each mini-batch is one matrix per layer (``MiniBatch``), so a layer costs one
/// product over BLAS forward and two backward. Runs networks of dense layers, any precision, with
/// every update an ``Optimizer`` makes.
final class MatrixPath<Scalar: BLASScalar>: PreparedNetwork {
    let engine = Engine.blas
    private var layers: [DenseLayer<Scalar>]
    private let cost: Cost
    /// Momentum's velocities, shaped like `layers`.
    private var velocity: [DenseLayer<Scalar>]?
    /// Buffers for full mini-batches, and for a smaller last one.
    private var full: MiniBatch<Scalar>?, remainder: MiniBatch<Scalar>?
    private let capacity: Int
    /// Neurons per layer, input first.
    private let layerSizes: [Int]
    /// For gradient sums: buffers by number of examples, and the sums shaped like `layers`.
    private var shards: [Int: MiniBatch<Scalar>] = [:], sums: [DenseLayer<Scalar>]?

    /// Nil when a layer is not dense.
    init?(_ network: Network<Scalar>, optimizer: Optimizer<Scalar>?, capacity: Int) {
        guard let layers = network.denseLayers else { return nil }
        self.layers = layers
        cost = network.cost
        velocity = optimizer?.velocity?.denseLayers
        self.capacity = max(1, capacity)
        layerSizes = network.layerSizes
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func step(on data: LabelledData, indices: ArraySlice<Int>, next _: ArraySlice<Int>,
              optimizer: inout Optimizer<Scalar>) -> Bool {
        if indices.count == capacity {
            if full == nil { full = MiniBatch(layerSizes: layerSizes, size: capacity) }
            full!.load(data, indices: indices)
            full!.descend(&layers, cost: cost, optimizer: &optimizer, velocity: &velocity)
            return full!.outputIsFinite
        }
        if remainder?.size != indices.count { remainder = MiniBatch(layerSizes: layerSizes, size: indices.count) }
        remainder!.load(data, indices: indices)
        remainder!.descend(&layers, cost: cost, optimizer: &optimizer, velocity: &velocity)
        return remainder!.outputIsFinite
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func evaluate(on data: LabelledData) -> Evaluation {
        var correct = 0, totalCost = 0.0
        forEachChunk(of: data) { chunk, indices in
            for (column, example) in indices.enumerated() where chunk.predictedClass(column: column) == Int(data.labels[example]) {
                correct += 1
            }
            totalCost += chunk.totalCost(cost, layer: layers[layers.count - 1], count: indices.count)
        }
        return Evaluation(correct: correct, count: data.count, cost: data.count == 0 ? 0 : totalCost / Double(data.count))
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func predictions(on data: LabelledData) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(data.count)
        forEachChunk(of: data) { chunk, indices in
            for column in 0..<indices.count { result.append(chunk.predictedClass(column: column)) }
        }
        return result
    }

    func store(into network: inout Network<Scalar>, optimizer: inout Optimizer<Scalar>) {
        network.layers = layers
        if let velocity { optimizer.velocity?.layers = velocity }
    }

    /// Feeds `data` forward a thousand examples at a time (one matrix each) and hands each chunk,
    /// after its forward pass, to `body` with the examples it holds.
    private func forEachChunk(of data: LabelledData, _ body: (MiniBatch<Scalar>, ArraySlice<Int>) -> Void) {
        var chunk: MiniBatch<Scalar>? = nil
        let order = Array(0..<data.count)
        var start = 0
        while start < data.count {
            let indices = order[start ..< min(start + 1000, data.count)]
            if chunk?.size != indices.count { chunk = MiniBatch(layerSizes: layerSizes, size: indices.count) }
            chunk!.load(data, indices: indices)
            chunk!.feedforward(layers)
            body(chunk!, indices)
            start += indices.count
        }
    }
}

extension MatrixPath: GradientSumming {
    var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gradientSum(on data: LabelledData, indices: ArraySlice<Int>, into gradient: UnsafeMutablePointer<Scalar>) -> Bool {
        let m = indices.count
        if shards[m] == nil { shards[m] = MiniBatch(layerSizes: layerSizes, size: m) }
        if sums == nil { sums = layers }
        shards[m]!.load(data, indices: indices)
        shards[m]!.feedforward(layers)
        shards[m]!.backpropagate(weightsFrom: layers, into: &sums!, cost: cost, scale: 1, keepWeights: 0, keepBiases: 0)
        var g = gradient
        for layer in sums! {
            for values in [layer.weights.elements, layer.biases] {
                g.update(from: values, count: values.count)
                g += values.count
            }
        }
        return shards[m]!.outputIsFinite
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func step(gradientSum gradient: UnsafeMutablePointer<Scalar>, examples: Int, optimizer: inout Optimizer<Scalar>) {
        var g = gradient
        for l in layers.indices {
            for (parameters, decays) in [(\DenseLayer<Scalar>.weights.elements, true), (\.biases, false)] {
                let count = layers[l][keyPath: parameters].count
                layers[l][keyPath: parameters].withUnsafeMutableBufferPointer { p in
                    guard velocity != nil else {
                        return optimizer.descend(p.baseAddress!, velocity: nil, gradient: g, count: count, examples: examples, decays: decays)
                    }
                    velocity![l][keyPath: parameters].withUnsafeMutableBufferPointer { v in
                        optimizer.descend(p.baseAddress!, velocity: v.baseAddress!, gradient: g, count: count,
                                          examples: examples, decays: decays)
                    }
                }
                g += count
            }
        }
    }
}

extension MiniBatch {
    /// The output neuron with the largest activation for example `column`, after `feedforward`.
    func predictedClass(column: Int) -> Int {
        let output = a[a.count - 1]
        return output.elements.withUnsafeBufferPointer {
            largest(of: $0.baseAddress! + column, count: output.rows, stride: output.columns)
        }
    }
}
