import Backprop
import Foundation
import Testing

/// A fresh temporary folder.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "backprop-model-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

@Suite("Model files: backprop's format and network2.py's")
struct ModelFileTests {
    @Test("Save → load gives the same network, predictions and history")
    func roundTrip() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = SeededGenerator(seed: 3)
        var network = Network<Float>(layerSizes: [16, 5, 2], activation: .tanh, outputActivation: .softmax,
                                     cost: .logLikelihood, initializer: .scaledNormal, using: &generator)
        network.modifyNeuron(layer: 0, neuron: 1, activation: .relu)
        let sgd = StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.1, momentum: 0.5, monitoring: .all)
        var run = try TrainingRun(network: network, configuration: sgd, trainingData: halves(count: 60, seed: 1),
                                  evaluationData: halves(count: 20, seed: 2), generator: generator)
        try run.runEpoch(on: halves(count: 60, seed: 1), evaluatingOn: halves(count: 20, seed: 2))
        let settings = DataSettings(trainingCount: 60, expanded: false, evaluationSet: "test")
        try ModelFile(run: run, data: settings).save(to: directory + "/model.json")

        let loaded = try ModelFile.load(from: directory + "/model.json")
        // Everything comes back but the wall-clock seconds, which model files leave out.
        var expected = run
        expected.data = settings
        for i in expected.history.epochs.indices {
            expected.history.epochs[i].trainingSeconds = 0
            expected.history.epochs[i].evaluationSeconds = 0
        }
        #expect(loaded.network == run.network)
        #expect(loaded.training?.history == expected.history)
        #expect(loaded.training?.data == settings)
        #expect(loaded.resumableRun() == expected)
        let x: [Float] = halves(count: 1, seed: 9).input(0)
        #expect(loaded.network.feedforward(x) == run.network.feedforward(x))
    }

    @Test("A network2.py file loads and evaluates as it does in Python")
    func network2Fixture() throws {
        let model = try ModelFile.load(from: fixtures + "/network2-fixture.json")
        #expect(model.network.layerSizes == [3, 4, 2])
        #expect(model.network.cost == .crossEntropy)
        #expect(model.training == nil)
        let expected = try JSONDecoder().decode([String: [Double]].self, from: Data(
            contentsOf: URL(fileURLWithPath: fixtures + "/network2-fixture-expected.json")))
        let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/network2-fixture.json"))
        let network: Network<Double> = try Network2Format.decode(data, path: "fixture")
        expectClose(network.feedforward(expected["input"]!), expected["output"]!, tolerance: 1e-14, "output")
    }

    @Test("A network2.py file written here loads there", .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/python3")))
    func network2Written() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let network = randomNetwork([3, 5, 2], seed: 11)
        try Network2Format.save(network, to: directory + "/net.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [fixtures + "/../../Reference/network2_format.py", "check", directory + "/net.json", "0.1,0.2,0.3"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let result = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let python = try #require(result?["output"] as? [Double])
        expectClose(python, network.feedforward([0.1, 0.2, 0.3]), tolerance: 1e-14, "output")
        #expect(result?["cost"] as? String == "quadratic")
    }

    @Test("network2.py's format refuses what it cannot hold")
    func network2Unsupported() {
        var generator = SeededGenerator(seed: 1)
        let softmax = Network<Double>(layerSizes: [3, 2], outputActivation: .softmax, cost: .logLikelihood, using: &generator)
        #expect(throws: PersistenceError.self) { try Network2Format.encode(softmax) }
    }

    @Test("Malformed model files each give their own clear error", arguments: [
        ("not json", "not valid JSON"),
        ("[1, 2]", "not a model file"),
        (#"{"format": "something-else", "version": 1}"#, "not a model file"),
        (#"{"format": "backprop-model", "version": 7, "layerSizes": [2, 1]}"#, "version 7 is newer"),
        (#"{"format": "backprop-model", "version": 1, "layerSizes": [2, 1], "network": {"layers": [{"weights": [[1, 2]], "biases": [0, 1]}], "cost": "quadratic"}}"#, "2 biases for a layer of 1 neurons"),
        (#"{"format": "backprop-model", "version": 1, "layerSizes": [2, 1], "network": {"layers": [{"weights": [[1, 2], [3]], "biases": [0, 1]}], "cost": "quadratic"}}"#, "differ in length"),
        (#"{"format": "backprop-model", "version": 1, "layerSizes": [3, 1], "network": {"layers": [{"weights": [[1, 2]], "biases": [0]}], "cost": "quadratic"}}"#, "do not match the weights"),
        (#"{"format": "backprop-model", "version": 1, "layerSizes": [2, 1], "network": {"layers": [{"weights": [[1, 2]], "biases": [0], "activation": "cosine"}], "cost": "quadratic"}}"#, "cosine"),
        (#"{"format": "backprop-model", "version": 1, "layerSizes": [2, 1], "network": {"layers": [{"weights": [[1, 2]], "biases": [0]}], "cost": "hinge"}}"#, "hinge"),
        (#"{"format": "backprop-model", "version": 1, "layerSizes": [2, 1], "network": {"layers": [{"weights": [[1, 1e999]], "biases": [0]}], "cost": "quadratic"}}"#, "not valid JSON: Number 1e999 is not representable"),
        (#"{"format": "backprop-model", "version": 1, "layerSizes": [2, 1], "network": {"layers": [], "cost": "quadratic"}}"#, "at least one layer"),
        (#"{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "HingeCost"}"#, "unknown cost \"HingeCost\""),
        (#"{"sizes": [2, 0], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "QuadraticCost"}"#, "positive"),
        (#"{"sizes": [-2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "QuadraticCost"}"#, "positive"),
        (#"{"sizes": [2, 1], "weights": [[[1, 2, 3]]], "biases": [[[0]]], "cost": "QuadraticCost"}"#, "weights[0] is not 1×2"),
        (#"{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[0]], "cost": "QuadraticCost"}"#, "not network2.py's format"),
    ] as [(String, String)])
    func malformed(text: String, message: String) throws {
        #expect {
            try ModelFile.decode(Data(text.utf8), path: "model.json")
        } throws: { error in
            guard let error = error as? PersistenceError else { return false }
            return "\(error)".hasPrefix("model.json") && "\(error)".contains(message)
        }
    }

    @Test("An unwritable path is an error, and the previous file stays whole")
    func atomicWrites() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.json"
        let first = ModelFile(network: randomNetwork([3, 2], seed: 1).converted(to: Float.self))
        try first.save(to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: PersistenceError.self) {
            try first.save(to: directory + "/missing-folder/model.json")
        }
        var generator = SeededGenerator(seed: 1)
        let softmax = Network<Float>(layerSizes: [3, 2], outputActivation: .softmax, cost: .logLikelihood, using: &generator)
        #expect(throws: PersistenceError.self) { try Network2Format.save(softmax, to: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.json"])
    }

    @Test("A folder or a missing file is named in words, by every way of reading a model")
    func notAFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let folder = directory + "/model.json"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        for (path, message) in [(folder, "\(folder) is a folder, not a model file"), (directory + "/none.json", "\(directory)/none.json: cannot read: no such file")] {
            #expect(throws: PersistenceError.self) { try ModelFile.load(from: path) }
            #expect((try? ModelFile.load(from: path)) == nil)
            do { _ = try ModelFile.load(from: path) } catch { #expect("\(error)" == message) }
            do { _ = try ModelFile.loadNetwork(from: path, as: Double.self) } catch { #expect("\(error)" == message) }
        }
    }

    /// Float64 values with more digits than a Float holds, each with its decimal text.
    static let exactWeights = ["0.12345678901234567", "-0.98765432109876543", "0.33333333333333331", "1.0000000000000002"]
    static let exactBiases = ["-0.70710678118654757", "0.1"]

    /// The same [2, 1, 1] network in each format, as text (safetensors as F64 bits).
    static func exactNetworkFiles() throws -> [(String, Data)] {
        let w = exactWeights, b = exactBiases
        let layers = #"[{"weights": [[\#(w[0]), \#(w[1])]], "biases": [\#(b[0])], "activation": "sigmoid"}, "#
            + #"{"weights": [[\#(w[2])]], "biases": [\#(b[1])], "activation": "sigmoid"}]"#
        let network = Network(layers: [
            DenseLayer(weights: Matrix(rows: 1, columns: 2, elements: [Double(w[0])!, Double(w[1])!]), biases: [Double(b[0])!]),
            DenseLayer(weights: Matrix(rows: 1, columns: 1, elements: [Double(w[2])!]), biases: [Double(b[1])!]),
        ], cost: .crossEntropy)
        return [
            ("network2.json", Data((#"{"sizes": [2, 1, 1], "weights": [[[\#(w[0]), \#(w[1])]], [[\#(w[2])]]], "#
                 + #""biases": [[[\#(b[0])]], [[\#(b[1])]]], "cost": "CrossEntropyCost"}"#).utf8)),
            ("bare.json", Data(#"{"layers": \#(layers), "cost": "cross-entropy"}"#.utf8)),
            ("model.json", Data((#"{"format": "backprop-model", "version": 1, "layerSizes": [2, 1, 1], "#
                 + #""network": {"layers": \#(layers), "cost": "crossEntropy"}}"#).utf8)),
            ("net.safetensors", try SafetensorsFormat.encode(network)),
        ]
    }

    @Test("Every format reads into Network<Double> with the file's float64 values, not Float's")
    func exactDouble() throws {
        #expect(Self.exactWeights.allSatisfy { Double(Float(Double($0)!)) != Double($0)! })
        for (name, data) in try Self.exactNetworkFiles() {
            let network: Network<Double> = try ModelFile.decodeNetwork(data, path: name)
            #expect(network.layers.flatMap { $0.weights.elements } == Self.exactWeights.prefix(3).map { Double($0)! }, "\(name)")
            #expect(network.layers.flatMap { $0.biases } == Self.exactBiases.map { Double($0)! }, "\(name)")
            #expect(network.cost == .crossEntropy, "\(name)")
            // In Float, the same files give the nearest Floats.
            let float: Network<Float> = try ModelFile.decodeNetwork(data, path: name)
            #expect(float.layers[0].weights.elements == [Float(Double(Self.exactWeights[0])!), Float(Double(Self.exactWeights[1])!)], "\(name)")
        }
    }

    @Test("Costs and activations read in the command line's spelling and the case name; files keep the case name")
    func spellings() throws {
        let text = #"{"layers": [{"weights": [[1, 2]], "biases": [0], "activation": "softmax"}], "cost": "log-likelihood"}"#
        let network = try ModelFile.decode(Data(text.utf8), path: "hand.json").network
        #expect(network.cost == .logLikelihood)
        #expect(network.layers[0].activation == .softmax)
        let crossEntropy = try JSONDecoder().decode([Cost].self, from: Data(#"["cross-entropy", "crossEntropy", "quadratic"]"#.utf8))
        #expect(crossEntropy == [.crossEntropy, .crossEntropy, .quadratic])
        #expect(String(decoding: try JSONEncoder().encode([Cost.crossEntropy, .logLikelihood]), as: UTF8.self)
                == #"["crossEntropy","logLikelihood"]"#)
        #expect(Cost.allCases.map(\.hyphenatedName) == ["quadratic", "cross-entropy", "log-likelihood"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Cost].self, from: Data(#"["cross_entropy"]"#.utf8)) }
    }
}
