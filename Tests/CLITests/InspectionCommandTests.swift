import Foundation
import Testing

/// The [2, 3, 2] network of Tests/Reference/tiny_network.py, on its example.
let tinyNetwork = [
    "--weights", "0.1,-0.2;0.4,0.3;-0.5,0.6|0.7,-0.8,0.2;-0.3,0.5,0.9", "--biases", "0.1,-0.1,0.2|-0.2,0.3",
    "--input", "0.5,0.9", "--target", "1,0",
]

func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite("backprop trace, gradcheck and probe")
struct InspectionCommandTests {
    @Test("trace labels every value by its equation and prints the golden values")
    func traceText() throws {
        let result = try runBackprop(["trace"] + tinyNetwork + ["--path-sum", "2,1,0"])
        #expect(result.status == 0, "\(result.stderr)")
        for text in ["BP1", "BP2", "BP3", "BP4", "z      = wa + b        [-0.03, 0.37, 0.49]",
                     "[-0.136302, 0.143565]", "[0.0218467, 0.0393241]", "Cost C = 0.419853",
                     "2 paths, sum 0.0218467085924072"] {
            #expect(result.stdout.contains(text), "trace lacks \(text)")
        }
    }

    @Test("trace --json holds every layer's values")
    func traceJSON() throws {
        let result = try runBackprop(["trace", "--json"] + tinyNetwork)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try json(result.stdout)
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.map { $0["layer"] as? Int } == [2, 3])
        let delta = try #require(layers[1]["delta"] as? [Double])
        #expect(abs(delta[0] - -0.13630187752990505) < 1e-15)
        let nablaW = try #require(layers[0]["nablaW"] as? [[Double]])
        #expect(abs(nablaW[2][1] - 0.02161467758748394) < 1e-15)
        #expect(abs((object["cost"] as? Double ?? 0) - 0.4198533814065629) < 1e-15)
    }

    @Test("trace shows one neuron or one weight, and a modified neuron's function")
    func traceOne() throws {
        let neuron = try runBackprop(["trace"] + tinyNetwork + ["--neuron", "3,1", "--modify-neuron", "3,1,linear"])
        #expect(neuron.status == 0, "\(neuron.stderr)")
        #expect(neuron.stdout.contains("neuron 1: linear"))
        #expect(neuron.stdout.contains("a = σ(z)                 1.00608"))
        let weight = try runBackprop(["trace"] + tinyNetwork + ["--weight", "2,2,1"])
        #expect(weight.stdout.contains("∂C/∂w = aˡ⁻¹ₖ δˡⱼ (BP4)  0.0216147"))
    }

    @Test("gradcheck agrees to 1e-7 and reports both methods' costs")
    func gradcheck() throws {
        let result = try runBackprop(["gradcheck", "--layers", "6,5,4,3", "--input", "0.1,0.2,0.3,0.4,0.5,0.6",
                                      "--target", "0,1,0", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try json(result.stdout)
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.count == 3)
        for layer in layers {
            #expect((layer["normRelativeError"] as? Double ?? 1) < 1e-7)
            #expect((layer["maxRelativeError"] as? Double ?? 1) < 1e-6)
        }
        #expect(object["finiteDifferenceForwardPasses"] as? Int == 2 * (35 + 24 + 15))
        let text = try runBackprop(["gradcheck", "--layers", "6,5,4,3", "--input", "0.1,0.2,0.3,0.4,0.5,0.6",
                                    "--target", "0,1,0", "--sample", "20"])
        #expect(text.stdout.contains("extrapolated from 20 sampled parameters"))
        #expect(text.stdout.contains("148 forward passes"))
    }

    @Test("probe's measured and predicted ΔC converge like Δ²")
    func probe() throws {
        let result = try runBackprop(["probe", "--weight", "2,1,0", "--changes", "0.01,0.005", "--json"] + tinyNetwork)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try json(result.stdout)["rows"] as? [[String: Double]])
        func gap(_ row: [String: Double]) -> Double { abs(row["measured"]! - row["predicted"]!) }
        let ratio = gap(rows[0]) / gap(rows[1])
        #expect(ratio > 3.5 && ratio < 4.5)
        let demon = try runBackprop(["probe", "--demon", "2,0"] + tinyNetwork)
        #expect(demon.stdout.contains("δ = ∂C/∂z = -0.03461239241"))
    }

    @Test("Inspection commands refuse what is not in the network, with exit status 2", arguments: [
        ["probe", "--weight", "4,0,0"], ["probe", "--bias", "2,3"], ["probe"], ["probe", "--weight", "2,0,0", "--bias", "2,0"],
        ["trace", "--neuron", "3,2"], ["trace", "--weight", "2,0,2"], ["trace", "--neuron", "1,0"],
        ["trace", "--modify-neuron", "2,9,tanh"], ["trace", "--modify-neuron", "2,0,cosine"],
        ["trace", "--activation", "softplus"], ["trace", "--path-sum", "2,0"], ["gradcheck", "--epsilon", "0"],
        ["gradcheck", "--sample", "0"], ["gradcheck", "--tolerance", "0"], ["gradcheck", "--tolerance", "-1"], ["trace", "--input", "1,2,3", "--target", "1,0"],
    ])
    func refuses(arguments: [String]) throws {
        var all = tinyNetwork
        if arguments.contains("--input") { all = Array(tinyNetwork.prefix(4)) }
        let result = try runBackprop(arguments + all)
        #expect(result.status == 2, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }
}

@Suite("gradcheck's verdict, probe's unmeasured rows and the printed names")
struct InspectionVerdictTests {
    let deeper = ["--layers", "6,5,4,3", "--input", "0.1,0.2,0.3,0.4,0.5,0.6", "--target", "0,1,0"]

    @Test("gradcheck passes a right gradient against the stated default tolerance, with status 0")
    func passes() throws {
        let result = try runBackprop(["gradcheck"] + tinyNetwork)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("at most 1.00e-06 (the default in double; set it with --tolerance)"))
        let last = try #require(result.stdout.split(separator: "\n").last)
        #expect(last.hasPrefix("PASS: the largest layer relative error is "), "\(last)")
    }

    @Test("gradcheck --epsilon 10 fails: FAIL names the layers over the tolerance, status 1")
    func fails() throws {
        let result = try runBackprop(["gradcheck", "--epsilon", "10"] + tinyNetwork)
        #expect(result.status == 1, "\(result.stdout)")
        let last = try #require(result.stdout.split(separator: "\n").last)
        #expect(last.hasPrefix("FAIL: layer 2 (7.68e-01), layer 3 (7.60e-01) above the tolerance 1.00e-06"), "\(last)")
        let lenient = try runBackprop(["gradcheck", "--epsilon", "10", "--tolerance", "0.9"] + tinyNetwork)
        #expect(lenient.status == 0)
        #expect(lenient.stdout.contains("at most 9.00e-01 (--tolerance)"))
        let asJSON = try runBackprop(["gradcheck", "--epsilon", "10", "--json"] + tinyNetwork)
        #expect(asJSON.status == 1)
        let object = try json(asJSON.stdout)
        #expect(object["passed"] as? Bool == false && object["tolerance"] as? Double == 1e-6)
    }

    @Test("gradcheck in float uses float's default ε and tolerance")
    func float() throws {
        let result = try runBackprop(["gradcheck", "--precision", "float"] + deeper)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("in float on the given input: central differences, ε = 0.01"))
        #expect(result.stdout.contains("at most 1.00e-02 (the default in float"))
    }

    @Test("gradcheck and trace build a fresh network from chapter 6's layer list, named by it; mistakes in it refused")
    func layerList() throws {
        let input = (0..<784).map { String(format: "%.3f", Double(($0 * 37) % 100) / 100) }.joined(separator: ",")
        let example = ["--input", input, "--target", "0,0,0,1,0,0,0,0,0,0"]
        let list = ["--layers", "conv:2x5x5,pool:2,fc:10,softmax:10", "--activation", "relu"]
        let check = try runBackprop(["gradcheck", "--sample", "300"] + list + example)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("Gradient check of conv:2x5x5,pool:2,fc:10,softmax:10 ([784, 1152, 288, 10, 10]) (cost log-likelihood)"))
        #expect(check.stdout.contains("PASS"))
        let trace = try runBackprop(["trace"] + list + example)
        #expect(trace.status == 0)
        #expect(trace.stdout.contains("through conv:2x5x5,pool:2,fc:10,softmax:10 ([784, 1152, 288, 10, 10])"))
        let tiling = try runBackprop(["gradcheck", "--layers", "conv:2x5x5,pool:5,softmax:10"] + example)
        #expect(tiling.status == 2 && tiling.stderr.contains("pool:5: 5×5 windows do not tile"), "\(tiling.stderr)")
        let two = try runBackprop(["gradcheck", "--layers", "conv:2x5x5,pool:2,softmax:10", "--activation", "relu,tanh"] + example)
        #expect(two.status == 2 && two.stderr.contains("takes one function for its conv and fc layers"), "\(two.stderr)")
    }

    @Test("A float FAIL with ReLU kinks says why; a layer whose gradient is all 0 is pointed out")
    func kinksAndSilentLayers() throws {
        let relu = ["--layers", "6,5,4,3", "--activation", "relu", "--input", "0.1,0.2,0.3,0.4,0.5,0.6", "--target", "0,1,0"]
        let kinked = try runBackprop(["gradcheck", "--precision", "float", "--epsilon", "10"] + relu)
        #expect(kinked.status == 1)
        #expect(kinked.stdout.contains("is wide enough to step across a kink of the cost"), "\(kinked.stdout)")
        let smooth = try runBackprop(["gradcheck", "--precision", "float", "--epsilon", "10"] + deeper)
        #expect(smooth.status == 1 && !smooth.stdout.contains("kink"))
        let off = try runBackprop(["gradcheck", "--weights", "1,1;1,1|1,1;1,1", "--biases=-100,-100|0,0", "--activation", "relu,sigmoid",
                                   "--input", "0.5,0.5", "--target", "1,0"])
        #expect(off.status == 0, "\(off.stdout)")
        #expect(off.stdout.contains("Layer 2: every checked gradient is the same in both, as happens only where both are 0"), "\(off.stdout)")
        #expect(!smooth.stdout.contains("every checked gradient is the same"))
    }

    @Test("A layer gradcheck did not sample shows –, not 0")
    func uncheckedLayer() throws {
        let result = try runBackprop(["gradcheck", "--sample", "2"] + deeper)
        #expect(result.status == 0, "\(result.stdout)")
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("    4 ") })
        #expect(row.split(separator: " ") == ["4", "15", "0", "–", "–", "–", "–"], "\(row)")
        #expect(result.stdout.contains("–: no parameter of the layer was in the sample"))
        #expect(!result.stdout.contains("0.00e+00"))
    }

    @Test("probe shows – where Δ rounds away in float, instead of a measured ΔC of 0")
    func probeBelowRounding() throws {
        let result = try runBackprop(["probe", "--weight", "2,1,0", "--precision", "float", "--changes", "0.01,1e-9"]
                                     + tinyNetwork)
        #expect(result.status == 0, "\(result.stderr)")
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("       1e-09") })
        #expect(row.split(separator: " ").suffix(3) == ["–", "–", "–"], "\(row)")
        #expect(result.stdout.contains("–: adding Δ leaves the value unchanged in float"))
    }

    @Test("trace, gradcheck and probe print the cost as the command line spells it")
    func costNames() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/net.json"
        try Data("""
            {"layers": [{"weights": [[0.1, -0.2], [0.4, 0.3]], "biases": [0.1, -0.1], "activation": "sigmoid"}],
             "cost": "crossEntropy"}
            """.utf8).write(to: URL(fileURLWithPath: path))
        let example = ["--network", path, "--input", "0.5,0.9", "--target", "1,0"]
        for command in [["trace"], ["gradcheck"], ["probe", "--bias", "2,0"]] {
            let result = try runBackprop(command + example)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(result.stdout.contains("cost cross-entropy"), "\(command): \(result.stdout)")
            #expect(!result.stdout.contains("crossEntropy"))
        }
    }

    @Test("A negative number is read as a value and refused in words", arguments: [
        (["gradcheck", "--tolerance", "-1"], "--tolerance must be positive, got -1.0"),
        (["gradcheck", "--epsilon", "-0.1"], "--epsilon must be positive, got -0.1"),
        (["gradcheck", "--sample", "-3"], "--sample must be at least 1, got -3"),
        (["trace", "--digits", "-2"], "--digits must be from 1 to 17"),
    ])
    func negativeValues(arguments: [String], message: String) throws {
        let result = try runBackprop(arguments + tinyNetwork)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("probe takes negative changes")
    func negativeChanges() throws {
        let result = try runBackprop(["probe", "--bias", "2,0", "--changes", "-0.01,0.01"] + tinyNetwork)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("       -0.01 "))
    }

    @Test("backprop --version prints the version")
    func version() throws {
        let result = try runBackprop(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "0.3.0\n")
    }
}

@Suite("Inspection on MNIST", .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct MNISTInspectionTests {
    @Test("trace of an MNIST image summarizes the large layers")
    func traceMNIST() throws {
        let result = try runBackprop(["trace", "--index", "3", "--split", "test"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("test image 3 (a 0)"))
        #expect(result.stdout.contains("30×784, ‖·‖ ="))
    }

    @Test("train --learning-speed records each layer's gradient norm")
    func learningSpeed() throws {
        let result = try runBackprop(["train", "--layers", "784,10,10,10", "--epochs", "1", "--learning-speed",
                                      "--learning-speed-sample", "100", "--eta", "0.5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Before training: ‖δˡ‖"))
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("  ‖δˡ‖") }.count == 1)
    }
}
