import ArgumentParser
import Backprop
import Datasets
import Foundation
import Runs

/// `backprop sweep SPEC`: many trainings over a grid or random samples of train's options, run
/// across the cores (or MPI ranks), each recorded in the runs store.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train over a grid or random samples of train's options, in parallel, recording each run.",
        discussion: """
            SPEC is a file of "key: values" lines, each key an option of backprop train without \
            its dashes (docs/sweeps.md): "eta: 0.025, 0.25, 2.5" makes η an axis of the grid; \
            "samples: 20" draws 20 runs instead, from lists and ranges ("eta: 0.01..10 log"). \
            Each run means what backprop train with the same options means, trains on one thread, \
            and lands in the runs store once, identified by the sweep's name and its settings; a \
            sweep started again skips the runs the store holds as done. Under mpirun the runs are \
            shared among the ranks and rank 0 alone writes the store. --report ranks the results \
            and draws them.
            """)

    @Argument(help: ArgumentHelp("The spec file; with --report, the spec file or the sweep's name.", valueName: "spec"))
    var spec: String

    @Option(help: ArgumentHelp("Trainings at once, one thread each (default: the cores, \(ProcessInfo.processInfo.activeProcessorCount) here).", valueName: "N"))
    var jobs: Int?

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("The runs store (default: $\(RunsStore.environmentVariable) or the default file).", valueName: "file"))
    var store: String?

    @Flag(help: "List the runs the spec makes, and which are done, without training.")
    var dryRun = false

    @OptionGroup(title: "Report") var report: SweepReportOptions

    func validate() throws {
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs must be from 1 to 1,024, got \(jobs)") }
        if !report.report && (report.plot != nil || report.curves != nil || report.json || report.top != nil) {
            throw ValidationError("--plot, --curves, --json and --top go with --report")
        }
        try report.validate()
    }

    /// The store's file: --store, else the one train records in.
    func storePath() throws -> String {
        guard let path = store ?? RunsStore.defaultPath() else {
            throw ValidationError("a sweep records its runs in the runs store, and recording is off "
                                  + "(\(RunsStore.environmentVariable)=none): name a file with --store")
        }
        return path
    }

    /// The spec in the file `spec` names.
    func readSpec() throws -> SweepSpec {
        let text: String
        do { text = try String(contentsOfFile: spec, encoding: .utf8) } catch {
            throw ValidationError("\(spec): cannot read the spec file (\(error.localizedDescription))")
        }
        let name = URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent
        do { return try SweepSpec.parse(text, file: spec, defaultName: name) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        if report.report { return try runReport() }
        let path = try storePath()
        let plan: SweepPlan
        do { plan = try SweepPlan(try readSpec()) } catch let error as SweepSpecError { throw ValidationError(error.description) }
        let runsStore = try RunsStore(path: path)
        let done = try runsStore.doneKeys(ofSweep: plan.spec.name)
        let todo = plan.runs.filter { !done.contains($0.key) }
        let shown = plan.spec.varyingKeys
        if dryRun {
            for run in plan.runs { printLine("\(done.contains(run.key) ? "done" : "todo")  \(run.describe(shown))") }
            return printLine("\(plan.runs.count) runs, \(plan.runs.count - todo.count) done")
        }
        let threads = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        printLine("Sweep \(plan.spec.name): \(plan.runs.count) runs" + (done.isEmpty ? "" : ", \(plan.runs.count - todo.count) done before")
                  + "; training \(todo.count) on \(threads) thread\(threads == 1 ? "" : "s"), recording in \(path)")
        guard !todo.isEmpty else { return printLine("Nothing to train. backprop sweep --report \(spec) ranks the results.") }
        let mnist = try loadData(for: todo)
        Signals.catchInterruptions()
        let name = plan.spec.name, clock = ContinuousClock(), start = clock.now
        var recorded = 0
        let stopped = try LocalWorkers(count: threads).run(todo, work: { run in
            try QuietTraining.train(run, sweep: name, mnist: mnist, shouldStop: { Signals.received != nil })
        }, deliver: { run, result in
            try runsStore.add(result)
            recorded += 1
            printLine("[\(recorded)/\(todo.count)] \(run.describe(shown)): \(Self.describe(result))")
        })
        let seconds = fixed((clock.now - start).inSeconds, places: 1)
        if let signal = Signals.received {
            printLine("Interrupted by \(Signals.name(signal)) after \(seconds) s: \(recorded) of \(todo.count) runs recorded; "
                      + (stopped.isEmpty ? "" : "stopped in flight (not recorded): " + stopped.map { $0.describe(shown) }.joined(separator: "; ") + ". ")
                      + "The same command continues the sweep.")
            Foundation.exit(Signals.exitStatus(for: signal))
        }
        printLine("Sweep \(name): \(recorded) runs trained in \(seconds) s; backprop sweep --report \(spec) ranks them")
    }

    /// The MNIST images the runs need: the test images only when one of them evaluates on them.
    func loadData(for runs: [SweepRun]) throws -> MNIST {
        let test = try runs.contains { try Train.parse($0.arguments).data.evaluationSet == .images(.test) }
        return try data.loadAll(includingTest: test)
    }

    /// "best 95.12% (epoch 3), 4 epochs in 12.3 s" and how it ended when not as planned.
    static func describe(_ run: FinishedRun) -> String {
        let evaluated: [(epoch: Int, accuracy: Double)] = run.epochs.compactMap { record in
            record.evaluation.map { (record.epoch, $0.accuracy) }
        }
        // The earliest of equals, as the store's best.
        let best = evaluated.max { $0.accuracy < $1.accuracy || ($0.accuracy == $1.accuracy && $0.epoch > $1.epoch) }
        let seconds = run.epochs.reduce(0) { $0 + $1.trainingSeconds }
        var text = best.map { "best \(percent($0.accuracy)) (epoch \($0.epoch)), " } ?? ""
        text += "\(run.epochs.count) epoch\(run.epochs.count == 1 ? "" : "s") in \(fixed(seconds, places: 1)) s"
        if run.status != .finished { text += ", \(run.status.rawValue)" }
        return text
    }
}
