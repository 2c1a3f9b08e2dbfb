import Foundation

/// A one-line progress bar on standard error, redrawn in place when standard error is a
/// terminal. Logs and pipes get a plain line instead, at most every ``logInterval``, so that long
/// work is never silent there either.
struct ProgressBar {
    let isEnabled: Bool
    /// How often a plain progress line goes to a log or pipe: every 10 seconds, or every
    /// $BACKPROP_PROGRESS_SECONDS.
    let logInterval: Duration = {
        let text = ProcessInfo.processInfo.environment["BACKPROP_PROGRESS_SECONDS"] ?? ""
        guard let seconds = Double(text), seconds > 0, seconds < 1e6 else { return .seconds(10) }
        return .milliseconds(Int(seconds * 1000))
    }()
    private var lastDraw = ContinuousClock.now
    private var visible = false
    /// When and where the current count began, for the time left.
    private var start: (time: ContinuousClock.Instant, done: Int)? = nil
    /// The count and label last reported: a count that goes back or a new label is a new count.
    private var last: (done: Int, label: String)? = nil

    init(enabled: Bool = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb") {
        isEnabled = enabled
    }

    /// Shows `label` and a bar `done / total` full, at most ten times a second; or, when not on
    /// a terminal, a line "label: done / total (n%)" once every ``logInterval``.
    mutating func update(label: String, done: Int, total: Int, suffix: String = "") {
        guard total > 0 else { return }
        let now = ContinuousClock.now
        guard isEnabled else {
            // A new count (the next epoch) starts its own clock: timing it from the last one's
            // start would count the evaluation between them as this one's work.
            if start == nil || done < last?.done ?? 0 || label != last?.label { start = (now, done) }
            last = (done, label)
            guard now - lastDraw >= logInterval, done < total, let start, done > start.done else { return }
            lastDraw = now
            let left = (now - start.time).inSeconds * Double(total - done) / Double(done - start.done)
            write("\(label): \(grouped(done)) / \(grouped(total)) (\(100 * done / total)%), about \(roughDuration(left)) left\n")
            return
        }
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
