import ArgumentParser
import Backprop
import Datasets
import Foundation
import Pictures

/// `backprop train`: the book's experiments, or any variation of them.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network on MNIST by mini-batch stochastic gradient descent.",
        discussion: """
            Each epoch shuffles the 50,000 training images, splits them into mini-batches of m \
            images, and for each mini-batch takes one gradient descent step \
            w → w − (η/m) Σₓ ∂Cₓ/∂w, b → b − (η/m) Σₓ ∂Cₓ/∂b, with the gradient computed by \
            backpropagation. The defaults are the book's first experiment; the options of \
            chapter 3 (cost, initialization, regularization, …) are off by default.
            """)

    enum EvaluationSet: String, ExpressibleByArgument, CaseIterable {
        case test, validation, none
    }

    @Option(help: ArgumentHelp("Neurons per layer, input first; the input layer must have 784 (28×28 pixels) and the output 10 (digits).", valueName: "sizes"))
    var layers = LayerSizes([784, 30, 10])

    @Option(help: "Epochs: passes over the training images.")
    var epochs = 30

    @Option(help: "m, the number of training images averaged into each gradient descent step.")
    var miniBatchSize = 10

    @Option(help: "η, the learning rate: the size of each gradient descent step.")
    var eta = 3.0

    @Option(help: ArgumentHelp(
        "Seed for the initial weights and the shuffling; the same seed gives the same run.",
        discussion: "With the book's N(0, 1) weights the result depends on the seed: the README lists seeds 1–10."))
    var seed: UInt64 = 2

    @Option(help: ArgumentHelp(
        "Threads for the BLAS matrix products and a wide first layer.",
        discussion: "Networks like the book's trained by plain SGD run on backprop's own kernels instead (the header line says which), which use these threads only for a first layer wide enough to pay for them. 1 gives bit-identical runs for a given seed and BLAS core. More threads help only large networks, and change the order of floating-point sums, so the last bits (and hence the exact accuracies) can differ."))
    var threads = 1

    @Option(help: "Images to evaluate on after each epoch: the 10,000 test images (as in the book's chapter 1), the 10,000 validation images, or none.")
    var evaluateOn = EvaluationSet.test

    @OptionGroup(title: "Chapter 3") var options: TrainingOptions

    @Option(help: ArgumentHelp("Train on the first N training images only (the book's overfitting experiment uses 1,000).", valueName: "N"))
    var trainingSize: Int?

    @Flag(help: "Enlarge the training set fivefold with copies shifted one pixel up, down, left and right.")
    var expand = false

    @Flag(help: ArgumentHelp(
        "Record how fast each layer learns, before training and after each epoch: ‖∂C/∂bˡ‖ = ‖δˡ‖ and ‖∂C/∂wˡ‖ over a fixed sample of training images, and the share of saturated neurons (σ′(z) below --saturation-threshold)."))
    var learningSpeed = false

    @Option(help: "Training images (the first ones) the learning speed is averaged over.")
    var learningSpeedSample = 1000

    @Option(help: "σ′(z) below this counts as saturated in the learning-speed report.")
    var saturationThreshold = 0.01

    @Option(help: ArgumentHelp("Save the trained network, its training configuration and history (backprop's format).", valueName: "file"))
    var save: String?

    @Option(help: ArgumentHelp("Also save the network in network2.py's JSON format (sigmoid networks, quadratic or cross-entropy cost).", valueName: "file"))
    var saveNetwork2: String?

    @Option(help: ArgumentHelp("Write the run to this file after every epoch, so that --resume can continue it.", valueName: "file"))
    var checkpoint: String?

    @Option(help: ArgumentHelp("Continue the run saved in this checkpoint, with its own settings and data; the result equals an uninterrupted run, bit for bit.", valueName: "file"))
    var resume: String?

    @Option(help: ArgumentHelp("Write the per-epoch history: CSV if the name ends in .csv, else JSON.", valueName: "file"))
    var history: String?

    @Option(help: ArgumentHelp("Draw the learning curves after training: .svg or .png.", valueName: "file"))
    var plot: String?

    enum DivergenceAction: String, ExpressibleByArgument, CaseIterable { case stop, halve }

    @Option(help: "When the network's output or weights stop being finite numbers: stop (the last checkpoint stays as it was), or halve η and redo the epoch from the state before it.")
    var onDivergence = DivergenceAction.stop

    @OptionGroup var data: DataOptions

    func validate() throws {
        let sizes = layers.sizes
        if let plot, !plot.lowercased().hasSuffix(".svg") && !plot.lowercased().hasSuffix(".png") {
            throw ValidationError("--plot must name a .svg or .png file, got \(plot)")
        }
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--layers: every layer needs at least one neuron, got \(layers)")
        }
        guard sizes.first == MNIST.inputSize else {
            throw ValidationError("--layers: the input layer must have \(MNIST.inputSize) neurons, one per pixel of a 28×28 MNIST image, got \(sizes[0])")
        }
        guard sizes.last == MNIST.classCount else {
            throw ValidationError("--layers: the output layer must have \(MNIST.classCount) neurons, one per digit, got \(sizes.last!)")
        }
        try layers.checkFitsInMemory()
        guard epochs > 0 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard miniBatchSize > 0 else {
            throw ValidationError("--mini-batch-size must be at least 1, got \(miniBatchSize)")
        }
        guard eta > 0, eta.isFinite else { throw ValidationError("--eta (η) must be a positive number, got \(eta)") }
        guard learningSpeedSample > 0 else {
            throw ValidationError("--learning-speed-sample must be at least 1, got \(learningSpeedSample)")
        }
        guard saturationThreshold > 0 else {
            throw ValidationError("--saturation-threshold must be positive, got \(saturationThreshold)")
        }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be from 1 to 256, got \(threads)") }
        if let trainingSize, trainingSize < 1 { throw ValidationError("--training-size must be at least 1, got \(trainingSize)") }
        if (options.halveEtaAfter != nil || options.earlyStopping != nil) && evaluateOn == .none {
            throw ValidationError("--halve-eta-after and --early-stopping watch evaluation accuracy: they need --evaluate-on test or validation")
        }
        if options.dropout > 0 && sizes.count < 3 { throw ValidationError("--dropout needs a hidden layer") }
    }

    func run() throws {
        BLASBackend.threadCount = threads
        let clock = ContinuousClock()
        var mnist: MNIST? = nil
        let loadTime = try clock.measure { mnist = try MNIST(directory: data.resolvedDirectory) }

        var run: TrainingRun<Float>
        let settings: DataSettings
        if let resume {
            let model = try ModelFile.load(from: resume)
            guard let saved = model.resumableRun(), let record = model.training else {
                throw CLIError("\(resume) holds a network but no training run to resume")
            }
            run = saved
            settings = record.data
            printLine("Resuming \(resume) at epoch \(run.nextEpoch) of \(run.configuration.epochs) with its saved settings")
        } else {
            settings = DataSettings(trainingCount: min(trainingSize ?? Int.max, mnist!.training.count),
                                    expanded: expand, evaluationSet: evaluateOn.rawValue)
            run = try newRun(trainingData: trainingData(mnist!, settings), evaluationData: evaluationData(mnist!, settings))
        }
        let trainingData = trainingData(mnist!, settings)
        let evaluationData = evaluationData(mnist!, settings)
        guard trainingData.count == run.trainingSetSize else {
            throw CLIError("the checkpoint trained on \(run.trainingSetSize) images, but \(trainingData.count) are here")
        }

        let configuration = run.configuration
        let kernels = Kernels.automatic.resolved(for: run.network, configuration: configuration)
        printLine("Training \(run.network.layerSizes) on \(grouped(trainingData.count)) MNIST images: "
                  + (configuration.epochs == 1 ? "1 epoch" : "\(configuration.epochs) epochs") + ", mini-batch \(configuration.miniBatchSize), η = \(configuration.learningRate), "
                  + (resume == nil ? "seed \(seed) " : "")
                  + "(data loaded in \(fixed(loadTime.inSeconds, places: 2)) s; \(kernels.summary), "
                  + "\(threads) thread\(threads == 1 ? "" : "s"))")
        let extras = describe(configuration, network: run.network)
        if !extras.isEmpty { printLine("  " + extras) }

        let monitor = learningSpeed
            ? LearningSpeedMonitor(sample: trainingData[0..<min(learningSpeedSample, trainingData.count)],
                                   saturationThreshold: saturationThreshold)
            : nil
        if let monitor {
            printLine("Learning speed over the first \(grouped(monitor.sample.count)) training images, layers "
                      + "\(Array(2...run.network.layerSizes.count)); saturated: σ′(z) < \(saturationThreshold)")
            let initial = monitor.measure(run.network)
            if run.nextEpoch == 0 { run.history.initialLearningSpeed = initial }
            printLine("Before training: " + Self.describe(initial))
        }

        var bar = ProgressBar()
        var accuracies = run.history.epochs.compactMap { $0.evaluation?.accuracy }
        Signals.catchInterruptions()
        while !run.isFinished {
            do {
                try run.runEpoch(
                    on: trainingData, evaluatingOn: evaluationData, monitor: monitor,
                    shouldStop: { Signals.received != nil },
                    progress: { event in
                        switch event {
                        case .step(let epoch, let done, let total):
                            // On a terminal: the bar, and a sparkline of the accuracy so far.
                            let trend = accuracies.isEmpty ? "" : " " + Terminal.sparkline(accuracies)
                                + " " + percent(accuracies.last!)
                            bar.update(label: "Epoch \(epoch)", done: done, total: total, suffix: trend)
                        case .epochFinished(let record):
                            bar.clear()
                            if let accuracy = record.evaluation?.accuracy { accuracies.append(accuracy) }
                            printLine(Self.describe(record, monitoring: configuration.monitoring))
                            if let speed = record.learningSpeed { printLine("  " + Self.describe(speed)) }
                        }
                    })
            } catch {
                bar.clear()
                try handle(error, run: &run, settings: settings)
                continue
            }
            if let checkpoint { try ModelFile(run: run, data: settings).save(to: checkpoint) }
        }
        if let reason = run.stopReason { printLine("Stopped early: \(reason)") }
        if let best = run.history.bestEpoch, let evaluation = best.evaluation {
            printLine("Best: epoch \(best.epoch), \(grouped(evaluation.correct)) / \(grouped(evaluation.count)) "
                      + "(\(percent(evaluation.accuracy))) on the \(settings.evaluationSet) images; "
                      + "training took \(fixed(run.history.trainingSeconds, places: 2)) s")
        } else {
            printLine("Training took \(fixed(run.history.trainingSeconds, places: 2)) s")
        }
        if let save {
            try ModelFile(run: run, data: settings).save(to: save)
            printLine("Saved the network and its training record to \(save)")
        }
        if let saveNetwork2 {
            try Network2Format.save(run.network, to: saveNetwork2)
            printLine("Saved the network in network2.py's format to \(saveNetwork2)")
        }
        if let history { try write(run.history, to: history) }
        if let plot {
            try writeFigure(LearningCurves.svg([("run", run.history)], title: "Learning curves of \(run.network.layerSizes)"), to: plot)
            printLine("Drew the learning curves in \(plot)")
        }
    }

    /// An interrupted epoch saves the run and exits 130 or 143; a divergence halves η and goes
    /// on when asked to, else ends the command with the error.
    func handle(_ error: TrainingError, run: inout TrainingRun<Float>, settings: DataSettings) throws {
        switch error {
        case .interrupted(let epoch, let done, let total):
            let signal = Signals.received ?? SIGINT
            var message = "Interrupted by \(Signals.name(signal)) in epoch \(epoch) after \(grouped(done)) of \(grouped(total)) images"
            if let checkpoint {
                try ModelFile(run: run, data: settings).save(to: checkpoint)
                message += "; the run is saved in \(checkpoint): continue with --resume \(checkpoint)"
            } else {
                message += " (without --checkpoint nothing was saved)"
            }
            printLine(message)
            Foundation.exit(Signals.exitStatus(for: signal))
        case .diverged where onDivergence == .halve && run.learningRate > run.configuration.learningRate / 1024:
            run.learningRate /= 2
            printLine(error.description.replacingOccurrences(of: " Try a smaller learning rate η.", with: "")
                      + " Halving η to \(run.learningRate) and redoing epoch \(run.nextEpoch) from the state before it.")
        default:
            throw error
        }
    }

    func newRun(trainingData: LabelledData, evaluationData: LabelledData?) throws -> TrainingRun<Float> {
        var generator = SeededGenerator(seed: seed)
        let network = Network<Float>(
            layerSizes: layers.sizes, activation: options.activation, outputActivation: options.outputActivation,
            cost: options.cost, initializer: options.initialization, using: &generator)
        let sgd = StochasticGradientDescent(
            epochs: epochs, miniBatchSize: miniBatchSize, learningRate: eta, regularization: options.regularizationValue,
            momentum: options.momentum, dropout: options.dropout, halveLearningRateAfter: options.halveEtaAfter,
            earlyStoppingPatience: options.earlyStopping, monitoring: try options.monitoring())
        return try TrainingRun(network: network, configuration: sgd, trainingData: trainingData,
                               evaluationData: evaluationData, generator: generator)
    }

    func trainingData(_ mnist: MNIST, _ settings: DataSettings) -> LabelledData {
        let data = mnist.training[0..<min(settings.trainingCount, mnist.training.count)]
        return settings.expanded ? data.expandedByOnePixelShifts(side: MNIST.imageSide) : data
    }

    func evaluationData(_ mnist: MNIST, _ settings: DataSettings) -> LabelledData? {
        switch settings.evaluationSet {
        case "test": mnist.test
        case "validation": mnist.validation
        default: nil
        }
    }

    func write(_ history: TrainingHistory, to path: String) throws {
        let data: Data
        if path.hasSuffix(".csv") {
            data = Data(history.csv().utf8)
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            data = try encoder.encode(history)
        }
        try AtomicFile.write(data, to: path)
        printLine("Wrote the history to \(path)")
    }

    /// The chapter 3 settings in use, in a line.
    func describe(_ sgd: StochasticGradientDescent, network: Network<Float>) -> String {
        var parts: [String] = []
        let output = network.layers.last!.activation, hidden = network.layers.first!.activation
        if network.cost != .quadratic || hidden != .sigmoid || output != .sigmoid {
            parts.append("cost \(network.cost.defaultValueDescription), σ \(hidden.rawValue)"
                         + (output != hidden ? " (output \(output.rawValue))" : ""))
        }
        switch sgd.regularization {
        case .none: break
        case .l2(let lambda): parts.append("L2 λ = \(lambda)")
        case .l1(let lambda): parts.append("L1 λ = \(lambda)")
        }
        if sgd.momentum > 0 { parts.append("momentum μ = \(sgd.momentum)") }
        if sgd.dropout > 0 { parts.append("dropout \(sgd.dropout)") }
        if let n = sgd.halveLearningRateAfter { parts.append("η halved after \(n) epochs without improvement") }
        if let n = sgd.earlyStoppingPatience { parts.append("early stopping after \(n)") }
        if options.initialization != .standardNormal && resume == nil { parts.append("N(0, 1/n_in) weights") }
        if expand && resume == nil { parts.append("expanded training data") }
        return parts.joined(separator: "; ")
    }

    /// "‖δˡ‖ 0.0012 0.0051 0.031 | ‖∂C/∂wˡ‖ … | saturated 12% 3% 40% | outputs saturated wrong 1.2%"
    static func describe(_ speed: LearningSpeed) -> String {
        func list(_ values: [Double]) -> String { values.map { significant($0, 3) }.joined(separator: " ") }
        return "‖δˡ‖ \(list(speed.biasGradientNorms)) | ‖∂C/∂wˡ‖ \(list(speed.weightGradientNorms)) | saturated "
            + speed.saturatedShare.map { fixed($0 * 100, places: 0) + "%" }.joined(separator: " ")
            + " | outputs saturated wrong \(fixed(speed.wronglySaturatedOutputShare * 100, places: 1))%"
    }

    /// "Epoch 7: 9,412 / 10,000 (94.12%) 0.08 s", with the monitored costs and training results.
    static func describe(_ record: EpochRecord, monitoring: Monitoring = .evaluationAccuracy) -> String {
        let seconds = fixed(record.trainingSeconds, places: 2) + " s"
        var text: String
        if let evaluation = record.evaluation, monitoring.contains(.evaluationAccuracy) {
            text = "Epoch \(record.epoch): \(grouped(evaluation.correct)) / \(grouped(evaluation.count)) "
                + "(\(percent(evaluation.accuracy))) \(seconds)"
        } else {
            text = "Epoch \(record.epoch) complete \(seconds)"
        }
        if let evaluation = record.evaluation, monitoring.contains(.evaluationCost) {
            text += "; evaluation cost \(significant(evaluation.cost, 5))"
        }
        if let training = record.training {
            if monitoring.contains(.trainingAccuracy) {
                text += "; training \(grouped(training.correct)) / \(grouped(training.count)) (\(percent(training.accuracy)))"
            }
            if monitoring.contains(.trainingCost) { text += "; training cost \(significant(training.cost, 5))" }
        }
        return text
    }
}
