import ArgumentParser
import Backprop
import Datasets

/// `backprop train`: the book's chapter 1 experiment, or any variation of it.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network on MNIST by mini-batch stochastic gradient descent.",
        discussion: """
            Each epoch shuffles the 50,000 training images, splits them into mini-batches of m \
            images, and for each mini-batch takes one gradient descent step \
            w → w − (η/m) Σₓ ∂Cₓ/∂w, b → b − (η/m) Σₓ ∂Cₓ/∂b, with the gradient computed by \
            backpropagation. The defaults are the book's first experiment.
            """)

    enum EvaluationSet: String, ExpressibleByArgument, CaseIterable {
        case test, validation, none
    }

    @Option(help: ArgumentHelp("Neurons per layer, input first; the input layer must have 784 (28×28 pixels) and the output 10 (digits).", valueName: "sizes"))
    var layers = LayerSizes([784, 30, 10])

    @Option(help: "Epochs: passes over the 50,000 training images.")
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
        "Threads for the BLAS matrix products.",
        discussion: "1 gives bit-identical runs for a given seed and BLAS core. More threads help only large networks, and change the order of floating-point sums, so the last bits (and hence the exact accuracies) can differ."))
    var threads = 1

    @Option(help: "Images to evaluate on after each epoch: the 10,000 test images (as in the book's chapter 1), the 10,000 validation images, or none.")
    var evaluateOn = EvaluationSet.test

    @Flag(help: ArgumentHelp(
        "Record how fast each layer learns, before training and after each epoch: ‖∂C/∂bˡ‖ = ‖δˡ‖ and ‖∂C/∂wˡ‖ over a fixed sample of training images, and the share of saturated neurons (σ′(z) below --saturation-threshold)."))
    var learningSpeed = false

    @Option(help: "Training images (the first ones) the learning speed is averaged over.")
    var learningSpeedSample = 1000

    @Option(help: "σ′(z) below this counts as saturated in the learning-speed report.")
    var saturationThreshold = 0.01

    @OptionGroup var data: DataOptions

    func validate() throws {
        let sizes = layers.sizes
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--layers: every layer needs at least one neuron, got \(layers)")
        }
        guard sizes.first == MNIST.inputSize else {
            throw ValidationError("--layers: the input layer must have \(MNIST.inputSize) neurons, one per pixel of a 28×28 MNIST image, got \(sizes[0])")
        }
        guard sizes.last == MNIST.classCount else {
            throw ValidationError("--layers: the output layer must have \(MNIST.classCount) neurons, one per digit, got \(sizes.last!)")
        }
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
    }

    func run() throws {
        let clock = ContinuousClock()
        var mnist: MNIST? = nil
        let loadTime = try clock.measure { mnist = try MNIST(directory: data.resolvedDirectory) }
        let dataSet = mnist!
        let evaluationData: LabelledData? = switch evaluateOn {
        case .test: dataSet.test
        case .validation: dataSet.validation
        case .none: nil
        }

        BLASBackend.threadCount = threads
        var generator = SeededGenerator(seed: seed)
        var network = Network<Float>(layerSizes: layers.sizes, using: &generator)
        let sgd = StochasticGradientDescent(epochs: epochs, miniBatchSize: miniBatchSize, learningRate: eta)
        printLine("Training \(layers.sizes) on \(grouped(dataSet.training.count)) MNIST images: "
                  + "\(epochs) epochs, mini-batch \(miniBatchSize), η = \(eta), seed \(seed) "
                  + "(data loaded in \(fixed(loadTime.inSeconds, places: 2)) s; \(BLASBackend.coreName), "
                  + "\(threads) thread\(threads == 1 ? "" : "s"))")

        let monitor = learningSpeed
            ? LearningSpeedMonitor(sample: dataSet.training[0..<min(learningSpeedSample, dataSet.training.count)],
                                   saturationThreshold: saturationThreshold)
            : nil
        if let monitor {
            printLine("Learning speed over the first \(grouped(monitor.sample.count)) training images, layers "
                      + "\(Array(2...layers.sizes.count)); saturated: σ′(z) < \(saturationThreshold)")
            printLine("Before training: " + Self.describe(monitor.measure(network)))
        }
        var bar = ProgressBar()
        let history = try sgd.train(
            &network, on: dataSet.training, evaluatingOn: evaluationData, using: &generator, monitor: monitor
        ) { event in
            switch event {
            case .step(let epoch, let done, let total):
                bar.update(label: "Epoch \(epoch)", done: done, total: total)
            case .epochFinished(let record):
                bar.clear()
                printLine(Self.describe(record))
                if let speed = record.learningSpeed { printLine("  " + Self.describe(speed)) }
            }
        }
        if let best = history.bestEpoch, let evaluation = best.evaluation {
            printLine("Best: epoch \(best.epoch), \(grouped(evaluation.correct)) / \(grouped(evaluation.count)) "
                      + "(\(percent(evaluation.accuracy))) on the \(evaluateOn.rawValue) images; "
                      + "training took \(fixed(history.trainingSeconds, places: 2)) s")
        } else {
            printLine("Training took \(fixed(history.trainingSeconds, places: 2)) s")
        }
    }

    /// "‖δˡ‖ 0.0012 0.0051 0.031 | ‖∂C/∂wˡ‖ … | saturated 12% 3% 40% | outputs saturated wrong 1.2%"
    static func describe(_ speed: LearningSpeed) -> String {
        func list(_ values: [Double]) -> String { values.map { significant($0, 3) }.joined(separator: " ") }
        return "‖δˡ‖ \(list(speed.biasGradientNorms)) | ‖∂C/∂wˡ‖ \(list(speed.weightGradientNorms)) | saturated "
            + speed.saturatedShare.map { fixed($0 * 100, places: 0) + "%" }.joined(separator: " ")
            + " | outputs saturated wrong \(fixed(speed.wronglySaturatedOutputShare * 100, places: 1))%"
    }

    /// "Epoch 7: 9,412 / 10,000 (94.12%) 0.08 s"
    static func describe(_ record: EpochRecord) -> String {
        let seconds = fixed(record.trainingSeconds, places: 2) + " s"
        guard let evaluation = record.evaluation else { return "Epoch \(record.epoch) complete \(seconds)" }
        return "Epoch \(record.epoch): \(grouped(evaluation.correct)) / \(grouped(evaluation.count)) "
            + "(\(percent(evaluation.accuracy))) \(seconds)"
    }
}
