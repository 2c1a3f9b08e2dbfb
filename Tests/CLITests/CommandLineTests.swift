import Foundation
import Testing

/// Runs the built `backprop` executable, which sits beside the test binary.
func runBackprop(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return try runProgram(directory.appendingPathComponent("backprop"), arguments, environment: environment)
}

/// Runs `program` with `arguments` (and no runs store unless `environment` names one) to its end.
func runProgram(_ program: URL, _ arguments: [String],
                environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["BACKPROP_RUNS"] = "none"  // tests that want a runs store name one
    env.merge(environment) { $1 }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite("The backprop command line")
struct CommandLineTests {
    @Test("Nonsense arguments are refused with exit status 2 and a message", arguments: [
        (["--layers", "784,0,10"], "at least one neuron"),
        (["--layers", "100,30,10"], "784"),
        (["--layers", "784,30,7"], "10 neurons"),
        (["--layers", "784"], "--layers"),
        (["--layers", "a,b"], "--layers"),
        (["--eta", "0"], "--eta"),
        (["--eta", "-3"], "--eta"),
        (["--eta", "nan"], "--eta"),
        (["--mini-batch-size", "0"], "--mini-batch-size"),
        (["--epochs", "0"], "--epochs"),
        (["--epochs", "-5"], "--epochs"),
        (["--evaluate-on", "everything"], "--evaluate-on"),
        (["--threads", "0"], "--threads"),
        (["--no-such-option"], "no-such-option"),
    ] as [([String], String)])
    func refusesNonsense(arguments: [String], message: String) throws {
        let result = try runBackprop(["train"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("A refusal while running names the command as typed in its usage line")
    func usageNamesTheTool() throws {
        let result = try runBackprop(["trace", "--layers", "4,3,2", "--input", "1,2,3,4", "--target", "1,0", "--weight", "9,0,0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Usage: backprop trace <options>"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("See 'backprop trace --help'"))
    }

    @Test("Missing data says what is missing and how to get it, with exit status 1")
    func missingData() throws {
        let result = try runBackprop(["train", "--data", "/nonexistent/mnist"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/mnist"))
        #expect(result.stderr.contains("train-images-idx3-ubyte.gz"))
        #expect(result.stderr.contains("backprop download"))
    }

    @Test("Help explains the options in the book's terms")
    func help() throws {
        let result = try runBackprop(["train", "--help"])
        #expect(result.status == 0)
        for term in ["η", "mini-batch", "Epochs", "--layers", "--seed", "MNIST_DIR"] {
            #expect(result.stdout.contains(term), "help lacks \(term)")
        }
    }
}

@Suite("backprop train on real MNIST", .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct TrainCommandTests {
    @Test("One line per epoch in the book's format, plain when not on a terminal")
    func epochLines() throws {
        let result = try runBackprop(["train", "--epochs", "2", "--layers", "784,10,10", "--mini-batch-size", "50", "--seed", "3"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let epochLines = lines.filter { $0.hasPrefix("Epoch ") }
        #expect(epochLines.count == 2)
        let pattern = #"^Epoch [01]: \d{1,2},\d{3} / 10,000 \(\d+\.\d\d%\) \d+\.\d\d s$"#
        for line in epochLines {
            #expect(line.range(of: pattern, options: .regularExpression) != nil, "line: \(line)")
        }
        #expect(lines.last?.hasPrefix("Best: epoch") == true)
        #expect(result.stderr.isEmpty, "no progress bar when stderr is not a terminal")
    }

    @Test("A run whose ReLUs have all gone off is told so once; a healthy ReLU run is not")
    func silentLayerWarning() throws {
        let arguments = ["train", "--epochs", "2", "--layers", "784,30,10", "--activation", "relu", "--training-size", "1000", "--seed", "1"]
        let stalled = try runBackprop(arguments + ["--eta", "10"])
        #expect(stalled.status == 0, "stderr: \(stalled.stderr)")
        let warning = "Warning: after epoch 0, layer 3 (10 neurons, σ = relu) gives 0 for each of the first 100 training images"
        #expect(stalled.stderr.components(separatedBy: warning).count == 2, "stderr: \(stalled.stderr)")
        #expect(stalled.stderr.contains("its δ is 0 (BP1)"))
        let healthy = try runBackprop(arguments + ["--eta", "0.5", "--output-activation", "sigmoid", "--initialization", "he"])
        #expect(healthy.status == 0)
        #expect(!healthy.stderr.contains("gives 0 for each"), "stderr: \(healthy.stderr)")
    }

    @Test("A mini-batch larger than the training images is pointed out")
    func miniBatchOverTrainingSet() throws {
        let result = try runBackprop(["train", "--epochs", "1", "--layers", "784,10,10", "--training-size", "100", "--mini-batch-size", "1000"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("Warning: --mini-batch-size 1000 is more than the 100 training images: each epoch is one step"))
    }

    @Test("The same seed prints the same accuracies")
    func reproducible() throws {
        let arguments = ["train", "--epochs", "1", "--layers", "784,10,10", "--mini-batch-size", "50", "--seed", "4"]
        let first = try runBackprop(arguments).stdout.split(separator: "\n").filter { $0.hasPrefix("Epoch") }
        let second = try runBackprop(arguments).stdout.split(separator: "\n").filter { $0.hasPrefix("Epoch") }
        #expect(first.map { $0.prefix(while: { $0 != "(" }) } == second.map { $0.prefix(while: { $0 != "(" }) })
    }
}
