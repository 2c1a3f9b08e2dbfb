import BackpropKernels

/// A `Float` network packed for the kernels, with buffers for mini-batches of up to `capacity`
/// examples. The network's own weights are untouched until ``store(into:)``. A wide first layer
/// is split between ``BLASBackend/threadCount`` threads; the results do not depend on how many.
final class PackedNetwork: PreparedNetwork {
    private let handle: OpaquePointer
    let layerSizes: [Int]
    let capacity: Int
    /// The cost, and the output layer's σ, which evaluation needs.
    private let cost: Cost
    private let outputForm: OutputForm
    /// The instruction set in use.
    let engine: Engine

    /// Nil when the kernels do not handle this network or the optimizer's updates, or `choice`
    /// is not an instruction set.
    init?(_ network: Network<Float>, optimizer: Optimizer<Float>? = nil, capacity: Int, choice: Engine,
          threads: Int = BLASBackend.threadCount) {
        guard let isa = choice.instructionSet, let layers = network.denseLayers,
              let outputError = Self.outputError(of: network), optimizer?.isPlainDescent ?? true else { return nil }
        var activations: [Int32] = []
        for layer in layers {
            guard layer.neuronActivations.isEmpty, let code = Self.code(of: layer.activation) else { return nil }
            activations.append(code)
        }
        // Wider layers are better served by BLAS, which blocks them for the cache.
        guard network.layers[0].neurons <= 1024, network.inputSize <= 65_536 else { return nil }
        for layer in layers.dropFirst() where layer.weights.elements.count > 65_536 { return nil }
        let sizes = network.layerSizes.map { Int32($0) }
        guard let handle = bp_network_create(Int32(network.layers.count), sizes, activations, outputError,
                                             Int32(capacity), isa) else { return nil }
        self.handle = handle
        bp_network_set_threads(handle, Int32(max(1, threads)))
        layerSizes = network.layerSizes
        self.capacity = capacity
        cost = network.cost
        outputForm = OutputForm(layers[layers.count - 1])
        engine = Engine(instructionSet: bp_network_isa(handle))
        load(layers)
    }

    deinit { bp_network_destroy(handle) }

    /// Lets BP4 of the first layer go by input where that is faster (the default), or keeps it
    /// example by example; the weights are the same either way.
    /// - Returns: Whether BP4 can go by input at all in this network: a first layer of at least
    ///   96 floats, room for at least 32 examples.
    @discardableResult
    func allowGrouping(_ allowed: Bool) -> Bool { bp_network_set_grouping(handle, allowed ? 1 : 0) != 0 }

    /// Copies the layers' weights and biases in.
    private func load(_ layers: [DenseLayer<Float>]) {
        for (l, layer) in layers.enumerated() {
            layer.weights.elements.withUnsafeBufferPointer { w in
                layer.biases.withUnsafeBufferPointer { b in
                    bp_network_set_layer(handle, Int32(l), w.baseAddress!, b.baseAddress!)
                }
            }
        }
    }

    func store(into network: inout Network<Float>, optimizer _: inout Optimizer<Float>) { store(into: &network) }

    /// Copies the weights and biases out into `network`.
    func store(into network: inout Network<Float>) {
        precondition(network.layerSizes == layerSizes, "The network does not fit the packed one")
        for l in network.layers.indices {
            var weights = network.layers[l].weights, biases = network.layers[l].biases
            weights.elements.withUnsafeMutableBufferPointer { w in
                biases.withUnsafeMutableBufferPointer { b in
                    bp_network_get_layer(handle, Int32(l), w.baseAddress!, b.baseAddress!)
                }
            }
            network.layers[l].weights = weights
            network.layers[l].biases = biases
        }
    }

    /// One gradient-descent step on examples `indices` of `data`; the examples `next` (the next
    /// step's) are fetched into the cache meanwhile.
    /// - Returns: Whether every output of the forward pass was finite.
    func step(on data: LabelledData, indices: ArraySlice<Int>, next: ArraySlice<Int>,
              optimizer: inout Optimizer<Float>) -> Bool {
        guard let inputs = data.sparseInputs else { preconditionFailure("Out of memory for the nonzero inputs") }
        precondition(indices.count <= capacity && inputs.inputSize == layerSizes[0] && inputs.count == data.count)
        let keep: Float = if case .l2 = optimizer.regularization { 1 - optimizer.decay } else { 1 }
        let step = -optimizer.stepEta / Float(indices.count)
        return data.labels.withUnsafeBufferPointer { labels in
            indices.withUnsafeBufferPointer { examples in
                next.withUnsafeBufferPointer { next in
                    bp_network_train_step(handle, inputs.handle, examples.baseAddress!, labels.baseAddress!,
                                          Int32(examples.count), next.baseAddress, Int32(next.count), 1 / Float(255),
                                          step, keep)
                }
            }
        } == 1
    }

    /// The output layer's weighted inputs and activations for examples `range` of the data set
    /// whose nonzero inputs are `inputs`, one row of outputs per example.
    func feedforward(_ inputs: SparseInputs, range: Range<Int>, z: UnsafeMutablePointer<Float>,
                     a: UnsafeMutablePointer<Float>) {
        precondition(inputs.inputSize == layerSizes[0] && range.upperBound <= inputs.count)
        bp_network_feedforward(handle, inputs.handle, range.lowerBound, Int32(range.count), 1 / Float(255), z, a)
    }

    private static func code(of activation: Activation) -> Int32? {
        switch activation {
        case .sigmoid: return Int32(BP_SIGMOID.rawValue)
        case .linear: return Int32(BP_LINEAR.rawValue)
        case .relu: return Int32(BP_RELU.rawValue)
        case .softmax: return Int32(BP_SOFTMAX.rawValue)
        case .tanh: return nil
        }
    }

    /// BP1's form for the network's output layer and cost, when the kernels have it.
    private static func outputError(of network: Network<Float>) -> Int32? {
        guard network.layers.allSatisfy(\.hasUniformActivation) else { return nil }
        let output = network.layers[network.layers.count - 1].activation
        for layer in network.layers.dropLast() where layer.activation == .softmax { return nil }
        switch (network.cost, output) {
        case (.crossEntropy, .sigmoid), (.logLikelihood, .softmax): return Int32(BP_A_MINUS_Y.rawValue)
        case (.quadratic, .sigmoid), (.quadratic, .linear), (.quadratic, .relu): return Int32(BP_QUADRATIC.rawValue)
        default: return nil
        }
    }
}


extension PackedNetwork {
    func evaluate(on data: LabelledData) -> Evaluation {
        let outputs = layerSizes[layerSizes.count - 1]
        var correct = 0, totalCost = 0.0, y = [Float](repeating: 0, count: outputs)
        forEachOutput(of: data) { example, z, a in
            let label = Int(data.labels[example])
            if largest(of: a, count: outputs, stride: 1) == label { correct += 1 }
            y[label] = 1
            totalCost += y.withUnsafeBufferPointer {
                cost.value(a: a, z: z, y: $0.baseAddress!, count: outputs, stride: 1, output: outputForm)
            }
            y[label] = 0
        }
        return Evaluation(correct: correct, count: data.count, cost: data.count == 0 ? 0 : totalCost / Double(data.count))
    }

    func predictions(on data: LabelledData) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(data.count)
        forEachOutput(of: data) { _, _, a in result.append(largest(of: a, count: layerSizes[layerSizes.count - 1], stride: 1)) }
        return result
    }

    /// Feeds `data` forward a thousand examples at a time and hands `body` each example's number
    /// and its output layer's z and a.
    private func forEachOutput(of data: LabelledData,
                               _ body: (Int, UnsafePointer<Float>, UnsafePointer<Float>) -> Void) {
        guard data.count > 0 else { return }
        guard let inputs = data.sparseInputs else { preconditionFailure("Out of memory for the nonzero inputs") }
        let outputs = layerSizes[layerSizes.count - 1], chunk = min(1000, data.count)
        var z = [Float](repeating: 0, count: chunk * outputs), a = z
        for start in stride(from: 0, to: data.count, by: chunk) {
            let range = start ..< min(start + chunk, data.count)
            z.withUnsafeMutableBufferPointer { z in
                a.withUnsafeMutableBufferPointer { a in
                    feedforward(inputs, range: range, z: z.baseAddress!, a: a.baseAddress!)
                    for (row, example) in range.enumerated() {
                        body(example, z.baseAddress! + row * outputs, a.baseAddress! + row * outputs)
                    }
                }
            }
        }
    }
}

extension Float {
    public static func packedForKernels(_ network: Network<Float>, optimizer: Optimizer<Float>?, capacity: Int,
                                        engine: Engine) -> (any PreparedNetwork<Float>)? {
        PackedNetwork(network, optimizer: optimizer, capacity: capacity, choice: engine)
    }
}
