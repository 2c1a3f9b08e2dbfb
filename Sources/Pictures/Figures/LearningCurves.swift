import Backprop

/// The book's learning curves: accuracy and cost per epoch, on the evaluation data and the
/// training data, for one run or several overlaid.
public enum LearningCurves {
    /// Accuracy (percent) and cost per epoch, side by side, with one line per run and data set;
    /// a chart with nothing to show is left out, and a history with neither accuracy nor cost
    /// gives a page that says so (see ``hasCurves(_:)``).
    ///
    /// - Parameter runs: Each run's label (e.g. "η = 0.5") and history.
    public static func svg(_ runs: [(label: String, history: TrainingHistory)], title: String = "Learning curves") -> SVGDocument {
        let charts = self.charts(runs)
        let panelWidth = 550.0, height = 440.0
        var document = SVGDocument(width: panelWidth * Double(max(charts.count, 1)), height: height)
        document.text(title, x: document.width / 2, y: 20, size: 16, anchor: .middle, weight: "bold")
        if charts.isEmpty {
            document.text("Nothing to draw: no accuracy or cost was recorded.", x: document.width / 2, y: height / 2,
                          size: 13, anchor: .middle, fill: "#555")
        }
        for (i, chart) in charts.enumerated() {
            chart.draw(into: &document, x: panelWidth * Double(i), y: 20, width: panelWidth, height: height - 20)
        }
        return document
    }

    /// Whether any of `runs` recorded an accuracy or a cost to draw.
    public static func hasCurves(_ runs: [(label: String, history: TrainingHistory)]) -> Bool {
        !charts(runs).isEmpty
    }

    /// What the learning curves of `history` show, in a sentence for a caption: e.g. "Per epoch:
    /// accuracy on the validation images (solid) and cost on the training data (dashed)."
    ///
    /// - Parameter evaluationData: What the evaluation data were, e.g. "the validation images".
    public static func caption(_ history: TrainingHistory, evaluationData: String = "the evaluation data") -> String {
        let drawn = self.series([("", history)])
        func quantities(_ accuracy: Metric, _ cost: Metric) -> String? {
            let names = [drawn[accuracy]!.isEmpty ? nil : "accuracy", drawn[cost]!.isEmpty ? nil : "cost"].compactMap { $0 }
            return names.isEmpty ? nil : names.joined(separator: " and ")
        }
        let parts = [quantities(.evaluationAccuracy, .evaluationCost).map { "\($0) on \(evaluationData) (solid)" },
                     quantities(.trainingAccuracy, .trainingCost).map { "\($0) on the training data (dashed)" }]
            .compactMap { $0 }
        return parts.isEmpty ? "No accuracy or cost was recorded." : "Per epoch: " + parts.joined(separator: " and ") + "."
    }

    /// One quantity on one data set.
    enum Metric: CaseIterable {
        case evaluationAccuracy, trainingAccuracy, evaluationCost, trainingCost

        var monitoring: Monitoring {
            switch self {
            case .evaluationAccuracy: .evaluationAccuracy
            case .trainingAccuracy: .trainingAccuracy
            case .evaluationCost: .evaluationCost
            case .trainingCost: .trainingCost
            }
        }
        var isTraining: Bool { self == .trainingAccuracy || self == .trainingCost }

        func value(_ record: EpochRecord) -> Double? {
            switch self {
            case .evaluationAccuracy: record.evaluation.map { $0.accuracy * 100 }
            case .trainingAccuracy: record.training.map { $0.accuracy * 100 }
            case .evaluationCost: record.evaluation?.cost
            case .trainingCost: record.training?.cost
            }
        }
    }

    /// Each metric's lines: one colour per run; evaluation data solid, training data dashed;
    /// only what each run monitored, when its history says, and only metrics with a point.
    static func series(_ runs: [(label: String, history: TrainingHistory)]) -> [Metric: [LineChart.Series]] {
        var result: [Metric: [LineChart.Series]] = [:]
        for metric in Metric.allCases {
            let name = metric.isTraining ? "training" : "evaluation"
            result[metric] = runs.enumerated().compactMap { (i, run) in
                guard run.history.monitoring?.contains(metric.monitoring) ?? true else { return nil }
                let points = run.history.epochs.compactMap { record in
                    metric.value(record).flatMap { $0.isFinite ? (x: Double(record.epoch), y: $0) : nil }
                }
                guard !points.isEmpty else { return nil }
                return LineChart.Series(label: runs.count > 1 ? "\(run.label), \(name)" : name, points: points,
                                        dashed: metric.isTraining, colorIndex: runs.count > 1 ? i : (metric.isTraining ? 1 : 0))
            }
        }
        return result
    }

    /// The accuracy chart and the cost chart, each only when it has a line.
    static func charts(_ runs: [(label: String, history: TrainingHistory)]) -> [LineChart] {
        let lines = series(runs)
        let accuracy = lines[.evaluationAccuracy]! + lines[.trainingAccuracy]!
        let cost = lines[.evaluationCost]! + lines[.trainingCost]!
        return [
            accuracy.isEmpty ? nil : LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy (%)", series: accuracy, integerX: true),
            cost.isEmpty ? nil : LineChart(title: "Cost", xLabel: "epoch", yLabel: "cost", series: cost, integerX: true),
        ].compactMap { $0 }
    }

    /// Chapter 5's figure: ‖δˡ‖ per layer across epochs on a log scale, when the history holds
    /// learning-speed records. Epoch −1 is before training.
    public static func learningSpeedSVG(_ history: TrainingHistory, title: String = "Speed of learning per layer") -> SVGDocument? {
        var records: [(Double, LearningSpeed)] = history.epochs.compactMap { record in
            record.learningSpeed.map { (Double(record.epoch), $0) }
        }
        if let initial = history.initialLearningSpeed { records.insert((-1, initial), at: 0) }
        guard let layerCount = records.first?.1.biasGradientNorms.count else { return nil }
        let series = (0..<layerCount).map { l in
            LineChart.Series(label: "layer \(l + 2)\(l == layerCount - 1 ? " (output)" : "")",
                             points: records.map { (x: $0.0, y: $0.1.biasGradientNorms[l]) })
        }
        return LineChart(title: title, xLabel: "epoch (−1: before training)", yLabel: "‖δˡ‖ = ‖∂C/∂bˡ‖",
                         series: series, logarithmicY: true, integerX: true).svg(width: 700, height: 440)
    }
}
