import Backprop
import Foundation
import Testing

/// Runs Tests/Reference/safetensors_format.py under the python3 on PATH, which needs numpy and
/// safetensors (scripts/install-dependencies installs both), and returns what it prints as JSON.
/// Fails the test, saying what is missing, when python3 or its packages are not there.
func runSafetensorsReference(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    try runPython("safetensors_format.py", arguments: arguments,
                  needs: "python3 with numpy and safetensors (run scripts/install-dependencies)", sourceLocation: sourceLocation)
}

/// Runs a script of Tests/Reference under the python3 on PATH, with `arguments` and `input` on its
/// standard input, and returns what it prints as JSON; fails the test, naming what the script
/// `needs`, when it does not run.
func runPython(_ script: String, arguments: [String] = [], input: Data? = nil, needs: String = "python3",
               sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", fixtures + "/../../Reference/" + script] + arguments
    let stdin = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = stdin
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    if let input { stdin.fileHandleForWriting.write(input) }
    try stdin.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "python3 Tests/Reference/\(script) failed; it needs \(needs): \(message)",
                 sourceLocation: sourceLocation)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], sourceLocation: sourceLocation)
}

/// A safetensors file from a header's JSON text and the data bytes after it.
func safetensorsFile(header: String, data: [UInt8] = []) -> Data {
    var file = Data()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
    file.append(contentsOf: Array(header.utf8))
    file.append(contentsOf: data)
    return file
}

/// The little-endian bytes of Float values.
func float32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

@Suite("safetensors model files")
struct SafetensorsFormatTests {
    /// A network with every kind of thing the format must keep: several activations, a modified
    /// neuron, softmax output, log-likelihood cost.
    static func mixedNetwork() -> Network<Float> {
        var generator = SeededGenerator(seed: 5)
        var network = Network<Float>(layerSizes: [6, 5, 4, 3], activation: .tanh, outputActivation: .softmax,
                                     cost: .logLikelihood, initializer: .scaledNormal, using: &generator)
        network.layers[1].activation = .relu
        network.modifyNeuron(layer: 0, neuron: 2, activation: .sigmoid)
        network.modifyNeuron(layer: 0, neuron: 4, activation: .linear)
        return network
    }

    @Test("Save → load gives the same network, bit for bit, in Float and in Double")
    func roundTrip() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let network = Self.mixedNetwork()
        try SafetensorsFormat.save(network, to: directory + "/net.safetensors")
        #expect(try ModelFile.load(from: directory + "/net.safetensors").network == network)
        #expect(try ModelFile.loadNetwork(from: directory + "/net.safetensors", as: Double.self) == network.converted(to: Double.self))

        // F64, read by its header whatever the file is called.
        let double = randomNetwork([4, 7, 3], seed: 8)
        try SafetensorsFormat.save(double, to: directory + "/double.bin")
        #expect(try ModelFile.loadNetwork(from: directory + "/double.bin", as: Double.self) == double)
        #expect(try ModelFile.load(from: directory + "/double.bin").network == double.converted(to: Float.self))
    }

    @Test("The file's layout is the documented one: tensor names, shapes, dtype, metadata, 8-byte alignment")
    func layout() throws {
        let data = try SafetensorsFormat.encode(Self.mixedNetwork())
        let length = Int(data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect((8 + length) % 8 == 0)
        let header = try #require(try JSONSerialization.jsonObject(with: data[8..<(8 + length)]) as? [String: Any])
        let weight = try #require(header["layers.0.weight"] as? [String: Any])
        #expect(weight["dtype"] as? String == "F32")
        #expect(weight["shape"] as? [Int] == [5, 6])
        #expect((header["layers.2.bias"] as? [String: Any])?["shape"] as? [Int] == [3])
        let metadata = try #require(header["__metadata__"] as? [String: String])
        #expect(metadata == [
            "format": "backprop-network", "format_version": "1", "layer_sizes": "[6, 5, 4, 3]",
            "activations": #"["tanh", "relu", "softmax"]"#, "cost": "log-likelihood",
            "layers.0.neuron_activations": #"{"2": "sigmoid", "4": "linear"}"#,
        ])
    }

    @Test("Python's safetensors and numpy read our file and compute our outputs")
    func readByPython() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let x: [Float] = [0.125, -0.375, 0.875, 0.25, 0.0, 0.75]  // the same number in Float, Double and Python
        let network = Self.mixedNetwork()
        try SafetensorsFormat.save(network, to: directory + "/net.safetensors")
        let result = try runSafetensorsReference(["check", directory + "/net.safetensors", x.map { "\($0)" }.joined(separator: ",")])
        let python = try #require(result["output"] as? [Double])
        expectClose(python, network.feedforward(x).map(Double.init), tolerance: 1e-6, "Float network's output")
        #expect(result["cost"] as? String == "log-likelihood")
        let tensors = try #require(result["tensors"] as? [String: [String: Any]])
        #expect(tensors["layers.0.weight"]?["dtype"] as? String == "float32")
        #expect(tensors["layers.0.weight"]?["shape"] as? [Int] == [5, 6])

        let double = randomNetwork([6, 4, 2], seed: 12)
        try SafetensorsFormat.save(double, to: directory + "/double.safetensors")
        let doubleResult = try runSafetensorsReference(["check", directory + "/double.safetensors", x.map { "\($0)" }.joined(separator: ",")])
        expectClose(try #require(doubleResult["output"] as? [Double]), double.feedforward(x.map(Double.init)),
                    tolerance: 1e-13, "Double network's output")
    }

    @Test("A file written by Python's safetensors from numpy arrays, without metadata, loads")
    func writtenByPython() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runSafetensorsReference(["write", directory + "/numpy.safetensors"])
        let network = try ModelFile.loadNetwork(from: directory + "/numpy.safetensors", as: Double.self)
        #expect(network.layerSizes == [3, 4, 2])
        #expect(network.cost == .quadratic)
        expectClose(network.feedforward(try #require(result["input"] as? [Double])), try #require(result["output"] as? [Double]),
                    tolerance: 1e-14, "output")
    }

    static let weight = #""layers.0.weight": {"dtype": "F32", "shape": [1, 2], "data_offsets": [0, 8]}"#
    static let bias = #""layers.0.bias": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}"#
    static let good = float32Bytes([0.5, -0.25, 0.125])

    @Test("Hostile and broken safetensors files each get their own clear error", arguments: [
        (Data([1, 0, 0]), "fewer than the 8"),
        (Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x7B]), "above the format's limit"),
        (Data([100, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]), "runs past the end of the file's 10 bytes"),
        (safetensorsFile(header: "{nonsense}"), "header is not valid"),
        (safetensorsFile(header: "[1, 2]"), "not a JSON object"),
        (safetensorsFile(header: "{\(weight), \(bias.replacingOccurrences(of: "F32", with: "BF16"))}", data: good),
         "dtype BF16; backprop reads F32 and F64"),
        (safetensorsFile(header: "{\(weight), \(bias.replacingOccurrences(of: "[8, 12]", with: "[4, 8]"))}", data: good),
         "overlap"),
        (safetensorsFile(header: "{\(weight), \(bias.replacingOccurrences(of: "[8, 12]", with: "[12, 16]"))}", data: good + good),
         "belong to no tensor"),
        (safetensorsFile(header: "{\(weight), \(bias)}", data: Array(good.prefix(10))), "need 12 bytes of data, but the file has 10"),
        (safetensorsFile(header: "{\(weight), \(bias)}", data: good + [0]), "1 bytes after the last tensor"),
        (safetensorsFile(header: "{\(weight), \(bias.replacingOccurrences(of: "[8, 12]", with: "[8, -4]"))}", data: good),
         "not [begin, end]"),
        (safetensorsFile(header: "{\(weight), \(bias.replacingOccurrences(of: "[8, 12]", with: "[8, 16]"))}", data: good + good),
         "needs 4 bytes, but its data_offsets [8, 16] hold 8"),
        (safetensorsFile(header: "{\(weight.replacingOccurrences(of: "[1, 2]", with: "[2, 1]")), \(bias)}", data: good),
         "layers.0.bias has shape [1], but layers.0.weight has 2 neurons"),
        (safetensorsFile(header: "{\(weight.replacingOccurrences(of: "[1, 2]", with: "[2]")), \(bias)}", data: good),
         "not [neurons, inputs]"),
        (safetensorsFile(header: "{\(weight), \(bias)}", data: float32Bytes([0.5, .nan, 0.125])), "layers.0.weight[0, 1] is nan"),
        (safetensorsFile(header: "{\(weight), \(bias)}", data: float32Bytes([0.5, 1, .infinity])), "layers.0.bias[0] is inf"),
        (safetensorsFile(header: "{\(weight)}", data: Array(good.prefix(8))), "\"layers.0.bias\" is missing"),
        (safetensorsFile(header: "{\(weight), \(bias.replacingOccurrences(of: "layers.0.bias", with: "head.bias"))}", data: good),
         "unexpected tensor \"head.bias\""),
        (safetensorsFile(header: "{}"), "holds no tensors"),
        (safetensorsFile(header: #"{"__metadata__": {"cost": "hinge"}, \#(weight), \#(bias)}"#, data: good), "unknown cost \"hinge\""),
        (safetensorsFile(header: #"{"__metadata__": {"activations": "[\"cosine\"]"}, \#(weight), \#(bias)}"#, data: good),
         "unknown activation \"cosine\""),
        (safetensorsFile(header: #"{"__metadata__": {"activations": "[\"relu\", \"relu\"]"}, \#(weight), \#(bias)}"#, data: good),
         "2 activations for 1 layers"),
        (safetensorsFile(header: #"{"__metadata__": {"layer_sizes": "[3, 1]"}, \#(weight), \#(bias)}"#, data: good),
         "layer_sizes [3, 1] do not match the tensors, which make [2, 1]"),
        (safetensorsFile(header: #"{"__metadata__": {"layer_sizes": "2, 1"}, \#(weight), \#(bias)}"#, data: good),
         "layer_sizes \"2, 1\" is not valid"),
        (safetensorsFile(header: #"{"__metadata__": {"format": "backprop-network", "format_version": "2"}, \#(weight), \#(bias)}"#, data: good),
         "format_version 2 is newer"),
        (safetensorsFile(header: #"{"__metadata__": {"layers.0.neuron_activations": "{\"5\": \"relu\"}"}, \#(weight), \#(bias)}"#, data: good),
         "names neuron \"5\" of a layer with 1 neurons"),
        (safetensorsFile(header: #"{"__metadata__": {"activations": "[\"relu\"]", "cost": "cross-entropy"}, \#(weight), \#(bias)}"#, data: good),
         "cost needs outputs in (0, 1)"),
    ] as [(Data, String)])
    func hostile(file: Data, message: String) throws {
        #expect {
            try ModelFile.decode(file, path: "net.safetensors")
        } throws: { error in
            guard let error = error as? PersistenceError else { return false }
            return "\(error)".hasPrefix("net.safetensors: safetensors: ") && "\(error)".contains(message)
        }
    }

    @Test("A well-formed hand-made file loads, with the metadata's functions and cost")
    func handMade() throws {
        let header = #"{"__metadata__": {"activations": "[\"softmax\"]", "cost": "cross-entropy", "format": "pt"}, \#(Self.weight), \#(Self.bias)}"#
        let network: Network<Double> = try ModelFile.decodeNetwork(safetensorsFile(header: header, data: Self.good), path: "x")
        #expect(network.layers[0].weights.elements == [0.5, -0.25])
        #expect(network.layers[0].biases == [0.125])
        #expect(network.layers[0].activation == .softmax)
        #expect(network.cost == .crossEntropy)
    }
}
