import Backprop
import Foundation
import Testing

@Suite("L2 pooling")
struct L2PoolingTests {
    /// 2×6×6 input → 3 maps of 3×3 (tanh) → 2×2 L2 pooling → dense 3 softmax.
    static func network(seed: UInt64) -> Network<Double> {
        var generator = SeededGenerator(seed: seed)
        let conv = ConvolutionLayer<Double>(input: ImageShape(depth: 2, height: 6, width: 6), maps: 3, kernel: 3,
                                            activation: .tanh, using: &generator)
        let pool = L2PoolingLayer<Double>(input: conv.output, size: 2)
        var output = Network<Double>(layerSizes: [pool.neurons, 3], using: &generator).layers[0]
        output.activation = .softmax
        return Network(layers: [conv, pool, output], cost: .logLikelihood)
    }

    @Test("Each output is the root of its window's sum of squares; BP2 gives δ·a/p, and 0 for a window of zeros")
    func values() {
        let pool = L2PoolingLayer<Double>(input: ImageShape(depth: 1, height: 2, width: 4), size: 2)
        let input: [Double] = [3, 0, 0, 0,
                               0, 4, 0, 0]
        #expect(pool.weightedInput(input) == [5, 0])
        #expect(pool.errorAtInput([10, 7], input: input) == [6, 0, 0, 0,
                                                             0, 8, 0, 0])
    }

    @Test("Every weight and bias of a network with L2 pooling passes the gradient check in Double", arguments: [1, 2, 3] as [UInt64])
    func gradientCheck(seed: UInt64) {
        let network = Self.network(seed: seed)
        let (x, _) = ConvolutionTests.example(seed: seed + 10)
        // The class the network finds least likely as the target, so that the gradient is far
        // from zero and finite differences can measure it.
        let output = network.feedforward(x)
        let y = output.indices.map { $0 == output.indices.min { output[$0] < output[$1] }! ? 1.0 : 0.0 }
        var generator = SeededGenerator(seed: seed)
        let report = network.checkGradient(input: x, target: y, epsilon: 1e-5, using: &generator)
        #expect(report.passed)
        #expect(report.maxNormRelativeError <= 1e-7, "layer errors \(report.layers.map(\.normRelativeError))")
        #expect(report.layers.map(\.checked) == [3 * 2 * 9 + 3, 0, 12 * 3 + 3])
    }

    @Test("Model files hold L2 pooling by kind; the engine leaves it to the reference path")
    func modelFileAndEngine() throws {
        let network = Self.network(seed: 4).converted(to: Float.self)
        let data = try JSONEncoder().encode(network)
        #expect(String(decoding: data, as: UTF8.self).contains("\"kind\":\"l2-pooling\""))
        #expect(try JSONDecoder().decode(Network<Float>.self, from: data) == network)
        #expect(Engine.automatic.resolved(for: network, configuration: StochasticGradientDescent()) == .reference)
    }
}
