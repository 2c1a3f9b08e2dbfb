/// A line chart: one or more series of (x, y) points, axes with ticks and labels, a title and a
/// legend.
public struct LineChart: Sendable {
    /// One line of the chart.
    public struct Series: Sendable {
        public var label: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool
        /// Which palette colour; by default the series' position.
        public var colorIndex: Int?

        public init(label: String, points: [(x: Double, y: Double)], dashed: Bool = false, colorIndex: Int? = nil) {
            self.label = label
            self.points = points
            self.dashed = dashed
            self.colorIndex = colorIndex
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var logarithmicY: Bool

    public init(title: String, xLabel: String, yLabel: String, series: [Series], logarithmicY: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logarithmicY = logarithmicY
    }

    /// Colours for successive series, distinguishable in print and by most colour-blind readers.
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// The chart on a document of its own.
    public func svg(width: Double = 640, height: Double = 420) -> SVGDocument {
        var document = SVGDocument(width: width, height: height)
        draw(into: &document, x: 0, y: 0, width: width, height: height)
        return document
    }

    /// Draws the chart in the rectangle (x, y, width, height) of `document`.
    public func draw(into document: inout SVGDocument, x: Double, y: Double, width: Double, height: Double) {
        let left = x + 64, right = x + width - 20, top = y + 40, bottom = y + height - 52
        let points = series.flatMap(\.points)
        let xAxis = Axis(covering: points.map(\.x), logarithmic: false)
        let yAxis = Axis(covering: points.map(\.y), logarithmic: logarithmicY)
        func px(_ value: Double) -> Double { left + xAxis.position(value) * (right - left) }
        func py(_ value: Double) -> Double { bottom - yAxis.position(value) * (bottom - top) }

        document.text(title, x: (left + right) / 2, y: y + 22, size: 15, anchor: .middle, weight: "bold")
        for tick in yAxis.ticks {
            document.line(x1: left, y1: py(tick), x2: right, y2: py(tick), stroke: "#e4e4e4")
            document.text(yAxis.label(tick), x: left - 6, y: py(tick) + 4, size: 11, anchor: .end, fill: "#555")
        }
        for tick in xAxis.ticks {
            document.line(x1: px(tick), y1: bottom, x2: px(tick), y2: bottom + 4, stroke: "#555")
            document.text(xAxis.label(tick), x: px(tick), y: bottom + 17, size: 11, anchor: .middle, fill: "#555")
        }
        document.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#555")
        document.line(x1: left, y1: top, x2: left, y2: bottom, stroke: "#555")
        document.text(xLabel, x: (left + right) / 2, y: bottom + 38, size: 12, anchor: .middle)
        document.text(yLabel, x: x + 16, y: (top + bottom) / 2, size: 12, anchor: .middle, rotate: -90)

        for (i, line) in series.enumerated() {
            let color = Self.palette[(line.colorIndex ?? i) % Self.palette.count]
            let visible = line.points.filter { $0.y.isFinite && (!logarithmicY || $0.y > 0) }
            document.polyline(visible.map { (px($0.x), py($0.y)) }, stroke: color, label: line.label,
                              dash: line.dashed ? "6 4" : nil)
            if visible.count == 1 { document.circle(x: px(visible[0].x), y: py(visible[0].y), radius: 3, fill: color) }
        }
        // The legend, one row per series, in whichever right-hand corner covers fewer points.
        let legendWidth = 16 + 6.5 * Double(series.map(\.label.count).max() ?? 0)
        let legendHeight = Double(series.count) * 16 + 8
        let legendLeft = right - legendWidth - 28
        func covered(_ boxTop: Double) -> Int {
            points.filter { $0.y.isFinite }.filter {
                let (cx, cy) = (px($0.x), py($0.y))
                return cx >= legendLeft && cy >= boxTop && cy <= boxTop + legendHeight
            }.count
        }
        let legendTop = covered(top - 6) <= covered(bottom - legendHeight - 6) ? top - 6 : bottom - legendHeight - 6
        document.rect(x: legendLeft, y: legendTop, width: legendWidth + 26, height: legendHeight, fill: "white", stroke: "#ccc")
        for (i, line) in series.enumerated() {
            let color = Self.palette[(line.colorIndex ?? i) % Self.palette.count]
            let rowY = legendTop + 14 + Double(i) * 16
            document.line(x1: right - legendWidth - 22, y1: rowY - 4, x2: right - legendWidth - 4, y2: rowY - 4,
                          stroke: color, width: 2, dash: line.dashed ? "4 3" : nil)
            document.text(line.label, x: right - legendWidth, y: rowY, size: 11)
        }
    }
}
