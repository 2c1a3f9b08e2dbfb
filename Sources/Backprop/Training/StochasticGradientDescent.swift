/// Mini-batch stochastic gradient descent as in the book: each epoch shuffles the training data,
/// splits it into mini-batches of m examples, and for each takes one step
/// w → w − (η/m) Σₓ ∂Cₓ/∂w, b → b − (η/m) Σₓ ∂Cₓ/∂b; optionally with chapter 3's
/// improvements (weight decay, momentum, dropout, a learning-rate schedule, early stopping).
public struct StochasticGradientDescent: Equatable, Codable, Sendable {
    /// Passes over the training data.
    public var epochs: Int
    /// m, the examples per gradient step. The last mini-batch of an epoch may be smaller.
    public var miniBatchSize: Int
    /// η, the learning rate (at the start, when a schedule changes it; the run's ``Optimizer``
    /// holds η now).
    public var eta: Double
    /// L2 or L1 weight decay.
    public var regularization: Regularization
    /// μ, the momentum coefficient; 0 is plain SGD.
    public var momentum: Double
    /// The probability of dropping each hidden neuron during training; 0 is none.
    public var dropout: Double
    /// Halve η each time evaluation accuracy has not improved for this many epochs, and stop
    /// once η has fallen to η₀/128. Nil keeps η constant.
    public var halveEtaAfter: Int?
    /// Sets η at every step from η₀ and the share of the run done. Nil keeps η constant (but for
    /// ``halveEtaAfter``).
    public var etaSchedule: EtaSchedule?
    /// Stop after this many epochs without improvement in evaluation accuracy. Nil never stops early.
    public var earlyStoppingPatience: Int?
    /// What to measure after each epoch.
    public var monitoring: Monitoring

    /// The names model files use.
    private enum CodingKeys: String, CodingKey {
        case epochs, miniBatchSize, eta = "learningRate", regularization, momentum, dropout
        case halveEtaAfter = "halveLearningRateAfter", etaSchedule = "learningRateSchedule", earlyStoppingPatience, monitoring
    }

    /// The book's chapter 1 settings are 30 epochs, mini-batches of 10 and η = 3.0.
    public init(epochs: Int = 30, miniBatchSize: Int = 10, eta: Double = 3.0,
                regularization: Regularization = .none, momentum: Double = 0, dropout: Double = 0,
                halveEtaAfter: Int? = nil, etaSchedule: EtaSchedule? = nil, earlyStoppingPatience: Int? = nil,
                monitoring: Monitoring = .evaluationAccuracy) {
        self.epochs = epochs
        self.miniBatchSize = miniBatchSize
        self.eta = eta
        self.regularization = regularization
        self.momentum = momentum
        self.dropout = dropout
        self.halveEtaAfter = halveEtaAfter
        self.etaSchedule = etaSchedule
        self.earlyStoppingPatience = earlyStoppingPatience
        self.monitoring = monitoring
    }

    /// Trains `network` on `data`, evaluating after each epoch when `evaluationData` is given.
    ///
    /// - Parameters:
    ///   - generator: Shuffles the data each epoch (and seeds dropout); the same seed gives the
    ///     same run.
    ///   - monitor: Records each layer's learning speed before training and after every epoch.
    ///   - progress: Told about progress within and at the end of each epoch (on this thread).
    /// - Returns: One record per epoch.
    /// - Throws: ``TrainingError`` when the settings are invalid or training diverges.
    public func train<Scalar: BLASScalar>(
        _ network: inout Network<Scalar>, on data: LabelledData, evaluatingOn evaluationData: LabelledData? = nil,
        using generator: inout SeededGenerator, monitor: LearningSpeedMonitor? = nil, engine: Engine = .automatic,
        progress: ((TrainingProgress) -> Void)? = nil
    ) throws(TrainingError) -> TrainingHistory {
        var run = try TrainingRun(network: network, configuration: self, trainingData: data,
                                  evaluationData: evaluationData, generator: generator)
        run.history.initialLearningSpeed = monitor?.measure(network)
        defer {
            network = run.network
            generator = run.generator
        }
        while !run.isFinished {
            try run.runEpoch(on: data, evaluatingOn: evaluationData, monitor: monitor, engine: engine,
                             progress: progress)
        }
        return run.history
    }

    func validate(network: Network<some BLASScalar>, data: LabelledData,
                  evaluationData: LabelledData?) throws(TrainingError) {
        guard epochs >= 0 else { throw .invalidSetting("epochs must not be negative, got \(epochs)") }
        guard miniBatchSize > 0 else { throw .invalidSetting("mini-batch size must be positive, got \(miniBatchSize)") }
        guard eta > 0, eta.isFinite else {
            throw .invalidSetting("learning rate η must be a positive number, got \(eta)")
        }
        guard regularization.lambda >= 0, regularization.lambda.isFinite else {
            throw .invalidSetting("λ must be a non-negative number, got \(regularization.lambda)")
        }
        guard momentum >= 0, momentum < 1 else { throw .invalidSetting("momentum μ must be in [0, 1), got \(momentum)") }
        guard dropout >= 0, dropout < 1 else { throw .invalidSetting("dropout must be in [0, 1), got \(dropout)") }
        if dropout > 0 && network.layers.count < 2 {
            throw .invalidSetting("dropout needs a hidden layer to drop neurons from")
        }
        if etaSchedule != nil, halveEtaAfter != nil {
            throw .invalidSetting("a learning-rate schedule sets η at every step; it cannot also halve η on plateaus")
        }
        for patience in [halveEtaAfter, earlyStoppingPatience].compactMap({ $0 }) {
            guard patience > 0 else { throw .invalidSetting("a patience in epochs must be positive, got \(patience)") }
            guard evaluationData != nil else {
                throw .invalidSetting("a learning-rate schedule or early stopping needs evaluation data to watch")
            }
        }
        for set in [data] + (evaluationData.map { [$0] } ?? []) {
            guard set.inputSize == network.inputSize, set.classCount == network.outputSize else {
                throw .invalidSetting("data with \(set.inputSize) inputs and \(set.classCount) classes do not fit "
                                      + "a network with layer sizes \(network.layerSizes)")
            }
        }
        guard data.count > 0 else { throw .invalidSetting("there are no training examples") }
    }
}

/// What to measure after each epoch; the costs include the regularization term, as the book's.
public struct Monitoring: OptionSet, Codable, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let evaluationAccuracy = Monitoring(rawValue: 1)
    public static let evaluationCost = Monitoring(rawValue: 2)
    public static let trainingAccuracy = Monitoring(rawValue: 4)
    public static let trainingCost = Monitoring(rawValue: 8)
    public static let all: Monitoring = [.evaluationAccuracy, .evaluationCost, .trainingAccuracy, .trainingCost]

    public var evaluatesEvaluationData: Bool { !intersection([.evaluationAccuracy, .evaluationCost]).isEmpty }
    public var evaluatesTrainingData: Bool { !intersection([.trainingAccuracy, .trainingCost]).isEmpty }
}

/// News from a training run in progress.
public enum TrainingProgress: Sendable {
    /// Part of an epoch is done (reported about a hundred times per epoch).
    case step(epoch: Int, examplesDone: Int, examplesTotal: Int)
    /// An epoch is done.
    case epochFinished(EpochRecord)
}

/// Why training could not go on.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// A setting makes no sense.
    case invalidSetting(String)
    /// The network's output or a weight or bias became NaN or infinite, in the given epoch and
    /// (when seen in a forward pass) mini-batch, counted from 0; `layer` indexes `Network.layers`.
    case diverged(epoch: Int, miniBatch: Int?, layer: Int?, parameter: String)
    /// Stopped on request, after `examplesDone` of the epoch's examples.
    case interrupted(epoch: Int, examplesDone: Int, examplesTotal: Int)

    public var description: String {
        switch self {
        case .invalidSetting(let message):
            return "Invalid training setting: \(message)"
        case .diverged(let epoch, let miniBatch, let layer, let parameter):
            let place = miniBatch.map { "epoch \(epoch), mini-batch \($0)" } ?? "epoch \(epoch)"
            let what = layer.map { "\(parameter) of layer \($0 + 2)" } ?? parameter
            return "Training diverged in \(place): \(what) is not a finite number. Try a smaller learning rate η."
        case .interrupted(let epoch, let done, let total):
            return "Training stopped in epoch \(epoch) after \(done) of \(total) examples"
        }
    }
}

extension Network {
    /// The first weight or bias that is NaN or infinite, if any, named in the book's terms.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func firstNonFiniteParameter() -> (layer: Int, parameter: String)? {
        for (l, layer) in layers.enumerated() {
            if let i = layer.weights.elements.firstIndex(where: { !$0.isFinite }) {
                return (l, "weight w[\(i / layer.inputs)][\(i % layer.inputs)]")
            }
            if let j = layer.biases.firstIndex(where: { !$0.isFinite }) {
                return (l, "bias b[\(j)]")
            }
        }
        return nil
    }
}

extension Duration {
    /// The duration in seconds.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
