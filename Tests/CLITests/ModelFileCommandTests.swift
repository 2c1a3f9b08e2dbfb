import Backprop
@testable import BackpropCLI
import Foundation
import Testing

/// A [3, 4, 2] cross-entropy network in network2.py's JSON whose float64 values a Float cannot
/// hold, with the same numbers in Double and an example to run it on.
struct Float64Network {
    var weights: [[[Double]]] = []
    var biases: [[Double]] = []
    let sizes = [3, 4, 2]
    let x = [0.3, -0.7, 0.55]
    let y = [1.0, 0.0]

    init() {
        var generator = SeededGenerator(seed: 64)
        for (inputs, neurons) in zip(sizes, sizes.dropFirst()) {
            weights.append((0..<neurons).map { _ in (0..<inputs).map { _ in 2 * generator.nextUniform() - 1 } })
            biases.append((0..<neurons).map { _ in 2 * generator.nextUniform() - 1 })
        }
    }

    /// network2.py's JSON, every number written with the 17 digits that give back its Double.
    var network2JSON: String {
        func text(_ value: Double) -> String { String(format: "%.17g", value) }
        let w = weights.map { "[" + $0.map { "[" + $0.map(text).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]" }
        let b = biases.map { "[" + $0.map { "[\(text($0))]" }.joined(separator: ", ") + "]" }
        return #"{"sizes": [3, 4, 2], "weights": [\#(w.joined(separator: ", "))], "#
            + #""biases": [\#(b.joined(separator: ", "))], "cost": "CrossEntropyCost"}"#
    }

    /// Backpropagation written out in plain Double, as the book's equations say, independently of
    /// the library: z, a, δ per layer, ∂C/∂w = aˡ⁻¹ₖ δˡⱼ, and the cross-entropy cost.
    func reference() -> (z: [[Double]], delta: [[Double]], nablaW: [[[Double]]], cost: Double) {
        func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
        var activations = [x], zs: [[Double]] = []
        for (w, b) in zip(weights, biases) {
            let z = zip(w, b).map { row, bj in zip(row, activations.last!).reduce(0) { $0 + $1.0 * $1.1 } + bj }
            zs.append(z)
            activations.append(z.map(sigmoid))
        }
        let output = activations.last!
        var deltas = [zip(output, y).map { $0 - $1 }]  // BP1 for cross-entropy with sigmoid outputs
        for l in stride(from: weights.count - 2, through: 0, by: -1) {
            let next = weights[l + 1], after = deltas[0]
            deltas.insert(zs[l].indices.map { k in
                let s = sigmoid(zs[l][k])
                return next.indices.reduce(0) { $0 + next[$1][k] * after[$1] } * s * (1 - s)  // BP2
            }, at: 0)
        }
        let nablaW = deltas.indices.map { l in deltas[l].map { dj in activations[l].map { $0 * dj } } }  // BP4
        let cost = -zip(output, y).reduce(0) { $0 + $1.1 * log($1.0) + (1 - $1.1) * log(1 - $1.0) }
        return (zs, deltas, nablaW, cost)
    }

    var exampleArguments: [String] {
        ["--input", x.map { "\($0)" }.joined(separator: ","), "--target", y.map { "\($0)" }.joined(separator: ",")]
    }
}

/// Expects `actual` within `tolerance` of `expected` relatively, each entry measured against the
/// vector's largest so that no entry near 0 decides.
func expectAgree(_ actual: [Double], _ expected: [Double], tolerance: Double, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): sizes differ", sourceLocation: sourceLocation)
    let scale = expected.map(abs).max() ?? 1
    for (i, (a, e)) in zip(actual, expected).enumerated() where abs(a - e) > tolerance * scale {
        Issue.record("\(what)[\(i)] = \(a), float64 reference \(e) (relative error \(abs(a - e) / scale))",
                     sourceLocation: sourceLocation)
        return
    }
}

@Suite("Commands reading model files: exact float64, safetensors, spellings, folders")
struct ModelFileCommandTests {
    @Test("trace --precision double on a float64 network2.py file matches a float64 computation to 1e-12")
    func traceExact() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let net = Float64Network()
        #expect(net.weights.joined().joined().contains { Double(Float($0)) != $0 })
        try net.network2JSON.write(toFile: directory + "/net.json", atomically: true, encoding: .utf8)
        let result = try runBackprop(["trace", "--network", directory + "/net.json", "--precision", "double", "--json"]
                                     + net.exampleArguments)
        #expect(result.status == 0, "\(result.stderr)")
        let layers = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])["layers"]
        let values = try #require(layers as? [[String: Any]])
        let reference = net.reference()
        for l in 0..<2 {
            expectAgree(try #require(values[l]["z"] as? [Double]), reference.z[l], tolerance: 1e-12, "z of layer \(l + 2)")
            expectAgree(try #require(values[l]["delta"] as? [Double]), reference.delta[l], tolerance: 1e-12, "δ of layer \(l + 2)")
            expectAgree(try #require(values[l]["nablaW"] as? [[Double]]).flatMap { $0 }, reference.nablaW[l].flatMap { $0 },
                        tolerance: 1e-12, "∂C/∂w of layer \(l + 2)")
        }
    }

    @Test("probe --precision double on a float64 file predicts with the float64 gradient, to 1e-12")
    func probeExact() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let net = Float64Network()
        try net.network2JSON.write(toFile: directory + "/net.json", atomically: true, encoding: .utf8)
        let result = try runBackprop(["probe", "--network", directory + "/net.json", "--precision", "double", "--weight", "3,1,2",
                                      "--changes", "0.001", "--json"] + net.exampleArguments)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let reference = net.reference()
        expectAgree([try #require(report["gradient"] as? Double)], [reference.nablaW[1][1][2]], tolerance: 1e-12, "∂C/∂w")
        expectAgree([try #require(report["cost"] as? Double)], [reference.cost], tolerance: 1e-12, "C")
    }

    @Test("gradcheck works on the file's float64 weights, not their Float roundings")
    func gradcheckExact() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let net = Float64Network()
        try net.network2JSON.write(toFile: directory + "/net.json", atomically: true, encoding: .utf8)
        let command = try GradCheck.parse(["--network", directory + "/net.json"] + net.exampleArguments)
        let network: Network<Double> = try command.inspection.network.makeNetwork()
        #expect(network.layers.map { $0.weights.elements } == net.weights.map { $0.flatMap { $0 } })
        #expect(network.layers.map { $0.biases } == net.biases)
        let result = try runBackprop(["gradcheck", "--network", directory + "/net.json", "--json"] + net.exampleArguments)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("Commands read safetensors: trace --network and draw's model argument")
    func safetensors() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = SeededGenerator(seed: 4)
        let digits = Network<Float>(layerSizes: [784, 4, 10], using: &generator)
        try SafetensorsFormat.save(digits, to: directory + "/digits.safetensors")
        let draw = try runBackprop(["draw", "weights", directory + "/digits.safetensors", "-o", directory + "/w.svg"])
        #expect(draw.status == 0, "\(draw.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory + "/w.svg"))

        let net = Float64Network()
        let layers = zip(net.weights, net.biases).map { DenseLayer(weights: Matrix($0), biases: $1) }
        try SafetensorsFormat.save(Network(layers: layers, cost: .crossEntropy), to: directory + "/net.safetensors")
        let trace = try runBackprop(["trace", "--network", directory + "/net.safetensors", "--json"] + net.exampleArguments)
        #expect(trace.status == 0, "\(trace.stderr)")
        let values = try #require(try JSONSerialization.jsonObject(with: Data(trace.stdout.utf8)) as? [String: Any])["layers"]
        let delta = try #require((values as? [[String: Any]])?.first?["delta"] as? [Double])
        expectAgree(delta, net.reference().delta[0], tolerance: 1e-12, "δ of layer 2 from F64 safetensors")
    }

    @Test("A hand-made --network JSON takes the command line's spellings of costs")
    func handMadeSpellings() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = #"{"layers": [{"weights": [[0.5, -0.25], [0.1, 0.2]], "biases": [0.1, 0], "activation": "softmax"}], "cost": "log-likelihood"}"#
        try text.write(toFile: directory + "/hand.json", atomically: true, encoding: .utf8)
        let result = try runBackprop(["trace", "--network", directory + "/hand.json", "--input", "1,2", "--target", "0,1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Trace of"))
    }

    @Test("A folder or a missing file given as a model is named in words", arguments: [
        ["trace", "--network", "FOLDER"], ["gradcheck", "--network", "FOLDER"], ["probe", "--network", "FOLDER", "--weight", "2,0,0"],
        ["draw", "weights", "FOLDER", "-o", "OUT/w.svg"], ["report", "FOLDER", "-o", "OUT/r.html"],
    ])
    func folder(arguments: [String]) throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/model.json", withIntermediateDirectories: false)
        for (path, message) in [(directory + "/model.json", "model.json is a folder, not a model file"),
                                (directory + "/none.json", "none.json: cannot read: no such file")] {
            let result = try runBackprop(arguments.map { $0 == "FOLDER" ? path : $0.replacingOccurrences(of: "OUT", with: directory) })
            #expect(result.status != 0)
            #expect(result.stderr.contains(message), "\(arguments[0]): \(result.stderr)")
            #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        }
    }
}
