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
    /// - Parameter chunkSize: Examples fed forward together as one matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluate(on data: LabelledData, chunkSize: Int = 1000) -> Evaluation {
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
        var best = 0
        for row in 1..<output.rows where output[row, column] > output[best, column] { best = row }
        return best
    }
}
