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

    @OptionGroup var jobs: JobsOption

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("The runs store (default: $\(RunsStore.environmentVariable) or the default file).", valueName: "file"))
    var store: String?

    @Flag(help: "List the runs the spec makes, and which are done, without training.")
    var dryRun = false

    @OptionGroup(title: "Report") var report: SweepReportOptions

    func validate() throws {
        if !report.report && (report.plot != nil || report.curves != nil || report.json || report.top != nil) {
            throw ValidationError("--plot, --curves, --json and --top go with --report")
        }
    }

    /// The store's file: --store, else the one train records in.
    func storePath() throws -> String {
        guard let path = store ?? RunsStore.defaultPath() else {
            throw ValidationError("a sweep records its runs in the runs store, and recording is off "
                                  + "(\(RunsStore.environmentVariable)=none): name a file with --store")
        }
        return path
    }

    /// The spec in the file `spec` names, or in `text` (rank 0's copy of it, under MPI).
    func readSpec(text given: String? = nil) throws -> (SweepSpec, text: String) {
        var text = given ?? ""
        if given == nil {
            do { text = try String(contentsOfFile: spec, encoding: .utf8) } catch {
                throw ValidationError("\(spec): cannot read the spec file (\(error.localizedDescription))")
            }
        }
        let name = URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent
        do { return (try SweepSpec.parse(text, file: spec, defaultName: name), text) } catch { throw ValidationError(error.description) }
    }

    /// What rank 0 reads and every rank needs: the spec as rank 0 read it, and the runs to train
    /// (their indices in the plan).
    struct Setup: Codable {
        var text: String
        var todo: [Int]
    }

    func run() throws {
        let part = try Participation.join()
        var setup: Setup? = nil
        if part.isRoot {
            do {
                if report.report { try runReport() }
                setup = report.report ? Setup(text: "", todo: []) : try prepare(part)
            } catch {
                // Under MPI the job ends here, every rank with it; rank 0 says why.
                guard let world = part.world else { throw error }
                world.abort(Train.message(for: error), code: Self.exitCode(for: error) == .validationFailure ? 2 : 1)
            }
        }
        let shared = try part.share(setup)
        guard !shared.todo.isEmpty else { return part.finish() }
        let plan = try SweepPlan(try readSpec(text: shared.text).0)
        try train(shared.todo.map { plan.runs[$0] }, plan: plan, part: part)
        part.finish()
    }

    /// Rank 0's part before training: reads the spec and the store, says what will be trained.
    func prepare(_ part: Participation) throws -> Setup {
        let path = try storePath()
        let (spec, text) = try readSpec()
        let plan: SweepPlan
        do { plan = try SweepPlan(spec) } catch { throw ValidationError(error.description) }
        let done = try RunsStore(path: path).doneKeys(ofSweep: plan.spec.name)
        let todo = plan.runs.filter { !done.contains($0.key) }
        if dryRun {
            for run in plan.runs { printLine("\(done.contains(run.key) ? "done" : "todo")  \(run.describe(plan.spec.varyingKeys))") }
            printLine("\(plan.runs.count) runs, \(plan.runs.count - todo.count) done")
            return Setup(text: text, todo: [])
        }
        printLine("Sweep \(plan.spec.name): \(plan.runs.count) runs" + (done.isEmpty ? "" : ", \(plan.runs.count - todo.count) done before")
                  + "; training \(todo.count) \(part.describe(threads: jobs.threads(part))), recording in \(path)")
        if todo.isEmpty { printLine("Nothing to train. backprop sweep --report \(self.spec) ranks the results.") }
        return Setup(text: text, todo: todo.map(\.index))
    }

    /// Trains `todo` on the workers; rank 0 records and prints each result as it comes.
    func train(_ todo: [SweepRun], plan: SweepPlan, part: Participation) throws {
        let mnist = try loadData(for: todo)
        let runsStore = part.isRoot ? try RunsStore(path: try storePath()) : nil
        Signals.catchInterruptions()
        let name = plan.spec.name, shown = plan.spec.varyingKeys, clock = ContinuousClock(), start = clock.now
        var recorded = 0
        let stopped = try part.workers(threads: jobs.threads(part)).run(todo, shouldStop: { Signals.received != nil }, work: { run in
            try QuietTraining.train(run, sweep: name, mnist: mnist, shouldStop: { Signals.received != nil })
        }, deliver: { run, result in
            try runsStore?.add(result)
            recorded += 1
            printLine("[\(recorded)/\(todo.count)] \(run.describe(shown)): \(Self.describe(result))")
        })
        guard part.isRoot else { return }
        let seconds = fixed((clock.now - start).inSeconds, places: 1)
        if let signal = Signals.received {
            let lost = stopped.map { $0.job.describe(shown) + ($0.place.map { " (\($0))" } ?? "") }
            printLine("Interrupted by \(Signals.name(signal)) after \(seconds) s: \(recorded) of \(todo.count) runs recorded; "
                      + (lost.isEmpty ? "" : "stopped in flight (not recorded): " + lost.joined(separator: "; ") + ". ")
                      + "The same command continues the sweep."
                      + (part.world == nil ? "" : " (Under mpirun, SIGTERM means the job is ending: Ctrl-C, or a rank that died, which mpirun names.)"))
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
