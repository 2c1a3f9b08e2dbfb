/// A training run in progress: the network and everything else needed to take it one epoch
/// further, so that a run saved after any epoch and resumed gives the same weights, bit for bit,
/// as one never interrupted.
public struct TrainingRun<Scalar: BLASScalar>: Equatable, Sendable {
    public var configuration: StochasticGradientDescent
    public var network: Network<Scalar>
    /// Shuffles the training data; its state moves on every epoch.
    public var generator: SeededGenerator
    /// η now (after any halving by the schedule), momentum's velocity and dropout's generator.
    public var optimizer: Optimizer<Scalar>
    public var history: TrainingHistory
    /// The best evaluation accuracy so far and the epochs since it last improved.
    public var bestAccuracy: Double?
    public var epochsWithoutImprovement: Int
    /// Why the run ended before its last epoch, if it did.
    public var stopReason: String?
    /// The order of the training examples, shuffled again in place each epoch as network.py
    /// shuffles its list.
    public var order: [Int]
    /// Examples already trained on in an epoch that was interrupted, or nil between epochs.
    public var examplesDoneInEpoch: Int?
    /// The seed the network and the generators were made from, when the run was started from one
    /// (files saved before it was recorded have none).
    public var seed: UInt64?
    /// Which data the run trains on, so that a resumed run uses the same; nil when not recorded.
    public var data: DataSettings?

    /// A run that has not started.
    /// - Throws: ``TrainingError/invalidSetting(_:)`` for settings that make no sense.
    public init(network: Network<Scalar>, configuration: StochasticGradientDescent, trainingData: LabelledData,
                evaluationData: LabelledData?, generator: SeededGenerator, seed: UInt64? = nil,
                data: DataSettings? = nil) throws(TrainingError) {
        try configuration.validate(network: network, data: trainingData, evaluationData: evaluationData)
        var generator = generator
        self.configuration = configuration
        self.network = network
        // Dropout draws from its own generator, seeded from the main one only when used, so
        // that turning dropout off leaves every other random choice as it was.
        let dropoutSeed = configuration.dropout > 0 ? generator.next() : 0
        optimizer = Optimizer(eta: configuration.eta, regularization: configuration.regularization,
                              trainingSetSize: trainingData.count, momentum: configuration.momentum,
                              dropout: configuration.dropout, for: network, dropoutSeed: dropoutSeed)
        self.generator = generator
        history = TrainingHistory(monitoring: configuration.monitoring)
        epochsWithoutImprovement = 0
        order = Array(0..<trainingData.count)
        self.seed = seed
        self.data = data
    }

    /// n, the training set size the weight decay is scaled by.
    public var trainingSetSize: Int { optimizer.trainingSetSize }

    /// The number of the next epoch.
    public var nextEpoch: Int { history.epochs.count }
    /// Whether all epochs have run or the schedule or early stopping ended the run.
    public var isFinished: Bool { nextEpoch >= configuration.epochs || stopReason != nil }

    /// Runs one epoch, or the rest of an interrupted one: shuffles, takes a gradient step per
    /// mini-batch, then measures what the configuration's monitoring asks for and applies the
    /// learning-rate schedule.
    ///
    /// - Parameter engine: Which code takes the gradient steps and evaluates (see ``Engine``); one
    ///   prepared network serves the epoch and its evaluation.
    /// - Parameter shouldStop: Asked after every mini-batch; when it says yes, the run stops
    ///   there, resumable from that point.
    /// - Parameter splitStep: Takes each mini-batch's step from gradient sums instead (data-parallel
    ///   training), on the network as ``Engine/prepareForGradientSums(_:optimizer:capacity:)`` prepares it.
    /// - Throws: ``TrainingError/diverged(epoch:miniBatch:layer:parameter:)`` as soon as the
    ///   network's output or a weight is no longer finite, leaving the run as it was before the
    ///   epoch; ``TrainingError/interrupted(epoch:examplesDone:examplesTotal:)`` when stopped,
    ///   leaving the run where it stopped.
    @discardableResult
    public mutating func runEpoch(
        on data: LabelledData, evaluatingOn evaluationData: LabelledData?, monitor: LearningSpeedMonitor? = nil,
        engine: Engine = .automatic, shouldStop: (() -> Bool)? = nil, splitStep: SplitStep<Scalar>? = nil,
        progress: ((TrainingProgress) -> Void)? = nil
    ) throws(TrainingError) -> EpochRecord {
        let epoch = nextEpoch
        let before = self
        let clock = ContinuousClock()
        guard order.count == data.count else {
            throw .invalidSetting("the run was set up for \(order.count) training examples, not \(data.count)")
        }
        let start = examplesDoneInEpoch ?? 0
        if examplesDoneInEpoch == nil { generator.shuffle(&order) }
        let capacity = min(configuration.miniBatchSize, order.count)
        let summing = splitStep.map { _ in engine.prepareForGradientSums(network, optimizer: optimizer, capacity: capacity) }
        let prepared = summing ?? engine.prepare(network, optimizer: optimizer, capacity: capacity)
        if optimizer.dropout > 0 && prepared.engine == .reference {
            throw .invalidSetting("dropout needs the matrix path; the reference path has no masks")
        }
        var outcome = MiniBatchOutcome.completed
        let trainingTime = clock.measure {
            outcome = runMiniBatches(on: prepared, split: splitStep.map { ($0, summing!) }, epoch: epoch, data: data,
                                     from: start, shouldStop: shouldStop, progress: progress)
            prepared.store(into: &network, optimizer: &optimizer)
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
                evaluation = evaluate(on: evaluationData, prepared)
            }
            if monitoring.evaluatesTrainingData {
                training = evaluate(on: data, prepared)
            }
        }
        let record = EpochRecord(
            epoch: epoch, trainingSeconds: trainingTime.inSeconds, evaluation: evaluation,
            evaluationSeconds: evaluationTime.inSeconds, learningSpeed: monitor?.measure(network),
            training: training, eta: optimizer.eta)
        history.epochs.append(record)
        updateSchedule(accuracy: evaluation?.accuracy)
        progress?(.epochFinished(record))
        return record
    }

    /// The evaluation with the regularization term added to the cost, as the book's total_cost.
    private func evaluate(on data: LabelledData, _ prepared: any PreparedNetwork<Scalar>) -> Evaluation {
        var result = prepared.evaluate(on: data)
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
        if let patience = configuration.halveEtaAfter, epochsWithoutImprovement >= patience {
            optimizer.halveEta()
            epochsWithoutImprovement = 0
            if optimizer.eta <= configuration.eta / 128 {
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

    /// The epoch's mini-batches from example `start` of `order` on, each a step of `prepared` (or
    /// of `split`): the training loop's hot path, which allocates nothing per mini-batch.
    private mutating func runMiniBatches(on prepared: any PreparedNetwork<Scalar>,
                                         split: (step: SplitStep<Scalar>, network: any GradientSumming<Scalar>)?,
                                         epoch: Int, data: LabelledData,
                                         from start: Int, shouldStop: (() -> Bool)?,
                                         progress: ((TrainingProgress) -> Void)?) -> MiniBatchOutcome {
        let m = configuration.miniBatchSize
        // Progress every 1% of the epoch, and more often for large networks: at least every ~10⁸
        // weights × examples (forward pass, BP2 and BP4 each do that many multiply-adds), so that
        // a slow epoch still reports every few hundredths of a second.
        let reportEvery = max(1, min(order.count / m / 100, 100_000_000 / max(1, m * network.parameterCount)))
        let order = order, schedule = configuration.etaSchedule, eta = configuration.eta
        let runLength = Double(configuration.epochs * order.count), epochStart = epoch * order.count
        return Self.forEachMiniBatch(of: order, size: m, reportEvery: reportEvery, from: start, epoch: epoch,
                                     shouldStop: shouldStop, progress: progress) { indices in
            // The slice's start is its position in the epoch's order: the examples done before it.
            if let schedule { optimizer.follow(schedule, eta: eta, at: Double(epochStart + indices.startIndex) / runLength) }
            if let split { return split.step(split.network, data, indices, &optimizer) }
            let next = order[indices.endIndex ..< min(indices.endIndex + m, order.count)]
            return prepared.step(on: data, indices: indices, next: next, optimizer: &optimizer)
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
