import Backprop
@testable import BackpropCLI
import Foundation
import Testing

/// `backprop reproduce`'s rule over seeds, and forcing the kernels' instruction set.
@Suite struct ReproduceRuleTests {
    static let lottery = BookExperiment.all.first { $0.name == "ch1-100" }!
    static let single = BookExperiment.all.first { $0.name == "ch1-30" }!

    func run(_ seed: UInt64, _ accuracy: Double, stalled: Bool = false) -> SeedRun {
        SeedRun(seed: seed, accuracy: accuracy, epoch: 20, seconds: 1, wronglySaturatedOutputShare: stalled ? 0.012 : 0.003)
    }

    @Test func theBestRunWithinHalfAPointReproduces() {
        // The book: 96.59%. 96.09% is within 0.5 points; 96.08% is not.
        var spread = SeedSpread(experiment: Self.lottery, runs: [run(2, 87.0, stalled: true), run(3, 96.09), run(4, 61.5, stalled: true)])
        #expect(spread.reproduces)
        #expect(spread.best.seed == 3 && spread.reachingCount == 1 && spread.stalledCount == 2)
        #expect(spread.median == 87.0 && spread.worst == 61.5)
        spread.runs[1].accuracy = 96.08
        #expect(!spread.reproduces)
        let l2 = BookExperiment.all.first { $0.name == "ch3-l2" }!  // the book: 96.49%
        #expect(SeedSpread(experiment: l2, runs: [run(2, Double(9599) / 10_000 * 100)]).reproduces)
    }

    @Test func aLotteryTrainsTenSeedsThenMoreUntilOneReachesTheFigure() {
        var spread = SeedSpread(experiment: Self.lottery, runs: [])
        for seed in 2..<11 { spread.runs.append(run(UInt64(seed), seed == 5 ? 96.6 : 87.0, stalled: seed != 5)) }
        #expect(spread.wantsAnotherSeed(within: Self.lottery.seeds), "9 seeds: fewer than 10")
        spread.runs.append(run(11, 87.0, stalled: true))
        #expect(!spread.wantsAnotherSeed(within: Self.lottery.seeds), "10 seeds, one reached the figure")
        spread.runs = (2..<12).map { run(UInt64($0), 87.0, stalled: true) }
        #expect(spread.wantsAnotherSeed(within: Self.lottery.seeds), "10 seeds, all stalled")
        spread.runs = (2..<32).map { run(UInt64($0), 87.0, stalled: true) }
        #expect(!spread.wantsAnotherSeed(within: Self.lottery.seeds), "30 seeds at most")
        #expect(!spread.reproduces && spread.stalledCount == 30)
    }

    @Test func otherExperimentsTrainOneSeedAndUpToThreeWhileShort() {
        var spread = SeedSpread(experiment: Self.single, runs: [run(2, 95.0)])  // the book: 95.42%
        #expect(!spread.wantsAnotherSeed(within: Self.single.seeds))
        spread.runs = [run(2, 94.8), run(3, 94.9)]
        #expect(spread.wantsAnotherSeed(within: Self.single.seeds))
        spread.runs.append(run(4, 94.7))
        #expect(!spread.wantsAnotherSeed(within: Self.single.seeds) && !spread.reproduces)
    }

    @Test func stallingIsHalfAPercentOfOutputsSaturatedOnTheWrongAnswer() {
        #expect(run(1, 87, stalled: true).stalled)
        #expect(!run(1, 96.6).stalled)
        #expect(SeedRun(seed: 1, accuracy: 90, epoch: 1, seconds: 1, wronglySaturatedOutputShare: 0.0051).stalled)
        #expect(!SeedRun(seed: 1, accuracy: 90, epoch: 1, seconds: 1, wronglySaturatedOutputShare: 0.005).stalled)
    }

    @Test("An unknown BACKPROP_ISA or --seeds 0 is refused with exit status 2", arguments: [
        (["reproduce"], ["BACKPROP_ISA": "sse"], "BACKPROP_ISA=sse names no instruction set"),
        (["reproduce", "--seeds", "0"], [:], "--seeds: 0 is not 1 to 1000"),
    ])
    func refuses(arguments: [String], environment: [String: String], message: String) throws {
        let result = try runBackprop(arguments, environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }
}

@Suite("reproduce and BACKPROP_ISA on real MNIST", .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct ReproduceCommandTests {
    @Test("--seeds trains that many seeds and lists them, with the rule's verdict and the machine")
    func seeds() throws {
        let result = try runBackprop(["reproduce", "--only", "ch3-init-new", "--seeds", "2", "--seed", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("best of 2 seeds 5–6"))
        #expect(result.stdout.contains("ch3-init-new by seed: 5 "))
        #expect(result.stdout.contains("Measured on "))
        #expect(result.stdout.contains("1 of 1 within 0.5 points"))
    }

    @Test("BACKPROP_ISA picks the kernels that train uses and its header names", arguments: [Engine.portable, .avx2])
    func forcedInstructionSet(engine: Engine) throws {
        let result = try runBackprop(["train", "--layers", "784,10,10", "--training-size", "1000", "--epochs", "1"],
                                     environment: ["BACKPROP_ISA": engine.rawValue])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = Engine.supported.contains(engine) ? engine : Engine.supported.last!
        #expect(result.stdout.contains(expected.summary), "\(result.stdout)")
    }
}
