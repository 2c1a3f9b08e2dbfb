import Foundation

/// Progress of long work whose cost can be estimated up front, on standard error: work estimated
/// at more than `announceAfter` seconds is announced with its estimate before it starts, then
/// shown by a ``ProgressBar`` with the time left at the rate so far. Work estimated to be shorter
/// runs silently.
final class EstimatedProgress {
    /// What is being done, e.g. "Finite differences".
    let label: String
    /// Units of work (e.g. parameters) in all.
    let total: Int
    /// The estimate of the whole work, in seconds.
    let estimatedSeconds: Double
    /// Whether anything is shown at all: the estimate is above the announcing threshold.
    let isShown: Bool
    private let write: (String) -> Void
    private var bar = ProgressBar()
    private let start = ContinuousClock.now
    private var lastUpdate = ContinuousClock.now - .seconds(1)

    /// - Parameters:
    ///   - label: What is being done.
    ///   - total: Units of work.
    ///   - estimatedSeconds: The estimate of the whole work.
    ///   - announceAfter: Show nothing for work estimated at this many seconds or fewer.
    ///   - write: Where the announcement goes; standard error unless a test catches it.
    init(label: String, total: Int, estimatedSeconds: Double, announceAfter: Double = 3,
         write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.total = total
        self.estimatedSeconds = estimatedSeconds
        isShown = estimatedSeconds > announceAfter
        self.write = write
    }

    /// Writes the estimate before the work starts, with `detail` saying what it is made of.
    func announce(_ detail: String) {
        guard isShown else { return }
        write("\(label): \(detail); about \(roughDuration(estimatedSeconds)) in all\n")
    }

    /// Reports that `done` of the `total` units are finished. Cheap enough to call for each unit:
    /// the text is made at most 20 times a second.
    func update(done: Int) {
        guard isShown else { return }
        let now = ContinuousClock.now
        guard now - lastUpdate >= .milliseconds(50) || done == total else { return }
        lastUpdate = now
        let elapsed = (now - start).inSeconds
        let left = done > 0 && done < total ? ", about \(roughDuration(elapsed / Double(done) * Double(total - done))) left" : ""
        bar.update(label: label, done: done, total: total, suffix: left)
    }

    /// Removes the bar, so that the results print on a clean line.
    func finish() {
        bar.clear()
    }
}
