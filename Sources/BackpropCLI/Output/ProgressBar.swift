import Foundation

/// A one-line progress bar on standard error, redrawn in place; silent unless standard error is
/// a terminal, so logs and pipes get only plain lines.
struct ProgressBar {
    let isEnabled: Bool
    private var lastDraw = ContinuousClock.now
    private var visible = false

    init(enabled: Bool = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb") {
        isEnabled = enabled
    }

    /// Shows `label` and a bar `done / total` full, at most ten times a second.
    mutating func update(label: String, done: Int, total: Int, suffix: String = "") {
        guard isEnabled, total > 0 else { return }
        let now = ContinuousClock.now
        guard !visible || now - lastDraw > .milliseconds(100) || done == total else { return }
        lastDraw = now
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        write("\r\(label) \(bar) \(grouped(done)) / \(grouped(total))\(suffix)\u{1B}[K")
        visible = true
    }

    /// Removes the bar so a normal line can be printed in its place.
    mutating func clear() {
        guard isEnabled, visible else { return }
        write("\r\u{1B}[K")
        visible = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Prints a line to standard output at once, even when it is a pipe.
func printLine(_ line: String) {
    print(line)
    fflush(nil)  // all C streams, stdout among them
}
