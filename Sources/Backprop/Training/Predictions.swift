extension Network {
    /// The class each example is given: the output neuron with the largest activation.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func predictions(on data: LabelledData, chunkSize: Int = 1000) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(data.count)
        forEachChunk(of: data, chunkSize: chunkSize) { chunk, indices in
            for column in 0..<indices.count { result.append(chunk.predictedClass(column: column)) }
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
