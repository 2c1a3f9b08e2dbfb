import Backprop
import Testing

/// `firstSilentLayer(on:)`: the ReLU layer that gives 0 for every image, which stalls training.
@Suite("Silent layers")
struct SilentLayersTests {
    /// 1×8×8 input → 3 maps of 3×3 (ReLU) → 2×2 max-pooling → 2 maps of 2×2 (ReLU) → dense 4
    /// (ReLU) → 3 softmax.
    static func network() -> Network<Double> {
        var generator = SeededGenerator(seed: 5)
        let conv1 = ConvolutionLayer<Double>(input: ImageShape(depth: 1, height: 8, width: 8), maps: 3, kernel: 3,
                                             activation: .relu, using: &generator)
        let pool = MaxPoolingLayer<Double>(input: conv1.output, size: 2)
        let conv2 = ConvolutionLayer<Double>(input: pool.output, maps: 2, kernel: 2, activation: .relu, using: &generator)
        var dense = Network<Double>(layerSizes: [conv2.neurons, 4, 3], using: &generator).layers
        dense[0].activation = .relu
        dense[1].activation = .softmax
        for l in dense.indices { dense[l].biases = dense[l].biases.map { abs($0) } }
        var conv = [conv1, conv2]
        for l in conv.indices { conv[l].biases = conv[l].biases.map { abs($0) + 0.5 } }
        return Network(layers: [conv[0], pool, conv[1]] + dense, cost: .logLikelihood)
    }

    static let images: LabelledData = {
        var generator = SeededGenerator(seed: 8)
        let bytes = (0..<(64 * 20)).map { _ in UInt8(generator.nextInt(below: 256)) }
        return LabelledData(inputSize: 64, classCount: 3, inputBytes: bytes, labels: (0..<20).map { UInt8($0 % 3) })
    }()

    @Test("A network whose layers all answer has none")
    func healthy() {
        #expect(Self.network().firstSilentLayer(on: Self.images) == nil)
    }

    @Test("The first layer whose every ReLU is off is found; the pooling and layers after it are not named",
          arguments: [0, 2, 3])
    func silenced(layer: Int) {
        var network = Self.network()
        network.layers[layer].biases = network.layers[layer].biases.map { _ in -1e6 }
        #expect(network.firstSilentLayer(on: Self.images) == layer)
    }

    @Test("One neuron on for one image keeps a layer off the list; no images, no finding")
    func oneNeuron() {
        var network = Self.network()
        network.layers[3].weights = Matrix(rows: 4, columns: 8, elements: [Double](repeating: 0, count: 32))
        network.layers[3].biases = [-1, -1, -1, -1]
        #expect(network.firstSilentLayer(on: Self.images) == 3)
        network.layers[3].biases[2] = 1e-3
        #expect(network.firstSilentLayer(on: Self.images[0..<1]) == nil)
        #expect(network.firstSilentLayer(on: Self.images[0..<0]) == nil)
    }

    @Test("A dense ReLU network with a silent hidden or output layer")
    func dense() {
        var network = randomNetwork([5, 4, 4, 2], seed: 3)
        network.layers[0].activation = .relu
        network.layers[1].activation = .relu
        for l in 0..<2 { network.layers[l].biases = network.layers[l].biases.map { abs($0) + 5 } }
        let data = LabelledData(inputSize: 5, classCount: 2, inputBytes: [UInt8](repeating: 200, count: 15), labels: [0, 1, 0])
        #expect(network.firstSilentLayer(on: data) == nil)
        network.layers[1].biases = network.layers[1].biases.map { _ in -100 }
        #expect(network.firstSilentLayer(on: data) == 1)
        network = randomNetwork([5, 4, 2], seed: 3)
        network.layers[1].activation = .relu
        network.layers[1].biases = [-100, -100]
        #expect(network.firstSilentLayer(on: data) == 1, "a ReLU output layer counts too")
    }
}
