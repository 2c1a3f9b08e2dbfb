import Foundation
import Testing

/// A fresh temporary folder.
func scratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "backprop-cli-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("Chapter 3 on the command line", .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct ChapterThreeCommandTests {
    let small = ["--layers", "784,10,10", "--training-size", "1000", "--mini-batch-size", "10"]

    @Test("train with chapter 3's options saves a model, its history and network2.py's format")
    func trainAndSave() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runBackprop(["train"] + small + [
            "--epochs", "2", "--cost", "cross-entropy", "--eta", "0.5", "--lambda", "5", "--initialization", "scaled-normal",
            "--momentum", "0.5", "--monitor", "evaluation-accuracy,evaluation-cost,training-accuracy,training-cost",
            "--save", directory + "/model.json", "--save-network2", directory + "/network2.json",
            "--history", directory + "/history.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cost cross-entropy"))
        #expect(result.stdout.contains("L2 λ = 5.0"))
        #expect(result.stdout.contains("; training 1,000 / 1,000") || result.stdout.contains("; training "))
        let csv = try String(contentsOfFile: directory + "/history.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 3)

        let evaluate = try runBackprop(["evaluate", directory + "/model.json", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as? [String: Any])
        let confusion = try #require(report["confusion"] as? [[Int]])
        #expect(confusion.count == 10 && confusion.flatMap { $0 }.reduce(0, +) == 10_000)
        #expect(confusion.indices.map { confusion[$0][$0] }.reduce(0, +) == report["correct"] as? Int)

        // Inspection reads model files too.
        let trace = try runBackprop(["trace", "--network", directory + "/model.json", "--index", "0", "--neuron", "2,3"])
        #expect(trace.status == 0, "\(trace.stderr)")
        #expect(trace.stdout.contains("Neuron 3 of Layer 2"))

        // The network2.py copy evaluates the same.
        let other = try runBackprop(["evaluate", directory + "/network2.json", "--json"])
        let otherReport = try #require(try JSONSerialization.jsonObject(with: Data(other.stdout.utf8)) as? [String: Any])
        #expect(otherReport["correct"] as? Int == report["correct"] as? Int)
    }

    @Test("--resume continues a checkpoint to the same weights as an uninterrupted run")
    func resume() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let common = small + ["--cost", "cross-entropy", "--eta", "0.5", "--momentum", "0.3", "--dropout", "0.2", "--seed", "5"]
        let whole = try runBackprop(["train", "--epochs", "3", "--save", directory + "/whole.json"] + common)
        #expect(whole.status == 0, "\(whole.stderr)")
        let part = try runBackprop(["train", "--epochs", "1", "--checkpoint", directory + "/checkpoint.json"] + common)
        #expect(part.status == 0, "\(part.stderr)")
        // Pretend the run was meant to have 3 epochs and was interrupted after the first.
        var checkpoint = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/checkpoint.json"))) as? [String: Any])
        var training = try #require(checkpoint["training"] as? [String: Any])
        var configuration = try #require(training["configuration"] as? [String: Any])
        configuration["epochs"] = 3
        training["configuration"] = configuration
        checkpoint["training"] = training
        try JSONSerialization.data(withJSONObject: checkpoint).write(to: URL(fileURLWithPath: directory + "/checkpoint.json"))

        let resumed = try runBackprop(["train", "--resume", directory + "/checkpoint.json", "--save", directory + "/resumed.json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("Resuming"))
        func network(_ name: String) throws -> String {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))) as? [String: Any]
            return String(decoding: try JSONSerialization.data(withJSONObject: object?["network"] ?? [:], options: .sortedKeys), as: UTF8.self)
        }
        #expect(try network("whole.json") == network("resumed.json"))
        let lines = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("Epoch 2") }.map { $0.prefix(while: { $0 != ")" }) } }
        #expect(lines(whole.stdout) == lines(resumed.stdout))
    }

    @Test("--expand trains on five times the images")
    func expand() throws {
        let result = try runBackprop(["train", "--epochs", "1", "--expand", "--evaluate-on", "none"] + small)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("on 5,000 MNIST images"))
    }

    @Test("predict classifies an MNIST image and a PGM file")
    func predict() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try runBackprop(["train", "--epochs", "3", "--save", directory + "/model.json", "--layers", "784,30,10"])
        let mnist = try runBackprop(["predict", directory + "/model.json", "--index", "0", "--json"])
        #expect(mnist.status == 0, "\(mnist.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(mnist.stdout.utf8)) as? [String: Any])
        #expect(report["label"] as? Int == 7)
        #expect(report["prediction"] as? Int == 7)
        #expect(abs((report["probabilities"] as? [Double] ?? []).reduce(0, +) - 1) < 1e-6)

        // A "1" drawn dark on light, as a person would: a vertical bar.
        var pgm = "P2\n# a one\n28 28\n255\n"
        for row in 0..<28 {
            pgm += (0..<28).map { column in (4..<24).contains(row) && (13..<16).contains(column) ? "0" : "255" }
                .joined(separator: " ") + "\n"
        }
        try pgm.write(toFile: directory + "/one.pgm", atomically: true, encoding: .utf8)
        let drawn = try runBackprop(["predict", directory + "/model.json", "--image", directory + "/one.pgm"])
        #expect(drawn.status == 0, "\(drawn.stderr)")
        #expect(drawn.stdout.contains("(inverted): the network says 1"))
        try "P5\n3 3\n255\n".write(toFile: directory + "/bad.pgm", atomically: true, encoding: .utf8)
        let bad = try runBackprop(["predict", directory + "/model.json", "--image", directory + "/bad.pgm"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.pgm: not a PGM image"))
    }

    @Test("reproduce runs the book's experiments and prints the book's figure beside ours")
    func reproduce() throws {
        let result = try runBackprop(["reproduce", "--only", "ch3-init-old,ch3-init-new", "--markdown"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| ch3-init-old |"))
        #expect(result.stdout.contains("86.43%"))
        #expect(result.stdout.contains("92.70%"))
        #expect(result.stdout.contains("of 2 within 0.5 points"))
    }

    @Test("Chapter 3 nonsense is refused with exit status 2", arguments: [
        ["--momentum", "1"], ["--momentum", "-0.1"], ["--dropout", "1"], ["--lambda", "-1"], ["--halve-eta-after", "0"],
        ["--early-stopping", "3", "--evaluate-on", "none"], ["--monitor", "everything"], ["--activation", "softmax"],
        ["--cost", "cross-entropy", "--output-activation", "tanh"], ["--cost", "hinge"], ["--training-size", "0"],
        ["--dropout", "0.5", "--layers", "784,10"],
    ])
    func refuses(arguments: [String]) throws {
        let result = try runBackprop(["train"] + arguments)
        #expect(result.status == 2, "stderr: \(result.stderr)")
    }

    @Test("Resuming from a file without a training run is an error with exit status 1")
    func resumeWithoutRun() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let network2 = #"{"sizes": [784, 10], "weights": [[\#((0..<10).map { _ in "[" + Array(repeating: "0", count: 784).joined(separator: ",") + "]" }.joined(separator: ","))]], "biases": [[\#(Array(repeating: "[0]", count: 10).joined(separator: ","))]], "cost": "QuadraticCost"}"#
        try network2.write(toFile: directory + "/n2.json", atomically: true, encoding: .utf8)
        let result = try runBackprop(["train", "--resume", directory + "/n2.json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no training run to resume"))
        let missing = try runBackprop(["evaluate", directory + "/none.json"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("none.json: cannot read"))
    }
}
