import Backprop
import Foundation

/// What `backprop reproduce` prints: a line per seed and per experiment as they finish, or a
/// Markdown table at the end; then the experiments' seeds one by one, the book's notes, the
/// machine, and how many experiments reproduce the book's figure.
struct ReproduceReport {
    var markdown: Bool
    var quick: Bool
    var firstSeed: UInt64
    /// The threads chapter 6's networks train on.
    var threads = 1

    /// A seed's run is done: a line for it when its experiment trains more than one, `more`
    /// saying whether another follows (on standard error in Markdown mode, so that standard
    /// output is the table alone).
    func finished(_ run: SeedRun, of spread: SeedSpread, more: Bool) {
        guard spread.runs.count > 1 || more else { return }
        let line = "  \(spread.experiment.name) seed \(run.seed): \(percent(run.accuracy)); "
            + "\(fixed(100 * run.wronglySaturatedOutputShare, places: 2))% of outputs saturated on the wrong answer"
            + "\(run.stalled ? " (stalled)" : "") in \(fixed(run.seconds, places: 1)) s"
        if markdown { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { printLine(line) }
    }

    /// An experiment is done: its line, unless the table comes at the end.
    func finished(_ spread: SeedSpread) {
        guard !markdown else { return }
        let e = spread.experiment, best = spread.best
        let difference = best.accuracy - e.book
        var line = "\(e.name): \(e.configuration(quick: quick)) — book \(percent(e.book))\(e.note.isEmpty ? "" : " (\(e.note))"), ours \(percent(best.accuracy)) "
        let data = e.figure == .testAtBestValidation ? "test at the best validation epoch" : e.evaluationSet.rawValue
        line += spread.runs.count > 1
            ? "(best of \(seedRange(spread)): seed \(best.seed), epoch \(best.epoch), \(data)) "
            : "(epoch \(best.epoch), \(data)) "
        line += "\(difference >= 0 ? "+" : "")\(fixed(difference, places: 2)) \(mark(spread))"
        if spread.runs.count > 1 { line += "; \(spreadSummary(spread))" }
        printLine(line + " in \(fixed(spread.seconds, places: 1)) s")
    }

    func summarize(_ spreads: [SeedSpread]) {
        let chapterSix = spreads.filter { $0.experiment.chapter == 6 }.count
        if markdown { printTable(spreads) }
        printLine("")
        for spread in spreads where spread.runs.count > 1 {
            printLine("\(spread.experiment.name) by seed: " + spread.runs.map {
                "\($0.seed) \(percent($0.accuracy))\($0.stalled ? " (stalled)" : "")"
            }.joined(separator: ", "))
        }
        for spread in spreads where !spread.experiment.footnote.isEmpty {
            printLine("\(spread.experiment.name), the book's footnote: \(spread.experiment.footnote)")
        }
        let requested = (try? Engine.requested()).map { " (\(Engine.environmentVariable)=\($0.rawValue))" } ?? ""
        let sixThreads = chapterSix > 0 ? " (chapter 6: \(threads) thread\(threads == 1 ? "" : "s"))" : ""
        printLine("Measured on \(Engine.cpuModel) with the \(Engine.best.summary)\(requested), one thread\(sixThreads).")
        let within = spreads.filter(\.reproduces).count
        let tolerance = chapterSix == 0 ? "0.5 points" : chapterSix == spreads.count ? "0.2 points" : "0.5 points (0.2 for chapter 6)"
        printLine("\(within) of \(spreads.count) within \(tolerance) of the book's figure or better (the best of each experiment's runs)"
                  + (quick ? "; quick run: one seed and fewer epochs than the book" : ""))
    }

    private func printTable(_ spreads: [SeedSpread]) {
        printLine("| experiment | configuration | book | ours (best run) | seeds (best) | median, worst | stalled | data | seconds |")
        printLine("|---|---|---:|---:|---|---|---:|---|---:|")
        for spread in spreads {
            let e = spread.experiment, best = spread.best
            let figure = switch e.figure {
            case .best: "best, epoch \(best.epoch)"
            case .afterEpoch(let n): "after epoch \(n)"
            case .testAtBestValidation: "test at the best validation epoch, \(best.epoch)"
            }
            let many = spread.runs.count > 1
            let note = e.note.isEmpty ? (e.footnote.isEmpty ? "" : " (footnote below)") : " (\(e.note))"
            printLine("| \(e.name) | \(e.configuration(quick: quick)) | \(percent(e.book))\(note) "
                      + "| \(percent(best.accuracy)) \(mark(spread)) "
                      + "| \(many ? "\(seedRange(spread)) (\(best.seed))" : "\(best.seed)") "
                      + "| \(many ? "\(percent(spread.median)), \(percent(spread.worst))" : "–") "
                      + "| \(spread.stalledCount) | \(e.figure == .testAtBestValidation ? figure : "\(e.evaluationSet.rawValue), \(figure)") "
                      + "| \(fixed(spread.seconds, places: 1)) |")
        }
    }

    private func spreadSummary(_ spread: SeedSpread) -> String {
        "median \(percent(spread.median)), worst \(percent(spread.worst)); "
            + "\(spread.reachingCount) of \(spread.runs.count) within \(fixed(spread.tolerance, places: 1)) points, "
            + "\(spread.stalledCount) stalled with saturated output neurons"
    }

    private func seedRange(_ spread: SeedSpread) -> String {
        "\(spread.runs.count) seeds \(firstSeed)–\(firstSeed + UInt64(spread.runs.count - 1))"
    }

    private func mark(_ spread: SeedSpread) -> String { spread.reproduces ? "✓" : "✗" }

    private func percent(_ value: Double) -> String { "\(fixed(value, places: 2))%" }
}
