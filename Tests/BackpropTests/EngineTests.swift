import Backprop
import Testing

/// The one engine choice: the reference path, the matrix path over BLAS and the kernels train
/// and evaluate the same network to the same numbers, up to the order of floating-point sums.
@Suite("Engines")
struct EngineTests {
    static func trained(_ engine: Engine, sgd: StochasticGradientDescent, sizes: [Int] = [50, 12, 10]) throws -> Network<Float> {
        var generator = SeededGenerator(seed: 5)
        var network = Network<Float>(layerSizes: sizes, cost: .crossEntropy, initializer: .scaledNormal, using: &generator)
        _ = try sgd.train(&network, on: KernelsTests.sparseData(classes: sizes.last!), using: &generator, engine: engine)
        return network
    }

    static let recipes = [
        StochasticGradientDescent(epochs: 2, miniBatchSize: 7, eta: 0.5, monitoring: []),
        StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5, regularization: .l2(lambda: 2), monitoring: []),
        StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5, regularization: .l1(lambda: 2), momentum: 0.5,
                                  monitoring: []),
    ]

    @Test("The reference path trains to the matrix path's and the kernels' weights", arguments: recipes)
    func referenceMatchesTheFastPaths(_ sgd: StochasticGradientDescent) throws {
        let reference = try Self.trained(.reference, sgd: sgd)
        let fast: [Engine] = sgd.momentum == 0 ? [.blas, .automatic] : [.blas]
        for engine in fast {
            let network = try Self.trained(engine, sgd: sgd)
            for (l, (layer, expected)) in zip(network.layers, reference.layers).enumerated() {
                for (i, (a, e)) in zip(layer.weights.elements, expected.weights.elements).enumerated() {
                    #expect(abs(a - e) <= 2e-4 * max(1, abs(e)), "\(engine) layer \(l) weight \(i): \(a) vs \(e)")
                }
            }
        }
    }

    @Test("Evaluation honours the engine and agrees across engines")
    func evaluationAgrees() throws {
        let network = try Self.trained(.blas, sgd: Self.recipes[0])
        let data = KernelsTests.sparseData(classes: 10, count: 150, seed: 9)
        let reference = network.evaluate(on: data, engine: .reference)
        for engine in [Engine.blas, .automatic] {
            let evaluation = network.evaluate(on: data, engine: engine)
            #expect(evaluation.correct == reference.correct)
            #expect(abs(evaluation.cost - reference.cost) <= 1e-5 * max(1, abs(reference.cost)))
            #expect(network.predictions(on: data, engine: engine) == network.predictions(on: data, engine: .reference))
        }
    }

    @Test("Each choice resolves to the engine that runs")
    func resolution() {
        var generator = SeededGenerator(seed: 2)
        let book = Network<Float>(layerSizes: [50, 20, 10], using: &generator)
        let sgd = StochasticGradientDescent()
        #expect(Engine.reference.resolved(for: book, configuration: sgd) == .reference)
        #expect(Engine.blas.resolved(for: book, configuration: sgd) == .blas)
        #expect(Engine.automatic.resolved(for: book, configuration: sgd) == Engine.best)
        #expect(Engine.automatic.resolved(for: book.converted(to: Double.self), configuration: sgd) == .blas)
        var momentum = sgd
        momentum.momentum = 0.5
        #expect(Engine.automatic.resolved(for: book, configuration: momentum) == .blas)
    }

    @Test("Dropout is refused on the reference path, which has no masks")
    func dropoutNeedsTheMatrixPath() {
        #expect(throws: TrainingError.self) {
            try Self.trained(.reference, sgd: StochasticGradientDescent(epochs: 1, miniBatchSize: 10, dropout: 0.5, monitoring: []))
        }
    }

    @Test("The optimizer owns η: the schedule halves it there and the epoch records it")
    func optimizerOwnsEta() throws {
        var optimizer = Optimizer<Float>(eta: 3)
        optimizer.halveEta()
        #expect(optimizer.eta == 1.5)
    }
}
