import ArgumentParser
import Backprop

/// Chapter 3's choices for `backprop train`: cost, activations, initialization, regularization,
/// momentum, dropout, schedule and what to monitor.
struct TrainingOptions: ParsableArguments {
    enum RegularizationKind: String, ExpressibleByArgument, CaseIterable {
        case l2, l1
        static var allValueDescriptions: [String: String] {
            ["l2": "w → (1 − ηλ/n)w − (η/m)Σ∂C/∂w", "l1": "w → w − (ηλ/n)sgn(w) − (η/m)Σ∂C/∂w"]
        }
    }
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

    @Option(help: "The cost C (default: quadratic).")
    var cost: Cost?

    @Option(help: ArgumentHelp("σ for the hidden layers (default: sigmoid).", valueName: "name"))
    var activation: Activation?

    @Option(help: ArgumentHelp("σ for the output layer (default: as --activation); softmax goes with log-likelihood.", valueName: "name"))
    var outputActivation: Activation?

    @Option(help: "Initial weights and biases (default: standard-normal).")
    var initialization: WeightInitializer?

    @Option(parsing: .unconditional, help: "λ, the regularization parameter; 0 is none (default: 0).")
    var lambda: Double?

    @Option(help: "Weight decay, n being the training set size (default: l2).")
    var regularization: RegularizationKind?

    @Option(parsing: .unconditional, help: "μ, the momentum coefficient, in [0, 1); 0 is plain gradient descent (default: 0).")
    var momentum: Double?

    @Option(parsing: .unconditional, help: "The probability of dropping each hidden neuron for a mini-batch during training, in [0, 1) (default: 0).")
    var dropout: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Halve η each time evaluation accuracy has not improved for N epochs; stop at η/128.", valueName: "N"))
    var halveEtaAfter: Int?

    @Option(help: "Set η at every mini-batch from --eta and the share of the run done: linear falls in a straight line to 0 at the end; one-cycle rises from η/10 to η over the first fifth, then falls in a straight line to 0 (default: η constant); not with --halve-eta-after.")
    var etaSchedule: EtaSchedule?

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop after N epochs without improvement in evaluation accuracy.", valueName: "N"))
    var earlyStopping: Int?

    @Option(help: ArgumentHelp(
        "What to measure after each epoch, comma-separated: evaluation-accuracy, evaluation-cost, training-accuracy, training-cost (default: evaluation-accuracy).",
        valueName: "list"))
    var monitor: String?

    /// The settings in force: the ones given, else the book's chapter 1 defaults.
    var costValue: Cost { cost ?? .quadratic }
    var hiddenActivation: Activation { activation ?? .sigmoid }
    var outputActivationValue: Activation { outputActivation ?? hiddenActivation }
    var momentumValue: Double { momentum ?? 0 }
    var dropoutValue: Double { dropout ?? 0 }

    func validate() throws {
        let lambda = self.lambda ?? 0, momentum = momentumValue, dropout = dropoutValue
        guard lambda >= 0, lambda.isFinite else { throw ValidationError("--lambda (λ) must be 0 or more, got \(lambda)") }
        guard (0..<1).contains(momentum) else { throw ValidationError("--momentum (μ) must be in [0, 1), got \(momentum)") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        for (name, value) in [("--halve-eta-after", halveEtaAfter), ("--early-stopping", earlyStopping)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1 epoch, got \(value)") }
        }
        if let etaSchedule, halveEtaAfter != nil {
            throw ValidationError("--eta-schedule \(etaSchedule.defaultValueDescription) sets η at every step; leave out --halve-eta-after")
        }
        _ = try monitoring()
        guard hiddenActivation != .softmax else { throw ValidationError("--activation: softmax is for the output layer (--output-activation)") }
    }

    /// Refuses a cost the output layer's σ cannot serve (`train` checks it, knowing the layers).
    func checkCost(_ cost: Cost, output: Activation) throws {
        guard cost.supports(output) else {
            throw ValidationError("--cost \(cost.defaultValueDescription) needs outputs in (0, 1): use --output-activation sigmoid or softmax")
        }
    }

    /// What `--monitor` asks for; without it, the evaluation accuracy.
    func monitoring() throws -> Monitoring {
        guard let monitor else { return .evaluationAccuracy }
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
        guard let lambda, lambda > 0 else { return .none }
        return (regularization ?? .l2) == .l2 ? .l2(lambda: lambda) : .l1(lambda: lambda)
    }
}
