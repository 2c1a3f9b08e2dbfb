@testable import BackpropCLI
import Testing

/// Sweep spec files: the grid and the samples they make, and each mistake refused with its line.
@Suite struct SweepSpecTests {
    func plan(_ text: String) throws -> SweepPlan {
        try SweepPlan(try SweepSpec.parse(text, file: "s.sweep", defaultName: "s"))
    }

    /// The message for `text`, which must be refused.
    func refusal(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            _ = try plan(text)
            Issue.record("accepted: \(text)", sourceLocation: sourceLocation)
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func aGridHoldsEveryCombinationTheFirstKeyVaryingSlowest() throws {
        let plan = try plan("""
            # η and λ
            name: grid-1
            eta: 0.5, 3
            lambda: 0 1 5
            layers: 784,30,10, conv:20x5x5,pool:2,fc:100,softmax:10
            training-size: 1000
            """)
        #expect(plan.spec.name == "grid-1" && plan.runs.count == 12)
        #expect(plan.spec.varyingKeys == ["eta", "lambda", "layers"])
        #expect(plan.runs[0].key == "eta=0.5 lambda=0 layers=784,30,10 training-size=1000")
        #expect(plan.runs[1].arguments == ["--eta", "0.5", "--lambda", "0", "--layers", "conv:20x5x5,pool:2,fc:100,softmax:10",
                                           "--training-size", "1000"])
        #expect(plan.runs[11].key == "eta=3 lambda=5 layers=conv:20x5x5,pool:2,fc:100,softmax:10 training-size=1000")
        #expect(Set(plan.runs.map(\.key)).count == 12)
    }

    @Test func flagsAreTrueOrFalse() throws {
        let plan = try plan("expand: true false\nepochs: 1")
        #expect(plan.runs.map(\.arguments) == [["--expand", "--epochs", "1"], ["--epochs", "1"]])
    }

    @Test func samplesAreTheSameForTheSameSeedAndDrawnFromTheirRanges() throws {
        let text = "samples: 20\nsampling-seed: 7\neta: 0.01..10 log\nlambda: 0..5\nmini-batch-size: 5..50\ncost: quadratic cross-entropy"
        let first = try plan(text), second = try plan(text)
        #expect(first.runs == second.runs && first.runs.count == 20)
        for run in first.runs {
            let eta = try #require(Double(run.value(of: "eta")!)), lambda = try #require(Double(run.value(of: "lambda")!))
            let m = try #require(Int(run.value(of: "mini-batch-size")!))
            #expect((0.01...10).contains(eta) && (0...5).contains(lambda) && (5...50).contains(m))
        }
        #expect(Set(first.runs.map { $0.value(of: "cost")! }) == ["quadratic", "cross-entropy"])
        let other = try plan(text.replacingOccurrences(of: "sampling-seed: 7", with: "sampling-seed: 8"))
        #expect(other.runs != first.runs)
        // Samples that repeat an earlier one are dropped: two values give at most two runs.
        #expect(try plan("samples: 10\ncost: quadratic cross-entropy").runs.count == 2)
    }

    @Test("Each mistake is refused with the line and key it is about", arguments: [
        ("eta: 0.5\nlambda: -1", "s.sweep:2: lambda -1: --lambda (λ) must be 0 or more"),
        ("eta: 0.5, abc", "s.sweep:1: eta abc:"),
        ("\n\nbogus-option: 3", "s.sweep:3: bogus-option 3:"),
        ("eta 0.5", "s.sweep:1: expected \"key: values\""),
        ("eta: 0.5\neta: 3", "s.sweep:2: eta is given again (first on line 1)"),
        ("eta: 0.5 0.5", "s.sweep:1: eta: 0.5 is listed twice"),
        ("eta: 0.01..1", "s.sweep:1: eta: a range is drawn from in a random search"),
        ("samples: 3\neta: 1..0.5", "s.sweep:2: eta: a range is written low..high"),
        ("samples: 3\neta: 0..1 log", "s.sweep:2: eta: a log range needs a low end above 0"),
        ("samples: many\neta: 1", "s.sweep:1: samples:"),
        ("eta: 1\nsave: m.json", "s.sweep:2: save: a sweep records its runs in the runs store"),
        ("threads: 2", "s.sweep:1: threads: each training of a sweep runs on one thread"),
        ("data-parallel: true", "s.sweep:1: data-parallel: a sweep shares its runs among the ranks"),
        ("expand: yes", "s.sweep:1: expand is a flag"),
        ("layers: 784,30,10, 100,10\neta: 1", "s.sweep:1: layers 100,10: --layers"),
        ("early-stopping: 3\nevaluate-on: test none", "s.sweep:1: early-stopping 3: --halve-eta-after and --early-stopping"),
        ("# nothing", "s.sweep: no settings"),
        ("samples: 3\nmini-batch-size: 1..9223372036854775807", "s.sweep:2: mini-batch-size: a range of whole numbers must lie within"),
        ("samples: 3\nseed: -9223372036854775808..9223372036854775807", "s.sweep:2: seed: a range of whole numbers must lie within"),
    ])
    func mistakes(text: String, expected: String) {
        let message = refusal(text)
        #expect(message.hasPrefix(expected), "\(message)")
    }

    @Test func anOptionIsNamedOnlyWhereItStandsAlone() {
        #expect(SweepPlan.names("--eta (η) must be positive", option: "eta"))
        #expect(!SweepPlan.names("--halve-eta-after must be at least 1", option: "eta"))
        #expect(!SweepPlan.names("--output-activation softmax", option: "activation"))
        #expect(SweepPlan.names("The value 'x' is invalid for '--activation <name>'", option: "activation"))
    }
}

/// The ensemble's vote and its tie rule.
@Suite struct PluralityVoteTests {
    @Test func theMostChosenDigitWins() {
        let (answers, ties) = PluralityVote.vote([[1, 2, 3], [1, 4, 3], [0, 4, 3]], classes: 10)
        #expect(answers == [1, 4, 3] && ties == 0)
    }

    @Test func aTieGoesToTheFirstMemberWhoseChoiceIsAmongTheTiedDigits() {
        // Per image, members' choices: 1 5 3 5 3 (tied 5 and 3; the first member chose 1, the
        // second 5), 3 5 3 5 1 (tied; the first member chose 3), 7 7 2 2 9 (tied; 7), 4 4 4 0 0.
        let choices = [[1, 3, 7, 4], [5, 5, 7, 4], [3, 3, 2, 4], [5, 5, 2, 0], [3, 1, 9, 0]]
        let (answers, ties) = PluralityVote.vote(choices, classes: 10)
        #expect(answers == [5, 3, 7, 4])
        #expect(ties == 3)
        // Not the smallest tied digit (numpy's argmax of a bincount would give 3, 3, 2).
        #expect(answers[0] != 3)
    }

    @Test func twoMembersWhoDisagreeGiveTheFirstMembersChoice() {
        let (answers, ties) = PluralityVote.vote([[2, 8], [6, 8]], classes: 10)
        #expect(answers == [2, 8] && ties == 1)
    }
}
