import Foundation
import Testing

/// `backprop train` mistakes that are caught before any data is read or any epoch runs.
@Suite("train refuses, before any work, what would lose work or be ignored")
struct TrainRefusalTests {
    @Test("An output that names an input or another output, a wrong extension, a missing folder or a folder",
          arguments: [
            (["--save", "{d}/m.json", "--history", "{d}/m.json"], "--history {d}/m.json is the file --save also writes"),
            (["--save", "{d}/m.json", "--checkpoint", "{d}/./m.json"], "is the file --checkpoint also writes"),
            (["--save", "{d}/link.json", "--history", "{d}/existing.json"], "is the file --save also writes"),
            (["--resume", "{d}/existing.json", "--save", "{d}/link.json"], "is the file --resume (checkpointed after every epoch) also writes"),
            (["--resume", "{d}/existing.json", "--checkpoint", "{d}/c.json", "--save", "{d}/link.json"], "is the file given as --resume"),
            (["--resume", "{d}/existing.txt"], "--resume (checkpointed after every epoch) {d}/existing.txt: the file name must end in .json"),
            (["--save", "{d}/m.txt"], "must end in .json"),
            (["--plot", "{d}/curves.pdf"], "must end in .svg or .png"),
            (["--history", "{d}/h.txt"], "must end in .json or .csv"),
            (["--save-safetensors", "{d}/m.json"], "must end in .safetensors"),
            (["--save", "{d}/no/such/folder/m.json"], "does not exist"),
            (["--save", "{d}/folder.json"], "is a folder"),
          ])
    func clobberingOutputs(arguments: [String], message: String) throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("{}".utf8).write(to: URL(fileURLWithPath: directory + "/existing.json"))
        try FileManager.default.createSymbolicLink(atPath: directory + "/link.json", withDestinationPath: directory + "/existing.json")
        try FileManager.default.createDirectory(atPath: directory + "/folder.json", withIntermediateDirectories: false)
        let expand = { (text: String) in text.replacingOccurrences(of: "{d}", with: directory) }
        let result = try runBackprop(["train", "--epochs", "1"] + arguments.map(expand), environment: ["MNIST_DIR": "/nonexistent"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(expand(message)), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try String(contentsOfFile: directory + "/existing.json", encoding: .utf8) == "{}")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["existing.json", "folder.json", "link.json"])
    }

    @Test("Settings that would be adjusted or ignored silently are refused", arguments: [
        (["--eta", "-1"], "--eta (η) must be a positive number, got -1.0"),
        (["--lambda", "-0.5"], "--lambda (λ) must be 0 or more"),
        (["--training-size", "60000"], "MNIST has 50,000 training images"),
        (["--evaluate-on", "none", "--monitor", "evaluation-cost"], "need evaluation images"),
        (["--evaluate-on", "none", "--plot", "curves.svg"], "--plot: nothing to draw"),
        (["--evaluate-on", "none", "--keep", "best"], "--keep best"),
        (["--eta-schedule", "linear", "--halve-eta-after", "2"], "leave out --halve-eta-after"),
        (["--eta-schedule", "linear", "--on-divergence", "halve"], "halving it would change nothing"),
    ])
    func silentAdjustments(arguments: [String], message: String) throws {
        let result = try runBackprop(["train"] + arguments, environment: ["MNIST_DIR": "/nonexistent"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("A misspelt BACKPROP_ISA is refused, not ignored")
    func unknownInstructionSet() throws {
        let result = try runBackprop(["train", "--epochs", "1"], environment: ["BACKPROP_ISA": "avx3", "MNIST_DIR": "/nonexistent"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("BACKPROP_ISA=avx3 names no instruction set"), "\(result.stderr)")
    }

    @Test("Help shows defaults in the spelling the options accept, and describes every value")
    func help() throws {
        let result = try runBackprop(["train", "--help"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("standardNormal"))
        #expect(!result.stdout.contains("crossEntropy"))
        #expect(result.stdout.contains("(default: standard-normal)"))
        for value in ["cross-entropy", "log-likelihood", "scaled-normal", "he", "uniform", "one-cycle", "relu", "validation", "halve", "best"] {
            let line = result.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(value + " ") }
            let parts = line.map { $0.components(separatedBy: " - ") } ?? []
            #expect(parts.count == 2 && !parts[1].trimmingCharacters(in: .whitespaces).isEmpty, "no description for \(value)")
        }
    }
}
