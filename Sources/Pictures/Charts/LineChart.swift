/// A line chart: one or more series of (x, y) points, axes with ticks and labels, a title and a
/// legend placed where it hides no line.
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
    /// Ticks on whole numbers only along x, for epochs.
    public var integerX: Bool

    public init(title: String, xLabel: String, yLabel: String, series: [Series], logarithmicY: Bool = false,
                integerX: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logarithmicY = logarithmicY
        self.integerX = integerX
    }

    /// Colours for successive series, distinguishable in print and by most colour-blind readers.
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// A rectangle in document coordinates.
    struct Box: Equatable {
        var left, top, width, height: Double
        var right: Double { left + width }
        var bottom: Double { top + height }

        func contains(_ point: (x: Double, y: Double), margin: Double = 0) -> Bool {
            point.x >= left - margin && point.x <= right + margin && point.y >= top - margin && point.y <= bottom + margin
        }
    }

    /// Where everything goes: the plotting area, the axes and the legend.
    struct Layout {
        var plot: Box
        var xAxis: Axis
        var yAxis: Axis
        /// Nil when there is nothing to name.
        var legend: Box?
        /// The legend sits to the right of the plot because every corner inside it holds data.
        var legendOutside: Bool

        func px(_ value: Double) -> Double { plot.left + xAxis.position(value) * plot.width }
        func py(_ value: Double) -> Double { plot.bottom - yAxis.position(value) * plot.height }
    }

    /// The chart on a document of its own.
    public func svg(width: Double = 640, height: Double = 420) -> SVGDocument {
        var document = SVGDocument(width: width, height: height)
        draw(into: &document, x: 0, y: 0, width: width, height: height)
        return document
    }

    /// The points of each series that can be drawn (finite, and positive on a log scale).
    private var visibleSeries: [[(x: Double, y: Double)]] {
        series.map { $0.points.filter { $0.x.isFinite && $0.y.isFinite && (!logarithmicY || $0.y > 0) } }
    }

    static let legendRow = 16.0

    /// The layout in the rectangle (x, y, width, height). The legend goes into the first corner
    /// of the plot (top right, bottom right, top left, bottom left) that no line passes under;
    /// when every corner holds data, the plot narrows and the legend sits to its right.
    func layout(x: Double, y: Double, width: Double, height: Double) -> Layout {
        let lines = visibleSeries
        let xAxis = Axis(covering: lines.flatMap { $0.map(\.x) }, logarithmic: false, integers: integerX)
        let yAxis = Axis(covering: lines.flatMap { $0.map(\.y) }, logarithmic: logarithmicY)
        let plot = Box(left: x + 64, top: y + 40, width: width - 84, height: height - 92)
        var layout = Layout(plot: plot, xAxis: xAxis, yAxis: yAxis, legend: nil, legendOutside: false)
        guard !series.isEmpty else { return layout }
        let legendWidth = 34 + 6.5 * Double(series.map(\.label.count).max() ?? 0)
        let legendHeight = Double(series.count) * Self.legendRow + 8
        let inset = 6.0
        let corners = [
            Box(left: plot.right - legendWidth - inset, top: plot.top + inset, width: legendWidth, height: legendHeight),
            Box(left: plot.right - legendWidth - inset, top: plot.bottom - legendHeight - inset, width: legendWidth, height: legendHeight),
            Box(left: plot.left + inset, top: plot.top + inset, width: legendWidth, height: legendHeight),
            Box(left: plot.left + inset, top: plot.bottom - legendHeight - inset, width: legendWidth, height: legendHeight),
        ]
        if let free = corners.first(where: { layout.pointsCovered(by: $0, lines: lines) == 0 }) {
            layout.legend = free
        } else {
            layout.plot.width -= legendWidth + 12
            layout.legend = Box(left: layout.plot.right + 12, top: plot.top, width: legendWidth, height: legendHeight)
            layout.legendOutside = true
        }
        return layout
    }

    /// Draws the chart in the rectangle (x, y, width, height) of `document`.
    public func draw(into document: inout SVGDocument, x: Double, y: Double, width: Double, height: Double) {
        let layout = layout(x: x, y: y, width: width, height: height)
        let plot = layout.plot
        let (xAxis, yAxis) = (layout.xAxis, layout.yAxis)

        document.text(title, x: (plot.left + plot.right) / 2, y: y + 22, size: 15, anchor: .middle, weight: "bold")
        for tick in yAxis.ticks {
            document.line(x1: plot.left, y1: layout.py(tick), x2: plot.right, y2: layout.py(tick), stroke: "#e4e4e4")
            document.text(yAxis.label(tick), x: plot.left - 6, y: layout.py(tick) + 4, size: 11, anchor: .end, fill: "#555")
        }
        for tick in xAxis.ticks {
            document.line(x1: layout.px(tick), y1: plot.bottom, x2: layout.px(tick), y2: plot.bottom + 4, stroke: "#555")
            document.text(xAxis.label(tick), x: layout.px(tick), y: plot.bottom + 17, size: 11, anchor: .middle, fill: "#555")
        }
        document.line(x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, stroke: "#555")
        document.line(x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: "#555")
        document.text(xLabel, x: (plot.left + plot.right) / 2, y: plot.bottom + 38, size: 12, anchor: .middle)
        document.text(yLabel, x: x + 16, y: (plot.top + plot.bottom) / 2, size: 12, anchor: .middle, rotate: -90)

        for (i, (line, visible)) in zip(series, visibleSeries).enumerated() {
            let color = Self.palette[(line.colorIndex ?? i) % Self.palette.count]
            document.polyline(visible.map { (layout.px($0.x), layout.py($0.y)) }, stroke: color, label: line.label,
                              dash: line.dashed ? "6 4" : nil)
            if visible.count == 1 { document.circle(x: layout.px(visible[0].x), y: layout.py(visible[0].y), radius: 3, fill: color) }
        }
        guard let legend = layout.legend else { return }
        document.rect(x: legend.left, y: legend.top, width: legend.width, height: legend.height, fill: "white", stroke: "#ccc")
        for (i, line) in series.enumerated() {
            let color = Self.palette[(line.colorIndex ?? i) % Self.palette.count]
            let rowY = legend.top + 14 + Double(i) * Self.legendRow
            document.line(x1: legend.left + 6, y1: rowY - 4, x2: legend.left + 24, y2: rowY - 4,
                          stroke: color, width: 2, dash: line.dashed ? "4 3" : nil)
            document.text(line.label, x: legend.left + 30, y: rowY, size: 11)
        }
    }
}

extension LineChart.Layout {
    /// How many points along the drawn lines, one every two units, fall within `box` or 4 units
    /// of it: the points themselves and the segments between them.
    func pointsCovered(by box: LineChart.Box, lines: [[(x: Double, y: Double)]]) -> Int {
        var count = 0
        for line in lines {
            let drawn = line.map { (x: px($0.x), y: py($0.y)) }
            if drawn.count == 1, box.contains(drawn[0], margin: 4) { count += 1 }
            for (a, b) in zip(drawn, drawn.dropFirst()) {
                let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                let steps = max(1, Int(length / 2))
                for s in 0...steps {
                    let t = Double(s) / Double(steps)
                    if box.contains((a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)), margin: 4) { count += 1 }
                }
            }
        }
        return count
    }
}
