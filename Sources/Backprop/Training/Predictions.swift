extension Network {
    /// The class each example is given: the output neuron with the largest activation.
    /// - Parameter engine: Which code feeds forward (see ``Engine``).
    public func predictions(on data: LabelledData, engine: Engine = .automatic) -> [Int] {
        engine.prepare(self).predictions(on: data)
    }

    /// counts[true class][predicted class] over `data`.
    public func confusionMatrix(on data: LabelledData, engine: Engine = .automatic) -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: data.classCount), count: data.classCount)
        for (i, predicted) in predictions(on: data, engine: engine).enumerated() { counts[Int(data.labels[i])][predicted] += 1 }
        return counts
    }
}
