import Foundation

/// A number with `digits` significant digits, as C's %g writes it.
func significant(_ value: Double, _ digits: Int = 6) -> String {
    String(format: "%.\(digits)g", value)
}

/// A number in scientific notation with two digits after the point: "3.14e-08".
func scientific(_ value: Double) -> String {
    String(format: "%.2e", value)
}

/// A measurement that may not have been made: "–" when it was not, never a 0 that reads as a result.
func scientific(_ value: Double?) -> String {
    value.map(scientific) ?? "–"
}

/// Seconds with a sensible unit: "52.3 µs", "1.24 ms", "3.51 s".
func duration(_ seconds: Double) -> String {
    if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
    if seconds < 1 { return String(format: "%.2f ms", seconds * 1e3) }
    return String(format: "%.2f s", seconds)
}

/// Writes a Codable value as pretty JSON on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    printLine(String(decoding: try encoder.encode(value), as: UTF8.self))
}
