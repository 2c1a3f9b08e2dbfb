import Foundation

/// What the output can show: colour only on a terminal and never with NO_COLOR set
/// (https://no-color.org).
enum Terminal {
    static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    static var usesColor: Bool {
        standardOutputIsTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }

    /// `text` in an ANSI colour (e.g. 32 green, 31 red) when colour is on.
    static func colored(_ text: String, _ code: Int) -> String {
        usesColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// A sparkline of `values`, e.g. accuracy so far: ▁▂▄▆█.
    static func sparkline(_ values: [Double]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        guard let low = values.min(), let high = values.max() else { return "" }
        return String(values.map { value in
            high - low < 1e-12 ? blocks[3] : blocks[Int(((value - low) / (high - low) * 7).rounded())]
        })
    }

    /// A 28×28 (or any square) image in shade blocks, two characters per pixel so it keeps its shape.
    static func shades(_ pixels: [Double], side: Int) -> [String] {
        let levels = Array(" ░▒▓█")
        return (0..<side).map { row in
            String((0..<side).flatMap { column -> [Character] in
                let level = levels[min(4, Int((pixels[row * side + column] * 4).rounded()))]
                return [level, level]
            })
        }
    }
}
