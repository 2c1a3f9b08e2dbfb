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
        precondition(chunkSize > 0)
        var correct = 0, totalCost = 0.0
        var chunk: MiniBatch<Scalar>? = nil
        var order = Array(0..<data.count)[...]
        while !order.isEmpty {
            let indices = order.prefix(chunkSize)
            order = order.dropFirst(indices.count)
            if chunk?.size != indices.count {
                chunk = MiniBatch(layerSizes: layerSizes, size: indices.count)
            }
            chunk!.load(data, indices: indices)
            chunk!.feedforward(self)
            correct += chunk!.countCorrect(labels: data.labels, indices: indices)
            totalCost += chunk!.totalCost(cost, layer: layers[layers.count - 1], count: indices.count)
        }
        return Evaluation(correct: correct, count: data.count,
                          cost: data.count == 0 ? 0 : totalCost / Double(data.count))
    }
}

extension MiniBatch {
    /// The number of columns whose output is largest at the example's label, after `feedforward`.
    func countCorrect(labels: [UInt8], indices: ArraySlice<Int>) -> Int {
        let output = a[a.count - 1]
        var correct = 0
        for (column, example) in indices.enumerated() {
            var best = 0
            for row in 1..<output.rows where output[row, column] > output[best, column] { best = row }
            if best == Int(labels[example]) { correct += 1 }
        }
        return correct
    }
}
