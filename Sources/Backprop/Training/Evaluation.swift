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
    /// - Parameter engine: Which code feeds forward (see ``Engine``).
    public func evaluate(on data: LabelledData, engine: Engine = .automatic) -> Evaluation {
        engine.prepare(self).evaluate(on: data)
    }
}
