import ArgumentParser
import Backprop
import Datasets

/// `backprop reproduce`: the book's MNIST experiments beside the book's figures.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the book's chapter 1 and 3 MNIST experiments and compare with the book's figures.",
        discussion: "Each experiment runs with the given seed; the table gives our accuracy (the best epoch's, or the one the book quotes) beside the book's, on the same data (test or validation).")

    @Option(help: ArgumentHelp("Run only these experiments, comma-separated: \(BookExperiment.all.map(\.name).joined(separator: ", ")).", valueName: "names"))
    var only: String?

    @Flag(help: "A smoke run: a fifth of the epochs (at least one), in seconds; the figures are not the book's.")
    var quick = false

    @Option(help: "Seed for every experiment.")
    var seed: UInt64 = 2

    @Flag(help: "Print the table as Markdown.")
    var markdown = false

    @OptionGroup var data: DataOptions

    func validate() throws {
        if let only {
            for name in only.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !BookExperiment.all.contains(where: { $0.name == name }) {
                throw ValidationError("--only: no experiment \"\(name)\"; there are \(BookExperiment.all.map(\.name).joined(separator: ", "))")
            }
        }
    }

    struct Row {
        var experiment: BookExperiment
        var ours: Double
        var epoch: Int
        var seconds: Double
        var seed: UInt64
    }

    func run() throws {
        BLASBackend.threadCount = 1
        let mnist = try MNIST(directory: data.resolvedDirectory)
        let names = only.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        let experiments = BookExperiment.all.filter { names?.contains($0.name) ?? true }
        var rows: [Row] = []
        for experiment in experiments {
            let runs = try (0..<experiment.runs).map { try run(experiment, seed: seed + UInt64($0), mnist: mnist) }
            var row = runs.max { $0.ours < $1.ours }!
            row.seconds = runs.reduce(0) { $0 + $1.seconds }
            rows.append(row)
            if !markdown { printLine(line(row)) }
        }
        if markdown { printMarkdown(rows) }
        let within = rows.filter { $0.ours >= $0.experiment.book - 0.5 }.count
        printLine("\n\(within) of \(rows.count) within 0.5 points of the book's figure or better"
                  + (quick ? " (quick run: fewer epochs than the book)" : ""))
    }

    /// One run of one experiment.
    func run(_ experiment: BookExperiment, seed: UInt64, mnist: MNIST) throws -> Row {
        var bar = ProgressBar()
        let epochs = quick ? max(1, experiment.epochs / 5) : experiment.epochs
        var generator = SeededGenerator(seed: seed)
        let network = Network<Float>(layerSizes: experiment.layers, cost: experiment.cost,
                                     initializer: experiment.initializer, using: &generator)
        let sgd = StochasticGradientDescent(
            epochs: epochs, miniBatchSize: experiment.miniBatchSize, learningRate: experiment.eta,
            regularization: experiment.lambda > 0 ? .l2(lambda: experiment.lambda) : .none)
        let training = mnist.training[0..<experiment.trainingCount]
        let evaluation = experiment.evaluationSet == "test" ? mnist.test : mnist.validation
        var run = try TrainingRun(network: network, configuration: sgd, trainingData: training,
                                  evaluationData: evaluation, generator: generator)
        let clock = ContinuousClock()
        let time = try clock.measure {
            while !run.isFinished {
                try run.runEpoch(on: training, evaluatingOn: evaluation, progress: { event in
                    if case .step(let epoch, let done, let total) = event {
                        bar.update(label: "\(experiment.name) epoch \(epoch)/\(epochs)", done: done, total: total)
                    }
                })
            }
        }
        bar.clear()
        let record: EpochRecord? = switch experiment.figure {
        case .best: run.history.bestEpoch
        case .afterEpoch(let n): run.history.epochs.first { $0.epoch == n }
        }
        return Row(experiment: experiment, ours: (record?.evaluation?.accuracy ?? 0) * 100,
                   epoch: record?.epoch ?? 0, seconds: time.inSeconds, seed: seed)
    }

    func line(_ row: Row) -> String {
        let e = row.experiment
        let difference = row.ours - e.book
        return "\(e.name): \(e.configuration) — book \(fixed(e.book, places: 2))%, ours \(fixed(row.ours, places: 2))% "
            + "(epoch \(row.epoch), \(e.evaluationSet)\(e.runs > 1 ? ", best of seeds \(seed)–\(seed + UInt64(e.runs - 1)): seed \(row.seed)" : "")) "
            + "\(difference >= 0 ? "+" : "")\(fixed(difference, places: 2)) "
            + "in \(fixed(row.seconds, places: 1)) s"
    }

    func printMarkdown(_ rows: [Row]) {
        printLine("| experiment | configuration | book | ours | data | seconds |")
        printLine("|---|---|---:|---:|---|---:|")
        for row in rows {
            let e = row.experiment
            let mark = row.ours >= e.book - 0.5 ? "" : " ✗"
            let figure = switch e.figure {
            case .best: "best, epoch \(row.epoch)"
            case .afterEpoch(let n): "after epoch \(n)"
            }
            printLine("| \(e.name) | \(e.configuration) | \(fixed(e.book, places: 2))%\(e.note.isEmpty ? "" : " (\(e.note))") "
                      + "| \(fixed(row.ours, places: 2))%\(mark) | \(e.evaluationSet), \(figure)\(e.runs > 1 ? ", seed \(row.seed)" : "") "
                      + "| \(fixed(row.seconds, places: 1)) |")
        }
    }
}
