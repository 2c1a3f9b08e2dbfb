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

    @Option(help: ArgumentHelp(
        "Neurons per layer, input first (default: 784,30,10), or layers after the 28×28 input: conv:MAPSxKxK, pool:SIZE, fc:NEURONS, softmax:NEURONS.",
        discussion: "784,30,10: the input layer must have 784 neurons (28×28 pixels) and the output 10 (digits). conv:20x5x5,pool:2,conv:40x5x5,pool:2,fc:100,softmax:10: network3.py's network (20 feature maps of 5×5 kernels, 2×2 max-pooling, 40 maps, 2×2 max-pooling, 100 fully connected neurons, a softmax output of 10 with the log-likelihood cost unless --cost says otherwise); l2pool:2 is 2×2 L2 pooling (the root of the sum of squares, on the per-example path); --activation applies to the conv and fc layers, --output-activation to a last fc layer; weights N(0, 1/n_in) unless --initialization says otherwise.",
        valueName: "layers"))
    var layers: LayerList?

    @OptionGroup var learning: LearningOptions

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Seed for the initial weights and the shuffling; the same seed gives the same run (default: 2).",
        discussion: "With the book's N(0, 1) weights the result depends on the seed: Results.md lists seeds 1–10 (see the README's documentation table)."))
    var seed: UInt64?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Threads for the BLAS matrix products and a wide first layer, or a convolutional network's two half-batches.",
        discussion: "Networks like the book's trained by plain SGD run on backprop's own kernels instead (the header line says which), which use these threads only for a first layer wide enough to pay for them. 1 gives bit-identical runs for a given seed and BLAS core. More threads help only large networks, and change the order of floating-point sums, so the last bits (and hence the exact accuracies) can differ. Convolutional networks (--layers conv:…) run each mini-batch as two halves, on two threads with --threads 2 or more, and give the same bits on one thread or two. --threads is not saved in a checkpoint: give it again with --resume."))
    var threads = 1

    @OptionGroup var data: TrainingDataOptions

    @OptionGroup(title: "Chapter 3") var options: TrainingOptions

    @Flag(help: ArgumentHelp(
        "Record how fast each layer learns, before training and after each epoch: ‖∂C/∂bˡ‖ = ‖δˡ‖ and ‖∂C/∂wˡ‖ over a fixed sample of training images, and the share of saturated neurons (σ′(z) below --saturation-threshold)."))
    var learningSpeed = false

    @Option(help: "Training images (the first ones) the learning speed is averaged over.")
    var learningSpeedSample = 1000

    @Option(help: "σ′(z) below this counts as saturated in the learning-speed report.")
    var saturationThreshold = 0.01

    @OptionGroup var outputs: TrainOutputOptions

    @Option(help: ArgumentHelp("Continue the run saved in this checkpoint with its own settings and data; the result equals an uninterrupted run, bit for bit. Only --epochs may change it (to extend the run, unless --eta-schedule spreads η over its epochs); other settings that differ from the saved run's are refused.", valueName: "file"))
    var resume: String?

    enum DivergenceAction: String, ExpressibleByArgument, CaseIterable {
        case stop, halve
        static var allValueDescriptions: [String: String] {
            ["stop": "end the command with an error; the last checkpoint stays as it was",
             "halve": "halve η and redo the epoch from the state before it (down to η/1024)"]
        }
    }

    @Option(help: "What to do when the network's output or weights stop being finite numbers.")
    var onDivergence = DivergenceAction.stop

    @OptionGroup var engineOption: EngineOption

    @OptionGroup(title: "Data-parallel training (MPI)") var parallel: DataParallelOptions

    /// The settings in force for a new run: the ones given, else the book's chapter 1 defaults.
    var layerSizes: [Int] { layers?.sizes ?? [784, 30, 10] }
    /// The layers of chapter 6's form, when `--layers` lists them.
    var layerList: LayerList? { layers.flatMap { $0.sizes == nil ? $0 : nil } }
    /// The MNIST images as a convolution takes them.
    static let imageShape = ImageShape(depth: 1, height: 28, width: 28)
    /// The cost: `--cost`, else log-likelihood for a softmax:N output, else quadratic.
    var costValue: Cost { options.cost ?? (layerList?.endsInSoftmax == true ? .logLikelihood : .quadratic) }
    /// The initial weights: `--initialization`, else N(0, 1) for the plain form and N(0, 1/n_in) for layers.
    var initializer: WeightInitializer { options.initialization ?? (layerList == nil ? .standardNormal : .scaledNormal) }
    var seedValue: UInt64 { seed ?? 2 }

    func validate() throws {
        if let layerList {
            _ = try layerList.shapes(input: Self.imageShape, outputs: MNIST.classCount)
            if layerList.endsInSoftmax, let output = options.outputActivation, output != .softmax {
                throw ValidationError("--output-activation \(output.rawValue): the layers end in softmax; use fc:10 for another output")
            }
        }
        try validateSizes()
        try options.checkCost(costValue, output: layerList?.endsInSoftmax == true ? .softmax : options.outputActivationValue)
        try validateRest()
    }

    func validateSizes() throws {
        guard layerList == nil else { return }
        let sizes = layerSizes
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--layers: every layer needs at least one neuron, got \(LayerSizes(sizes))")
        }
        guard sizes.first == MNIST.inputSize else {
            throw ValidationError("--layers: the input layer must have \(MNIST.inputSize) neurons, one per pixel of a 28×28 MNIST image, got \(sizes[0])")
        }
        guard sizes.last == MNIST.classCount else {
            throw ValidationError("--layers: the output layer must have \(MNIST.classCount) neurons, one per digit, got \(sizes.last!)")
        }
        try LayerSizes(sizes).checkFitsInMemory()
    }

    func validateRest() throws {
        guard learningSpeedSample > 0 else {
            throw ValidationError("--learning-speed-sample must be at least 1, got \(learningSpeedSample)")
        }
        guard saturationThreshold > 0 else {
            throw ValidationError("--saturation-threshold must be positive, got \(saturationThreshold)")
        }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be from 1 to 256, got \(threads)") }
        try outputCheck.verify()
        if let resume {
            // The saved run's settings meet the options here, before any data is read.
            let (run, settings) = try savedRun(resume)
            try validateResumed(run, settings: settings)
            try validateDataParallel(dropout: run.configuration.dropout)
        } else {
            try validateNewRun()
            try validateDataParallel(dropout: options.dropoutValue)
        }
    }

    /// Refuses --on-divergence halve for a run whose η a schedule sets at every step, where halving would change nothing.
    func checkDivergenceAction(_ schedule: EtaSchedule?) throws {
        if let schedule, onDivergence == .halve {
            throw ValidationError("--on-divergence halve: --eta-schedule \(schedule.defaultValueDescription) sets η at every step, "
                                  + "so halving it would change nothing; start with a smaller --eta")
        }
    }

    /// Checks that concern the settings of a run that starts now (a resumed run has its own).
    func validateNewRun() throws {
        let evaluating = data.evaluationSet != .none
        if (options.halveEtaAfter != nil || options.earlyStopping != nil) && !evaluating {
            throw ValidationError("--halve-eta-after and --early-stopping watch evaluation accuracy: they need --evaluate-on test or validation")
        }
        try checkDivergenceAction(options.etaSchedule)
        if options.dropoutValue > 0, engineOption.engine == .reference {
            throw ValidationError("--dropout: the per-example reference path (--engine reference) has no dropout masks")
        }
        if options.dropoutValue > 0, let layers = try layerList?.layers() {
            if layers.count < 2 { throw ValidationError("--dropout needs a hidden layer") }
            // Dropout's masks live in the matrix and convolutional engines; the reference path,
            // which runs L2 pooling and a convolution straight into a dense layer, has none.
            for (layer, next) in zip(layers, layers.dropFirst()) {
                switch (layer, next) {
                case (.l2Pooling, _), (.convolution, .fullyConnected), (.convolution, .softmax):
                    throw ValidationError("--dropout: \(layer.text) then \(next.text) runs on the per-example reference path, "
                                          + "which has no dropout masks; use pool:S, with a pooling layer after each convolution")
                default: break
                }
            }
        } else if options.dropoutValue > 0 && layerSizes.count < 3 {
            throw ValidationError("--dropout needs a hidden layer")
        }
        let monitoring = try options.monitoring()
        if options.monitor != nil, !evaluating, monitoring.evaluatesEvaluationData {
            throw ValidationError("--monitor: evaluation-accuracy and evaluation-cost need evaluation images, but --evaluate-on is none")
        }
        if outputs.plot != nil, !evaluating, !monitoring.evaluatesTrainingData {
            throw ValidationError("--plot: nothing to draw with --evaluate-on none; evaluate on test or validation images, "
                                  + "or add --monitor training-accuracy or training-cost")
        }
        if outputs.keep == .best, !evaluating {
            throw ValidationError("--keep best picks the epoch with the best evaluation accuracy: it needs --evaluate-on test or validation")
        }
        if outputs.saveNetwork2 != nil, layerList != nil {
            throw ValidationError("--save-network2: network2.py's format holds fully connected layers only")
        }
        if outputs.saveSafetensors != nil, try layerList?.layers()?.contains(where: \.isImage) == true {
            throw ValidationError("--save-safetensors: the safetensors layout holds dense layers only; use --save")
        }
        if outputs.saveNetwork2 != nil {
            let activations = Array(repeating: options.hiddenActivation, count: layerSizes.count - 2) + [options.outputActivationValue]
            if let problem = Network2Format.problem(activations: activations, cost: costValue) {
                throw ValidationError("--save-network2: \(problem)")
            }
        }
    }

    /// Where the run is checkpointed: `--checkpoint`, else a resumed run's own file.
    var checkpointPath: String? { outputs.checkpoint ?? resume }

    /// Every file the command reads or writes. A resumed run checkpoints to its own file unless
    /// `--checkpoint` names another, so that file is an output too.
    var outputCheck: OutputCheck {
        let checkpointIsResume = checkpointPath.map(OutputCheck.identity) == resume.map(OutputCheck.identity)
        return OutputCheck(
            inputs: checkpointIsResume ? [] : [("--resume", resume)],
            outputs: [(outputs.checkpoint == nil ? "--resume (checkpointed after every epoch)" : "--checkpoint", checkpointPath, ["json"]),
                      ("--save", outputs.save, ["json"]), ("--save-network2", outputs.saveNetwork2, ["json"]),
                      ("--save-safetensors", outputs.saveSafetensors, ["safetensors"]),
                      ("--history", outputs.history, ["json", "csv"]), ("--plot", outputs.plot, ["svg", "png"])])
    }

    func run() throws {
        BLASBackend.threadCount = threads
        let parallel = try startDataParallel()
        // Only the first process of a data-parallel job speaks and writes files.
        let speaks = (parallel?.world.rank ?? 0) == 0
        let clock = ContinuousClock()
        let resumed = try resume.map { _ in try resumeRun() }
        var mnist: MNIST? = nil
        let loadTime = try clock.measure { mnist = try data.load(for: resumed?.1) }

        var (run, settings) = try resumed ?? startRun(mnist!)
        let trainingData = TrainingDataOptions.trainingData(mnist!, settings)
        let evaluationData = TrainingDataOptions.evaluationData(mnist!, settings)
        guard trainingData.count == run.trainingSetSize else {
            throw CLIError("the checkpoint trained on \(run.trainingSetSize) images, but \(trainingData.count) are here")
        }
        let checkpoint = speaks ? checkpointPath : nil
        let configuration = run.configuration
        let engine = parallel == nil ? engineOption.engine.resolved(for: run.network, configuration: configuration)
            : engineOption.engine.prepareForGradientSums(run.network, capacity: 1).engine
        printLine(header(run, settings: settings, images: trainingData.count, loadTime: loadTime, engine: engine))
        if let parallel { printLine(Self.describe(parallel)) }
        for warning in warnings(run) where speaks { warn(warning) }
        if run.isFinished {
            printLine(run.stopReason.map { "The run had stopped early: \($0)." }
                      ?? "The run has done all its \(configuration.epochs) epochs: give --epochs with a larger total to extend it.")
        } else {
            estimateEpochTime(run, trainingData: trainingData)
        }

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

        let recorder = speaks ? RunRecorder.start(run, engine: engine, modelPath: outputs.save) : nil
        var bar = ProgressBar()
        var accuracies = run.history.epochs.compactMap { $0.evaluation?.accuracy }
        var best: TrainingRun<Float>? = nil
        var checkpointFailed = false, warnedSilent = false
        Signals.catchInterruptions()
        while !run.isFinished {
            do {
                try run.runEpoch(
                    on: trainingData, evaluatingOn: evaluationData, monitor: monitor, engine: engineOption.engine,
                    shouldStop: { parallel.map(\.stopRequested) ?? (Signals.received != nil) },
                    splitStep: parallel.map { parallel in { parallel.step($0, on: $1, indices: $2, optimizer: &$3) } },
                    progress: { event in
                        switch event {
                        case .step(let epoch, let done, let total):
                            guard speaks else { break }
                            // On a terminal: the bar, and a sparkline of the accuracy so far.
                            let trend = accuracies.isEmpty ? "" : " " + Terminal.sparkline(accuracies)
                                + " " + percent(accuracies.last!)
                            bar.update(label: "Epoch \(epoch)", done: done, total: total, suffix: trend)
                        case .epochFinished(let record):
                            bar.clear()
                            if let accuracy = record.evaluation?.accuracy { accuracies.append(accuracy) }
                            printLine(Self.describe(record, monitoring: configuration.monitoring))
                            if let speed = record.learningSpeed { printLine("  " + Self.describe(speed)) }
                            recorder?.record(record)
                        }
                    })
            } catch {
                bar.clear()
                try handle(error, run: &run, settings: settings, checkpoint: checkpoint, recorder: recorder, parallel: parallel)
                continue
            }
            if speaks, !warnedSilent, let warning = silentLayerWarning(run, images: trainingData) {
                warn(warning)
                warnedSilent = true
            }
            if outputs.keep == .best, run.history.bestEpoch?.epoch == run.nextEpoch - 1 { best = run }
            if let checkpoint, !writeCheckpoint(run, settings: settings, to: checkpoint) { checkpointFailed = true }
        }
        if let reason = run.stopReason { printLine("Stopped early: \(reason)") }
        if let bestEpoch = run.history.bestEpoch, let evaluation = bestEpoch.evaluation {
            printLine("Best: epoch \(bestEpoch.epoch), \(grouped(evaluation.correct)) / \(grouped(evaluation.count)) "
                      + "(\(percent(evaluation.accuracy))) on the \(settings.evaluationSet) images; "
                      + "training took \(fixed(run.history.trainingSeconds, places: 2)) s")
        } else {
            printLine("Training took \(fixed(run.history.trainingSeconds, places: 2)) s")
        }
        if outputs.keep == .best, best == nil, let bestEpoch = run.history.bestEpoch, bestEpoch.epoch < run.nextEpoch - 1 {
            warn("--keep best: the best epoch, \(bestEpoch.epoch), ran before this run resumed, and its network is not in the "
                 + "checkpoint; the last epoch's network is saved instead")
        }
        let kept = outputs.keep == .best ? best ?? run : run
        let everythingSaved = speaks ? writeOutputs(kept: kept, full: run, settings: settings) : true
        if let checkpoint, !checkpointFailed, run.nextEpoch > 0, run.configuration.etaSchedule == nil {
            printLine("The run is checkpointed in \(checkpoint) (after epoch \(run.nextEpoch - 1)); "
                      + "--resume \(checkpoint) with a larger --epochs continues it")
        }
        recorder?.finish(run.stopReason == nil ? .finished : .stopped, modelPath: everythingSaved ? outputs.save : nil)
        if let parallel { try finishDataParallel(parallel) }
        if !everythingSaved || checkpointFailed { throw ExitCode.failure }
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
