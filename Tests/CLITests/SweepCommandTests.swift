import Foundation
import Testing

/// `backprop sweep` and `backprop ensemble` on a few hundred MNIST images.
@Suite("Sweeps and ensembles on the command line", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct SweepCommandTests {
    /// Three runs of one epoch on 300 images.
    static let spec = """
        # a tiny sweep for the tests
        name: tiny
        eta: 0.5, 3
        seed: 1 2
        layers: 784,10,10
        training-size: 300
        epochs: 2
        evaluate-on: validation
        """

    /// A folder with the spec in it.
    func folder(spec: String = Self.spec) throws -> String {
        let directory = try scratchDirectory()
        try Data(spec.utf8).write(to: URL(fileURLWithPath: directory + "/tiny.sweep"))
        return directory
    }

    /// The sweep's runs in `store`, as report --json lists them.
    func reported(_ directory: String, store: String) throws -> [[String: Any]] {
        let report = try runBackprop(["sweep", "--report", directory + "/tiny.sweep", "--json", "--store", store])
        try #require(report.status == 0, "\(report.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]])
    }

    @Test("A sweep's runs land in the store once; started again it skips them; the results do not depend on --jobs")
    func recordedOnceAndSkipped() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = directory + "/runs.sqlite"
        let first = try runBackprop(["sweep", directory + "/tiny.sweep", "--jobs", "2", "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Sweep tiny: 4 runs; training 4 on 2 threads"), "\(first.stdout)")
        #expect(first.stdout.contains("[4/4]"), "\(first.stdout)")
        let runs = try reported(directory, store: store)
        #expect(runs.count == 4)
        #expect(runs.allSatisfy { $0["status"] as? String == "finished" && $0["epochsDone"] as? Int == 2 })
        #expect(Set(runs.map { ($0["settings"] as? [String: String])?["eta"] ?? "" }) == ["0.5", "3"])
        // Each run's command trains the same run alone.
        #expect(runs.allSatisfy { ($0["command"] as? String)?.hasPrefix("backprop train --eta ") == true })

        let again = try runBackprop(["sweep", directory + "/tiny.sweep", "--store", store])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("4 done before") && again.stdout.contains("Nothing to train"), "\(again.stdout)")
        #expect(try reported(directory, store: store).count == 4)

        // One at a time, in another store: the same accuracies, run for run.
        let alone = directory + "/alone.sqlite"
        let serial = try runBackprop(["sweep", directory + "/tiny.sweep", "--jobs", "1", "--store", alone])
        #expect(serial.status == 0, "\(serial.stderr)")
        func accuracies(_ runs: [[String: Any]]) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: runs.map { run in
                let settings = run["settings"] as? [String: String] ?? [:]
                return ("\(settings["eta"] ?? "") \(settings["seed"] ?? "")", run["bestAccuracy"] as? Double ?? -1)
            })
        }
        #expect(accuracies(try reported(directory, store: alone)) == accuracies(runs))
    }

    @Test("A sweep interrupted by SIGINT keeps what finished; started again it trains only the rest")
    func interruptedAndResumed() throws {
        let directory = try folder(spec: Self.spec.replacingOccurrences(of: "seed: 1 2", with: "seed: 1 2 3 4 5 6")
            .replacingOccurrences(of: "training-size: 300", with: "training-size: 3000"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = directory + "/runs.sqlite"
        let (process, output) = try startBackprop(["sweep", directory + "/tiny.sweep", "--jobs", "1", "--store", store])
        _ = readUntil(output, lineStartingWith: "[1/12]")
        kill(process.processIdentifier, SIGINT)
        let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 130, "the sweep ended before the signal: \(rest)")
        #expect(rest.contains("Interrupted by SIGINT") && rest.contains("stopped in flight (not recorded): eta="), "\(rest)")
        let recorded = try reported(directory, store: store).count
        #expect(recorded >= 1 && recorded < 12)

        let resumed = try runBackprop(["sweep", directory + "/tiny.sweep", "--store", store])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("\(recorded) done before; training \(12 - recorded)"), "\(resumed.stdout)")
        let runs = try reported(directory, store: store)
        #expect(runs.count == 12)
        #expect(Set(runs.map { $0["run"] as? Int ?? 0 }).count == 12)
    }

    @Test("The report ranks the runs and draws accuracy against η and the best runs' learning curves")
    func report() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = directory + "/runs.sqlite"
        _ = try runBackprop(["sweep", directory + "/tiny.sweep", "--store", store])
        let report = try runBackprop(["sweep", "--report", "tiny", "--store", store, "--plot", directory + "/eta.svg",
                                      "--curves", directory + "/curves.svg"])
        #expect(report.status == 0, "\(report.stderr)")
        let lines = report.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Sweep tiny: 4 runs recorded; all with epochs=2") == true, "\(report.stdout)")
        #expect(lines.count > 1 && lines[1].hasPrefix("rank  run  eta  seed  best"), "\(report.stdout)")
        let svg = try String(contentsOfFile: directory + "/eta.svg", encoding: .utf8)
        #expect(svg.contains("best accuracy against η") && svg.contains("log₁₀ η") == false)
        #expect(FileManager.default.fileExists(atPath: directory + "/curves.svg"))
        let missing = try runBackprop(["sweep", "--report", "nosuch", "--store", store])
        #expect(missing.status == 1 && missing.stderr.contains("no runs of a sweep named nosuch"), "\(missing.stderr)")
    }

    @Test("A spec with a mistake is refused with exit status 2, naming the line, before any training")
    func refusedSpec() throws {
        let directory = try folder(spec: "eta: 0.5\nmini-batch-size: 10 0\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runBackprop(["sweep", directory + "/tiny.sweep", "--store", directory + "/runs.sqlite"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("tiny.sweep:2: mini-batch-size 0: --mini-batch-size must be at least 1"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/runs.sqlite"))
    }

    @Test("An ensemble reports each member and the vote, and saves the members")
    func ensemble() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runBackprop(["ensemble", "--members", "3", "--seed", "4", "--layers", "784,10,10", "--training-size", "500",
                                      "--epochs", "2", "--save-members", directory + "/member-{seed}.json"])
        #expect(result.status == 0, "\(result.stderr)")
        for seed in 4...6 {
            #expect(result.stdout.contains("Member seed \(seed): "), "\(result.stdout)")
            #expect(FileManager.default.fileExists(atPath: directory + "/member-\(seed).json"))
        }
        #expect(result.stdout.contains("Vote of 3: "), "\(result.stdout)")
        // A member saved is the network train with the same options and seed saves.
        let alone = try runBackprop(["train", "--layers", "784,10,10", "--training-size", "500", "--epochs", "2", "--seed", "5",
                                     "--save", directory + "/alone.json"])
        #expect(alone.status == 0, "\(alone.stderr)")
        func network(_ name: String) throws -> Data {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))) as? [String: Any]
            return try JSONSerialization.data(withJSONObject: object?["network"] ?? [:], options: .sortedKeys)
        }
        #expect(try network("member-5.json") == network("alone.json"))
        // The saved members voted again give the same vote, line for line.
        let saved = try runBackprop(["ensemble", "--models"] + (4...6).map { directory + "/member-\($0).json" })
        #expect(saved.status == 0, "\(saved.stderr)")
        let voteLine = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("Vote of 3: ") } }
        #expect(voteLine(saved.stdout) != nil && voteLine(saved.stdout) == voteLine(result.stdout), "\(saved.stdout)")
        #expect(saved.stdout.contains(directory + "/member-4.json: "), "\(saved.stdout)")
    }

    @Test("ensemble --models refuses training options beside it, and files that are not models")
    func ensembleOfSavedModelsRefusals() throws {
        let refused = try runBackprop(["ensemble", "--models", "a.json", "--epochs", "1"])
        #expect(refused.status == 2 && refused.stderr.contains("--models votes saved networks and trains nothing"), "\(refused.stderr)")
        for extra in [["--members", "3"], ["--seed", "2"], ["--jobs", "1"]] {
            let given = try runBackprop(["ensemble", "--models", "a.json"] + extra)
            #expect(given.status == 2 && given.stderr.contains("\(extra[0]) has no place beside it"), "\(given.stderr)")
        }
        let stray = try runBackprop(["ensemble", "--models", "a.json", "--data", "/tmp", "b.json"])
        #expect(stray.status == 2 && stray.stderr.contains("unexpected argument 'b.json'"), "\(stray.stderr)")
        let missing = try runBackprop(["ensemble", "--models", "/nonexistent/m.json"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/m.json"), "\(missing.stderr)")
        // A file that is not a model, and a model of the wrong size.
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: directory + "/text.json"))
        let text = try runBackprop(["ensemble", "--models", directory + "/text.json"])
        #expect(text.status != 0 && text.stderr.contains(directory + "/text.json"), "\(text.stderr)")
        let network2 = #"{"sizes": [3, 2], "weights": [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]], "biases": [[[0.1], [0.2]]], "cost": "CrossEntropyCost"}"#
        try Data(network2.utf8).write(to: URL(fileURLWithPath: directory + "/small.json"))
        let wrong = try runBackprop(["ensemble", "--models", directory + "/small.json"])
        #expect(wrong.status != 0 && wrong.stderr.contains("cannot read MNIST images"), "\(wrong.stderr)")
        // One model voted twice: the vote is its own answers.
        let one = try runBackprop(["train", "--layers", "784,10", "--training-size", "100", "--epochs", "1", "--save", directory + "/one.json"])
        #expect(one.status == 0, "\(one.stderr)")
        let twice = try runBackprop(["ensemble", "--models", directory + "/one.json", directory + "/one.json"])
        #expect(twice.status == 0 && twice.stdout.contains("0.00 points above the best member"), "\(twice.stdout) \(twice.stderr)")
    }

    @Test("ensemble refuses outputs that clash and options it does not take, before any work", arguments: [
        (["--save-members", "m.json"], "{seed}"),
        (["--save", "m.json"], "--save"),
        (["--threads", "2"], "--threads"),
        (["--data-parallel"], "--data-parallel: an ensemble shares its runs among the ranks"),
        (["--members", "0"], "--members"),
        (["--eta", "-1"], "--eta"),
    ])
    func ensembleRefusals(arguments: [String], expected: String) throws {
        let result = try runBackprop(["ensemble", "--layers", "784,10,10", "--epochs", "1"] + arguments)
        #expect(result.status == 2 && result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test("ensemble refuses to write a member over an input file")
    func ensembleKeepsInputs() throws {
        let mnist = try #require(ProcessInfo.processInfo.environment["MNIST_DIR"])
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A link named like the pattern's file, pointing at an MNIST file.
        let folder = URL(fileURLWithPath: mnist).standardizedFileURL.path  // a link's target is read from its own folder
        let input = ["train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte"].map { folder + "/" + $0 }
            .first(where: FileManager.default.fileExists(atPath:))!
        try FileManager.default.createSymbolicLink(atPath: directory + "/m-1.json", withDestinationPath: input)
        let result = try runBackprop(["ensemble", "--members", "1", "--epochs", "1", "--save-members", directory + "/m-{seed}.json"])
        #expect(result.status == 2 && result.stderr.contains("--data"), "\(result.stderr)")
    }
}
