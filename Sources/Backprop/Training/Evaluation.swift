/// How well a network does on a set of examples.
public struct Evaluation: Equatable, Codable, Sendable {
    /// Examples whose most active output neuron is the right class.
    public var correct: Int
    /// Examples evaluated.
    public var count: Int
    /// The mean cost over the examples, (1/n) Σₓ Cₓ.
    public var cost: Double

    public init(correct: Int, count: Int, cost: Double) {
        self.correct = correct
        self.count = count
        self.cost = cost
    }

    /// The share of examples classified correctly, from 0 to 1.
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
}

extension Network {
    /// Feeds every example of `data` forward and counts the outputs whose largest activation is
    /// at the right class (argmax hits), and the mean cost.
    ///
    /// - Parameters:
    ///   - chunkSize: Examples fed forward together as one matrix.
    ///   - kernels: Which code feeds forward (see ``Kernels``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluate(on data: LabelledData, chunkSize: Int = 1000, kernels: Kernels = .automatic) -> Evaluation {
        if let network = self as? Network<Float>,
           let evaluation = network.evaluateWithKernels(on: data, chunkSize: chunkSize, kernels: kernels) {
            return evaluation
        }
        var correct = 0, totalCost = 0.0
        forEachChunk(of: data, chunkSize: chunkSize) { chunk, indices in
            for (column, example) in indices.enumerated() where chunk.predictedClass(column: column) == Int(data.labels[example]) {
                correct += 1
            }
            totalCost += chunk.totalCost(cost, layer: layers[layers.count - 1], count: indices.count)
        }
        return Evaluation(correct: correct, count: data.count,
                          cost: data.count == 0 ? 0 : totalCost / Double(data.count))
    }

    /// Feeds `data` forward `chunkSize` examples at a time (one matrix each) and hands each
    /// chunk, after its forward pass, to `body` with the examples it holds.
    func forEachChunk(of data: LabelledData, chunkSize: Int,
                      _ body: (MiniBatch<Scalar>, ArraySlice<Int>) -> Void) {
        precondition(chunkSize > 0)
        var chunk: MiniBatch<Scalar>? = nil
        let order = Array(0..<data.count)
        var start = 0
        while start < data.count {
            let indices = order[start ..< min(start + chunkSize, data.count)]
            if chunk?.size != indices.count { chunk = MiniBatch(layerSizes: layerSizes, size: indices.count) }
            chunk!.load(data, indices: indices)
            chunk!.feedforward(self)
            body(chunk!, indices)
            start += indices.count
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

extension Network where Scalar == Float {
    /// `evaluate(on:)` by the kernels, or nil where they do not apply.
    fileprivate func evaluateWithKernels(on data: LabelledData, chunkSize: Int, kernels: Kernels) -> Evaluation? {
        let outputs = outputSize
        guard data.count > 0, data.inputSize == inputSize, data.classCount == outputs,
              let packed = PackedNetwork(self, capacity: 64, choice: kernels),
              let inputs = data.sparseInputs else { return nil }
        let chunk = min(chunkSize, data.count), last = layers[layers.count - 1]
        var z = [Float](repeating: 0, count: chunk * outputs), a = z, y = [Float](repeating: 0, count: outputs)
        var correct = 0, totalCost = 0.0
        for start in stride(from: 0, to: data.count, by: chunk) {
            let range = start ..< min(start + chunk, data.count)
            z.withUnsafeMutableBufferPointer { z in
                a.withUnsafeMutableBufferPointer { a in
                    y.withUnsafeMutableBufferPointer { y in
                        packed.feedforward(inputs, range: range, z: z.baseAddress!, a: a.baseAddress!)
                        for (row, example) in range.enumerated() {
                            let label = Int(data.labels[example]), output = a.baseAddress! + row * outputs
                            if largest(of: output, count: outputs, stride: 1) == label { correct += 1 }
                            y[label] = 1
                            totalCost += cost.value(a: output, z: z.baseAddress! + row * outputs, y: y.baseAddress!,
                                                    count: outputs, stride: 1, layer: last)
                            y[label] = 0
                        }
                    }
                }
            }
        }
        return Evaluation(correct: correct, count: data.count, cost: totalCost / Double(data.count))
    }
}

/// The index of the largest of `count` numbers `stride` apart (the first, on a tie): the class a
/// network's output picks.
private func largest<Scalar: BLASScalar>(of values: UnsafePointer<Scalar>, count: Int, stride: Int) -> Int {
    var best = 0
    for i in 1..<count where values[i * stride] > values[best * stride] { best = i }
    return best
}
