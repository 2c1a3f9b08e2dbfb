import Foundation

/// A training run as a model file's `"training"` holds it: everything but the network, which the
/// file holds once beside it. Wall-clock seconds in the history are written as 0, so that the same
/// command with the same seed writes the same bytes; η is written as `"learningRate"` and the
/// optimizer's state as `{"velocity", "dropoutGenerator"}`, the names files have always used.
extension TrainingRun: Encodable {
    enum CodingKeys: String, CodingKey {
        case configuration, history, data, generator, optimizer, eta = "learningRate", bestAccuracy
        case epochsWithoutImprovement, stopReason, trainingSetSize, order, examplesDoneInEpoch, seed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var history = history
        for i in history.epochs.indices {
            history.epochs[i].trainingSeconds = 0
            history.epochs[i].evaluationSeconds = 0
        }
        try container.encode(configuration, forKey: .configuration)
        try container.encode(history, forKey: .history)
        try container.encodeIfPresent(data, forKey: .data)
        try container.encode(generator, forKey: .generator)
        try container.encode(OptimizerState(velocity: optimizer.velocity, dropoutGenerator: optimizer.dropoutGenerator),
                             forKey: .optimizer)
        try container.encode(optimizer.eta, forKey: .eta)
        try container.encodeIfPresent(bestAccuracy, forKey: .bestAccuracy)
        try container.encode(epochsWithoutImprovement, forKey: .epochsWithoutImprovement)
        try container.encodeIfPresent(stopReason, forKey: .stopReason)
        try container.encode(trainingSetSize, forKey: .trainingSetSize)
        try container.encode(order, forKey: .order)
        try container.encodeIfPresent(examplesDoneInEpoch, forKey: .examplesDoneInEpoch)
        try container.encodeIfPresent(seed, forKey: .seed)
    }

    /// The run a model file's `"training"` holds, for its `network`.
    public init(from decoder: Decoder, network: Network<Scalar>) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(StochasticGradientDescent.self, forKey: .configuration)
        self.network = network
        history = try container.decode(TrainingHistory.self, forKey: .history)
        data = try container.decodeIfPresent(DataSettings.self, forKey: .data)
        generator = try container.decode(SeededGenerator.self, forKey: .generator)
        let state = try container.decode(OptimizerState<Scalar>.self, forKey: .optimizer)
        optimizer = Optimizer(eta: try container.decode(Double.self, forKey: .eta), configuration: configuration,
                              trainingSetSize: try container.decode(Int.self, forKey: .trainingSetSize),
                              velocity: state.velocity, dropoutGenerator: state.dropoutGenerator)
        bestAccuracy = try container.decodeIfPresent(Double.self, forKey: .bestAccuracy)
        epochsWithoutImprovement = try container.decode(Int.self, forKey: .epochsWithoutImprovement)
        stopReason = try container.decodeIfPresent(String.self, forKey: .stopReason)
        order = try container.decode([Int].self, forKey: .order)
        examplesDoneInEpoch = try container.decodeIfPresent(Int.self, forKey: .examplesDoneInEpoch)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
    }
}
