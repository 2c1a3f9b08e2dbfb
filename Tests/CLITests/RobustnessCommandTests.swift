@testable import BackpropCLI
import Foundation
import Testing

/// Starts `backprop` with `arguments`; returns the process and a pipe of its standard output.
func startBackprop(_ arguments: [String]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("backprop")
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(["BACKPROP_RUNS": "none"]) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    return (process, output)
}

/// Reads `pipe` until a line starting with `prefix` has arrived; returns everything read.
func readUntil(_ pipe: Pipe, lineStartingWith prefix: String) -> String {
    var text = ""
    while !text.split(separator: "\n").contains(where: { $0.hasPrefix(prefix) }) {
        let chunk = pipe.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        text += String(decoding: chunk, as: UTF8.self)
    }
    return text
}

@Suite("Interruptions, divergence and determinism on the command line", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct RobustnessCommandTests {
    let long = ["train", "--layers", "784,100,10", "--epochs", "4", "--training-size", "20000", "--seed", "3"]

    @Test("SIGINT and SIGTERM finish the mini-batch, save the checkpoint, say where, and exit 130 and 143",
          arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
    func signals(signal: Int32, status: Int32, name: String) throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/checkpoint.json"
        let (process, output) = try startBackprop(long + ["--checkpoint", checkpoint])
        _ = readUntil(output, lineStartingWith: "Epoch 0")
        kill(process.processIdentifier, signal)
        let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == status)
        #expect(rest.contains("Interrupted by \(name) in epoch"))
        #expect(rest.contains("continue with --resume \(checkpoint)"))
        let resumed = try runBackprop(["train", "--resume", checkpoint])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("Resuming"))
        #expect(resumed.stdout.contains("Epoch 3:"))
    }

    @Test("The message after SIGINT repeats what a checkpoint does not keep: the threads and the outputs, quoted")
    func resumeHintRepeatsOutputs() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/checkpoint.json", model = directory + "/my net.json"
        let (process, output) = try startBackprop(long + ["--checkpoint", checkpoint, "--threads", "2", "--save", model])
        _ = readUntil(output, lineStartingWith: "Epoch 0")
        kill(process.processIdentifier, SIGINT)
        let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(rest.contains("continue with --resume \(checkpoint) --threads 2 --save '\(model)'"), "\(rest)")
    }

    @Test("Values in the resume hint are shell words: bare when plain, single-quoted otherwise")
    func shellQuoting() {
        #expect(Train.shellQuoted("runs/conv-2.json") == "runs/conv-2.json")
        #expect(Train.shellQuoted("run(1).json") == "'run(1).json'")
        #expect(Train.shellQuoted("it's.json") == "'it'\\''s.json'")
        #expect(Train.shellQuoted("") == "''")
        #expect(Train.shellQuoted("~/a.json") == "'~/a.json'")
    }

    @Test("A run interrupted mid-epoch and resumed ends with the same weights as one never interrupted",
          arguments: [["--momentum", "0.5"], ["--eta-schedule", "one-cycle", "--initialization", "he"]])
    func interruptedEqualsUninterrupted(settings: [String]) throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = ["train", "--layers", "784,100,10", "--epochs", "3", "--seed", "4"] + settings
        let whole = try runBackprop(arguments + ["--save", directory + "/whole.json"])
        #expect(whole.status == 0)
        let (process, output) = try startBackprop(arguments + ["--checkpoint", directory + "/checkpoint.json"])
        _ = readUntil(output, lineStartingWith: "Epoch 0")
        usleep(50_000)  // into epoch 1
        kill(process.processIdentifier, SIGINT)
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 130, "the run ended before the signal")
        let resumed = try runBackprop(["train", "--resume", directory + "/checkpoint.json", "--save", directory + "/resumed.json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        func network(_ name: String) throws -> Data {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))) as? [String: Any]
            return try JSONSerialization.data(withJSONObject: object?["network"] ?? [:], options: .sortedKeys)
        }
        #expect(try network("whole.json") == network("resumed.json"))
    }

    @Test("Divergence names the epoch, mini-batch and layer; the last checkpoint stays as it was")
    func divergence() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/checkpoint.json"
        let arguments = ["train", "--layers", "784,30,10", "--activation", "linear", "--training-size", "2000", "--epochs", "3"]
        let good = try runBackprop(arguments + ["--eta", "0.001", "--epochs", "1", "--checkpoint", checkpoint])
        #expect(good.status == 0, "\(good.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let result = try runBackprop(arguments + ["--eta", "100", "--checkpoint", checkpoint])
        #expect(result.status == 1)
        #expect(result.stderr.contains("diverged in epoch 0, mini-batch"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == before)
        let halving = try runBackprop(arguments + ["--eta", "100", "--on-divergence", "halve"])
        #expect(halving.stdout.contains("Halving η to 50.0"))
    }

    @Test("The same command with the same seed writes the same model file, byte for byte")
    func determinism() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = ["train", "--layers", "784,20,10", "--epochs", "2", "--training-size", "5000", "--dropout", "0.2",
                         "--momentum", "0.5", "--cost", "cross-entropy", "--eta", "0.5"]
        for name in ["a", "b"] {
            let result = try runBackprop(arguments + ["--save", directory + "/\(name).json", "--history", directory + "/\(name).csv"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/a.json")) == Data(contentsOf: URL(fileURLWithPath: directory + "/b.json")))
        func withoutSeconds(_ name: String) throws -> [String] {
            try String(contentsOfFile: directory + "/\(name).csv", encoding: .utf8).split(separator: "\n").map {
                let fields = $0.split(separator: ",", omittingEmptySubsequences: false)
                return (fields.prefix(2) + fields.dropFirst(3)).joined(separator: ",")
            }
        }
        #expect(try withoutSeconds("a") == withoutSeconds("b"))
    }

    @Test("A network too large for memory is refused before anything is allocated")
    func tooLarge() throws {
        let result = try runBackprop(["train", "--layers", "784,100000000,10"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("more than half of this machine's"))
        let inspect = try runBackprop(["trace", "--layers", "5,4000000000000,2", "--input", "1,1,1,1,1", "--target", "1,0"])
        #expect(inspect.status == 2)
    }
}
