import Backprop
import Testing

@Suite("Training by mini-batch SGD")
struct TrainingTests {
    func train(seed: UInt64, epochs: Int = 5) throws -> (Network<Float>, TrainingHistory) {
        var generator = SeededGenerator(seed: seed)
        var network = Network<Float>(layerSizes: [16, 5, 2], using: &generator)
        let sgd = StochasticGradientDescent(epochs: epochs, miniBatchSize: 7, eta: 3)
        let history = try sgd.train(&network, on: halves(count: 403, seed: 1),
                                    evaluatingOn: halves(count: 200, seed: 2), using: &generator)
        return (network, history)
    }

    @Test("Training learns a simple problem and records every epoch")
    func learns() throws {
        let (_, history) = try train(seed: 5)
        #expect(history.epochs.map(\.epoch) == [0, 1, 2, 3, 4])
        let last = try #require(history.epochs.last?.evaluation)
        #expect(last.count == 200)
        #expect(last.accuracy >= 0.95)
        #expect(try #require(history.epochs.first?.evaluation).cost > last.cost)
    }

    @Test("The same seed gives the same weights, bit for bit; another seed does not")
    func sameSeedSameResult() throws {
        let (a, historyA) = try train(seed: 8, epochs: 2)
        let (b, historyB) = try train(seed: 8, epochs: 2)
        let (c, _) = try train(seed: 9, epochs: 2)
        #expect(a == b)
        #expect(historyA.epochs.map(\.evaluation) == historyB.epochs.map(\.evaluation))
        #expect(a != c)
    }

    @Test("Evaluation counts argmax hits")
    func evaluationCountsHits() {
        // One layer whose output j is large exactly when input j is bright: it predicts the
        // brightest input's index.
        let identity = Matrix<Double>(rows: 3, columns: 3, elements: [10, 0, 0, 0, 10, 0, 0, 0, 10])
        let network = Network(layers: [DenseLayer(weights: identity, biases: [-5, -5, -5])])
        let data = LabelledData(inputSize: 3, classCount: 3,
                                inputBytes: [255, 0, 0, 0, 0, 255, 0, 255, 0, 0, 0, 255],
                                labels: [0, 1, 1, 2])
        let evaluation = network.evaluate(on: data)
        #expect(evaluation.correct == 3)
        #expect(evaluation.count == 4)
    }

    @Test("A network that is not finite stops training with the place named")
    func divergenceIsReported() {
        var generator = SeededGenerator(seed: 1)
        var network = Network<Float>(layerSizes: [16, 5, 2], using: &generator)
        network.layers[1].biases[1] = .nan
        let sgd = StochasticGradientDescent(epochs: 3, miniBatchSize: 10, eta: 1)
        #expect(throws: TrainingError.self) {
            try sgd.train(&network, on: halves(count: 50, seed: 1), using: &generator)
        }
    }

    @Test("Nonsense settings are refused", arguments: [
        StochasticGradientDescent(epochs: 1, miniBatchSize: 0, eta: 1),
        StochasticGradientDescent(epochs: 1, miniBatchSize: 10, eta: 0),
        StochasticGradientDescent(epochs: 1, miniBatchSize: 10, eta: .nan),
        StochasticGradientDescent(epochs: -1, miniBatchSize: 10, eta: 1),
    ])
    func invalidSettings(sgd: StochasticGradientDescent) {
        var generator = SeededGenerator(seed: 1)
        var network = Network<Float>(layerSizes: [16, 5, 2], using: &generator)
        #expect(throws: TrainingError.self) {
            try sgd.train(&network, on: halves(count: 20, seed: 1), using: &generator)
        }
    }
}
