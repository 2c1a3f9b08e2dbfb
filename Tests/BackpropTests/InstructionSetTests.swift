@testable import Backprop
import Foundation
import Testing

/// Every instruction set of the engine (AVX-512, AVX2, plain C) that this CPU can run, each
/// against the per-example path of ``Network/backpropagate(input:target:)`` in Double, and each
/// deterministic for a fixed seed. A set the CPU lacks is reported as not run (a printed line),
/// and the test checks instead that asking for it gives the best set the CPU has.
@Suite struct InstructionSetTests {
    static let all: [Engine] = [.avx512, .avx2, .portable]

    /// Prints which instruction sets run on this CPU and which cannot, once per test that asks.
    static func report(_ engine: Engine, _ test: String) -> Bool {
        let runs = Engine.supported.contains(engine)
        print(runs ? "\(engine.summary): \(test) ran"
                   : "\(engine.summary): \(test) NOT RUN, this CPU lacks it (asking for it gives \(Engine.supported.last!.summary))")
        return runs
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var sizes: [Int]
        var hidden: Activation = .sigmoid
        var output: Activation = .sigmoid
        var cost: Cost = .quadratic
        var lambda = 0.0
        var miniBatch = 10
        var eta = 3.0
        var testDescription: String { "\(sizes) \(hidden)/\(output) \(cost) λ \(lambda) m=\(miniBatch)" }
    }

    static let cases: [Case] = [
        Case(sizes: [50, 30, 10]),  // the book's chapter 1 network, narrowed to 50 inputs
        Case(sizes: [50, 7, 3], miniBatch: 4),  // widths far from whole vectors
        // A wide first layer and 40 examples: BP4 goes by input.
        Case(sizes: [50, 100, 10], cost: .crossEntropy, lambda: 5, miniBatch: 40, eta: 0.5),
        Case(sizes: [50, 33, 20, 10], hidden: .relu, output: .softmax, cost: .logLikelihood, miniBatch: 16, eta: 0.1),
    ]

    /// Every weight and bias of the engine' network lies within this of the reference's:
    /// relative to the reference value, or absolute where that is below 1. Float's rounding over
    /// three steps of these cases came to at most 2.7e-7 with each instruction set, on a Sapphire
    /// Rapids Xeon; leaving one example out of each mini-batch moves them by 1e-3 and more.
    static let tolerance: Float = 2e-6

    /// Three mini-batches of gradient descent on the per-example path, in Double: for each
    /// example the book's BP1-BP4, then w → (1 − ηλ/n)w − (η/m)Σ∇w and b → b − (η/m)Σ∇b.
    static func reference(_ start: Network<Float>, _ c: Case, data: LabelledData,
                          batches: [ArraySlice<Int>]) -> Network<Float> {
        var network = start.converted(to: Double.self)
        let keep = 1 - c.eta * c.lambda / Double(data.count)
        for batch in batches {
            var step = network
            for (l, layer) in network.layers.enumerated() {
                step.layers[l].weights.elements = layer.weights.elements.map { $0 * keep }
            }
            let scale = c.eta / Double(batch.count)
            for e in batch {
                let pass = network.backpropagate(input: data.input(e, as: Double.self), target: data.target(e, as: Double.self))
                for l in step.layers.indices {
                    for i in step.layers[l].weights.elements.indices {
                        step.layers[l].weights.elements[i] -= scale * pass.nablaW[l].elements[i]
                    }
                    for j in step.layers[l].biases.indices { step.layers[l].biases[j] -= scale * pass.nablaB[l][j] }
                }
            }
            network = step
        }
        return network.converted(to: Float.self)
    }

    static func start(_ c: Case) -> Network<Float> {
        var generator = SeededGenerator(seed: 11)
        return Network<Float>(layerSizes: c.sizes, activation: c.hidden, outputActivation: c.output,
                              cost: c.cost, initializer: .scaledNormal, using: &generator)
    }

    @Test(arguments: all, cases)
    func matchesThePerExamplePath(_ engine: Engine, _ c: Case) throws {
        let start = Self.start(c)
        let data = KernelsTests.sparseData(classes: c.sizes.last!)
        var rule = Optimizer<Float>(eta: c.eta, regularization: c.lambda > 0 ? .l2(lambda: c.lambda) : .none,
                                     trainingSetSize: data.count)
        let packed = try #require(PackedNetwork(start, optimizer: rule, capacity: c.miniBatch, choice: engine))
        guard Self.report(engine, "per-example path \(c.testDescription)") else {
            #expect(packed.engine == Engine.supported.last)
            return
        }
        #expect(packed.engine == engine)
        let batches = (0..<3).map { Array(0..<data.count)[$0 * c.miniBatch ..< ($0 + 1) * c.miniBatch] }
        for batch in batches {
            #expect(packed.step(on: data, indices: batch, next: [], optimizer: &rule))
        }
        var network = start
        packed.store(into: &network)
        let expected = Self.reference(start, c, data: data, batches: batches)
        #expect(network != start)
        for (l, (layer, reference)) in zip(network.layers, expected.layers).enumerated() {
            expectWithinTolerance(layer.weights.elements, reference.weights.elements, "\(engine) layer \(l) weights")
            expectWithinTolerance(layer.biases, reference.biases, "\(engine) layer \(l) biases")
        }
    }

    @Test(arguments: all)
    func sameSeedSameWeights(_ engine: Engine) throws {
        func trained() throws -> Network<Float> {
            var generator = SeededGenerator(seed: 7)
            var network = Network<Float>(layerSizes: [50, 100, 10], cost: .crossEntropy, using: &generator)
            let sgd = StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5,
                                                regularization: .l2(lambda: 1), monitoring: [])
            _ = try sgd.train(&network, on: KernelsTests.sparseData(classes: 10), using: &generator, engine: engine)
            return network
        }
        let first = try trained(), second = try trained()
        #expect(first == second)
        var generator = SeededGenerator(seed: 7)
        let untrained = Network<Float>(layerSizes: [50, 100, 10], cost: .crossEntropy, using: &generator)
        #expect(first != untrained)
        _ = Self.report(engine, "same seed, same weights")
    }

    @Test func instructionSetNames() {
        #expect(Engine(instructionSetName: "avx512") == .avx512)
        #expect(Engine(instructionSetName: "avx2") == .avx2)
        #expect(Engine(instructionSetName: "portable") == .portable)
        for name in ["", "AVX2", "blas", "automatic", "sse"] { #expect(Engine(instructionSetName: name) == nil) }
        #expect(UnknownInstructionSet(name: "sse").description.contains("BACKPROP_ISA=sse"))
    }

    @Test func automaticGoesNoHigherThanTheEnvironmentAllows() throws {
        let requested = try Engine.requested()
        let order: [Engine] = [.portable, .avx2, .avx512]
        let cpu = Engine.supported.last!
        let lower = requested.flatMap { order.firstIndex(of: $0)! < order.firstIndex(of: cpu)! ? $0 : nil }
        #expect(Engine.best == lower ?? cpu)
        let missing = Self.all.filter { !Engine.supported.contains($0) }.map(\.summary)
        print("Instruction sets: this CPU runs \(Engine.supported.map(\.summary).joined(separator: ", "))"
              + "; cannot run \(missing.isEmpty ? "none" : missing.joined(separator: ", "))"
              + "; automatic uses \(Engine.best.summary)"
              + (requested.map { " (\(Engine.environmentVariable)=\($0.rawValue))" } ?? ""))
    }
}

/// Expects every element of `actual` within ``InstructionSetTests/tolerance`` of `expected`,
/// naming the first that is not.
private func expectWithinTolerance(_ actual: [Float], _ expected: [Float], _ what: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): sizes differ", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated()
    where abs(a - e) > InstructionSetTests.tolerance * max(1, abs(e)) {
        Issue.record("\(what)[\(i)] = \(a), expected \(e)", sourceLocation: sourceLocation)
        return
    }
}
