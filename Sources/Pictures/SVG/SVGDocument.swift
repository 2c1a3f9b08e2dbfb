/// A small SVG writer: shapes and text appended in order, text kept as text.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var elements: [String] = []

    /// Raster pixels per SVG unit when a figure is drawn as PNG. Figures that embed raster
    /// images (weight grids) make them this many pixels per unit, so that the PNG shows their
    /// pixels one to one, sharp, rather than resampled.
    public static let rasterScale = 1.5

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// `text` with the characters XML reserves escaped.
    public static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A number as SVG wants it: at most two decimals, no exponent.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)  // |rounded| ≥ 0.01, so never in exponent notation
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, title: String? = nil) {
        var element = "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
            + "height=\"\(Self.number(height))\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\"" }
        if let title {
            element += "><title>\(Self.escape(title))</title></rect>"
        } else {
            element += "/>"
        }
        elements.append(element)
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                              dash: String? = nil) {
        elements.append("<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" "
            + "y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\""
            + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    /// A polyline through `points`, labelled with a class so that tests and styles can find it.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, label: String,
                                  dash: String? = nil) {
        let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        elements.append("<polyline class=\"series\" data-label=\"\(Self.escape(label))\" points=\"\(list)\" fill=\"none\" "
            + "stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\" stroke-linejoin=\"round\""
            + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    public mutating func circle(x: Double, y: Double, radius: Double, fill: String) {
        elements.append("<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" fill=\"\(fill)\"/>")
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    public mutating func text(_ text: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                              fill: String = "#222", weight: String? = nil, rotate: Double? = nil) {
        var element = "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\" "
            + "text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\""
        if let weight { element += " font-weight=\"\(weight)\"" }
        if let rotate { element += " transform=\"rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))\"" }
        elements.append(element + ">\(Self.escape(text))</text>")
    }

    /// A raster image, embedded as a PNG data URI, drawn with crisp pixels.
    public mutating func image(_ png: [UInt8], x: Double, y: Double, width: Double, height: Double) {
        elements.append("<image x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
            + "height=\"\(Self.number(height))\" style=\"image-rendering:pixelated\" preserveAspectRatio=\"none\" "
            + "href=\"data:image/png;base64,\(base64(png))\"/>")
    }

    /// The document as text.
    public var text: String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
            + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + elements.joined(separator: "\n") + "\n</svg>\n"
    }
}

/// Base64 of `bytes` (RFC 4648), for data URIs.
func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var result = ""
    result.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i < bytes.count {
        let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
        result.append(alphabet[b0 >> 2])
        result.append(alphabet[(b0 & 3) << 4 | b1 >> 4])
        result.append(i + 1 < bytes.count ? alphabet[(b1 & 15) << 2 | b2 >> 6] : "=")
        result.append(i + 2 < bytes.count ? alphabet[b2 & 63] : "=")
        i += 3
    }
    return result
}
