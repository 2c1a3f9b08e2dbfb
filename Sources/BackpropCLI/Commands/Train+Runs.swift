import ArgumentParser
import Backprop
import Datasets
import Foundation

/// How `backprop train` starts a run or resumes a saved one, and what it says before training.
extension Train {
    /// A new run from the options, with its data settings.
    func startRun(_ mnist: MNIST) throws -> (TrainingRun<Float>, DataSettings) {
        let settings = data.settings(for: mnist)
        var generator = SeededGenerator(seed: seedValue)
        let network: Network<Float>
        if let layerList {
            network = try layerList.network(input: Self.imageShape, outputs: MNIST.classCount, activation: options.hiddenActivation,
                                            outputActivation: options.outputActivationValue, cost: costValue,
                                            initializer: initializer, using: &generator)
        } else {
            let parameters = zip(layerSizes, layerSizes.dropFirst()).map { ($0 + 1) * $1 }.reduce(0, +)
            if parameters >= 10_000_000 {  // several seconds of drawing normal numbers
                printLine("Drawing \(grouped(parameters)) initial weights and biases from seed \(seedValue)…")
            }
            network = Network<Float>(
                layerSizes: layerSizes, activation: options.hiddenActivation, outputActivation: options.outputActivationValue,
                cost: costValue, initializer: initializer, using: &generator)
        }
        let sgd = StochasticGradientDescent(
            epochs: learning.epochCount, miniBatchSize: learning.miniBatch, eta: learning.etaValue,
            regularization: options.regularizationValue, momentum: options.momentumValue, dropout: options.dropoutValue,
            halveEtaAfter: options.halveEtaAfter, etaSchedule: options.etaSchedule, earlyStoppingPatience: options.earlyStopping,
            monitoring: try options.monitoring())
        let run = try TrainingRun(network: network, configuration: sgd,
                                  trainingData: TrainingDataOptions.trainingData(mnist, settings),
                                  evaluationData: TrainingDataOptions.evaluationData(mnist, settings),
                                  generator: generator, seed: seedValue, data: settings)
        return (run, settings)
    }

    /// The run saved in `path`, with its data settings.
    func savedRun(_ path: String) throws -> (TrainingRun<Float>, DataSettings) {
        let model = try ModelFile.load(from: path)
        guard let run = model.training else { throw CLIError("\(path) holds a network but no training run to resume") }
        guard let data = run.data else { throw CLIError("\(path) does not say which data its run trained on") }
        return (run, data)
    }

    /// Refuses options that would change the saved run, a total of epochs below those done, and
    /// outputs the saved run cannot fill.
    func validateResumed(_ run: TrainingRun<Float>, settings: DataSettings) throws {
        let path = resume!
        let changes = changedSettings(run, settings: settings)
        guard changes.isEmpty else {
            throw ValidationError("--resume \(path) continues the run with its saved settings, which these options would change: "
                                  + changes.joined(separator: ", ") + ". Leave them out; only --epochs may change, to extend the run.")
        }
        try checkDivergenceAction(run.configuration.etaSchedule)
        if let schedule = run.configuration.etaSchedule, let epochs = learning.epochs, epochs != run.configuration.epochs {
            throw ValidationError("--epochs \(epochs): the run in \(path) sets η by --eta-schedule \(schedule.defaultValueDescription) "
                                  + "over its \(run.configuration.epochs) epochs, which cannot change")
        }
        if let epochs = learning.epochs, epochs < run.nextEpoch {
            throw ValidationError("--epochs \(epochs): the run in \(path) has already done \(run.nextEpoch) epochs")
        }
        let evaluating = settings.evaluationSet != EvaluationSet.none.name
        if outputs.keep == .best, !evaluating {
            throw ValidationError("--keep best picks the epoch with the best evaluation accuracy, but the run in \(path) evaluates on nothing")
        }
        if outputs.plot != nil, !evaluating, !run.configuration.monitoring.evaluatesTrainingData {
            throw ValidationError("--plot: nothing to draw: the run in \(path) evaluates on nothing and monitors no training data")
        }
        if outputs.saveNetwork2 != nil, let problem = Network2Format.problem(storing: run.network) {
            throw ValidationError("--save-network2: \(problem)")
        }
        if outputs.saveSafetensors != nil, let problem = SafetensorsFormat.problem(storing: run.network) {
            throw ValidationError("--save-safetensors: \(problem), not the layers in \(path); use --save")
        }
    }

    /// The run saved in the `--resume` file (checked by ``validateResumed(_:settings:)``), extended
    /// when `--epochs` asks for more.
    func resumeRun() throws -> (TrainingRun<Float>, DataSettings) {
        let path = resume!
        var (run, settings) = try savedRun(path)
        if let epochs = learning.epochs { run.configuration.epochs = epochs }
        printLine("Resuming \(path) at epoch \(run.nextEpoch) of \(run.configuration.epochs) with its saved settings")
        return (run, settings)
    }

    /// The options given that differ from the saved run's settings, as "--eta 0.5 (saved: 3.0)".
    func changedSettings(_ run: TrainingRun<Float>, settings: DataSettings) -> [String] {
        let sgd = run.configuration, network = run.network
        var changes: [String] = []
        func compare<T: Equatable>(_ option: String, _ given: T?, _ saved: T, _ show: (T) -> String = { "\($0)" }) {
            if let given, given != saved { changes.append("\(option) \(show(given)) (saved: \(show(saved)))") }
        }
        compare("--layers", layers.map { $0.sizes.map(LayerList.init)?.text ?? $0.text }, Self.layersText(network))
        compare("--mini-batch-size", learning.miniBatchSize, sgd.miniBatchSize)
        compare("--eta", learning.eta, sgd.eta)
        if let seed, seed != run.seed {
            changes.append("--seed \(seed) (saved: " + (run.seed.map { "\($0)" } ?? "not recorded") + ")")
        }
        compare("--evaluate-on", data.evaluateOn?.name, settings.evaluationSet)
        compare("--training-size", data.trainingSize, settings.trainingCount)
        compare("--expand", data.expand ? true : nil, settings.expanded)
        compare("--cost", options.cost, network.cost) { $0.defaultValueDescription }
        if network.layers.count > 1 { compare("--activation", options.activation, network.layers[0].activation) { $0.rawValue } }
        compare("--output-activation", options.outputActivation, network.layers.last!.activation) { $0.rawValue }
        if let initialization = options.initialization {
            changes.append("--initialization \(initialization.defaultValueDescription) (the saved network's weights are already set)")
        }
        if options.lambda != nil || options.regularization != nil {
            // Either may be given alone: the other keeps its saved value.
            var given = options
            switch sgd.regularization {
            case .none: break
            case .l2(let lambda): given.lambda = given.lambda ?? lambda; given.regularization = given.regularization ?? .l2
            case .l1(let lambda): given.lambda = given.lambda ?? lambda; given.regularization = given.regularization ?? .l1
            }
            compare("--lambda/--regularization", Self.describe(given.regularizationValue), Self.describe(sgd.regularization))
        }
        compare("--momentum", options.momentum, sgd.momentum)
        compare("--dropout", options.dropout, sgd.dropout)
        compare("--halve-eta-after", options.halveEtaAfter, sgd.halveEtaAfter ?? 0)
        if let given = options.etaSchedule, given != sgd.etaSchedule {
            changes.append("--eta-schedule \(given.defaultValueDescription) (saved: \(sgd.etaSchedule?.defaultValueDescription ?? "none"))")
        }
        compare("--early-stopping", options.earlyStopping, sgd.earlyStoppingPatience ?? 0)
        if options.monitor != nil, let given = try? options.monitoring() {
            compare("--monitor", given, sgd.monitoring) { Self.describe($0) }
        }
        return changes
    }

    /// Settings that are allowed but probably not what the user meant.
    func warnings(_ run: TrainingRun<Float>) -> [String] {
        var result: [String] = []
        if run.network.cost == .logLikelihood, run.network.layers.last!.activation != .softmax {
            result.append("log-likelihood with \(run.network.layers.last!.activation.rawValue) outputs: C = −ln aᵧ only "
                          + "pushes the right output up; the book pairs it with --output-activation softmax")
        }
        if let schedule = run.configuration.etaSchedule, let patience = run.configuration.earlyStoppingPatience {
            result.append("--early-stopping \(patience) may end the run before --eta-schedule \(schedule.defaultValueDescription) brings η down to 0")
        }
        if resume == nil, learning.eta == nil, run.network.layers.contains(where: { $0 is ConvolutionLayer<Float> }) {
            result.append("η is \(learning.etaValue), chapter 1's default for its sigmoid networks; convolutional networks learn with much "
                          + "smaller steps (the book's --eta 0.1 with sigmoid, 0.03 with ReLU): give --eta")
        }
        if run.configuration.miniBatchSize > run.trainingSetSize {
            result.append("--mini-batch-size \(run.configuration.miniBatchSize) is more than the \(grouped(run.trainingSetSize)) training "
                          + "images: each epoch is one step over all of them")
        }
        if threads > ProcessInfo.processInfo.activeProcessorCount {
            result.append("--threads \(threads) is more than this machine's \(ProcessInfo.processInfo.activeProcessorCount) cores")
        }
        return result
    }

    /// The first layer of `network` that gives 0 for each of the first 100 of `images` (every
    /// ReLU off: no gradient reaches the layers before it), as "layer 4 (conv:40x5x5, σ = relu)
    /// gives 0 for each of the first 100 training images", with its index; train and reproduce
    /// warn of it.
    static func silentLayer(of network: Network<Float>, images: LabelledData) -> (layer: Int, text: String)? {
        let sample = images[0..<min(100, images.count)]
        guard let l = network.firstSilentLayer(on: sample) else { return nil }
        let layer = network.layers[l]
        let name = network.denseLayers == nil ? LayerList.describing(layer) : "\(layer.neurons) neurons"
        return (l, "layer \(l + 2) (\(name), σ = \(layer.activation.rawValue)) gives 0 for each of the first \(sample.count) training images")
    }

    /// A warning when a layer has gone silent (``silentLayer(of:images:)``): the run has stalled.
    func silentLayerWarning(_ run: TrainingRun<Float>, images: LabelledData) -> String? {
        guard let (l, text) = Self.silentLayer(of: run.network, images: images) else { return nil }
        return "after epoch \(run.nextEpoch - 1), \(text): every z ≤ 0, so σ′(z) = 0 and "
            + (l == run.network.layers.count - 1 ? "its δ is 0 (BP1): no layer learns; "
               : "its δ is 0 (BP2): neither it nor the layers before it learn, and the layers after it see the same input for "
                 + "every image; ")
            + "such a run rarely recovers. "
            + "Try another --seed" + (initializer == .he ? " or a smaller --eta" : ", a smaller --eta, or --initialization he")
    }

    /// For networks whose epoch takes a while, an estimate timed on a few mini-batches of a copy
    /// of the run, before training starts: the median of the second to fourth, since the first
    /// also pays for preparing the engine (several times a mini-batch for a convolutional net).
    func estimateEpochTime(_ run: TrainingRun<Float>, trainingData: LabelledData) {
        let sizes = run.network.layerSizes
        let multiplyAdds = zip(sizes, sizes.dropFirst()).map { $0 * $1 }.reduce(0, +) * trainingData.count
        guard multiplyAdds >= 20_000_000_000 else { return }  // under about a second per epoch
        var probe = run
        probe.examplesDoneInEpoch = nil
        let clock = ContinuousClock()
        var stamps = [clock.now]
        _ = try? probe.runEpoch(on: trainingData, evaluatingOn: nil, shouldStop: {
            stamps.append(clock.now)
            return stamps.count > 4
        })
        stamps.append(clock.now)
        let gaps = zip(stamps.dropFirst(), stamps).map { ($0 - $1).inSeconds }
        // Past the first mini-batch; with two, the last gap is the second mini-batch.
        let steady = (gaps.count == 2 ? gaps.dropFirst() : gaps.dropFirst().dropLast()).sorted()
        let seconds = steady.isEmpty ? gaps[0] : steady[steady.count / 2]
        let batches = (trainingData.count + run.configuration.miniBatchSize - 1) / run.configuration.miniBatchSize
        let epochSeconds = seconds * Double(batches)
        guard epochSeconds >= 5 else { return }
        let epochs = run.configuration.epochs - run.nextEpoch
        printLine("Estimate: about \(roughDuration(epochSeconds)) per epoch, \(roughDuration(epochSeconds * Double(epochs))) "
                  + "for \(epochs == 1 ? "1 epoch" : "\(epochs) epochs") (a mini-batch takes \(seconds < 0.1 ? String(format: "%.1f ms", seconds * 1000) : roughDuration(seconds)))")
    }

    /// The header: what is trained on what, then every setting of the run.
    func header(_ run: TrainingRun<Float>, settings: DataSettings, images: Int, loadTime: Duration, engine: Engine) -> String {
        let sgd = run.configuration, network = run.network
        let first = "Training \(LayerList.describing(network) ?? "\(network.layerSizes)") on \(grouped(images)) MNIST images: "
            + (sgd.epochs == 1 ? "1 epoch" : "\(sgd.epochs) epochs") + ", mini-batch \(sgd.miniBatchSize), η = \(sgd.eta), "
            + "seed " + (run.seed.map { "\($0)" } ?? "not recorded") + " "
            + "(data loaded in \(fixed(loadTime.inSeconds, places: 2)) s; \(engine.summary), "
            + "\(threads) thread\(threads == 1 ? "" : "s"))"
        let hidden = network.layers.first!.activation, output = network.layers.last!.activation
        var parts = ["cost \(network.cost.defaultValueDescription)",
                     "σ \(hidden.rawValue)" + (output != hidden ? " (output \(output.rawValue))" : "")]
        parts.append(resume.map { "weights from \($0)" } ?? "weights \(initializer.defaultValueDescription)")
        parts.append(Self.describe(sgd.regularization))
        parts.append("momentum μ = \(sgd.momentum)")
        parts.append("dropout \(sgd.dropout)")
        if run.optimizer.eta != sgd.eta { parts.append("η now \(run.optimizer.eta)") }
        if let n = sgd.halveEtaAfter { parts.append("η halved after \(n) epochs without improvement") }
        if let schedule = sgd.etaSchedule { parts.append("η schedule \(schedule.defaultValueDescription)") }
        if let n = sgd.earlyStoppingPatience { parts.append("early stopping after \(n)") }
        parts.append("evaluate on " + settings.evaluationSet)
        // Only what can be measured: without evaluation images, nothing is measured on them.
        let measured = settings.evaluationSet == EvaluationSet.none.name
            ? sgd.monitoring.subtracting([.evaluationAccuracy, .evaluationCost]) : sgd.monitoring
        parts.append("monitor " + Self.describe(measured))
        if settings.expanded { parts.append("training images expanded fivefold") }
        parts.append("keep \(outputs.keep.rawValue)")
        return first + "\n  " + parts.joined(separator: "; ")
    }

    /// `--layers` as it would be written for `network`: sizes, or the list of layers.
    static func layersText<Scalar: BLASScalar>(_ network: Network<Scalar>) -> String {
        LayerList.describing(network) ?? LayerList(network.layerSizes).text
    }

    static func describe(_ regularization: Regularization) -> String {
        switch regularization {
        case .none: "no regularization"
        case .l2(let lambda): "L2 λ = \(lambda)"
        case .l1(let lambda): "L1 λ = \(lambda)"
        }
    }

    static func describe(_ monitoring: Monitoring) -> String {
        let names = TrainingOptions.Metric.allCases.filter { monitoring.contains($0.value) }.map(\.rawValue)
        return names.isEmpty ? "nothing" : names.joined(separator: ",")
    }
}
