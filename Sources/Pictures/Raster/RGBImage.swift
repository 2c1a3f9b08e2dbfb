/// An 8-bit RGB raster image.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Red, green, blue for each pixel, row by row.
    public var pixels: [UInt8]

    /// A `width × height` image filled with one colour.
    public init(width: Int, height: Int, fill: Color = .white) {
        precondition(width > 0 && height > 0, "An image needs at least one pixel")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fillRect(x: 0, y: 0, width: width, height: height, color: fill)
    }

    public subscript(x: Int, y: Int) -> Color {
        get {
            let i = (y * width + x) * 3
            return Color(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
        }
        set {
            let i = (y * width + x) * 3
            pixels[i] = newValue.red
            pixels[i + 1] = newValue.green
            pixels[i + 2] = newValue.blue
        }
    }

    /// Fills a rectangle, clipped to the image.
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, color: Color) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) { self[column, row] = color }
        }
    }
}

/// An sRGB colour.
public struct Color: Equatable, Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let white = Color(red: 255, green: 255, blue: 255)
    public static let black = Color(red: 0, green: 0, blue: 0)

    /// "#rrggbb".
    public var hex: String {
        "#" + [red, green, blue].map { value in
            let digits = String(value, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The colour a fraction `t` (0…1) of the way from `self` to `other`.
    public func mixed(with other: Color, _ t: Double) -> Color {
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * min(max(t, 0), 1)).rounded())
        }
        return Color(red: channel(red, other.red), green: channel(green, other.green), blue: channel(blue, other.blue))
    }
}

/// Colour scales for the figures.
public enum ColorScale {
    static let negative = Color(red: 33, green: 102, blue: 172)   // blue
    static let positive = Color(red: 178, green: 24, blue: 43)    // red

    /// Diverging, centred on zero: blue for negative, white for 0, red for positive; ±`limit` and
    /// beyond get the full colour.
    public static func diverging(_ value: Double, limit: Double) -> Color {
        guard limit > 0, value.isFinite else { return .white }
        let t = value / limit
        return t < 0 ? Color.white.mixed(with: negative, -t) : Color.white.mixed(with: positive, t)
    }

    /// Sequential, white for 0 to dark blue for 1.
    public static func sequential(_ t: Double) -> Color {
        Color.white.mixed(with: Color(red: 8, green: 48, blue: 107), t)
    }

    /// A grey for a pixel value in [0, 1]: 0 white (paper), 1 black (ink), as digits are drawn.
    public static func ink(_ t: Double) -> Color {
        let level = UInt8((255 * (1 - min(max(t, 0), 1))).rounded())
        return Color(red: level, green: level, blue: level)
    }
}
