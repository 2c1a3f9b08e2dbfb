import ArgumentParser
import Backprop
import Datasets

/// `backprop reproduce`: the book's MNIST experiments beside the book's figures.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the book's chapter 1, 3 and 6 MNIST experiments and compare with the book's figures.",
        discussion: """
        Each experiment trains with seeds --seed, --seed + 1, ...: ch1-100 ([784, 100, 10], N(0, 1) weights, η 3), \
        whose outcome is a lottery, with at least 10 and the others with 1; each trains more seeds, up to 30 and 3, \
        while none of its runs has reached the book's figure (the book reports the best of three runs). The table \
        gives the best run's accuracy (the best epoch's, or the one the book quotes) beside the book's, on the same \
        data (test or validation), with the median, the worst, and how many runs stalled: more than 0.5% of the \
        output neurons' values on the training images saturated (σ′(z) < 0.01) on the wrong answer at the end, the \
        failure the book's footnote to ch1-100 warns of.

        The rule: ✓ when the best run comes within 0.5 points of the book's figure or above it, ✗ otherwise. \
        AVX2 and AVX-512 machines sum in different orders, so one seed gives different runs on each; the rule looks \
        at enough seeds that the verdict does not depend on which one the machine has. To see another machine's \
        runs, set BACKPROP_ISA=avx2 or portable. The full run took 92-101 s on one core of a Sapphire Rapids \
        Xeon; --quick runs one seed and a fifth of the epochs of each (9 s there). More in the Results article (Sources/Backprop/Backprop.docc/Results.md).

        Chapter 6's experiments (network3.py's convolutional networks, one seed each, on --threads cores) report the \
        test accuracy at the epoch with the best validation accuracy, as the book does, and count within 0.2 points. \
        They take minutes to hours, so they run only when named with --only or with --long; about, on two cores: \(BookExperiment.all.compactMap { e in e.longMinutes.map { "\(e.name) about \($0) min" } }.joined(separator: ", ")).
        """)

    @Option(help: ArgumentHelp("Run only these experiments, comma-separated: \(BookExperiment.all.map(\.name).joined(separator: ", ")).", valueName: "names"))
    var only: String?

    @Flag(help: "A smoke run: one seed and a fifth of the epochs (at least one) of each experiment, in seconds; the figures are not the book's.")
    var quick = false

    @Option(help: "The first seed of every experiment.")
    var seed: UInt64 = 2

    @Option(help: ArgumentHelp("Train exactly this many seeds of every experiment (1-1000) instead of each one's own number.", valueName: "n"))
    var seeds: Int?

    @Flag(help: "Print the table as Markdown.")
    var markdown = false

    @Flag(help: "Also run the long experiments (chapter 6's convolutional networks: hours in all).")
    var long = false

    @Option(help: ArgumentHelp("Threads for chapter 6's convolutional networks (1-256).", valueName: "n"))
    var threads = 2

    @OptionGroup var data: DataOptions

    func validate() throws {
        if let only {
            for name in only.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !BookExperiment.all.contains(where: { $0.name == name }) {
                throw ValidationError("--only: no experiment \"\(name)\"; there are \(BookExperiment.all.map(\.name).joined(separator: ", "))")
            }
        }
        if let seeds, !(1...1000).contains(seeds) { throw ValidationError("--seeds: \(seeds) is not 1 to 1000") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be from 1 to 256, got \(threads)") }
        if seed > UInt64.max - 1000 { throw ValidationError("--seed: \(seed) leaves no room for the following seeds") }
    }

    func run() throws {
        BLASBackend.threadCount = 1
        let mnist = try data.loadAll()
        let names = only.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        let experiments = BookExperiment.all.filter { names?.contains($0.name) ?? (long || $0.longMinutes == nil) }
        let report = ReproduceReport(markdown: markdown, quick: quick, firstSeed: seed, threads: threads)
        var spreads: [SeedSpread] = []
        for experiment in experiments {
            let range = seeds.map { $0...$0 } ?? (quick ? 1...1 : experiment.seeds)
            var spread = SeedSpread(experiment: experiment, runs: [])
            while spread.wantsAnotherSeed(within: range) {
                let run = try run(experiment, seed: seed + UInt64(spread.runs.count), number: spread.runs.count + 1,
                                  of: range, mnist: mnist)
                spread.runs.append(run)
                report.finished(run, of: spread, more: spread.wantsAnotherSeed(within: range))
            }
            spreads.append(spread)
            report.finished(spread)
        }
        report.summarize(spreads)
    }

    /// One run of one experiment with one seed, the `number`th of `range`.
    func run(_ experiment: BookExperiment, seed: UInt64, number: Int, of range: ClosedRange<Int>,
             mnist: MNIST) throws -> SeedRun {
        if experiment.layerList != nil { return try runChapterSix(experiment, seed: seed, mnist: mnist) }
        var bar = ProgressBar()
        let epochs = experiment.epochs(quick: quick)
        var generator = SeededGenerator(seed: seed)
        let network = Network<Float>(layerSizes: experiment.layers, cost: experiment.cost,
                                     initializer: experiment.initializer, using: &generator)
        let sgd = StochasticGradientDescent(
            epochs: epochs, miniBatchSize: experiment.miniBatchSize, eta: experiment.eta,
            regularization: experiment.lambda > 0 ? .l2(lambda: experiment.lambda) : .none)
        let training = mnist.training[0..<experiment.trainingCount]
        let evaluation = mnist[experiment.evaluationSet]
        var run = try TrainingRun(network: network, configuration: sgd, trainingData: training,
                                  evaluationData: evaluation, generator: generator)
        let count = range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
        let label = "\(experiment.name) seed \(seed) (\(number) of \(count))"
        let clock = ContinuousClock()
        let time = try clock.measure {
            while !run.isFinished {
                try run.runEpoch(on: training, evaluatingOn: evaluation, progress: { event in
                    if case .step(let epoch, let done, let total) = event {
                        bar.update(label: "\(label) epoch \(epoch + 1)/\(epochs)", done: done, total: total)
                    }
                })
            }
        }
        bar.clear()
        let record: EpochRecord? = switch experiment.figure {
        case .best, .testAtBestValidation: run.history.bestEpoch  // the second is chapter 6's, run above
        case .afterEpoch(let n): run.history.epochs.first { $0.epoch == n }
        }
        // On the training images (up to 10,000 of them), where a run that learned well is right
        // almost always, so that saturation means being stuck, not overfitting.
        let sample = training[0..<min(training.count, 10_000)]
        let speed = LearningSpeedMonitor(sample: sample).measure(run.network)
        return SeedRun(seed: seed, accuracy: (record?.evaluation?.accuracy ?? 0) * 100, epoch: record?.epoch ?? 0,
                       seconds: time.inSeconds, wronglySaturatedOutputShare: speed.wronglySaturatedOutputShare)
    }
}
