import Backprop
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Pictures
import Testing

/// Parses `text` as XML and collects what the tests look at: every element name, the text of
/// every <text>, and the data-label of every series.
final class SVGInspector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var texts: [String] = []
    var seriesLabels: [String] = []
    /// Every polyline's points, in document coordinates.
    var polylines: [[(x: Double, y: Double)]] = []
    /// Every rectangle with numeric coordinates (not the 100% background).
    var rects: [(x: Double, y: Double, width: Double, height: Double)] = []
    /// Every embedded image's size in document units.
    var images: [(width: Double, height: Double)] = []
    private var inText = false
    private var current = ""

    static func parse(_ text: String) throws -> SVGInspector {
        let inspector = SVGInspector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = inspector
        guard parser.parse() else {
            throw CocoaError(.coderReadCorrupt, userInfo: [NSLocalizedDescriptionKey: "not well-formed XML: \(String(describing: parser.parserError))"])
        }
        return inspector
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        elements.append(name)
        if name == "text" { inText = true; current = "" }
        if name == "polyline", let label = attributes["data-label"] { seriesLabels.append(label) }
        if name == "polyline", let points = attributes["points"] {
            polylines.append(points.split(separator: " ").map { pair in
                let xy = pair.split(separator: ",").map { Double($0)! }
                return (xy[0], xy[1])
            })
        }
        if name == "image", let width = attributes["width"].flatMap(Double.init),
           let height = attributes["height"].flatMap(Double.init) {
            images.append((width, height))
        }
        if name == "rect", let x = attributes["x"].flatMap(Double.init), let y = attributes["y"].flatMap(Double.init),
           let width = attributes["width"].flatMap(Double.init), let height = attributes["height"].flatMap(Double.init) {
            rects.append((x, y, width, height))
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current); inText = false }
    }
}

let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots").path
let referenceScripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Reference").path

func history(_ accuracies: [Double], costs: [Double]) -> TrainingHistory {
    TrainingHistory(epochs: zip(accuracies, costs).enumerated().map { epoch, values in
        EpochRecord(epoch: epoch, trainingSeconds: 0.1,
                    evaluation: Evaluation(correct: Int(values.0 * 1000), count: 1000, cost: values.1), evaluationSeconds: 0,
                    training: Evaluation(correct: Int(values.0 * 1000) + 5, count: 1000, cost: values.1 * 0.8))
    })
}

@Suite("Pictures: SVG charts, PNG images, figures")
struct PictureTests {
    @Test("Learning curves are well-formed SVG with every series, title and axis label")
    func learningCurves() throws {
        let runs = [("η = 0.5", history([0.9, 0.93, 0.95], costs: [0.5, 0.4, 0.3])),
                    ("η = 3", history([0.85, 0.9, 0.91], costs: [0.7, 0.6, 0.55]))]
        let svg = try SVGInspector.parse(LearningCurves.svg(runs, title: "Three <runs> & more").text)
        #expect(svg.seriesLabels == ["η = 0.5, evaluation", "η = 3, evaluation", "η = 0.5, training", "η = 3, training",
                                     "η = 0.5, evaluation", "η = 3, evaluation", "η = 0.5, training", "η = 3, training"])
        #expect(svg.texts.contains("Three <runs> & more"))
        for label in ["accuracy (%)", "cost", "epoch", "Accuracy", "Cost"] { #expect(svg.texts.contains(label)) }
        #expect(svg.texts.contains("η = 0.5, evaluation"), "the legend names each series")
    }

    @Test("A tiny chart matches its stored snapshot")
    func snapshot() throws {
        let chart = LineChart(title: "Tiny", xLabel: "x", yLabel: "y",
                              series: [LineChart.Series(label: "a", points: [(0, 1), (1, 3), (2, 2)])])
        let text = chart.svg(width: 240, height: 160).text
        let path = snapshots + "/tiny-chart.svg"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == stored, "the chart changed; if on purpose, rerun with RECORD_SNAPSHOTS=1 and look at the file")
    }

    @Test("Axes get nice ticks, and a log scale ticks at powers of ten")
    func ticks() {
        #expect(Axis(covering: [0.3, 9.2], logarithmic: false).ticks == [0, 2, 4, 6, 8, 10])
        #expect(Axis(covering: [90.1, 96.4], logarithmic: false).ticks == [90, 91, 92, 93, 94, 95, 96, 97])
        #expect(Axis(covering: [0.003, 0.2], logarithmic: true).ticks == [0.001, 0.01, 0.1, 1])
    }

    @Test("PNGs decode with an independent decoder to the right size and pixels",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/python3")))
    func png() throws {
        var image = RGBImage(width: 5, height: 3, fill: Color(red: 10, green: 20, blue: 30))
        image[4, 2] = Color(red: 255, green: 0, blue: 128)
        image[0, 1] = .white
        let path = NSTemporaryDirectory() + "backprop-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(PNGEncoder.encode(image)).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [referenceScripts + "/png_decode.py", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let decoded = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(decoded["width"] as? Int == 5)
        #expect(decoded["height"] as? Int == 3)
        let pixels = try #require(decoded["pixels"] as? [[Int]])
        #expect(pixels.count == 15)
        #expect(pixels[0] == [10, 20, 30])
        #expect(pixels[5] == [255, 255, 255])
        #expect(pixels[14] == [255, 0, 128])
    }

    @Test("The weight grid draws each hidden neuron, numbered, and a legend centred on zero")
    func weightGrid() throws {
        var generator = SeededGenerator(seed: 1)
        let network = Network<Float>(layerSizes: [16, 5, 2], using: &generator)
        let svg = try SVGInspector.parse(WeightGrid.svg(network, side: 4).text)
        #expect(svg.elements.filter { $0 == "image" }.count == 1, "one raster for the whole grid")
        for j in 0..<5 { #expect(svg.texts.contains(String(j))) }
        #expect(svg.texts.contains("Incoming weights of the 5 neurons of layer 2"))
        #expect(!svg.texts.contains { $0.contains("are shown") })
        #expect(svg.texts.contains { $0.contains("blue negative, red positive") })
        #expect(ColorScale.diverging(0, limit: 1) == .white)
        #expect(ColorScale.diverging(-1, limit: 1) == ColorScale.negative)
        #expect(ColorScale.diverging(2, limit: 1) == ColorScale.positive)
    }

    @Test("A first convolution's grid shows its kernels, one tile per feature map, at a size that can be seen")
    func kernelGrid() throws {
        var generator = SeededGenerator(seed: 3)
        let conv = ConvolutionLayer<Float>(input: ImageShape(depth: 1, height: 28, width: 28), maps: 6, kernel: 5, using: &generator)
        let network = Network<Float>(layers: [conv, Network<Float>(layerSizes: [conv.neurons, 10], using: &generator).layers[0]])
        let svg = try SVGInspector.parse(WeightGrid.svg(network, side: 5).text)
        #expect(svg.texts.contains("The 6 5×5 kernels (filters) of layer 2"))
        #expect(svg.texts.contains("5") && !svg.texts.contains("6"))
        #expect(svg.texts.contains { $0.contains("feature map under each image") })
        let image = try #require(svg.images.first)
        // Three tiles a row of 5 weights at 15 pixels, two gaps of 18 pixels.
        #expect(image.width * SVGDocument.rasterScale == 3 * 75 + 2 * 18)
    }

    @Test("Feature maps: the input, then each convolution's and pooling layer's maps as framed tiles ten to a row")
    func featureMaps() throws {
        var generator = SeededGenerator(seed: 3)
        let image = ImageShape(depth: 1, height: 12, width: 12)
        // Map 0 has zero weights and a negative bias: under ReLU it is all zeros.
        var weights = Matrix<Float>(rows: 12, columns: 9)
        for i in 9..<weights.elements.count { weights.elements[i] = Float(generator.nextStandardNormal()) }
        let conv = ConvolutionLayer<Float>(input: image, kernel: 3, weights: weights, biases: [-1] + Array(repeating: 0.5, count: 11),
                                           activation: .relu)
        let pool = MaxPoolingLayer<Float>(input: conv.output, size: 2)
        let output = DenseLayer<Float>(weights: Matrix(rows: 3, columns: pool.neurons), biases: [0, 0, 0], activation: .softmax)
        let network = Network<Float>(layers: [conv, pool, output], cost: .logLikelihood)
        let input = (0..<144).map { Float($0 % 7) / 7 }
        let svg = try SVGInspector.parse(FeatureMaps.svg(network, input: input, inputSide: 12, title: "maps").text)
        #expect(svg.texts.contains("The input, 12×12"))
        #expect(svg.texts.contains { $0.hasPrefix("Layer 2, convolution: 12 feature maps of 10×10") })
        #expect(svg.texts.contains { $0.hasPrefix("Layer 3, pooling: 12 feature maps of 5×5") })
        #expect(svg.images.count == 3)
        // 12 maps of 10×10 at 7 pixels a value: ten tiles a row, two rows, 9-pixel gaps, a 1-pixel frame.
        let mosaic = FeatureMaps.mosaic([Float](repeating: 0, count: 100).map(Double.init) + (0..<1100).map { Double($0 % 5) },
                                        maps: 12, side: 10)
        #expect(mosaic.width == 10 * 70 + 9 * 9 + 2 && mosaic.height == 2 * 70 + 9 + 2)
        #expect(mosaic[0, 0] == Color(red: 200, green: 200, blue: 200), "the frame")
        #expect(mosaic[5, 5] == Color.white, "a map of zeros is blank")
    }

    @Test("A wide layer's grid shows its first 100 neurons, says so, and keeps each weight a square of whole pixels")
    func wideWeightGrid() throws {
        var generator = SeededGenerator(seed: 2)
        let network = Network<Float>(layerSizes: [784, 400, 10], using: &generator)
        let document = WeightGrid.svg(network, side: 28)
        let svg = try SVGInspector.parse(document.text)
        #expect(svg.texts.contains("Incoming weights of neurons 0–99 of the 400 in layer 2"))
        #expect(svg.texts.contains("The first 100 of the layer's 400 neurons are shown."))
        #expect(svg.texts.contains("99") && !svg.texts.contains("100"))
        let image = try #require(svg.images.first)
        // Ten tiles of 28 weights at 3 pixels, nine gaps of 18 pixels, when drawn as PNG.
        #expect(image.width * SVGDocument.rasterScale == 10 * 84 + 9 * 18)
        #expect(document.text.utf8.count < 400_000, "the SVG is \(document.text.utf8.count) bytes")
        let all = try SVGInspector.parse(WeightGrid.svg(network, side: 28, limit: 400).text)
        #expect(all.texts.contains("399") && all.texts.contains("Incoming weights of the 400 neurons of layer 2"))
    }

    @Test("Epoch axes tick whole epochs only")
    func integerTicks() {
        #expect(Axis(covering: [0, 1, 2], logarithmic: false).ticks == [0, 0.5, 1, 1.5, 2], "plain axes may tick halves")
        #expect(Axis(covering: [0, 1, 2], logarithmic: false, integers: true).ticks == [0, 1, 2])
        #expect(Axis(covering: [0], logarithmic: false, integers: true).ticks == [0])
        #expect(Axis(covering: [-1, 0, 1, 2, 3], logarithmic: false, integers: true).ticks == [-1, 0, 1, 2, 3])
        #expect(Axis(covering: [-1, 3], logarithmic: false, integers: true).label(-1) == "−1")
        #expect(Axis(covering: (0..<30).map(Double.init), logarithmic: false, integers: true).ticks == [0, 5, 10, 15, 20, 25, 30])
        let svg = try? SVGInspector.parse(LearningCurves.svg([("run", history([0.8, 0.85, 0.9], costs: [0.3, 0.2, 0.1]))]).text)
        #expect(svg?.texts.contains("0.5") == false && svg?.texts.contains("1") == true)
    }

    @Test("A chart is drawn only for what was recorded: no cost panel without cost, no empty legend")
    func onlyRecordedPanels() throws {
        var accuracyOnly = history([0.8, 0.85, 0.9], costs: [0.3, 0.2, 0.1])
        accuracyOnly.monitoring = [.evaluationAccuracy]
        let document = LearningCurves.svg([("run", accuracyOnly)])
        let svg = try SVGInspector.parse(document.text)
        #expect(svg.texts.contains("Accuracy") && !svg.texts.contains("Cost"))
        #expect(svg.seriesLabels == ["evaluation"])
        #expect(document.width == 550)
        #expect(LearningCurves.caption(accuracyOnly, evaluationData: "the validation images")
                == "Per epoch: accuracy on the validation images (solid).")
        #expect(LearningCurves.caption(history([0.9], costs: [0.3]))
                == "Per epoch: accuracy and cost on the evaluation data (solid) and accuracy and cost on the training data (dashed).")
        var mixed = history([0.9], costs: [0.3])
        mixed.monitoring = [.evaluationAccuracy, .trainingCost]
        #expect(LearningCurves.caption(mixed) == "Per epoch: accuracy on the evaluation data (solid) and cost on the training data (dashed).")

        // A run with --evaluate-on none and nothing else monitored: nothing to draw, and the page says so.
        let nothing = TrainingHistory(epochs: [EpochRecord(epoch: 0, trainingSeconds: 1, evaluation: nil, evaluationSeconds: 0)],
                                      monitoring: [])
        #expect(!LearningCurves.hasCurves([("run", nothing)]))
        let empty = try SVGInspector.parse(LearningCurves.svg([("run", nothing)]).text)
        #expect(empty.seriesLabels.isEmpty && empty.rects.isEmpty)
        #expect(empty.texts.contains("Nothing to draw: no accuracy or cost was recorded."))
        #expect(LearningCurves.caption(nothing) == "No accuracy or cost was recorded.")
        let bare = try SVGInspector.parse(LineChart(title: "t", xLabel: "x", yLabel: "y", series: []).svg().text)
        #expect(bare.rects.isEmpty, "no legend box for no series")
    }

    @Test("The legend covers no line: it takes a free corner, or sits beside the plot", arguments: 0..<40)
    func legendHidesNoData(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let count = Int.random(in: 1...4, using: &generator)
        let series = (0..<count).map { i in
            LineChart.Series(label: "series \(i) with a longer name", points: (0..<Int.random(in: 1...30, using: &generator)).map {
                (x: Double($0), y: Double.random(in: 0...1, using: &generator))
            })
        }
        let svg = try SVGInspector.parse(LineChart(title: "t", xLabel: "x", yLabel: "y", series: series).svg().text)
        let legend = try #require(svg.rects.first)
        for line in svg.polylines {
            for (a, b) in zip(line, line.dropFirst()) {
                #expect(!segment(a, b, crosses: legend), "segment \(a)–\(b) passes under the legend \(legend)")
            }
            if line.count == 1 { #expect(!segment(line[0], line[0], crosses: legend)) }
        }
    }

    @Test("A line through both right-hand corners sends the legend left; lines in every corner send it outside")
    func legendCorners() throws {
        let v = LineChart.Series(label: "v", points: [(0, 0), (5, 0), (9, 0), (9.5, 1), (10, 0)])
        let chart = try SVGInspector.parse(LineChart(title: "t", xLabel: "x", yLabel: "y", series: [v]).svg().text)
        let legend = try #require(chart.rects.first)
        #expect(legend.x < 320, "left half of a 640-wide chart")
        let everywhere = LineChart.Series(label: "everywhere", points: (0...40).map { (x: Double($0) / 4, y: Double($0 % 2)) })
        let full = try SVGInspector.parse(LineChart(title: "t", xLabel: "x", yLabel: "y", series: [everywhere]).svg().text)
        let outside = try #require(full.rects.first)
        let rightmost = try #require(full.polylines.first?.map(\.x).max())
        #expect(outside.x > rightmost, "the legend sits to the right of the plot")
    }

    @Test("The confusion heat map shows every count; the mistakes grid labels each digit")
    func digitFigures() throws {
        let counts = [[50, 2, 0], [1, 40, 7], [0, 3, 61]]
        let heat = try SVGInspector.parse(DigitFigures.confusionSVG(counts, title: "Confusion").text)
        #expect(heat.elements.filter { $0 == "rect" }.count == 1 + 9)
        for count in counts.flatMap({ $0 }) { #expect(heat.texts.contains(String(count))) }

        let data = LabelledData(inputSize: 4, classCount: 3, inputBytes: [0, 255, 0, 255, 9, 9, 9, 9], labels: [2, 0])
        let mistakes = [DigitFigures.Mistake(index: 0, label: 2, predicted: 1, confidence: 0.8)]
        let grid = try SVGInspector.parse(DigitFigures.mistakesSVG(mistakes, data: data, side: 2, title: "Mistakes").text)
        #expect(grid.texts.contains("2 → 1"))
        #expect(grid.texts.contains("#0, 80%"))
        #expect(DigitFigures.digitImage(data, 0, side: 2)[1, 0] == .black)
        #expect(DigitFigures.digitImage(data, 0, side: 2)[0, 0] == .white)
    }

    @Test("The learning-speed figure has one series per layer on a log scale")
    func learningSpeed() throws {
        var run = history([0.5, 0.6], costs: [1, 0.8])
        for i in run.epochs.indices {
            run.epochs[i].learningSpeed = LearningSpeed(biasGradientNorms: [0.001, 0.01, 0.1], weightGradientNorms: [1, 1, 1],
                                                        saturatedShare: [0, 0, 0], wronglySaturatedOutputShare: 0)
        }
        let svg = try SVGInspector.parse(try #require(LearningCurves.learningSpeedSVG(run)).text)
        #expect(svg.seriesLabels == ["layer 2", "layer 3", "layer 4 (output)"])
        #expect(svg.texts.contains("0.001") || svg.texts.contains("1e-3"))
        #expect(LearningCurves.learningSpeedSVG(history([0.5], costs: [1])) == nil)
    }

    @Test("The HTML report holds the configuration, the figures and the table")
    func report() {
        let html = HTMLReport(title: "Run <1>", configuration: [("η", "3.0")],
                              figures: [("curves", LearningCurves.svg([("run", history([0.9], costs: [0.3]))]))],
                              history: history([0.9], costs: [0.3])).html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Run &lt;1&gt;"))
        #expect(html.contains("<svg"))
        #expect(!html.contains("<?xml"))
        #expect(html.contains("<td>90.00%</td>"))
    }

    @Test("The report's table: real seconds or – with the reason, one number of decimals per column, only recorded columns")
    func reportTable() {
        var run = history([0.9, 0.9125], costs: [0.3, 0.25])
        run.epochs[0].eta = 0.5
        run.epochs[1].eta = 0.25
        run.epochs[1].trainingSeconds = 1.5
        run.monitoring = [.evaluationAccuracy, .trainingCost]
        let timed = HTMLReport(title: "t", configuration: [], figures: [], history: run).html
        #expect(timed.contains("<tr><th>epoch</th><th>η</th><th>training seconds</th><th>evaluation accuracy</th><th>training cost</th></tr>"))
        #expect(timed.contains("<tr><td>0</td><td>0.50</td><td>0.100</td><td>90.00%</td><td>0.2400</td></tr>"))
        #expect(timed.contains("<tr><td>1</td><td>0.25</td><td>1.500</td><td>91.20%</td><td>0.2000</td></tr>"))
        #expect(!timed.contains("<caption>"))

        let untimed = HTMLReport(title: "t", configuration: [], figures: [], history: run,
                                 secondsUnknown: "Seconds are not kept in model files.").html
        #expect(untimed.contains("<tr><td>0</td><td>0.50</td><td>–</td><td>90.00%</td><td>0.2400</td></tr>"))
        #expect(untimed.contains("<caption>Seconds are not kept in model files.</caption>"))
    }

    @Test("The configuration is told in the book's words")
    func runDescription() throws {
        var generator = SeededGenerator(seed: 3)
        let network = Network<Float>(layerSizes: [4, 3, 2], activation: .relu, outputActivation: .softmax, cost: .logLikelihood, using: &generator)
        let data = LabelledData(inputSize: 4, classCount: 2, inputBytes: [0, 255, 0, 255, 9, 9, 9, 9], labels: [1, 0])
        let sgd = StochasticGradientDescent(epochs: 30, miniBatchSize: 10, eta: 0.5, regularization: .l2(lambda: 5),
                                            momentum: 0.9, dropout: 0.5, halveEtaAfter: 10,
                                            monitoring: [.evaluationAccuracy, .trainingCost])
        let runRecord = try TrainingRun(network: network, configuration: sgd, trainingData: data, evaluationData: data,
                                        generator: generator)
        let record = try #require(ModelFile(run: runRecord, data: DataSettings(trainingCount: 50_000, expanded: true,
                                                                               evaluationSet: "validation")).training)
        let rows = Dictionary(RunDescription.network(network) + RunDescription.training(record), uniquingKeysWith: { $1 })
        #expect(rows["hidden layer"] == "3 relu neurons")
        #expect(rows["output layer"] == "2 softmax neurons")
        #expect(rows["cost"] == "log-likelihood cost")
        #expect(rows["regularization"] == "L2 regularization, λ = 5.0")
        #expect(rows["learning rate"] == "η = 0.5, halved after 10 epochs without improvement, down to η/128")
        #expect(rows["momentum"] == "momentum coefficient μ = 0.9")
        #expect(rows["dropout"] == "each hidden neuron dropped with probability 0.5")
        #expect(rows["training data"] == "all 50,000 MNIST training images, expanded five times by one-pixel shifts")
        #expect(rows["evaluation data"] == "the validation images")
        #expect(rows["measured each epoch"] == "evaluation accuracy, training cost")
        #expect(rows["epochs"] == "0 of 30")
        #expect(!rows.values.contains { $0.contains("l2(") || $0.contains("lambda") || $0.contains("crossEntropy") })
        #expect(RunDescription.regularization(.none) == "none" && RunDescription.regularization(.l1(lambda: 0.1)) == "L1 regularization, λ = 0.1")
    }

    @Test("Base64 matches RFC 4648's test vectors")
    func base64Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors { #expect(Pictures.base64(Array(plain.utf8)) == encoded) }
    }
}

/// Whether the segment from `a` to `b` meets the rectangle (Liang–Barsky clipping).
func segment(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double),
             crosses box: (x: Double, y: Double, width: Double, height: Double)) -> Bool {
    var (t0, t1) = (0.0, 1.0)
    let dx = b.x - a.x, dy = b.y - a.y
    for (p, q) in [(-dx, a.x - box.x), (dx, box.x + box.width - a.x), (-dy, a.y - box.y), (dy, box.y + box.height - a.y)] {
        if p == 0 {
            if q < 0 { return false }
        } else {
            let t = q / p
            if p < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
        }
    }
    return t0 <= t1
}
