/// An experiment's runs with consecutive seeds, their spread, and the verdict against the book.
///
/// The rule: an experiment reproduces the book's figure (✓) when the best of its runs comes
/// within ``tolerance`` points of it (0.2 for chapter 6), or above it. Each instruction set sums in its own order, so
/// one seed gives a different run on an AVX2 machine than on an AVX-512 one; a verdict from one
/// seed would be a verdict on the machine. The rule looks instead at as many seeds as the
/// experiment's spread needs: those whose result depends on luck (``BookExperiment/seeds``) train
/// many, and every experiment trains more while short of the figure, as the book reports the best
/// of three runs. Runs that stalled (``SeedRun/stalled``) are counted beside the figure, not
/// judged: the book's footnote to its [784, 100, 10] figure warns of them.
struct SeedSpread {
    var experiment: BookExperiment
    /// In the order trained.
    var runs: [SeedRun]

    /// Points below the book's figure that still count as reproducing it, for chapters 1 and 3.
    static let tolerance = 0.5
    var tolerance: Double { experiment.tolerance }

    /// The run with the best accuracy (the first of equals).
    var best: SeedRun { runs.max { $0.accuracy < $1.accuracy || ($0.accuracy == $1.accuracy && $0.seed > $1.seed) }! }
    var worst: Double { runs.map(\.accuracy).min()! }
    var median: Double {
        let sorted = runs.map(\.accuracy).sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
    var stalledCount: Int { runs.filter(\.stalled).count }
    var seconds: Double { runs.reduce(0) { $0 + $1.seconds } }

    /// Whether a run came within ``tolerance`` points of the book's figure or above it, in
    /// hundredths of a point (one image in 10,000), so that 95.99% is within 0.5 of 96.49%
    /// whatever the last bits of the subtraction.
    func reaches(_ run: SeedRun) -> Bool {
        (run.accuracy * 100).rounded() >= ((experiment.book - tolerance) * 100).rounded()
    }
    /// Runs that came within ``tolerance`` points of the book's figure or above it.
    var reachingCount: Int { runs.filter(reaches).count }

    /// The rule: the best run within ``tolerance`` points of the book's figure, or above it.
    var reproduces: Bool { reaches(best) }

    /// Whether to train another seed, when at most `seeds` may be trained in all.
    func wantsAnotherSeed(within seeds: ClosedRange<Int>) -> Bool {
        runs.count < seeds.lowerBound || (runs.count < seeds.upperBound && !reproduces)
    }
}
