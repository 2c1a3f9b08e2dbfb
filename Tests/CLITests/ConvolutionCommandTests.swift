import Backprop
@testable import BackpropCLI
import Foundation
import Testing

/// `train --layers conv:…,pool:…,fc:…,softmax:…`: the layer list, its refusals, and a convolutional
/// network trained, saved and inspected on MNIST.
@Suite("Convolutional networks on the command line")
struct ConvolutionCommandTests {
    static let book = "conv:20x5x5,pool:2,conv:40x5x5,pool:2,fc:100,softmax:10"
    static let image = ImageShape(depth: 1, height: 28, width: 28)

    @Test("The book's network parses into its layers and the images each gives")
    func parsesTheBooksNetwork() throws {
        let list = try #require(LayerList(argument: Self.book))
        #expect(list.sizes == nil)
        #expect(try list.layers() == [.convolution(maps: 20, kernel: 5), .pooling(size: 2), .convolution(maps: 40, kernel: 5),
                                      .pooling(size: 2), .fullyConnected(neurons: 100), .softmax(neurons: 10)])
        #expect(try list.shapes(input: Self.image, outputs: 10).map(\.description)
                == ["20×24×24", "20×12×12", "40×8×8", "40×4×4", "100×1×1", "10×1×1"])
        var generator = SeededGenerator(seed: 1)
        let network: Network<Float> = try list.network(input: Self.image, outputs: 10, activation: .relu, outputActivation: .relu,
                                                       cost: .logLikelihood, initializer: .scaledNormal, using: &generator)
        #expect(network.layerSizes == [784, 11520, 2880, 2560, 640, 100, 10])
        #expect(network.layers.map(\.activation) == [.relu, .linear, .relu, .linear, .relu, .softmax])
        #expect(LayerList.describing(network) == Self.book)
        #expect(Engine.automatic.prepare(network).engine == .blas)
        // The plain form is as it was.
        #expect(LayerList(argument: "784,30,10")?.sizes == [784, 30, 10])
        #expect(try LayerList(argument: "784,30,10")?.layers() == nil)
    }

    @Test("l2pool:S builds L2 pooling, which trains on the reference path")
    func parsesL2Pooling() throws {
        let list = try #require(LayerList(argument: "conv:4x5x5,l2pool:2,softmax:10"))
        #expect(try list.layers() == [.convolution(maps: 4, kernel: 5), .l2Pooling(size: 2), .softmax(neurons: 10)])
        var generator = SeededGenerator(seed: 1)
        let network: Network<Float> = try list.network(input: Self.image, outputs: 10, activation: .sigmoid, outputActivation: .sigmoid,
                                                       cost: .logLikelihood, initializer: .scaledNormal, using: &generator)
        #expect(network.layers[1] is L2PoolingLayer<Float>)
        #expect(LayerList.describing(network) == "conv:4x5x5,l2pool:2,softmax:10")
        #expect(Engine.automatic.prepare(network).engine == .reference)
        #expect(throws: Error.self) { try LayerList(argument: "conv:4x5x5,l2pool:7,softmax:10")!.shapes(input: Self.image, outputs: 10) }
    }

    @Test("Nonsense is refused with the part that is wrong and exit status 2", arguments: [
        ("conv:0x5x5,softmax:10", "\"conv:0x5x5\" needs sizes of at least 1"),
        ("conv:20x5x3,softmax:10", "\"conv:20x5x3\" is not a layer"),
        ("conv:20x30x30,softmax:10", "conv:20x30x30: a 30×30 kernel does not fit the 1×28×28 images"),
        ("conv:20x5x5,pool:5,softmax:10", "pool:5: 5×5 windows do not tile the 20×24×24 feature maps"),
        ("conv:20x5x5,pool:2", "must end in an output layer of 10 neurons"),
        ("conv:20x5x5,pool:2,softmax:5", "the output layer must have 10 neurons, one per digit, got softmax:5"),
        ("conv:20x5x5,softmax:10,fc:10", "softmax:10: softmax is for the output layer only"),
        ("fc:100,conv:2x2x2,fc:10", "conv:2x2x2 follows a fully connected layer"),
        ("conv:20x5x5,30,softmax:10", "\"30\" is not a layer"),
        ("784,abc", "give neurons per layer, input first"),
        ("conv:99999999999x5x5,fc:10", "more than half of this machine's"),
        ("conv:20x5x5,fc:99999999999,softmax:10", "more than half of this machine's"),
        ("conv:999999999999999999x5x5,fc:10", "too many weights to count"),
    ])
    func refusals(layers: String, message: String) throws {
        let result = try runBackprop(["train", "--layers", layers], environment: ["MNIST_DIR": "/nonexistent"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--layers"), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("Settings a convolutional network cannot take are refused", arguments: [
        (["--output-activation", "sigmoid"], "the layers end in softmax"),
        (["--dropout", "0.5", "--layers", "conv:4x5x5,l2pool:2,softmax:10"], "which has no dropout masks"),
        (["--dropout", "0.5", "--layers", "conv:4x5x5,fc:30,softmax:10"], "conv:4x5x5 then fc:30 runs on the per-example reference path"),
        (["--dropout", "0.5", "--engine", "reference"], "--engine reference) has no dropout masks"),
        (["--dropout", "0.5", "--layers", "softmax:10"], "--dropout needs a hidden layer"),
        (["--save-network2", "n.json"], "fully connected layers only"),
        (["--save-safetensors", "n.safetensors"], "the safetensors layout holds dense layers only"),
    ])
    func refusedSettings(arguments: [String], message: String) throws {
        let result = try runBackprop(["train", "--layers", Self.book] + arguments, environment: ["MNIST_DIR": "/nonexistent"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("Help shows the layer list")
    func help() throws {
        let result = try runBackprop(["train", "--help"])
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("conv:MAPSxKxK, pool:SIZE, fc:NEURONS, softmax:NEURONS"), "\(result.stdout)")
    }

    @Test("A small convolutional network learns 2,000 MNIST images past 90%; evaluate, trace, probe, gradcheck and draw read its file",
          .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
    func trainsOnMNIST() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = directory + "/conv.json"
        let train = try runBackprop(["train", "--layers", "conv:8x5x5,pool:2,softmax:10", "--activation", "relu", "--eta", "0.1",
                                     "--epochs", "1", "--training-size", "2000", "--evaluate-on", "none", "--save", model])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("Training conv:8x5x5,pool:2,softmax:10 on 2,000 MNIST images"), "\(train.stdout)")
        #expect(train.stdout.contains("cost log-likelihood"), "\(train.stdout)")
        let evaluate = try runBackprop(["evaluate", model, "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as? [String: Any]
        let accuracy = try #require(report?["accuracy"] as? Double)
        #expect(accuracy > 0.90, "test accuracy \(accuracy)")
        let trace = try runBackprop(["trace", "--network", model, "--index", "0"])
        #expect(trace.status == 0 && trace.stdout.contains("[784, 4608, 1152, 10]"), "\(trace.stderr)")
        let probe = try runBackprop(["probe", "--network", model, "--index", "0", "--weight", "2,3,7"])
        #expect(probe.status == 0, "\(probe.stderr)")
        let gradcheck = try runBackprop(["gradcheck", "--network", model, "--index", "0", "--sample", "40"])
        #expect(gradcheck.status == 0, "\(gradcheck.stdout)\(gradcheck.stderr)")
        let maps = try runBackprop(["draw", "feature-maps", model, "--index", "7", "-o", directory + "/maps.svg"])
        #expect(maps.status == 0, "\(maps.stderr)")
        let svg = try String(contentsOfFile: directory + "/maps.svg", encoding: .utf8)
        #expect(svg.contains("Feature maps of test image 7 (a 9;") && svg.contains("8 feature maps of 24×24"), "\(svg.prefix(600))")
        let outOfRange = try runBackprop(["draw", "feature-maps", model, "--index", "10000", "-o", directory + "/m.svg"])
        #expect(outOfRange.status == 2 && outOfRange.stderr.contains("the test images are 0 to 9999"), "\(outOfRange.stderr)")
        let dense = directory + "/dense.json"
        #expect(try runBackprop(["train", "--layers", "784,10", "--epochs", "1", "--training-size", "100", "--save", dense]).status == 0)
        let noMaps = try runBackprop(["draw", "feature-maps", dense, "-o", directory + "/m.svg"])
        #expect(noMaps.status != 0 && noMaps.stderr.contains("no convolution or pooling layers"), "\(noMaps.stderr)")
    }
}
