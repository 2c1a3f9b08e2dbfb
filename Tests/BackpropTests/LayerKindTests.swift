@testable import Backprop
import Foundation
import Testing

/// A kind of layer defined outside the library, in this file alone: each neuron j takes only
/// input j, zⱼ = wⱼaⱼ + bⱼ. The per-example path, gradient checks and probes must run it with no
/// change to the library.
struct ElementwiseLayer<Scalar: BLASScalar>: LayerKind {
    static var kindName: String { "elementwise" }
    var weights: Matrix<Scalar>
    var biases: [Scalar]
    var activation: Activation

    init(weights: [Scalar], biases: [Scalar], activation: Activation) {
        self.weights = Matrix(rows: weights.count, columns: 1, elements: weights)
        self.biases = biases
        self.activation = activation
    }

    var inputs: Int { biases.count }
    var neurons: Int { biases.count }

    func weightedInput(_ aPrevious: [Scalar]) -> [Scalar] {
        aPrevious.indices.map { weights.elements[$0] * aPrevious[$0] + biases[$0] }
    }
    func activate(_ z: [Scalar]) -> [Scalar] { z.map { activation.value($0) } }
    func activationDerivative(_ z: [Scalar]) -> [Scalar] { z.map { activation.derivative($0) } }
    func errorAtInput(_ delta: [Scalar], input _: [Scalar]) -> [Scalar] { delta.indices.map { weights.elements[$0] * delta[$0] } }
    func biasGradient(_ delta: [Scalar]) -> [Scalar] { delta }
    func weightGradient(_ delta: [Scalar], input aPrevious: [Scalar]) -> Matrix<Scalar> {
        Matrix(rows: delta.count, columns: 1, elements: delta.indices.map { delta[$0] * aPrevious[$0] })
    }
    func converted<Other: BLASScalar>(to _: Other.Type) -> any LayerKind<Other> {
        ElementwiseLayer<Other>(weights: weights.elements.map { Other($0) }, biases: biases.map { Other($0) },
                                activation: activation)
    }
}

@Suite("Layer kinds")
struct LayerKindTests {
    /// [4] → elementwise tanh → dense [4 → 3] sigmoid.
    static func mixedNetwork() -> Network<Double> {
        var generator = SeededGenerator(seed: 21)
        let dense = Network<Double>(layerSizes: [4, 3], using: &generator).layers[0]
        let elementwise = ElementwiseLayer<Double>(weights: [0.7, -1.2, 0.4, 1.9], biases: [0.1, -0.3, 0.2, 0.05],
                                                   activation: .tanh)
        return Network(layers: [elementwise, dense], cost: .crossEntropy)
    }

    @Test("A kind defined outside the library passes the gradient check")
    func gradientCheck() {
        let network = Self.mixedNetwork()
        let (x, y) = randomExample(for: network, seed: 3)
        var generator = SeededGenerator(seed: 4)
        let report = network.checkGradient(input: x, target: y, epsilon: 1e-5, using: &generator)
        #expect(report.passed)
        #expect(report.maxNormRelativeError < 1e-8)
        #expect(report.layers.map(\.checked) == [8, 15])
    }

    @Test("probe's first-order prediction holds for the new kind's weights and weighted inputs")
    func probe() throws {
        let network = Self.mixedNetwork()
        let (x, y) = randomExample(for: network, seed: 5)
        for target in [ProbeTarget.weight(layer: 0, j: 2, k: 0), .bias(layer: 0, j: 1), .weightedInput(layer: 0, j: 3)] {
            // ΔC − ∂C/∂p·Δ is the second-order term: it shrinks like Δ², a hundredfold per tenfold.
            let report = network.probe(input: x, target: y, changing: target, by: [1e-3, 1e-4])
            let large = try #require(report.rows[0].discrepancy), small = try #require(report.rows[1].discrepancy)
            #expect(small <= 1e-3 * abs(report.rows[1].predicted), "\(target): \(report.rows[1])")
            #expect(large / small > 30, "\(target): discrepancies \(large) and \(small)")
        }
    }

    @Test("Networks with other kinds train on the reference path, whatever the engine asked for")
    func referencePathTrainsAnyKind() throws {
        for engine in [Engine.automatic, .blas, .reference] {
            #expect(engine.prepare(Self.mixedNetwork()).engine == .reference)
        }
        var network = Self.mixedNetwork()
        let data = LabelledData(inputSize: 4, classCount: 3, inputBytes: [255, 0, 0, 40, 0, 255, 0, 90, 0, 0, 255, 7],
                                labels: [0, 1, 2])
        let before = network.evaluate(on: data).cost
        var generator = SeededGenerator(seed: 1)
        _ = try StochasticGradientDescent(epochs: 30, miniBatchSize: 3, eta: 1, monitoring: [])
            .train(&network, on: data, using: &generator, engine: .automatic)
        #expect(network.evaluate(on: data).cost < before / 2)
        #expect(network.layers[0].weights != Self.mixedNetwork().layers[0].weights)
    }

    @Test("Learning speed is measured by the reference path where the matrix path cannot run, and agrees with it where it can")
    func learningSpeedByExample() {
        let data = LabelledData(inputSize: 4, classCount: 3, inputBytes: (0..<60).map { UInt8($0 * 37 % 256) },
                                labels: (0..<15).map { UInt8($0 % 3) })
        let monitor = LearningSpeedMonitor(sample: data, saturationThreshold: 0.2)
        let dense = randomNetwork([4, 5, 3], seed: 8)
        let matrix = monitor.measure(dense), byExample = monitor.measureByExample(dense)
        expectClose(byExample.weightGradientNorms, matrix.weightGradientNorms, tolerance: 1e-12, "‖∂C/∂w‖")
        expectClose(byExample.biasGradientNorms, matrix.biasGradientNorms, tolerance: 1e-12, "‖∂C/∂b‖")
        #expect(byExample.saturatedShare == matrix.saturatedShare)
        #expect(byExample.wronglySaturatedOutputShare == matrix.wronglySaturatedOutputShare)
        let mixed = monitor.measure(Self.mixedNetwork())
        #expect(mixed.weightGradientNorms.count == 2 && mixed.weightGradientNorms.allSatisfy { $0 > 0 })
    }

    @Test("A model file naming a kind this build does not know is refused by name")
    func unknownKind() {
        let json = #"{"layers": [{"kind": "conv", "weights": [[1]], "biases": [0]}], "cost": "quadratic"}"#
        #expect {
            try JSONDecoder().decode(Network<Float>.self, from: Data(json.utf8))
        } throws: { error in
            "\(error)".contains("no kind of layer is called \"conv\"")
        }
    }

    @Test("Dense layers are written as before: no \"kind\" key")
    func denseLayersHaveNoKindKey() throws {
        let network = randomNetwork([3, 2], seed: 1)
        let text = String(decoding: try JSONEncoder().encode(network), as: UTF8.self)
        #expect(!text.contains("\"kind\""))
        #expect(try JSONDecoder().decode(Network<Double>.self, from: Data(text.utf8)) == network)
    }
}
