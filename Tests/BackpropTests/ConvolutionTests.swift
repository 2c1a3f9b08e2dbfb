import Backprop
import Foundation
import Testing

/// Convolution and max-pooling as layer kinds: checked against finite differences and a forward
/// pass written independently, with nested arrays.
@Suite("Convolution and pooling layers")
struct ConvolutionTests {
    /// 2×6×6 input → 3 maps of 3×3 (tanh) → 2×2 max-pooling → 2 maps of 2×2 (sigmoid) → dense 2 → 3 softmax.
    static func network(seed: UInt64 = 31) -> Network<Double> {
        var generator = SeededGenerator(seed: seed)
        let conv1 = ConvolutionLayer<Double>(input: ImageShape(depth: 2, height: 6, width: 6), maps: 3, kernel: 3,
                                             activation: .tanh, using: &generator)
        let pool = MaxPoolingLayer<Double>(input: conv1.output, size: 2)
        let conv2 = ConvolutionLayer<Double>(input: pool.output, maps: 2, kernel: 2, activation: .sigmoid, using: &generator)
        let dense = Network<Double>(layerSizes: [conv2.neurons, 3], using: &generator).layers[0]
        var output = dense
        output.activation = .softmax
        return Network(layers: [conv1, pool, conv2, output], cost: .logLikelihood)
    }

    static func example(seed: UInt64) -> (x: [Double], y: [Double]) {
        var generator = SeededGenerator(seed: seed)
        let x = (0..<72).map { _ in generator.nextUniform() }
        var y = [Double](repeating: 0, count: 3)
        y[generator.nextInt(below: 3)] = 1
        return (x, y)
    }

    @Test("Every convolution weight and bias passes the gradient check in Double", arguments: [1, 2, 3] as [UInt64])
    func gradientCheck(seed: UInt64) {
        let network = Self.network(seed: seed)
        let (x, y) = Self.example(seed: seed + 10)
        var generator = SeededGenerator(seed: seed)
        let report = network.checkGradient(input: x, target: y, epsilon: 1e-5, using: &generator)
        #expect(report.passed)
        #expect(report.maxNormRelativeError <= 1e-7, "layer errors \(report.layers.map(\.normRelativeError))")
        #expect(report.layers.map(\.checked) == [3 * 2 * 9 + 3, 0, 2 * 3 * 4 + 2, 3 * 2 + 3])
    }

    @Test("The forward pass equals one written with nested arrays")
    func forwardPass() throws {
        let network = Self.network()
        let conv = try #require(network.layers[0] as? ConvolutionLayer<Double>)
        let (x, _) = Self.example(seed: 4)
        // x as [depth][row][column], the kernels as [map][depth][row][column].
        var image = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6), count: 2)
        for d in 0..<2 { for r in 0..<6 { for c in 0..<6 { image[d][r][c] = x[d * 36 + r * 6 + c] } } }
        var kernels = [[[[Double]]]](repeating: [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: 3),
                                                                                          count: 3), count: 2), count: 3)
        for m in 0..<3 { for d in 0..<2 { for p in 0..<3 { for q in 0..<3 { kernels[m][d][p][q] = conv.weights[m, d * 9 + p * 3 + q] } } } }
        var expected: [Double] = []
        for m in 0..<3 {
            for i in 0..<4 {
                for j in 0..<4 {
                    var z = conv.biases[m]
                    for d in 0..<2 {
                        for p in 0..<3 {
                            for q in 0..<3 {
                                let w: Double = kernels[m][d][p][q], input: Double = image[d][i + p][j + q]
                                z += w * input
                            }
                        }
                    }
                    expected.append(z)
                }
            }
        }
        expectClose(conv.weightedInput(x), expected, tolerance: 1e-14, "z of the convolution")
        let a = conv.activate(expected)
        let pooled = network.layers[1].weightedInput(a)
        var expectedPooled: [Double] = []
        for m in 0..<3 {
            for i in 0..<2 {
                for j in 0..<2 {
                    var window: [Double] = []
                    for p in 0..<2 { for q in 0..<2 { window.append(a[m * 16 + (2 * i + p) * 4 + 2 * j + q]) } }
                    expectedPooled.append(window.max()!)
                }
            }
        }
        #expect(pooled == expectedPooled)
    }

    @Test("Pooling sends δ to the window's maximum, to the first of tied maxima, and nothing elsewhere")
    func poolingRoutesDelta() {
        let pool = MaxPoolingLayer<Double>(input: ImageShape(depth: 1, height: 2, width: 4), size: 2)
        // Windows: [1, 5; 2, 3] (maximum at row 0, column 1) and [7, 7; 7, 0] (tied: the first).
        let input: [Double] = [1, 5, 7, 7,
                               2, 3, 7, 0]
        #expect(pool.weightedInput(input) == [5, 7])
        #expect(pool.errorAtInput([0.5, -2], input: input) == [0, 0.5, -2, 0,
                                                                0, 0, 0, 0])
    }

    @Test("Model files hold convolution and pooling layers by kind")
    func modelFile() throws {
        let network = Self.network().converted(to: Float.self)
        let data = try JSONEncoder().encode(network)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"kind\":\"convolution\"") && text.contains("\"kind\":\"max-pooling\""))
        #expect(try JSONDecoder().decode(Network<Float>.self, from: data) == network)
        let bad = text.replacingOccurrences(of: "\"kernel\":3", with: "\"kernel\":9")
        #expect {
            try JSONDecoder().decode(Network<Float>.self, from: Data(bad.utf8))
        } throws: { error in
            "\(error)".contains("layer 2") && "\(error)".contains("does not fit")
        }
    }

    @Test("Model files with impossible image shapes are refused, naming the shape", arguments: [
        #""depth":1,"height":4611686018427387904,"width":4611686018427387904"#, #""depth":2,"height":0,"width":6"#,
        #""depth":2,"height":6,"width":-3"#, #""depth":2,"height":65537,"width":6"#, #""depth":65536,"height":65536,"width":2"#,
    ])
    func impossibleShapes(shape: String) throws {
        let network = Self.network().converted(to: Float.self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(network), as: UTF8.self)
        let first = try #require(text.range(of: #""depth":2,"height":6,"width":6"#))
        let bad = text.replacingCharacters(in: first, with: shape)
        #expect {
            try JSONDecoder().decode(Network<Float>.self, from: Data(bad.utf8))
        } throws: { error in
            "\(error)".contains("not a shape a layer can take")
        }
    }

    @Test("A network with convolutions trains on the reference path")
    func trains() throws {
        var network = Self.network().converted(to: Float.self)
        var generator = SeededGenerator(seed: 6)
        let bytes = (0..<(72 * 12)).map { _ in UInt8(generator.nextInt(below: 256)) }
        let data = LabelledData(inputSize: 72, classCount: 3, inputBytes: bytes, labels: (0..<12).map { UInt8($0 % 3) })
        let before = network.evaluate(on: data).cost
        _ = try StochasticGradientDescent(epochs: 40, miniBatchSize: 4, eta: 0.5, monitoring: [])
            .train(&network, on: data, using: &generator)
        #expect(network.evaluate(on: data).cost < before / 2)
        #expect(Engine.automatic.resolved(for: network, configuration: StochasticGradientDescent()) == .reference)
    }
}
