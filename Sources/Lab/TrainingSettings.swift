import Backprop
import Datasets

/// A training the page asks for: `POST /api/train`'s body. Every field may be left out; the
/// defaults are `backprop train`'s (the book's chapter 1 network and settings).
struct TrainingSettings: Codable, Equatable, Sendable {
    var layers = [784, 30, 10]
    var activation = "sigmoid"
    var outputActivation: String?
    var cost = "quadratic"
    var initialization = "standard-normal"
    var eta = 3.0
    var miniBatchSize = 10
    var lambda = 0.0
    var regularization = "l2"
    var momentum = 0.0
    var dropout = 0.0
    var epochs = 30
    var trainingSize = 50_000
    var evaluateOn = "test"
    var seed: UInt64 = 2
    var paused = false

    init() {}

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingSettings()
        layers = try c.decodeIfPresent([Int].self, forKey: .layers) ?? d.layers
        activation = try c.decodeIfPresent(String.self, forKey: .activation) ?? d.activation
        outputActivation = try c.decodeIfPresent(String.self, forKey: .outputActivation)
        cost = try c.decodeIfPresent(String.self, forKey: .cost) ?? d.cost
        initialization = try c.decodeIfPresent(String.self, forKey: .initialization) ?? d.initialization
        eta = try c.decodeIfPresent(Double.self, forKey: .eta) ?? d.eta
        miniBatchSize = try c.decodeIfPresent(Int.self, forKey: .miniBatchSize) ?? d.miniBatchSize
        lambda = try c.decodeIfPresent(Double.self, forKey: .lambda) ?? d.lambda
        regularization = try c.decodeIfPresent(String.self, forKey: .regularization) ?? d.regularization
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? d.momentum
        dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? d.dropout
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        trainingSize = try c.decodeIfPresent(Int.self, forKey: .trainingSize) ?? d.trainingSize
        evaluateOn = try c.decodeIfPresent(String.self, forKey: .evaluateOn) ?? d.evaluateOn
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        paused = try c.decodeIfPresent(Bool.self, forKey: .paused) ?? d.paused
    }

    /// A network of these settings' shape, drawn from the seed, and the gradient descent to train it.
    /// - Throws: 400 naming the first setting that makes no sense.
    func make() throws(LabError) -> (network: Network<Float>, sgd: StochasticGradientDescent, generator: SeededGenerator) {
        guard layers.count >= 2, layers.allSatisfy({ $0 > 0 }) else {
            throw .badRequest("layers: at least two sizes, each at least 1, got \(layers)")
        }
        guard layers.first == MNIST.inputSize, layers.last == MNIST.classCount else {
            throw .badRequest("layers: the input layer must have \(MNIST.inputSize) neurons (28×28 pixels) and the output "
                              + "\(MNIST.classCount) (digits), got \(layers)")
        }
        let parameters = zip(layers, layers.dropFirst()).reduce(0) { $0 + ($1.0 + 1) * $1.1 }
        guard parameters <= 20_000_000 else {
            throw .badRequest("layers: \(parameters) weights and biases is more than the lab's 20,000,000; train it with `backprop train`")
        }
        let hidden: Activation = try choice(activation, "activation")
        let output: Activation? = try outputActivation.map { (name) throws(LabError) in try choice(name, "outputActivation") }
        guard hidden != .softmax else { throw .badRequest("activation: softmax is for the output layer (outputActivation)") }
        let costValue: Cost = try choice(cost, "cost")
        let initializer: WeightInitializer = try choice(initialization, "initialization")
        guard epochs >= 1, epochs <= 1000 else { throw .badRequest("epochs: from 1 to 1000, got \(epochs)") }
        guard (1...60_000).contains(miniBatchSize) else { throw .badRequest("miniBatchSize: from 1 to 60000, got \(miniBatchSize)") }
        guard (1...50_000).contains(trainingSize) else { throw .badRequest("trainingSize: from 1 to 50000, got \(trainingSize)") }
        guard eta > 0, eta.isFinite else { throw .badRequest("eta: a positive number, got \(eta)") }
        guard lambda >= 0, lambda.isFinite else { throw .badRequest("lambda: zero or a positive number, got \(lambda)") }
        guard momentum >= 0, momentum < 1 else { throw .badRequest("momentum: from 0 up to (not including) 1, got \(momentum)") }
        guard dropout >= 0, dropout < 1 else { throw .badRequest("dropout: from 0 up to (not including) 1, got \(dropout)") }
        guard ["test", "validation", "none"].contains(evaluateOn) else {
            throw .badRequest("evaluateOn: test, validation or none, got \"\(evaluateOn)\"")
        }
        let decay: Regularization
        switch regularization {
        case "l2": decay = lambda == 0 ? .none : .l2(lambda: lambda)
        case "l1": decay = lambda == 0 ? .none : .l1(lambda: lambda)
        default: throw .badRequest("regularization: l2 or l1, got \"\(regularization)\"")
        }
        guard costValue.supports(output ?? hidden) else {
            throw .badRequest("cost: \(costValue.hyphenatedName) needs outputs in (0, 1): set outputActivation to sigmoid or softmax")
        }
        var generator = SeededGenerator(seed: seed)
        let network = Network<Float>(layerSizes: layers, activation: hidden, outputActivation: output, cost: costValue,
                                     initializer: initializer, using: &generator)
        let sgd = StochasticGradientDescent(epochs: epochs, miniBatchSize: miniBatchSize, eta: eta, regularization: decay,
                                            momentum: momentum, dropout: dropout,
                                            monitoring: evaluateOn == "none" ? [] : [.evaluationAccuracy, .evaluationCost])
        return (network, sgd, generator)
    }

    var dataSettings: DataSettings {
        DataSettings(trainingCount: trainingSize, expanded: false, evaluationSet: evaluateOn)
    }

    private func choice<T: HyphenatedCaseNames>(_ name: String, _ field: String) throws(LabError) -> T {
        guard let value = T(anySpelling: name) else {
            throw .badRequest("\(field): \"\(name)\" is not one of " + T.allCases.map(\.hyphenatedName).joined(separator: ", "))
        }
        return value
    }
}
