extension Network {
    /// The class each example is given: the output neuron with the largest activation.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func predictions(on data: LabelledData, chunkSize: Int = 1000) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(data.count)
        var chunk: MiniBatch<Scalar>? = nil
        var start = 0
        let order = Array(0..<data.count)
        while start < data.count {
            let indices = order[start ..< min(start + chunkSize, data.count)]
            if chunk?.size != indices.count { chunk = MiniBatch(layerSizes: layerSizes, size: indices.count) }
            chunk!.load(data, indices: indices)
            chunk!.feedforward(self)
            let output = chunk!.a[chunk!.a.count - 1]
            for column in 0..<indices.count {
                var best = 0
                for row in 1..<output.rows where output[row, column] > output[best, column] { best = row }
                result.append(best)
            }
            start += indices.count
        }
        return result
    }

    /// counts[true class][predicted class] over `data`.
    public func confusionMatrix(on data: LabelledData) -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: data.classCount), count: data.classCount)
        for (i, predicted) in predictions(on: data).enumerated() { counts[Int(data.labels[i])][predicted] += 1 }
        return counts
    }
}
