@testable import Backprop
import Foundation
import Testing

/// The engine (sparse first layer, small dense layers, per instruction set) against the matrix
/// path over BLAS, which computes the same numbers in another order.
@Suite struct KernelsTests {
    /// 210 examples of 50 byte inputs, 60% of them zero, with labels among `classes`.
    static func sparseData(classes: Int, count: Int = 210, seed: UInt64 = 5) -> LabelledData {
        var generator = SeededGenerator(seed: seed)
        let bytes = (0..<count * 50).map { _ in generator.nextUniform() < 0.6 ? UInt8(0) : UInt8(1 + generator.nextInt(below: 255)) }
        let labels = (0..<count).map { _ in UInt8(generator.nextInt(below: classes)) }
        return LabelledData(inputSize: 50, classCount: classes, inputBytes: bytes, labels: labels)
    }

    /// The instruction sets this CPU can run, each once (`BACKPROP_ISA` limits only `automatic`).
    static var instructionSets: [Engine] { Engine.supported }

    struct Case: CustomTestStringConvertible, Sendable {
        var sizes: [Int]
        var hidden: Activation = .sigmoid
        var output: Activation = .sigmoid
        var cost: Cost = .quadratic
        var regularization: Regularization = .none
        var miniBatch = 10
        var eta = 0.5
        var testDescription: String { "\(sizes) \(hidden)/\(output) \(cost) \(regularization) m=\(miniBatch)" }
    }

    static let cases: [Case] = [
        Case(sizes: [50, 30, 10]),
        Case(sizes: [50, 30, 10], cost: .crossEntropy, regularization: .l2(lambda: 5)),
        Case(sizes: [50, 7, 3], miniBatch: 4),  // widths far from a multiple of 16; a remainder mini-batch
        Case(sizes: [50, 33, 20, 10], hidden: .relu, output: .softmax, cost: .logLikelihood, miniBatch: 16),
        Case(sizes: [50, 100, 10], hidden: .linear, output: .linear, miniBatch: 1, eta: 0.001),
        Case(sizes: [50, 10], cost: .crossEntropy),  // one layer: the sparse layer is the output
        // BP4 by input (a wide first layer, 40 examples), then by example for the last 10.
        Case(sizes: [50, 100, 10], cost: .crossEntropy, regularization: .l2(lambda: 5), miniBatch: 40),
    ]

    func trained(_ c: Case, engine: Engine) throws -> Network<Float> {
        var generator = SeededGenerator(seed: 11)
        var network = Network<Float>(layerSizes: c.sizes, activation: c.hidden, outputActivation: c.output,
                                     cost: c.cost, initializer: .scaledNormal, using: &generator)
        let sgd = StochasticGradientDescent(epochs: 2, miniBatchSize: c.miniBatch, eta: c.eta,
                                            regularization: c.regularization, monitoring: [])
        _ = try sgd.train(&network, on: Self.sparseData(classes: c.sizes.last!), using: &generator, engine: engine)
        return network
    }

    @Test(arguments: cases)
    func trainingMatchesTheMatrixPath(_ c: Case) throws {
        let reference = try trained(c, engine: .blas)
        for engine in Self.instructionSets {
            let network = try trained(c, engine: engine)
            for (l, (layer, expected)) in zip(network.layers, reference.layers).enumerated() {
                expectClose(layer.weights.elements, expected.weights.elements, "\(engine) layer \(l) weights")
                expectClose(layer.biases, expected.biases, "\(engine) layer \(l) biases")
            }
            #expect(network != reference || engine == .blas, "bit-identical to BLAS: are the engine in use?")
        }
    }

    @Test(arguments: cases)
    func evaluationMatchesTheMatrixPath(_ c: Case) throws {
        let network = try trained(c, engine: .blas)
        let data = Self.sparseData(classes: c.sizes.last!, count: 150, seed: 9)
        let reference = network.evaluate(on: data, engine: .blas)
        for engine in Self.instructionSets {
            let evaluation = network.evaluate(on: data, engine: engine)
            #expect(evaluation.correct == reference.correct && evaluation.count == reference.count)
            #expect(abs(evaluation.cost - reference.cost) <= 1e-5 * max(1, abs(reference.cost)))
        }
    }

    @Test func packingRoundTripsEveryWeight() throws {
        var generator = SeededGenerator(seed: 3)
        let network = Network<Float>(layerSizes: [50, 21, 17, 4], using: &generator)
        for engine in Self.instructionSets {
            let packed = try #require(PackedNetwork(network, capacity: 3, choice: engine))
            var copy = Network<Float>(layerSizes: [50, 21, 17, 4], using: &generator)
            packed.store(into: &copy)
            #expect(copy == network)
        }
    }

    @Test func threadsDoNotChangeTheResult() throws {
        var generator = SeededGenerator(seed: 8)
        let start = Network<Float>(layerSizes: [50, 1000, 10], cost: .crossEntropy, using: &generator)
        let data = Self.sparseData(classes: 10)
        var rule = Optimizer<Float>(eta: 0.1, regularization: .l2(lambda: 1), trainingSetSize: 210)
        var results: [Network<Float>] = []
        for threads in [1, 2, 3] {
            let packed = try #require(PackedNetwork(start, optimizer: rule, capacity: 70, choice: .automatic, threads: threads))
            for first in stride(from: 0, to: 210, by: 70) {
                #expect(packed.step(on: data, indices: Array(0..<210)[first ..< first + 70], next: [], optimizer: &rule))
            }
            var network = start
            packed.store(into: &network)
            results.append(network)
        }
        #expect(results[0] != start)
        #expect(results[1] == results[0] && results[2] == results[0])
    }

    @Test(arguments: [[50, 100, 10], [50, 1000, 10]], [1, 2])
    func bp4ByInputGivesTheWeightsOfBP4ByExample(sizes: [Int], threads: Int) throws {
        var generator = SeededGenerator(seed: 4)
        let start = Network<Float>(layerSizes: sizes, using: &generator)
        let data = Self.sparseData(classes: 10)
        var rule = Optimizer<Float>(eta: 0.5, regularization: .l2(lambda: 1), trainingSetSize: 210)
        var results: [Network<Float>] = []
        for grouping in [false, true] {
            let packed = try #require(PackedNetwork(start, optimizer: rule, capacity: 70, choice: .automatic, threads: threads))
            #expect(packed.allowGrouping(grouping), "BP4 by input should apply to \(sizes) with 70 examples")
            for (first, count) in [(0, 70), (70, 40), (110, 32), (142, 68)] {
                let indices = Array(0..<210)[first ..< first + count]
                #expect(packed.step(on: data, indices: indices, next: [], optimizer: &rule))
            }
            var network = start
            packed.store(into: &network)
            results.append(network)
        }
        #expect(results[0] != start)
        #expect(results[1] == results[0])
    }

    @Test func unsupportedSettingsTakeTheMatrixPath() {
        var generator = SeededGenerator(seed: 3)
        let plain = Network<Float>(layerSizes: [50, 20, 10], using: &generator)
        #expect(PackedNetwork(plain, capacity: 10, choice: .automatic) != nil)
        #expect(PackedNetwork(plain, capacity: 10, choice: .blas) == nil)
        let tanh = Network<Float>(layerSizes: [50, 20, 10], activation: .tanh, using: &generator)
        #expect(PackedNetwork(tanh, capacity: 10, choice: .automatic) == nil)
        var mixed = plain
        mixed.modifyNeuron(layer: 0, neuron: 3, activation: .relu)
        #expect(PackedNetwork(mixed, capacity: 10, choice: .automatic) == nil)
        let wide = Network<Float>(layerSizes: [50, 300, 300, 10], using: &generator)
        #expect(PackedNetwork(wide, capacity: 10, choice: .automatic) == nil)
        let wideFirst = Network<Float>(layerSizes: [50, 1100, 10], using: &generator)
        #expect(PackedNetwork(wideFirst, capacity: 10, choice: .automatic) == nil)
        let softmaxQuadratic = Network<Float>(layerSizes: [50, 20, 10], outputActivation: .softmax, using: &generator)
        #expect(PackedNetwork(softmaxQuadratic, capacity: 10, choice: .automatic) == nil)
        for rule in [Optimizer<Float>(eta: 1, momentum: 0.9), Optimizer(eta: 1, dropout: 0.5),
                     Optimizer(eta: 1, regularization: .l1(lambda: 1))] {
            #expect(PackedNetwork(plain, optimizer: rule, capacity: 10, choice: .automatic) == nil)
        }
        #expect(PackedNetwork(plain, optimizer: Optimizer(eta: 1, regularization: .l2(lambda: 1)),
                              capacity: 10, choice: .automatic) != nil)
    }

    @Test func divergenceIsCaughtOnTheKernelPath() {
        var generator = SeededGenerator(seed: 4)
        var network = Network<Float>(layerSizes: [50, 20, 10], activation: .relu, outputActivation: .linear,
                                     using: &generator)
        let sgd = StochasticGradientDescent(epochs: 3, miniBatchSize: 10, eta: 1e30, monitoring: [])
        #expect(throws: TrainingError.self) {
            _ = try sgd.train(&network, on: Self.sparseData(classes: 10), using: &generator, engine: .automatic)
        }
    }

    @Test("The matrix path's vector sigmoid for Float is within 3 ulps of σ in Double, the tail included")
    func vectorSigmoid() {
        let original = (0..<37).map { Float($0 - 18) * 2.7 } + [-100, 100, 0, 1e-8, -0.3]  // 42: not whole vectors
        var z = original, a = [Float](repeating: 0, count: z.count), sp = a
        let bias: Float = 0.25
        Activation.sigmoid.apply(bias: bias, count: z.count, z: &z, a: &a, sigmaPrime: &sp)
        for i in z.indices {
            let zi = original[i] + bias, expected = Float(1 / (1 + exp(-Double(zi))))
            #expect(z[i] == zi)
            // eˣ is clamped to x ≥ −87, so σ(z) for z below −87 is about 10⁻³⁸ rather than smaller.
            let tolerance = zi < -87 ? 1e-37 : 3 * expected.ulp
            #expect(abs(a[i] - expected) <= tolerance, "σ(\(zi)) = \(a[i]), expected \(expected)")
            #expect(sp[i] == a[i] * (1 - a[i]))
        }
    }

    @Test func sameSeedSameWeights() throws {
        let c = Case(sizes: [50, 30, 10], cost: .crossEntropy)
        #expect(try trained(c, engine: .automatic) == trained(c, engine: .automatic))
    }
}

/// Expects every element of `actual` within 1e-4 (relative, or absolute near zero) of `expected`.
private func expectClose(_ actual: [Float], _ expected: [Float], _ what: String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): sizes differ", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() where abs(a - e) > 1e-4 * max(1, abs(e)) {
        Issue.record("\(what)[\(i)] = \(a), expected \(e)", sourceLocation: sourceLocation)
        return
    }
}
