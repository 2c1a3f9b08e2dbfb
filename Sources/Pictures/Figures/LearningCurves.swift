import Backprop

/// The book's learning curves: accuracy and cost per epoch, on the evaluation data and the
/// training data, for one run or several overlaid.
public enum LearningCurves {
    /// Two charts side by side, accuracy (percent) and cost, with one line per run and data set.
    ///
    /// - Parameter runs: Each run's label (e.g. "η = 0.5") and history.
    public static func svg(_ runs: [(label: String, history: TrainingHistory)], title: String = "Learning curves") -> SVGDocument {
        // One colour per run; evaluation data solid, training data dashed; only what each run
        // monitored, when its history says.
        func series(_ metric: Monitoring, _ name: String, _ value: (EpochRecord) -> Double?) -> [LineChart.Series] {
            runs.enumerated().compactMap { (i, run) in
                guard run.history.monitoring?.contains(metric) ?? true else { return nil }
                let points = run.history.epochs.compactMap { record in value(record).map { (x: Double(record.epoch), y: $0) } }
                guard !points.isEmpty else { return nil }
                return LineChart.Series(label: runs.count > 1 ? "\(run.label), \(name)" : name, points: points,
                                        dashed: name == "training", colorIndex: runs.count > 1 ? i : (name == "training" ? 1 : 0))
            }
        }
        let accuracy = series(.evaluationAccuracy, "evaluation", { $0.evaluation.map { $0.accuracy * 100 } })
            + series(.trainingAccuracy, "training", { $0.training.map { $0.accuracy * 100 } })
        let cost = series(.evaluationCost, "evaluation", { $0.evaluation?.cost })
            + series(.trainingCost, "training", { $0.training?.cost })
        var document = SVGDocument(width: 1100, height: 440)
        document.text(title, x: 550, y: 20, size: 16, anchor: .middle, weight: "bold")
        LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy (%)", series: accuracy)
            .draw(into: &document, x: 0, y: 20, width: 550, height: 420)
        LineChart(title: "Cost", xLabel: "epoch", yLabel: "cost", series: cost)
            .draw(into: &document, x: 550, y: 20, width: 550, height: 420)
        return document
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
                         series: series, logarithmicY: true).svg(width: 700, height: 440)
    }
}
