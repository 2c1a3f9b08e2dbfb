/// Mini-batch stochastic gradient descent as in the book: each epoch shuffles the training data,
/// splits it into mini-batches of m examples, and for each takes one step
/// w → w − (η/m) Σₓ ∂Cₓ/∂w, b → b − (η/m) Σₓ ∂Cₓ/∂b.
public struct StochasticGradientDescent: Equatable, Codable, Sendable {
    /// Passes over the training data.
    public var epochs: Int
    /// m, the examples per gradient step. The last mini-batch of an epoch may be smaller.
    public var miniBatchSize: Int
    /// η, the learning rate.
    public var learningRate: Double

    /// The book's chapter 1 settings are 30 epochs, mini-batches of 10 and η = 3.0.
    public init(epochs: Int = 30, miniBatchSize: Int = 10, learningRate: Double = 3.0) {
        self.epochs = epochs
        self.miniBatchSize = miniBatchSize
        self.learningRate = learningRate
    }

    /// Trains `network` on `data`, evaluating after each epoch when `evaluationData` is given.
    ///
    /// - Parameters:
    ///   - generator: Shuffles the data each epoch; the same seed gives the same run.
    ///   - monitor: Records each layer's learning speed before training and after every epoch.
    ///   - progress: Told about progress within and at the end of each epoch (on this thread).
    /// - Returns: One record per epoch.
    /// - Throws: ``TrainingError`` when the settings are invalid or training diverges.
    public func train<Scalar: BLASScalar, G: RandomNumberGenerator>(
        _ network: inout Network<Scalar>, on data: LabelledData, evaluatingOn evaluationData: LabelledData? = nil,
        using generator: inout G, monitor: LearningSpeedMonitor? = nil,
        progress: ((TrainingProgress) -> Void)? = nil
    ) throws(TrainingError) -> TrainingHistory {
        try validate(network: network, data: data, evaluationData: evaluationData)
        var history = TrainingHistory(initialLearningSpeed: monitor?.measure(network))
        var order = Array(0..<data.count)
        var batches = MiniBatchBuffers<Scalar>(layerSizes: network.layerSizes, size: miniBatchSize)
        let clock = ContinuousClock()
        for epoch in 0..<epochs {
            generator.shuffle(&order)
            let trainingTime = clock.measure {
                runEpoch(epoch, &network, data: data, order: order, batches: &batches, progress: progress)
            }
            if let problem = network.firstNonFiniteParameter() {
                throw .diverged(epoch: epoch, layer: problem.layer, parameter: problem.parameter)
            }
            var evaluation: Evaluation? = nil
            let evaluationTime = clock.measure {
                evaluation = evaluationData.map { network.evaluate(on: $0) }
            }
            let record = EpochRecord(
                epoch: epoch, trainingSeconds: trainingTime.inSeconds, evaluation: evaluation,
                evaluationSeconds: evaluationTime.inSeconds, learningSpeed: monitor?.measure(network))
            history.epochs.append(record)
            progress?(.epochFinished(record))
        }
        return history
    }

    /// One pass over `data` in the given order: the training loop's hot path, which allocates
    /// nothing.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func runEpoch<Scalar: BLASScalar>(
        _ epoch: Int, _ network: inout Network<Scalar>, data: LabelledData, order: [Int],
        batches: inout MiniBatchBuffers<Scalar>, progress: ((TrainingProgress) -> Void)?
    ) {
        let eta = Scalar(learningRate)
        let reportEvery = max(1, order.count / miniBatchSize / 100)
        var start = 0, batchNumber = 0
        while start < order.count {
            let indices = order[start ..< min(start + miniBatchSize, order.count)]
            batches.descend(&network, on: data, indices: indices, learningRate: eta)
            start += indices.count
            batchNumber += 1
            if let progress, batchNumber % reportEvery == 0 {
                progress(.step(epoch: epoch, examplesDone: start, examplesTotal: order.count))
            }
        }
    }

    private func validate(network: Network<some BLASScalar>, data: LabelledData,
                          evaluationData: LabelledData?) throws(TrainingError) {
        guard epochs >= 0 else { throw .invalidSetting("epochs must not be negative, got \(epochs)") }
        guard miniBatchSize > 0 else { throw .invalidSetting("mini-batch size must be positive, got \(miniBatchSize)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw .invalidSetting("learning rate η must be a positive number, got \(learningRate)")
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

/// A full-size mini-batch and, made on first use, one for the smaller remainder of an epoch.
struct MiniBatchBuffers<Scalar: BLASScalar> {
    let layerSizes: [Int]
    var full: MiniBatch<Scalar>
    var remainder: MiniBatch<Scalar>?

    init(layerSizes: [Int], size: Int) {
        self.layerSizes = layerSizes
        full = MiniBatch(layerSizes: layerSizes, size: size)
    }

    mutating func descend(_ network: inout Network<Scalar>, on data: LabelledData,
                          indices: ArraySlice<Int>, learningRate eta: Scalar) {
        if indices.count == full.size {
            full.load(data, indices: indices)
            full.descend(&network, learningRate: eta)
        } else {
            if remainder?.size != indices.count {
                remainder = MiniBatch(layerSizes: layerSizes, size: indices.count)
            }
            remainder!.load(data, indices: indices)
            remainder!.descend(&network, learningRate: eta)
        }
    }
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
    /// A weight or bias became NaN or infinite.
    case diverged(epoch: Int, layer: Int, parameter: String)

    public var description: String {
        switch self {
        case .invalidSetting(let message):
            return "Invalid training setting: \(message)"
        case .diverged(let epoch, let layer, let parameter):
            return "Training diverged in epoch \(epoch): \(parameter) of layer \(layer + 2) is not a finite number. "
                + "Try a smaller learning rate η."
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
