import ArgumentParser
import Backprop
import Foundation
import Pictures
import Runs

/// What `backprop sweep --report` prints and draws.
struct SweepReportOptions: ParsableArguments {
    @Flag(help: "Rank the sweep's recorded runs by best evaluation accuracy instead of training.")
    var report = false

    @Option(help: ArgumentHelp("Rows of the ranking (default: all).", valueName: "N"))
    var top: Int?

    @Option(help: ArgumentHelp("Draw best accuracy against η (or --x), one line per value of the other settings: .svg or .png.", valueName: "file"))
    var plot: String?

    @Option(help: ArgumentHelp("The setting along the plot's x axis (default: eta when it varies, else the first numeric setting that does).", valueName: "key"))
    var x: String?

    @Option(help: ArgumentHelp("Draw the learning curves of the best runs (up to 6): .svg or .png.", valueName: "file"))
    var curves: String?

    @Flag(help: "Print the ranking as JSON.")
    var json = false

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1, got \(top)") }
        try OutputCheck(inputs: [], outputs: [("--plot", plot, ["svg", "png"]), ("--curves", curves, ["svg", "png"])]).verify()
    }
}

extension Sweep {
    /// One recorded run of the sweep, with its settings read back from its key.
    struct Ranked: Encodable {
        var rank: Int
        var run: Int64
        var settings: [String: String]
        var bestAccuracy: Double?
        var bestEpoch: Int?
        var epochsDone: Int
        var status: String
        var command: String
    }

    func runReport() throws {
        let path = try storePath()
        let name = FileManager.default.fileExists(atPath: spec) ? try readSpec().0.name : spec
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no runs store at \(path): nothing is recorded yet") }
        let runsStore = try RunsStore(path: path)
        let runs = try runsStore.runs(ofSweep: name).sorted { ($0.bestAccuracy ?? -1, -$0.id) > ($1.bestAccuracy ?? -1, -$1.id) }
        guard !runs.isEmpty else { throw CLIError("the runs store \(path) holds no runs of a sweep named \(name)") }
        let settings = runs.map { Self.settings(fromKey: $0.sweepKey ?? "") }
        let allKeys = settings.reduce(into: [String]()) { keys, run in for key in run.keys.sorted() where !keys.contains(key) { keys.append(key) } }
        let varying = allKeys.filter { key in Set(settings.map { $0[key] ?? "" }).count > 1 }
        let ranked = zip(runs, settings).enumerated().map { index, pair in
            Ranked(rank: index + 1, run: pair.0.id, settings: pair.1, bestAccuracy: pair.0.bestAccuracy, bestEpoch: pair.0.bestEpoch,
                   epochsDone: pair.0.epochsDone, status: pair.0.status.rawValue, command: pair.0.command)
        }
        let shown = Array(ranked.prefix(report.top ?? ranked.count))
        if report.json {
            try printJSON(shown)
        } else {
            let fixedKeys = allKeys.filter { !varying.contains($0) }
            printLine("Sweep \(name): \(runs.count) runs recorded" + (fixedKeys.isEmpty ? "" : "; all with "
                      + fixedKeys.map { "\($0)=\(settings[0][$0]!)" }.joined(separator: " ")))
            var rows = [["rank", "run"] + varying + ["best", "epoch", "epochs", "status"]]
            for entry in shown {
                rows.append(["\(entry.rank)", "\(entry.run)"] + varying.map { entry.settings[$0] ?? "–" }
                            + [entry.bestAccuracy.map(percent) ?? "–", entry.bestEpoch.map { "\($0)" } ?? "–",
                               "\(entry.epochsDone)", entry.status])
            }
            for line in RunsCommand.table(rows) { printLine(line) }
        }
        if let plot = report.plot { try drawAccuracy(ranked, varying: varying, name: name, to: plot) }
        if let curves = report.curves { try drawCurves(Array(ranked.prefix(6)), varying: varying, store: runsStore, name: name, to: curves) }
    }

    /// "eta=0.5 lambda=5" back to its settings.
    static func settings(fromKey key: String) -> [String: String] {
        var settings: [String: String] = [:]
        for pair in key.split(separator: " ") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            settings[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return settings
    }

    /// Best accuracy against one setting, a line per combination of the others (seeds averaged),
    /// on a log scale when the setting spans a factor of ten or more.
    func drawAccuracy(_ runs: [Ranked], varying: [String], name: String, to path: String) throws {
        let numeric = varying.filter { key in runs.allSatisfy { $0.settings[key].flatMap(Double.init) != nil } }
        guard let xKey = report.x ?? (numeric.contains("eta") ? "eta" : numeric.first) else {
            throw CLIError("--plot: no numeric setting varies in sweep \(name), so there is nothing to draw along x")
        }
        guard numeric.contains(xKey) else {
            throw CLIError("--x \(xKey): not a numeric setting that varies in sweep \(name); those are: "
                           + (numeric.isEmpty ? "none" : numeric.joined(separator: ", ")))
        }
        let xs = runs.map { Double($0.settings[xKey]!)! }
        let logarithmic = (xs.min()! > 0) && xs.max()! / xs.min()! >= 10
        let others = varying.filter { $0 != xKey && $0 != "seed" }
        var lines: [String: [Double: [Double]]] = [:]
        for run in runs {
            guard let accuracy = run.bestAccuracy else { continue }
            let label = others.map { "\($0)=\(run.settings[$0] ?? "–")" }.joined(separator: " ")
            lines[label, default: [:]][Double(run.settings[xKey]!)!, default: []].append(accuracy * 100)
        }
        let series = lines.keys.sorted().map { label in
            LineChart.Series(label: label.isEmpty ? name : label, points: lines[label]!.keys.sorted().map { x in
                (x: logarithmic ? log10(x) : x, y: lines[label]![x]!.reduce(0, +) / Double(lines[label]![x]!.count))
            })
        }
        let symbol = xKey == "eta" ? "η" : xKey == "lambda" ? "λ" : xKey
        let averaged = varying.contains("seed") ? " (mean over seeds)" : ""
        let chart = LineChart(title: "Sweep \(name): best accuracy against \(symbol)\(averaged)",
                              xLabel: logarithmic ? "log₁₀ \(symbol)" : symbol, yLabel: "best evaluation accuracy (%)", series: series)
        try writeFigure(chart.svg(), to: path)
        printLine("Wrote \(path)")
    }

    /// The learning curves of `runs`, labelled by their settings.
    func drawCurves(_ runs: [Ranked], varying: [String], store: RunsStore, name: String, to path: String) throws {
        let curves = try runs.map { run in
            let label = varying.map { "\($0)=\(run.settings[$0] ?? "–")" }.joined(separator: " ")
            let monitoring = try store.run(run.run)?.configuration.monitoring
            return (label: label.isEmpty ? "run \(run.run)" : label,
                    history: TrainingHistory(epochs: try store.epochs(of: run.run), monitoring: monitoring))
        }
        guard LearningCurves.hasCurves(curves) else { throw CLIError("--curves: the runs of sweep \(name) recorded no accuracy or cost") }
        try writeFigure(LearningCurves.svg(curves, title: "Sweep \(name): learning curves of the best runs"), to: path)
        printLine("Wrote \(path)")
    }
}
