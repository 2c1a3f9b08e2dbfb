import ArgumentParser
import Backprop
import Foundation
import Runs

/// `backprop runs`: the training runs the runs store has recorded, listed or compared.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the recorded training runs, or compare some of them epoch by epoch.",
        discussion: """
            Every `backprop train` is recorded in the runs store: its command, settings, each \
            epoch's results, how it ended and where its model was saved. The store is the SQLite \
            file $\(RunsStore.environmentVariable) names (none: recording off), else \
            runs.sqlite in $XDG_DATA_HOME/backprop or ~/.local/share/backprop.
            """)

    @Option(help: ArgumentHelp("Runs to compare, by number: their settings and evaluation accuracy per epoch side by side.", valueName: "ids"))
    var compare: String?

    @Option(help: ArgumentHelp("The runs store to read (default: $\(RunsStore.environmentVariable) or the default file).", valueName: "file"))
    var store: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if let compare, (try? ids(compare)) == nil {
            throw ValidationError("--compare \(compare): give run numbers separated by commas, e.g. 3,5")
        }
    }

    func run() throws {
        guard let path = store ?? RunsStore.defaultPath() else {
            throw CLIError("recording is off (\(RunsStore.environmentVariable)=none): there is no runs store to read")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            printLine("No runs recorded yet (\(path) does not exist): `backprop train` records each run there.")
            return
        }
        let runsStore = try RunsStore(path: path)
        if let compare {
            try self.compare(try ids(compare), in: runsStore)
            return
        }
        let runs = try runsStore.runs()
        if json { return try printJSON(runs.map(Listed.init)) }
        guard !runs.isEmpty else { return printLine("No runs recorded yet in \(path).") }
        var rows = [["run", "started", "layers", "η", "m", "λ", "epochs", "best", "status", "model"]]
        for run in runs { rows.append(Self.row(run)) }
        for line in Self.table(rows) { printLine(line) }
    }

    private func ids(_ text: String) throws -> [Int64] {
        let parts = text.split(separator: ",").map { Int64($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! > 0 }) else { throw ValidationError("") }
        return parts.map { $0! }
    }

    private func compare(_ ids: [Int64], in store: RunsStore) throws {
        var runs: [(RunSummary, [EpochRecord])] = []
        for id in ids {
            guard let run = try store.run(id) else { throw CLIError("--compare: the runs store has no run \(id)") }
            runs.append((run, try store.epochs(of: id)))
        }
        if json { return try printJSON(runs.map { Compared(run: Listed($0.0), epochs: $0.1) }) }
        var rows = [["", ] + runs.map { "run \($0.0.id)" }]
        for (name, value) in Self.settings {
            let values = runs.map { value($0.0) }
            if Set(values).count > 1 || name == "layers" || name == "η" { rows.append([name] + values) }
        }
        let longest = runs.map(\.1.count).max() ?? 0
        for epoch in 0..<longest {
            rows.append(["epoch \(epoch)"] + runs.map { run in
                run.1.first { $0.epoch == epoch }?.evaluation.map { percent($0.accuracy) } ?? "–"
            })
        }
        rows.append(["best"] + runs.map { Self.best($0.0) })
        for line in Self.table(rows) { printLine(line) }
    }

    /// The settings a comparison shows (those that differ, and always the layers and η).
    private static let settings: [(String, @Sendable (RunSummary) -> String)] = [
        ("layers", { $0.layerSizes.map(String.init).joined(separator: ",") }),
        ("η", { "\($0.configuration.eta)" }),
        ("m", { "\($0.configuration.miniBatchSize)" }),
        ("λ", { "\($0.configuration.regularization.lambda)" }),
        ("μ", { "\($0.configuration.momentum)" }),
        ("dropout", { "\($0.configuration.dropout)" }),
        ("seed", { $0.seed.map { "\($0)" } ?? "–" }),
        ("engine", { $0.engine }),
    ]

    private static func row(_ run: RunSummary) -> [String] {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let sgd = run.configuration
        return ["\(run.id)", formatter.string(from: run.started), run.layerSizes.map(String.init).joined(separator: ","),
                "\(sgd.eta)", "\(sgd.miniBatchSize)", "\(sgd.regularization.lambda)", "\(run.epochsDone)/\(sgd.epochs)",
                best(run), run.status.rawValue, run.modelPath ?? "–"]
    }

    private static func best(_ run: RunSummary) -> String {
        guard let accuracy = run.bestAccuracy, let epoch = run.bestEpoch else { return "–" }
        return "\(percent(accuracy)) (epoch \(epoch))"
    }

    /// Columns padded to their widest cell.
    static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }

    /// A run as `--json` lists it.
    struct Listed: Encodable {
        var id: Int64, started: Date, command: String, layerSizes: [Int], configuration: StochasticGradientDescent
        var seed: UInt64?, engine: String, modelPath: String?, status: String, epochsDone: Int
        var bestAccuracy: Double?, bestEpoch: Int?

        init(_ run: RunSummary) {
            id = run.id; started = run.started; command = run.command; layerSizes = run.layerSizes
            configuration = run.configuration; seed = run.seed; engine = run.engine; modelPath = run.modelPath
            status = run.status.rawValue; epochsDone = run.epochsDone; bestAccuracy = run.bestAccuracy; bestEpoch = run.bestEpoch
        }
    }

    struct Compared: Encodable {
        var run: Listed
        var epochs: [EpochRecord]
    }
}
