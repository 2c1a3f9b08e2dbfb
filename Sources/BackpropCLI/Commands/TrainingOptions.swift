import ArgumentParser
import Backprop

extension Cost: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "quadratic": self = .quadratic
        case "cross-entropy": self = .crossEntropy
        case "log-likelihood": self = .logLikelihood
        default: return nil
        }
    }
    public static var allValueStrings: [String] { ["quadratic", "cross-entropy", "log-likelihood"] }
    public var defaultValueDescription: String { Self.allValueStrings[Self.allCases.firstIndex(of: self)!] }
}

extension Activation: ExpressibleByArgument {}

extension WeightInitializer: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "standard-normal": self = .standardNormal
        case "scaled-normal": self = .scaledNormal
        default: return nil
        }
    }
    public static var allValueStrings: [String] { ["standard-normal", "scaled-normal"] }
    public var defaultValueDescription: String { self == .standardNormal ? "standard-normal" : "scaled-normal" }
}

/// Chapter 3's choices for `backprop train`: cost, activations, initialization, regularization,
/// momentum, dropout, schedule and what to monitor.
struct TrainingOptions: ParsableArguments {
    enum RegularizationKind: String, ExpressibleByArgument, CaseIterable { case l2, l1 }
    enum Metric: String, CaseIterable {
        case evaluationAccuracy = "evaluation-accuracy", evaluationCost = "evaluation-cost"
        case trainingAccuracy = "training-accuracy", trainingCost = "training-cost"
        var value: Monitoring {
            switch self {
            case .evaluationAccuracy: .evaluationAccuracy
            case .evaluationCost: .evaluationCost
            case .trainingAccuracy: .trainingAccuracy
            case .trainingCost: .trainingCost
            }
        }
    }

    @Option(help: "The cost C: quadratic (chapter 1), cross-entropy, or log-likelihood (with --output-activation softmax).")
    var cost = Cost.quadratic

    @Option(help: ArgumentHelp("σ for the hidden layers.", valueName: "name"))
    var activation = Activation.sigmoid

    @Option(help: ArgumentHelp("σ for the output layer (default: as --activation); softmax goes with log-likelihood.", valueName: "name"))
    var outputActivation: Activation?

    @Option(help: "Initial weights: standard-normal, N(0, 1) (chapter 1), or scaled-normal, N(0, 1/n_in) (chapter 3); biases N(0, 1).")
    var initialization = WeightInitializer.standardNormal

    @Option(help: "λ, the regularization parameter; 0 is none.")
    var lambda = 0.0

    @Option(help: "L2 (w → (1 − ηλ/n)w − …) or L1 (w → w − (ηλ/n)sgn(w) − …) weight decay, n the training set size.")
    var regularization = RegularizationKind.l2

    @Option(help: "μ, the momentum coefficient, in [0, 1); 0 is plain gradient descent.")
    var momentum = 0.0

    @Option(help: "The probability of dropping each hidden neuron for a mini-batch during training, in [0, 1).")
    var dropout = 0.0

    @Option(help: ArgumentHelp("Halve η each time evaluation accuracy has not improved for N epochs; stop at η/128.", valueName: "N"))
    var halveEtaAfter: Int?

    @Option(help: ArgumentHelp("Stop after N epochs without improvement in evaluation accuracy.", valueName: "N"))
    var earlyStopping: Int?

    @Option(help: ArgumentHelp(
        "What to measure after each epoch, comma-separated: evaluation-accuracy, evaluation-cost, training-accuracy, training-cost.",
        valueName: "list"))
    var monitor = "evaluation-accuracy"

    func validate() throws {
        guard lambda >= 0, lambda.isFinite else { throw ValidationError("--lambda (λ) must be 0 or more, got \(lambda)") }
        guard (0..<1).contains(momentum) else { throw ValidationError("--momentum (μ) must be in [0, 1), got \(momentum)") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        for (name, value) in [("--halve-eta-after", halveEtaAfter), ("--early-stopping", earlyStopping)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1 epoch, got \(value)") }
        }
        _ = try monitoring()
        guard activation != .softmax else { throw ValidationError("--activation: softmax is for the output layer (--output-activation)") }
        let output = outputActivation ?? activation
        guard cost.supports(output) else {
            throw ValidationError("--cost \(cost.defaultValueDescription) needs outputs in (0, 1): use --output-activation sigmoid or softmax")
        }
    }

    func monitoring() throws -> Monitoring {
        var result: Monitoring = []
        for name in monitor.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let metric = Metric(rawValue: name) else {
                throw ValidationError("--monitor: unknown \"\(name)\"; choose from \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            result.insert(metric.value)
        }
        return result
    }

    var regularizationValue: Regularization {
        guard lambda > 0 else { return .none }
        return regularization == .l2 ? .l2(lambda: lambda) : .l1(lambda: lambda)
    }
}
