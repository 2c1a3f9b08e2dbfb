import Backprop
import Foundation

/// One self-contained HTML page about a run: its configuration, its figures (inline SVG) and
/// its per-epoch table.
public struct HTMLReport: Sendable {
    public var title: String
    /// Configuration rows, name and value.
    public var configuration: [(String, String)]
    /// Figures with captions, in order.
    public var figures: [(caption: String, svg: SVGDocument)]
    public var history: TrainingHistory?
    /// Why the history's seconds per epoch are unknown, when they are: the table then shows "–"
    /// for them and this sentence under it.
    public var secondsUnknown: String?

    public init(title: String, configuration: [(String, String)], figures: [(caption: String, svg: SVGDocument)],
                history: TrainingHistory?, secondsUnknown: String? = nil) {
        self.title = title
        self.configuration = configuration
        self.figures = figures
        self.history = history
        self.secondsUnknown = secondsUnknown
    }

    public var html: String {
        let e = SVGDocument.escape
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>
            <style>body{font-family:Helvetica,Arial,sans-serif;max-width:1150px;margin:2em auto;color:#222}
            table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
            th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}
            figure svg{max-width:100%;height:auto}caption{caption-side:bottom;text-align:left;color:#555;padding-top:4px}</style></head><body>
            <h1>\(e(title))</h1>
            <h2>Configuration</h2>
            <table>\n
            """
        for (name, value) in configuration { page += "<tr><td>\(e(name))</td><td>\(e(value))</td></tr>\n" }
        page += "</table>\n"
        for figure in figures {
            // The SVG goes inline, without its XML declaration.
            let svg = figure.svg.text.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? ""
            page += "<figure>\n\(svg)<figcaption>\(e(figure.caption))</figcaption></figure>\n"
        }
        if let history, !history.epochs.isEmpty { page += table(history) }
        return page + "</body></html>\n"
    }

    /// The per-epoch table: a column for each quantity that was recorded (and monitored, when
    /// the history says what was), each column with one number of decimals.
    func table(_ history: TrainingHistory) -> String {
        let e = SVGDocument.escape
        let monitored = history.monitoring ?? .all
        func recorded(_ metric: Monitoring, _ value: (EpochRecord) -> Double?) -> Bool {
            monitored.contains(metric) && history.epochs.contains { value($0) != nil }
        }
        var columns: [(name: String, cell: (EpochRecord) -> String)] = [("epoch", { "\($0.epoch)" })]
        let rates = history.epochs.compactMap(\.eta)
        if !rates.isEmpty {
            let places = rates.map(Self.decimalPlaces).max() ?? 0
            columns.append(("η", { $0.eta.map { fixed($0, places) } ?? "–" }))
        }
        columns.append(("training seconds", { record in secondsUnknown == nil ? fixed(record.trainingSeconds, 3) : "–" }))
        let quantities: [(Monitoring, String, (EpochRecord) -> Double?, Bool)] = [
            (.evaluationAccuracy, "evaluation accuracy", { $0.evaluation?.accuracy }, true),
            (.evaluationCost, "evaluation cost", { $0.evaluation?.cost }, false),
            (.trainingAccuracy, "training accuracy", { $0.training?.accuracy }, true),
            (.trainingCost, "training cost", { $0.training?.cost }, false),
        ]
        for (metric, name, value, isAccuracy) in quantities where recorded(metric, value) {
            columns.append((name, { record in
                value(record).map { isAccuracy ? fixed($0 * 100, 2) + "%" : fixed($0, 4) } ?? "–"
            }))
        }
        var html = "<h2>Epochs</h2>\n<table>"
        if let secondsUnknown { html += "<caption>\(e(secondsUnknown))</caption>" }
        html += "<tr>" + columns.map { "<th>\(e($0.name))</th>" }.joined() + "</tr>\n"
        for record in history.epochs {
            html += "<tr>" + columns.map { "<td>\(e($0.cell(record)))</td>" }.joined() + "</tr>\n"
        }
        return html + "</table>\n"
    }

    /// The decimals `value` needs, up to six: 0.125 → 3, 3.0 → 0.
    static func decimalPlaces(_ value: Double) -> Int {
        (0...6).first { places in
            let scale = pow(10, Double(places))
            return abs((value * scale).rounded() - value * scale) < 1e-9 * max(1, abs(value * scale))
        } ?? 6
    }
}

/// `value` with `places` decimals: fixed(0.5, 2) → "0.50".
func fixed(_ value: Double, _ places: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "–" : value > 0 ? "∞" : "−∞" }
    return String(format: "%.\(places)f", value)
}
