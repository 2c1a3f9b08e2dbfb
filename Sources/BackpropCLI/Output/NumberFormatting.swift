import Foundation

/// 9412 → "9,412": counts are easier to read with thousands separators.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (i, digit) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
}

/// A number with `places` digits after the point, without Foundation's locale rules.
func fixed(_ value: Double, places: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    let fraction = Int(scaled - Double(whole) * scale)
    var text = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
    if places > 0 {
        let digits = String(fraction)
        text += "." + String(repeating: "0", count: places - digits.count) + digits
    }
    return text
}

/// An accuracy from 0 to 1 as a percentage with two decimals: "94.12%".
func percent(_ share: Double) -> String { fixed(share * 100, places: 2) + "%" }

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

/// A time to wait, as precisely as it is worth saying: "0.25 s", "42 s", "7 min", "3.5 h".
func roughDuration(_ seconds: Double) -> String {
    switch seconds {
    case ..<10: fixed(seconds, places: 2) + " s"
    case ..<120: fixed(seconds, places: 0) + " s"
    case ..<7200: fixed(seconds / 60, places: 0) + " min"
    default: fixed(seconds / 3600, places: 1) + " h"
    }
}
