/// What happened in one epoch of training.
public struct EpochRecord: Equatable, Codable, Sendable {
    /// The epoch's number, counted from 0 as in the book.
    public var epoch: Int
    /// Seconds spent on the epoch's gradient descent steps, evaluation excluded.
    public var trainingSeconds: Double
    /// The result on the evaluation data after the epoch, when there was evaluation data.
    public var evaluation: Evaluation?
    /// Seconds spent evaluating.
    public var evaluationSeconds: Double
    /// Gradient norms and saturation per layer after the epoch, when a monitor was given.
    public var learningSpeed: LearningSpeed?
    /// The result on the training data after the epoch, when monitored.
    public var training: Evaluation?
    /// η during the epoch.
    public var eta: Double?

    /// The names model files use.
    private enum CodingKeys: String, CodingKey {
        case epoch, trainingSeconds, evaluation, evaluationSeconds, learningSpeed, training, eta = "learningRate"
    }

    public init(epoch: Int, trainingSeconds: Double, evaluation: Evaluation?, evaluationSeconds: Double,
                learningSpeed: LearningSpeed? = nil, training: Evaluation? = nil, eta: Double? = nil) {
        self.epoch = epoch
        self.trainingSeconds = trainingSeconds
        self.evaluation = evaluation
        self.evaluationSeconds = evaluationSeconds
        self.learningSpeed = learningSpeed
        self.training = training
        self.eta = eta
    }
}

/// The record of a training run, one entry per epoch.
public struct TrainingHistory: Equatable, Codable, Sendable {
    public var epochs: [EpochRecord]
    /// Gradient norms and saturation before the first epoch, when a monitor was given.
    public var initialLearningSpeed: LearningSpeed?
    /// What the run was asked to measure; evaluations compute accuracy and cost together, and
    /// this says which of them were wanted (nil: all that were recorded).
    public var monitoring: Monitoring?

    public init(epochs: [EpochRecord] = [], initialLearningSpeed: LearningSpeed? = nil, monitoring: Monitoring? = nil) {
        self.epochs = epochs
        self.initialLearningSpeed = initialLearningSpeed
        self.monitoring = monitoring
    }

    /// The epoch with the highest evaluation accuracy (the earliest among ties).
    public var bestEpoch: EpochRecord? {
        epochs.filter { $0.evaluation != nil }.max {
            $0.evaluation!.accuracy < $1.evaluation!.accuracy
                || ($0.evaluation!.accuracy == $1.evaluation!.accuracy && $0.epoch > $1.epoch)
        }
    }

    /// Total seconds of training steps, evaluation excluded.
    public var trainingSeconds: Double { epochs.reduce(0) { $0 + $1.trainingSeconds } }
}
