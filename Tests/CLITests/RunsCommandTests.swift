import Foundation
import Testing

@Suite("Runs recorded by train, listed by backprop runs", .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct RunsCommandTests {
    @Test("Each train is recorded with its epochs and model; runs lists them and compares two")
    func recordedAndListed() throws {
        let directory = try scratchDirectory()
        let store = ["BACKPROP_RUNS": directory + "/runs.sqlite"]
        let common = ["train", "--layers", "784,10,10", "--training-size", "1000", "--epochs", "2"]
        let first = try runBackprop(common + ["--save", directory + "/a.json"], environment: store)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try runBackprop(common + ["--eta", "0.5"], environment: store)
        #expect(second.status == 0, "\(second.stderr)")

        let listed = try runBackprop(["runs", "--json"], environment: store)
        #expect(listed.status == 0, "\(listed.stderr)")
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 2)
        #expect(runs.map { $0["status"] as? String } == ["finished", "finished"])
        #expect(runs.map { $0["epochsDone"] as? Int } == [2, 2])
        #expect(runs[0]["modelPath"] as? String == directory + "/a.json")
        #expect(runs[1]["modelPath"] == nil)
        // The store's best accuracy is the one train printed.
        let printed = try #require(first.stdout.split(separator: "\n").first { $0.hasPrefix("Best:") })
        let best = try #require(runs[0]["bestAccuracy"] as? Double)
        #expect(printed.contains(String(format: "(%.2f%%)", best * 100)), "\(printed) vs \(best)")

        let table = try runBackprop(["runs"], environment: store)
        #expect(table.status == 0 && table.stdout.contains("784,10,10") && table.stdout.contains("finished"), "\(table.stdout)")
        let compared = try runBackprop(["runs", "--compare", "1,2"], environment: store)
        #expect(compared.status == 0, "\(compared.stderr)")
        #expect(compared.stdout.contains("run 1") && compared.stdout.contains("run 2") && compared.stdout.contains("epoch 1"))
        #expect(compared.stdout.contains("3.0") && compared.stdout.contains("0.5"), "η differs: \(compared.stdout)")
    }

    @Test("A store that cannot be written costs a warning, never the run")
    func unwritableStore() throws {
        let directory = try scratchDirectory()
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: directory + "/broken.sqlite"))
        let result = try runBackprop(["train", "--layers", "784,10,10", "--training-size", "500", "--epochs", "1",
                                      "--save", directory + "/m.json"],
                                     environment: ["BACKPROP_RUNS": directory + "/broken.sqlite"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("broken.sqlite") && result.stderr.contains("not recorded"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory + "/m.json"))
    }

    @Test("runs refuses nonsense and says when nothing is recorded")
    func refusals() throws {
        let directory = try scratchDirectory()
        let store = ["BACKPROP_RUNS": directory + "/runs.sqlite"]
        let empty = try runBackprop(["runs"], environment: store)
        #expect(empty.status == 0 && empty.stdout.contains("No runs recorded yet"), "\(empty.stdout)")
        let bad = try runBackprop(["runs", "--compare", "x"], environment: store)
        #expect(bad.status == 2 && bad.stderr.contains("--compare"), "\(bad.stderr)")
        _ = try runBackprop(["train", "--layers", "784,10,10", "--training-size", "200", "--epochs", "1"], environment: store)
        let missing = try runBackprop(["runs", "--compare", "1,9"], environment: store)
        #expect(missing.status != 0 && missing.stderr.contains("no run 9"), "\(missing.stderr)")
        let off = try runBackprop(["runs"], environment: ["BACKPROP_RUNS": "none"])
        #expect(off.status != 0 && off.stderr.contains("recording is off"), "\(off.stderr)")
    }
}
