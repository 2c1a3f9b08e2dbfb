import ArgumentParser
import Backprop
import Datasets
import Foundation
import Runs

/// `backprop ensemble`: k networks that differ only in their seed, and their plurality vote on
/// the test images, as chapter 6's ensemble of five networks.
struct Ensemble: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train several networks with different seeds and measure their plurality vote on the test images.",
        discussion: """
            Every other option is an option of backprop train and means what it means there: \
            backprop ensemble --members 5 --layers conv:20x5x5,pool:2,fc:100,softmax:10 --eta 0.03 \
            trains five such networks, seeds --seed, --seed + 1, …, each on one thread, across the \
            cores (or the ranks under mpirun), and prints each member's accuracy on the 10,000 test \
            images and the vote's. The vote picks the digit most members chose; a tie goes to the \
            first member (lowest seed) whose choice is among the tied digits. With --models, it \
            votes saved networks instead (trained apart, e.g. by resumable train runs with \
            --checkpoint), the first file first among ties, and trains nothing.
            """)

    @Option(name: .customLong("members"), help: ArgumentHelp("Networks to train (k; default 5).", valueName: "k"))
    var membersGiven: Int?

    @Option(name: .customLong("seed"), help: ArgumentHelp("The first member's seed; the others follow it (seed, seed + 1, …; default 1).",
                                                          valueName: "seed"))
    var seedGiven: UInt64?

    var members: Int { membersGiven ?? 5 }
    var seed: UInt64 { seedGiven ?? 1 }

    @OptionGroup var jobs: JobsOption

    @Option(help: ArgumentHelp("Save each member's model (backprop's format), the pattern's {seed} replaced by its seed, e.g. models/member-{seed}.json.", valueName: "pattern"))
    var saveMembers: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Vote these saved networks on the test images instead of training members.",
                                                          valueName: "model"))
    var models: [String] = []

    @OptionGroup var data: DataOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Options of backprop train for every member.", valueName: "train-options"))
    var trainOptions: [String] = []

    /// The members' seeds, in member order.
    var seeds: [UInt64] { (0..<UInt64(max(members, 0))).map { seed &+ $0 } }

    func validate() throws {
        guard (1...1000).contains(members) else { throw ValidationError("--members must be from 1 to 1,000, got \(members)") }
        if !models.isEmpty {
            let given = [("--members", membersGiven != nil), ("--seed", seedGiven != nil), ("--jobs", jobs.jobs != nil),
                         ("--save-members", saveMembers != nil)].filter(\.1).map(\.0)
            if let word = trainOptions.first, !word.hasPrefix("-") {
                throw ValidationError("--models: unexpected argument '\(word)': give the model files right after --models")
            }
            if let option = trainOptions.first ?? given.first {
                throw ValidationError("--models votes saved networks and trains nothing: \(option) has no place beside it")
            }
        }
        for option in trainOptions where option.hasPrefix("--") {
            let key = String(option.dropFirst(2).prefix { $0 != "=" })
            if SweepSpec.outputKeys.contains(key) {
                throw ValidationError("--\(key): an ensemble saves its members with --save-members, e.g. models/member-{seed}.json")
            }
            if let reason = SweepSpec.refusedKeys[key] {
                throw ValidationError("--\(key): " + reason.replacingOccurrences(of: "a sweep", with: "an ensemble")
                    .replacingOccurrences(of: "backprop sweep", with: "backprop ensemble"))
            }
        }
        do { _ = try Train.parse(trainOptions) } catch { throw ValidationError(Train.message(for: error)) }
        if let saveMembers {
            guard saveMembers.contains("{seed}") else {
                throw ValidationError("--save-members \(saveMembers): put {seed} in the name, e.g. models/member-{seed}.json, so each member has its own file")
            }
            let inputs = MNIST.File.allCases.flatMap { file in
                ["", ".gz"].map { ("--data", data.resolvedDirectory + "/" + file.rawValue + $0) as (String, String?) }
            }
            try OutputCheck(inputs: inputs, outputs: seeds.map { ("--save-members", memberPath($0), ["json"]) }).verify()
        }
    }

    func memberPath(_ seed: UInt64) -> String? { saveMembers?.replacingOccurrences(of: "{seed}", with: "\(seed)") }

    /// What one member sends back.
    struct Member: Codable, Sendable {
        var seed: UInt64
        var status: RunStatus
        var epochs: Int
        var seconds: Double
        /// Its choice for each test image.
        var choices: [UInt8]
        /// Its model, when the members are saved.
        var model: ModelFile?
    }

    func run() throws {
        if !models.isEmpty { return try voteSaved() }
        let part = try Participation.join()
        let mnist = try data.loadAll(includingTest: true)
        let threads = jobs.threads(part)
        let options = trainOptions, save = saveMembers != nil
        if part.isRoot {
            let seedText = members == 1 ? "seed \(seeds[0])" : "seeds \(seeds.first!)–\(seeds.last!)"
            printLine("Ensemble of \(members) network\(members == 1 ? "" : "s"), \(seedText), \(part.describe(threads: threads))"
                      + (options.isEmpty ? "" : ": train " + options.joined(separator: " ")))
        }
        Signals.catchInterruptions()
        var finished: [Member] = []
        let stopped = try part.workers(threads: threads).run(seeds, shouldStop: { Signals.received != nil }, work: { seed in
            try Self.train(options, seed: seed, mnist: mnist, save: save)
        }, deliver: { _, member in
            finished.append(member)
            printLine(describe(member, test: mnist.test))
        })
        guard part.isRoot else { return part.finish() }
        if let signal = Signals.received {
            printLine("Interrupted by \(Signals.name(signal)): \(finished.count) of \(members) members trained, no vote; "
                      + "stopped: " + stopped.map { "seed \($0.job)" + ($0.place.map { " (\($0))" } ?? "") }.joined(separator: ", "))
            Foundation.exit(Signals.exitStatus(for: signal))
        }
        report(finished.sorted { $0.seed < $1.seed }, test: mnist.test)
        part.finish()
    }

    /// "Member seed 4: 95.12% on the test images (2 epochs, 1.3 s); saved to m-4.json", saving it.
    func describe(_ member: Member, test: LabelledData) -> String {
        let correct = zip(member.choices, test.labels).filter { $0 == $1 }.count
        var line = "Member seed \(member.seed): \(percent(Double(correct) / Double(test.count))) on the test images "
            + "(\(member.epochs) epoch\(member.epochs == 1 ? "" : "s"), \(fixed(member.seconds, places: 1)) s"
            + (member.status == .finished ? ")" : ", \(member.status.rawValue))")
        if let model = member.model, let path = memberPath(member.seed) {
            do { try model.save(to: path); line += "; saved to \(path)" } catch {
                warn("could not write \(path): \(error)")
            }
        }
        return line
    }

    /// One member, trained as backprop train with `options` and `--seed seed` would train it.
    static func train(_ options: [String], seed: UInt64, mnist: MNIST, save: Bool) throws -> Member? {
        let train = try Train.parse(options + ["--seed", "\(seed)"])
        guard let (run, status) = try QuietTraining.train(train, mnist: mnist, shouldStop: { Signals.received != nil }) else { return nil }
        let choices = run.network.predictions(on: mnist.test, engine: train.engineOption.engine).map(UInt8.init)
        let settings = train.data.settings(for: mnist)
        return Member(seed: seed, status: status, epochs: run.history.epochs.count, seconds: run.history.trainingSeconds,
                      choices: choices, model: save ? ModelFile(run: run, data: settings) : nil)
    }

    /// The vote of the networks in `models`, each one's accuracy first.
    func voteSaved() throws {
        let networks = try models.map(ModelArgument.mnistNetwork(at:))
        let test = try data.load(.test)
        var voters: [Member] = []
        for (index, (path, network)) in zip(models, networks).enumerated() {
            let choices = network.predictions(on: test).map(UInt8.init)
            let correct = zip(choices, test.labels).filter { $0 == $1 }.count
            printLine("\(path): \(percent(Double(correct) / Double(test.count))) on the test images")
            voters.append(Member(seed: UInt64(index), status: .finished, epochs: 0, seconds: 0, choices: choices, model: nil))
        }
        report(voters, test: test)
    }

    /// Each member's accuracy and the vote's.
    func report(_ members: [Member], test: LabelledData) {
        let labels = test.labels.map(Int.init)
        let accuracy = { (choices: [Int]) in Double(zip(choices, labels).filter { $0 == $1 }.count) / Double(labels.count) }
        let choices = members.map { $0.choices.map(Int.init) }
        let (answers, ties) = PluralityVote.vote(choices, classes: MNIST.classCount)
        let best = choices.map(accuracy).max()!
        let vote = accuracy(answers)
        let correct = zip(answers, labels).filter { $0 == $1 }.count
        let unanimous = labels.indices.filter { image in choices.allSatisfy { $0[image] == choices[0][image] } }.count
        if members.count == 1 { printLine("(one network: the vote is its own answer)") }
        printLine("Vote of \(members.count): \(percent(vote)) (\(grouped(correct)) / \(grouped(labels.count))), "
                  + (vote >= best ? "\(fixed((vote - best) * 100, places: 2)) points above" : "\(fixed((best - vote) * 100, places: 2)) points below")
                  + " the best member (\(percent(best))); all members agreed on \(grouped(unanimous)) images, "
                  + "\(grouped(ties)) were tied (the first member's choice among the tied digits)")
    }
}
