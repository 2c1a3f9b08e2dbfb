import Backprop

/// One self-contained HTML page about a run: its configuration, its figures (inline SVG) and
/// its per-epoch table.
public struct HTMLReport: Sendable {
    public var title: String
    /// Configuration rows, name and value.
    public var configuration: [(String, String)]
    /// Figures with captions, in order.
    public var figures: [(caption: String, svg: SVGDocument)]
    public var history: TrainingHistory?

    public init(title: String, configuration: [(String, String)], figures: [(caption: String, svg: SVGDocument)],
                history: TrainingHistory?) {
        self.title = title
        self.configuration = configuration
        self.figures = figures
        self.history = history
    }

    public var html: String {
        let e = SVGDocument.escape
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>
            <style>body{font-family:Helvetica,Arial,sans-serif;max-width:1150px;margin:2em auto;color:#222}
            table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
            th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}
            figure svg{max-width:100%;height:auto}</style></head><body>
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
        if let history, !history.epochs.isEmpty {
            page += "<h2>Epochs</h2>\n<table><tr><th>epoch</th><th>η</th><th>seconds</th><th>evaluation accuracy</th>"
                + "<th>evaluation cost</th><th>training accuracy</th><th>training cost</th></tr>\n"
            func cell(_ value: Double?, _ percent: Bool = false) -> String {
                guard let value else { return "<td></td>" }
                return "<td>" + (percent ? String((value * 10000).rounded() / 100) + "%" : String((value * 10000).rounded() / 10000)) + "</td>"
            }
            for record in history.epochs {
                page += "<tr><td>\(record.epoch)</td>" + cell(record.learningRate) + cell(record.trainingSeconds)
                    + cell(record.evaluation?.accuracy, true) + cell(record.evaluation?.cost)
                    + cell(record.training?.accuracy, true) + cell(record.training?.cost) + "</tr>\n"
            }
            page += "</table>\n"
        }
        return page + "</body></html>\n"
    }
}
