/// A training run in progress: the network and everything else needed to take it one epoch
/// further, so that a run saved after any epoch and resumed gives the same weights, bit for bit,
/// as one never interrupted.
public struct TrainingRun<Scalar: BLASScalar>: Equatable, Codable, Sendable {
    public var configuration: StochasticGradientDescent
    public var network: Network<Scalar>
    /// Shuffles the training data; its state moves on every epoch.
    public var generator: SeededGenerator
    /// Momentum's velocity and dropout's generator.
    public var optimizer: OptimizerState<Scalar>
    public var history: TrainingHistory
    /// η now, after any halving by the schedule.
    public var learningRate: Double
    /// The best evaluation accuracy so far and the epochs since it last improved.
    public var bestAccuracy: Double?
    public var epochsWithoutImprovement: Int
    /// Why the run ended before its last epoch, if it did.
    public var stopReason: String?
    /// n, the training set size the weight decay is scaled by.
    public var trainingSetSize: Int
    /// The order of the training examples, shuffled again in place each epoch as network.py
    /// shuffles its list.
    public var order: [Int]
    /// Examples already trained on in an epoch that was interrupted, or nil between epochs.
    public var examplesDoneInEpoch: Int?
    /// The seed the network and the generators were made from, when the run was started from one
    /// (files saved before it was recorded have none).
    public var seed: UInt64?

    /// A run at any point, from its parts (as a model file stores them).
    init(configuration: StochasticGradientDescent, network: Network<Scalar>, generator: SeededGenerator,
         optimizer: OptimizerState<Scalar>, history: TrainingHistory, learningRate: Double, bestAccuracy: Double?,
         epochsWithoutImprovement: Int, stopReason: String?, trainingSetSize: Int, order: [Int],
         examplesDoneInEpoch: Int?, seed: UInt64? = nil) {
        self.configuration = configuration
        self.network = network
        self.generator = generator
        self.optimizer = optimizer
        self.history = history
        self.learningRate = learningRate
        self.bestAccuracy = bestAccuracy
        self.epochsWithoutImprovement = epochsWithoutImprovement
        self.stopReason = stopReason
        self.trainingSetSize = trainingSetSize
        self.order = order
        self.examplesDoneInEpoch = examplesDoneInEpoch
        self.seed = seed
    }

    /// A run that has not started.
    /// - Throws: ``TrainingError/invalidSetting(_:)`` for settings that make no sense.
    public init(network: Network<Scalar>, configuration: StochasticGradientDescent, trainingData: LabelledData,
                evaluationData: LabelledData?, generator: SeededGenerator) throws(TrainingError) {
        try configuration.validate(network: network, data: trainingData, evaluationData: evaluationData)
        var generator = generator
        self.configuration = configuration
        self.network = network
        // Dropout draws from its own generator, seeded from the main one only when used, so
        // that turning dropout off leaves every other random choice as it was.
        let dropoutSeed = configuration.dropout > 0 ? generator.next() : 0
        optimizer = OptimizerState(for: network, momentum: configuration.momentum > 0, dropoutSeed: dropoutSeed)
        self.generator = generator
        history = TrainingHistory(monitoring: configuration.monitoring)
        learningRate = configuration.learningRate
        epochsWithoutImprovement = 0
        trainingSetSize = trainingData.count
        order = Array(0..<trainingData.count)
    }

    /// The number of the next epoch.
    public var nextEpoch: Int { history.epochs.count }
    /// Whether all epochs have run or the schedule or early stopping ended the run.
    public var isFinished: Bool { nextEpoch >= configuration.epochs || stopReason != nil }

    /// Runs one epoch, or the rest of an interrupted one: shuffles, takes a gradient step per
    /// mini-batch, then measures what the configuration's monitoring asks for and applies the
    /// learning-rate schedule.
    ///
    /// - Parameter kernels: Which code takes the gradient steps (see ``Kernels``).
    /// - Parameter shouldStop: Asked after every mini-batch; when it says yes, the run stops
    ///   there, resumable from that point.
    /// - Throws: ``TrainingError/diverged(epoch:miniBatch:layer:parameter:)`` as soon as the
    ///   network's output or a weight is no longer finite, leaving the run as it was before the
    ///   epoch; ``TrainingError/interrupted(epoch:examplesDone:examplesTotal:)`` when stopped,
    ///   leaving the run where it stopped.
    @discardableResult
    public mutating func runEpoch(
        on data: LabelledData, evaluatingOn evaluationData: LabelledData?, monitor: LearningSpeedMonitor? = nil,
        kernels: Kernels = .automatic, shouldStop: (() -> Bool)? = nil, progress: ((TrainingProgress) -> Void)? = nil
    ) throws(TrainingError) -> EpochRecord {
        let epoch = nextEpoch
        let before = self
        let clock = ContinuousClock()
        guard order.count == data.count else {
            throw .invalidSetting("the run was set up for \(order.count) training examples, not \(data.count)")
        }
        let start = examplesDoneInEpoch ?? 0
        if examplesDoneInEpoch == nil { generator.shuffle(&order) }
        let rule = UpdateRule(
            learningRate: Scalar(learningRate), regularization: configuration.regularization,
            trainingSetSize: trainingSetSize, momentum: Scalar(configuration.momentum),
            dropout: Scalar(configuration.dropout))
        var outcome = MiniBatchOutcome.completed
        let trainingTime = clock.measure {
            outcome = runMiniBatches(epoch: epoch, data: data, from: start, rule: rule, kernels: kernels,
                                     shouldStop: shouldStop,
                                     progress: progress)
        }
        switch outcome {
        case .stopped(let done):
            examplesDoneInEpoch = done
            throw .interrupted(epoch: epoch, examplesDone: done, examplesTotal: data.count)
        case .diverged(let miniBatch):
            let problem = network.firstNonFiniteParameter()
            self = before
            throw .diverged(epoch: epoch, miniBatch: miniBatch, layer: problem?.layer,
                            parameter: problem?.parameter ?? "the output")
        case .completed:
            examplesDoneInEpoch = nil
        }
        if let problem = network.firstNonFiniteParameter() {
            self = before
            throw .diverged(epoch: epoch, miniBatch: nil, layer: problem.layer, parameter: problem.parameter)
        }

        let monitoring = configuration.monitoring
        var evaluation: Evaluation? = nil, training: Evaluation? = nil
        let evaluationTime = clock.measure {
            if monitoring.evaluatesEvaluationData, let evaluationData {
                evaluation = evaluate(on: evaluationData)
            }
            if monitoring.evaluatesTrainingData {
                training = evaluate(on: data)
            }
        }
        let record = EpochRecord(
            epoch: epoch, trainingSeconds: trainingTime.inSeconds, evaluation: evaluation,
            evaluationSeconds: evaluationTime.inSeconds, learningSpeed: monitor?.measure(network),
            training: training, learningRate: learningRate)
        history.epochs.append(record)
        updateSchedule(accuracy: evaluation?.accuracy)
        progress?(.epochFinished(record))
        return record
    }

    /// The evaluation with the regularization term added to the cost, as the book's total_cost.
    func evaluate(on data: LabelledData) -> Evaluation {
        var result = network.evaluate(on: data)
        result.cost += configuration.regularization.cost(of: network, n: data.count)
        return result
    }

    /// Halving η and early stopping, from the evaluation accuracy.
    mutating func updateSchedule(accuracy: Double?) {
        guard let accuracy else { return }
        if accuracy > (bestAccuracy ?? -1) {
            bestAccuracy = accuracy
            epochsWithoutImprovement = 0
            return
        }
        epochsWithoutImprovement += 1
        if let patience = configuration.earlyStoppingPatience, epochsWithoutImprovement >= patience {
            stopReason = "no improvement in evaluation accuracy for \(patience) epochs"
            return
        }
        if let patience = configuration.halveLearningRateAfter, epochsWithoutImprovement >= patience {
            learningRate /= 2
            epochsWithoutImprovement = 0
            if learningRate <= configuration.learningRate / 128 {
                stopReason = "η fell to η₀/128 after \(patience)-epoch plateaus"
            }
        }
    }

    enum MiniBatchOutcome {
        case completed
        /// Stopped on request after this many examples of the epoch.
        case stopped(examplesDone: Int)
        /// The forward pass of this mini-batch (counted from 0) gave a non-finite output.
        case diverged(miniBatch: Int)
    }

    /// The epoch's mini-batches from example `start` of `order` on: the training loop's hot
    /// path, which allocates nothing per mini-batch. The kernels take the steps when they handle
    /// the network and rule (see ``Kernels``), the matrix path over BLAS otherwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func runMiniBatches(epoch: Int, data: LabelledData, from start: Int, rule: UpdateRule<Scalar>,
                                 kernels: Kernels, shouldStop: (() -> Bool)?,
                                 progress: ((TrainingProgress) -> Void)?) -> MiniBatchOutcome {
        let m = configuration.miniBatchSize
        // Progress every 1% of the epoch, and more often for large networks: at least every ~10⁸
        // weights × examples (forward pass, BP2 and BP4 each do that many multiply-adds), so that
        // a slow epoch still reports every few hundredths of a second.
        let reportEvery = max(1, min(order.count / m / 100, 100_000_000 / max(1, m * network.parameterCount)))
        if var floats = network as? Network<Float>, let floatRule = rule as? UpdateRule<Float>,
           let packed = PackedNetwork(floats, rule: floatRule, capacity: min(m, order.count), choice: kernels),
           let inputs = data.sparseInputs {
            let outcome = Self.forEachMiniBatch(of: order, size: m, reportEvery: reportEvery, from: start, epoch: epoch, shouldStop: shouldStop,
                                                progress: progress) { indices in
                let next = order[indices.endIndex ..< min(indices.endIndex + m, order.count)]
                return packed.step(on: data, inputs: inputs, indices: indices, next: next, rule: floatRule)
            }
            packed.store(into: &floats)
            network = floats as! Network<Scalar>
            return outcome
        }
        var full = MiniBatch<Scalar>(layerSizes: network.layerSizes, size: min(m, order.count))
        var remainder: MiniBatch<Scalar>? = nil
        return Self.forEachMiniBatch(of: order, size: m, reportEvery: reportEvery, from: start, epoch: epoch, shouldStop: shouldStop,
                                     progress: progress) { indices in
            if indices.count == full.size {
                full.load(data, indices: indices)
                full.descend(&network, rule: rule, state: &optimizer)
                return full.outputIsFinite
            }
            if remainder == nil { remainder = MiniBatch(layerSizes: network.layerSizes, size: indices.count) }
            remainder!.load(data, indices: indices)
            remainder!.descend(&network, rule: rule, state: &optimizer)
            return remainder!.outputIsFinite
        }
    }

    /// Calls `step` for each mini-batch of `order` from `start` on, and reports progress. After
    /// each step it checks whether the mini-batch's output was finite (what `step` returns) and
    /// asks `shouldStop`.
    private static func forEachMiniBatch(
        of order: [Int], size m: Int, reportEvery: Int, from start: Int, epoch: Int, shouldStop: (() -> Bool)?,
        progress: ((TrainingProgress) -> Void)?, step: (ArraySlice<Int>) -> Bool
    ) -> MiniBatchOutcome {
        var position = start
        while position < order.count {
            let batchNumber = position / m
            let indices = order[position ..< min(position + m, order.count)]
            guard step(indices) else { return .diverged(miniBatch: batchNumber) }
            position += indices.count
            if let progress, (batchNumber + 1) % reportEvery == 0 {
                progress(.step(epoch: epoch, examplesDone: position, examplesTotal: order.count))
            }
            if let shouldStop, position < order.count, shouldStop() { return .stopped(examplesDone: position) }
        }
        return .completed
    }
}
