import Backprop
import Foundation
import Testing

/// The output activations each cost is defined for, and hidden activations to pair them with.
let costCombinations: [(Cost, Activation)] = Cost.allCases.flatMap { cost in
    Activation.allCases.filter { cost.supports($0) }.map { (cost, $0) }
}

@Suite("Chapter 3: costs, activations, regularization, momentum, schedules, resuming")
struct LearningBetterTests {
    @Test("Every activation × cost × regularization passes the gradient check",
          arguments: costCombinations.flatMap { combination in
              Activation.allCases.filter(\.isElementwise).flatMap { hidden in
                  [Regularization.none, .l2(lambda: 0.7), .l1(lambda: 0.3)].map { (combination.0, combination.1, hidden, $0) }
              }
          })
    func gradientCheck(cost: Cost, output: Activation, hidden: Activation, regularization: Regularization) {
        var generator = SeededGenerator(seed: 90)
        var network = Network<Double>(layerSizes: [4, 5, 3], activation: hidden, outputActivation: output,
                                      cost: cost, initializer: .scaledNormal, using: &generator)
        if hidden == .relu { network.layers[0].biases = network.layers[0].biases.map { $0 + 0.5 } }
        let (x, y) = randomExample(for: network, seed: 91)
        let n = 7
        // The regularized cost C = C₀ + regularization term, and backprop's gradient of it.
        func totalCost(_ net: Network<Double>) -> Double { net.cost(input: x, target: y) + regularization.cost(of: net, n: n) }
        let pass = network.backpropagate(input: x, target: y)
        let epsilon = hidden == .relu ? 1e-6 : 1e-5
        var worst = 0.0
        for l in network.layers.indices {
            for i in network.layers[l].weights.elements.indices {
                var plus = network, minus = network
                plus.layers[l].weights.elements[i] += epsilon
                minus.layers[l].weights.elements[i] -= epsilon
                let numerical = (totalCost(plus) - totalCost(minus)) / (2 * epsilon)
                let analytic = pass.nablaW[l].elements[i]
                    + regularization.gradient(weight: network.layers[l].weights.elements[i], n: n)
                worst = max(worst, relativeError(analytic, numerical, floor: 1e-8))
            }
        }
        #expect(worst <= 1e-6, "\(cost) with \(hidden)/\(output) and \(regularization): \(worst)")
    }

    @Test("Cross-entropy with sigmoid outputs and log-likelihood with softmax give δᴸ = aᴸ − y")
    func outputErrorWithoutSigmaPrime() {
        for (cost, output) in [(Cost.crossEntropy, Activation.sigmoid), (.logLikelihood, .softmax)] {
            var generator = SeededGenerator(seed: 92)
            let network = Network<Double>(layerSizes: [3, 4, 3], outputActivation: output, cost: cost, using: &generator)
            let pass = network.backpropagate(input: [0.2, 0.5, 0.9], target: [0, 0, 1])
            expectClose(pass.delta[1], zip(pass.output, [0.0, 0, 1]).map { $0 - $1 }, tolerance: 1e-14, "δᴸ")
        }
    }

    @Test("Softmax outputs are a probability distribution")
    func softmaxSumsToOne() {
        var generator = SeededGenerator(seed: 93)
        let network = Network<Double>(layerSizes: [3, 4, 5], outputActivation: .softmax, cost: .logLikelihood, using: &generator)
        let a = network.feedforward([0.1, 0.7, 0.3])
        #expect(abs(a.reduce(0, +) - 1) < 1e-15)
        #expect(a.allSatisfy { $0 > 0 })
    }

    @Test("N(0, 1/n_in) weights have the right spread")
    func scaledInitialization() {
        var generator = SeededGenerator(seed: 94)
        let network = Network<Double>(layerSizes: [400, 300, 10], initializer: .scaledNormal, using: &generator)
        let w = network.layers[0].weights.elements
        let variance = w.reduce(0) { $0 + $1 * $1 } / Double(w.count)
        #expect(abs(variance - 1.0 / 400) < 0.05 / 400)
        let b = network.layers[0].biases
        #expect(abs(b.reduce(0) { $0 + $1 * $1 } / Double(b.count) - 1) < 0.2)
    }

    /// Trains on the synthetic halves problem and returns the network.
    func train(_ sgd: StochasticGradientDescent, seed: UInt64 = 1) throws -> (Network<Float>, TrainingHistory) {
        var generator = SeededGenerator(seed: seed)
        var network = Network<Float>(layerSizes: [16, 6, 2], cost: .crossEntropy, using: &generator)
        let history = try sgd.train(&network, on: halves(count: 203, seed: 3), evaluatingOn: halves(count: 50, seed: 4),
                                    using: &generator)
        return (network, history)
    }

    @Test("Momentum with μ = 0 is plain SGD, and L2 with λ = 0 is no regularization, bit for bit")
    func degenerateSettings() throws {
        let plain = try train(StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5)).0
        let momentum = try train(StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5, momentum: 0)).0
        let l2 = try train(StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5, regularization: .l2(lambda: 0))).0
        let l1 = try train(StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5, regularization: .l1(lambda: 0))).0
        #expect(momentum == plain)
        #expect(l2 == plain)
        #expect(l1 == plain)
        let decayed = try train(StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5, regularization: .l2(lambda: 5))).0
        #expect(decayed != plain)
    }

    @Test("One step with L2, L1 and momentum follows the book's update rules")
    func updateRules() {
        let network = randomNetwork([5, 4, 3], seed: 95)
        var batch = MiniBatch<Double>(layerSizes: [5, 4, 3], size: 3)
        var generator = SeededGenerator(seed: 96)
        let x = Matrix<Double>(rows: 5, columns: 3, elements: (0..<15).map { _ in generator.nextUniform() })
        let y = Matrix<Double>(rows: 3, columns: 3, elements: [1, 0, 0, 0, 1, 0, 0, 0, 1])
        batch.load(inputs: x, targets: y)
        let gradient = batch.gradient(of: network)
        let (eta, lambda, n, mu) = (0.4, 2.0, 50, 0.9)
        for regularization in [Regularization.l2(lambda: lambda), .l1(lambda: lambda)] {
            var stepped = network
            var optimizer = Optimizer<Double>(eta: eta, regularization: regularization, trainingSetSize: n)
            batch.descend(&stepped, optimizer: &optimizer)
            let w = network.layers[0].weights.elements, g = gradient.nablaW[0].elements
            let expected = w.indices.map { w[$0] - eta * regularization.gradient(weight: w[$0], n: n) - eta * g[$0] }
            expectClose(stepped.layers[0].weights.elements, expected, tolerance: 1e-12, "\(regularization)")
        }
        // Momentum: v₁ = −η∇, w₁ = w + v₁; v₂ = μv₁ − η∇(w₁), w₂ = w₁ + v₂.
        var stepped = network
        var optimizer = Optimizer(eta: eta, trainingSetSize: n, momentum: mu, for: network)
        batch.descend(&stepped, optimizer: &optimizer)
        let w1 = zip(network.layers[1].weights.elements, gradient.nablaW[1].elements).map { $0 - eta * $1 }
        expectClose(stepped.layers[1].weights.elements, w1, tolerance: 1e-12, "w₁")
        let g1 = batch.gradient(of: stepped).nablaW[1].elements
        let v2 = zip(gradient.nablaW[1].elements, g1).map { -mu * eta * $0 - eta * $1 }
        batch.descend(&stepped, optimizer: &optimizer)
        expectClose(stepped.layers[1].weights.elements, zip(w1, v2).map { $0 + $1 }, tolerance: 1e-12, "w₂")
    }

    @Test("Dropout thins training only: same seed same result, evaluation unaffected")
    func dropout() throws {
        let sgd = StochasticGradientDescent(epochs: 3, miniBatchSize: 10, eta: 0.5, dropout: 0.5)
        let (a, historyA) = try train(sgd)
        let (b, _) = try train(sgd)
        let (plain, _) = try train(StochasticGradientDescent(epochs: 3, miniBatchSize: 10, eta: 0.5))
        #expect(a == b)
        #expect(a != plain)
        #expect(historyA.epochs.last!.evaluation!.accuracy > 0.9)
    }

    @Test("Early stopping and the halving schedule end a run that stops improving")
    func schedules() throws {
        let stopping = try train(StochasticGradientDescent(epochs: 200, miniBatchSize: 10, eta: 0.5, earlyStoppingPatience: 3)).1
        #expect(stopping.epochs.count < 200)
        let halving = try train(StochasticGradientDescent(epochs: 400, miniBatchSize: 10, eta: 0.5, halveEtaAfter: 2)).1
        #expect(halving.epochs.count < 400)
        let rates = halving.epochs.compactMap(\.eta)
        #expect(rates.first == 0.5)
        #expect(Set(rates).isSubset(of: (0...7).map { 0.5 / Double(1 << $0) }))
        #expect(rates.last! <= 0.5 / 64)
    }

    @Test("Monitoring records training and evaluation cost and accuracy, with the regularization term")
    func monitoring() throws {
        let sgd = StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5, regularization: .l2(lambda: 1),
                                            monitoring: .all)
        let (network, history) = try train(sgd)
        let last = try #require(history.epochs.last)
        let training = try #require(last.training)
        let plain = network.evaluate(on: halves(count: 203, seed: 3))
        #expect(training.count == 203)
        #expect(abs(training.cost - plain.cost - Regularization.l2(lambda: 1).cost(of: network, n: 203)) < 1e-9)
        #expect(last.evaluation?.count == 50)
        let csv = history.csv()
        #expect(csv.hasPrefix("epoch,learning_rate,training_seconds,evaluation_accuracy,evaluation_cost,training_accuracy,training_cost"))
        #expect(csv.split(separator: "\n").count == 3)
        let decoded = try JSONDecoder().decode(TrainingHistory.self, from: JSONEncoder().encode(history))
        #expect(decoded == history)
    }

    @Test("A run saved after k epochs and resumed equals one never interrupted, bit for bit",
          arguments: [StochasticGradientDescent(epochs: 4, miniBatchSize: 7, eta: 0.5),
                      StochasticGradientDescent(epochs: 4, miniBatchSize: 7, eta: 0.5, regularization: .l2(lambda: 2),
                                                momentum: 0.8, dropout: 0.3, halveEtaAfter: 1),
                      StochasticGradientDescent(epochs: 4, miniBatchSize: 7, eta: 0.5, momentum: 0.5, etaSchedule: .oneCycle)])
    func resume(sgd: StochasticGradientDescent) throws {
        let data = halves(count: 100, seed: 5), evaluation = halves(count: 30, seed: 6)
        var generator = SeededGenerator(seed: 7)
        let network = Network<Float>(layerSizes: [16, 6, 2], cost: .crossEntropy, using: &generator)
        var whole = try TrainingRun(network: network, configuration: sgd, trainingData: data, evaluationData: evaluation, generator: generator)
        while !whole.isFinished { try whole.runEpoch(on: data, evaluatingOn: evaluation) }

        var first = try TrainingRun(network: network, configuration: sgd, trainingData: data, evaluationData: evaluation, generator: generator)
        try first.runEpoch(on: data, evaluatingOn: evaluation)
        try first.runEpoch(on: data, evaluatingOn: evaluation)
        let saved = try JSONEncoder().encode(ModelFile(run: first))
        var resumed = try #require(try JSONDecoder().decode(ModelFile.self, from: saved).training)
        while !resumed.isFinished { try resumed.runEpoch(on: data, evaluatingOn: evaluation) }
        #expect(resumed.network == whole.network)
        #expect(resumed.generator == whole.generator)
        #expect(resumed.history.epochs.map(\.evaluation) == whole.history.epochs.map(\.evaluation))
    }
}

/// 4×4 "images" whose class is the brighter half (left or right).
func halves(count: Int, seed: UInt64) -> LabelledData {
    var generator = SeededGenerator(seed: seed)
    var bytes: [UInt8] = [], labels: [UInt8] = []
    for _ in 0..<count {
        let label = generator.nextInt(below: 2)
        for _ in 0..<4 {
            for column in 0..<4 {
                let bright = (column < 2) == (label == 0)
                bytes.append(UInt8(bright ? 155 + generator.nextInt(below: 100) : generator.nextInt(below: 100)))
            }
        }
        labels.append(UInt8(label))
    }
    return LabelledData(inputSize: 16, classCount: 2, inputBytes: bytes, labels: labels)
}
