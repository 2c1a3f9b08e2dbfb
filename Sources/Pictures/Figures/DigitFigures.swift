import Backprop

/// Pictures of digits and of how a network classifies them.
public enum DigitFigures {
    /// One misclassified example: which one, its true label, the network's answer and confidence.
    public struct Mistake: Sendable {
        public var index: Int
        public var label: Int
        public var predicted: Int
        /// The output activation of the predicted class, normalized over the outputs.
        public var confidence: Double

        public init(index: Int, label: Int, predicted: Int, confidence: Double) {
            self.index = index
            self.label = label
            self.predicted = predicted
            self.confidence = confidence
        }
    }

    /// The examples of `data` that `network` gets wrong, in order.
    public static func mistakes<Scalar: BLASScalar>(of network: Network<Scalar>, on data: LabelledData) -> [Mistake] {
        let predictions = network.predictions(on: data)
        return predictions.indices.compactMap { i in
            guard predictions[i] != Int(data.labels[i]) else { return nil }
            let output = network.feedforward(data.input(i)).map(Double.init)
            let total = output.reduce(0, +)
            return Mistake(index: i, label: Int(data.labels[i]), predicted: predictions[i],
                           confidence: total > 0 ? output[predictions[i]] / total : 0)
        }
    }

    /// Digits in a grid, each labelled "true → predicted (confidence)".
    public static func mistakesSVG(_ mistakes: [Mistake], data: LabelledData, side: Int, limit: Int = 60,
                                   title: String) -> SVGDocument {
        let shown = Array(mistakes.prefix(limit))
        let columns = 10, tile = 64.0, cellWidth = 96.0, cellHeight = 104.0, top = 50.0
        let rows = max(1, (shown.count + columns - 1) / columns)
        let width = 20 + Double(columns) * cellWidth
        var document = SVGDocument(width: width, height: top + Double(rows) * cellHeight + 30)
        document.text(title, x: width / 2, y: 26, size: 15, anchor: .middle, weight: "bold")
        for (n, mistake) in shown.enumerated() {
            let x = 10 + Double(n % columns) * cellWidth, y = top + Double(n / columns) * cellHeight
            document.image(PNGEncoder.encode(digitImage(data, mistake.index, side: side)),
                           x: x + (cellWidth - tile) / 2, y: y, width: tile, height: tile)
            document.text("\(mistake.label) → \(mistake.predicted)", x: x + cellWidth / 2, y: y + tile + 15, size: 13,
                          anchor: .middle, weight: "bold")
            document.text("#\(mistake.index), \(Int((mistake.confidence * 100).rounded()))%", x: x + cellWidth / 2,
                          y: y + tile + 29, size: 10, anchor: .middle, fill: "#666")
        }
        document.text("true digit → network's answer; #image number, the answer's share of the output",
                      x: width / 2, y: top + Double(rows) * cellHeight + 14, size: 11, anchor: .middle, fill: "#555")
        return document
    }

    /// Example `i` of `data` as an image, dark ink on white.
    public static func digitImage(_ data: LabelledData, _ i: Int, side: Int) -> RGBImage {
        var image = RGBImage(width: side, height: side)
        for p in 0..<(side * side) {
            image[p % side, p / side] = ColorScale.ink(Double(data.inputBytes[i * data.inputSize + p]) / 255)
        }
        return image
    }

    /// A confusion matrix as a heat map, rows the true class, columns the predicted one, each
    /// cell with its count and shaded by its share of the row.
    public static func confusionSVG(_ counts: [[Int]], title: String) -> SVGDocument {
        let n = counts.count, cell = 46.0, left = 80.0, top = 80.0
        let width = left + Double(n) * cell + 30, height = top + Double(n) * cell + 44
        var document = SVGDocument(width: width, height: height)
        document.text(title, x: width / 2, y: 24, size: 15, anchor: .middle, weight: "bold")
        document.text("predicted digit", x: left + Double(n) * cell / 2, y: 50, size: 12, anchor: .middle)
        document.text("true digit", x: 22, y: top + Double(n) * cell / 2, size: 12, anchor: .middle, rotate: -90)
        for i in 0..<n {
            document.text("\(i)", x: left + (Double(i) + 0.5) * cell, y: top - 8, size: 12, anchor: .middle)
            document.text("\(i)", x: left - 10, y: top + (Double(i) + 0.5) * cell + 4, size: 12, anchor: .end)
            let rowTotal = max(counts[i].reduce(0, +), 1)
            for j in 0..<n {
                let share = Double(counts[i][j]) / Double(rowTotal)
                let shade = i == j ? ColorScale.sequential(share) : ColorScale.diverging(min(share * 10, 1), limit: 1)
                document.rect(x: left + Double(j) * cell, y: top + Double(i) * cell, width: cell, height: cell,
                              fill: shade.hex, stroke: "#ddd", title: "true \(i), predicted \(j): \(counts[i][j])")
                document.text("\(counts[i][j])", x: left + (Double(j) + 0.5) * cell, y: top + (Double(i) + 0.5) * cell + 4,
                              size: 11, anchor: .middle, fill: i == j && share > 0.5 ? "white" : "#222")
            }
        }
        document.text("counts; blue: right answers, red: mistakes, darker for a larger share of the row",
                      x: left + Double(n) * cell / 2, y: height - 14, size: 11, anchor: .middle, fill: "#555")
        return document
    }
}
