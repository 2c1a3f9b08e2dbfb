import Backprop

/// A network and its training settings told in the book's words, as rows of a report's
/// configuration table: "L2 regularization, λ = 5.0", "cross-entropy cost", "hidden layer of
/// 30 sigmoid neurons".
public enum RunDescription {
    /// The network's shape, neurons and cost.
    public static func network(_ network: Network<some BLASScalar>) -> [(String, String)] {
        let layers = network.layers
        var rows = [("layer sizes", "\(network.layerSizes)"), ("inputs", thousands(network.inputSize))]
        for (l, layer) in layers.enumerated() {
            let name = l == layers.count - 1 ? "output layer" : layers.count > 2 ? "hidden layer \(l + 1)" : "hidden layer"
            rows.append((name, "\(thousands(layer.neurons)) \(layer.activation.hyphenatedName) neuron\(layer.neurons == 1 ? "" : "s")"))
        }
        rows.append(("cost", "\(network.cost.hyphenatedName) cost"))
        return rows
    }

    /// How the network was trained: epochs, mini-batches, η and its schedule, regularization,
    /// momentum, dropout, early stopping, the data and what was measured.
    public static func training(_ record: TrainingRun<Float>) -> [(String, String)] {
        let sgd = record.configuration
        let epochsRun = record.history.epochs.count
        var rows = [("epochs", "\(epochsRun) of \(sgd.epochs)" + (record.stopReason.map { ", stopped early: \($0)" } ?? "")),
                    ("mini-batch size", "m = \(sgd.miniBatchSize)")]
        var eta = "η = \(sgd.eta)"
        if let patience = sgd.halveEtaAfter {
            eta += ", halved after \(patience) epoch\(patience == 1 ? "" : "s") without improvement, "
                + "down to η/128"
        }
        rows.append(("learning rate", eta))
        rows.append(("regularization", regularization(sgd.regularization)))
        rows.append(("momentum", sgd.momentum == 0 ? "none (plain gradient descent)" : "momentum coefficient μ = \(sgd.momentum)"))
        rows.append(("dropout", sgd.dropout == 0 ? "none" : "each hidden neuron dropped with probability \(sgd.dropout)"))
        if let patience = sgd.earlyStoppingPatience {
            rows.append(("early stopping", "after \(patience) epoch\(patience == 1 ? "" : "s") without improvement "
                         + "in evaluation accuracy"))
        }
        if let data = record.data {
            rows.append(("training data", (data.trainingCount == 50_000 ? "all 50,000" : "the first \(thousands(data.trainingCount))")
                         + " MNIST training images" + (data.expanded ? ", expanded five times by one-pixel shifts" : "")))
            let evaluated = record.history.epochs.lazy.compactMap(\.evaluation?.count).first
            rows.append(("evaluation data", data.evaluationSet == "none" ? "none"
                         : "the " + (evaluated.map { thousands($0) + " " } ?? "") + "\(data.evaluationSet) images"))
        }
        rows.append(("measured each epoch", monitoring(sgd.monitoring)))
        return rows
    }

    /// "L2 regularization, λ = 5.0", "L1 regularization, λ = 1.0" or "none".
    static func regularization(_ regularization: Regularization) -> String {
        switch regularization {
        case .none: return "none"
        case .l2(let lambda): return "L2 regularization, λ = \(lambda)"
        case .l1(let lambda): return "L1 regularization, λ = \(lambda)"
        }
    }

    /// The monitored quantities in words: "evaluation accuracy, training cost".
    static func monitoring(_ monitoring: Monitoring) -> String {
        let names: [(Monitoring, String)] = [(.evaluationAccuracy, "evaluation accuracy"), (.evaluationCost, "evaluation cost"),
                                             (.trainingAccuracy, "training accuracy"), (.trainingCost, "training cost")]
        let measured = names.filter { monitoring.contains($0.0) }.map(\.1)
        return measured.isEmpty ? "nothing" : measured.joined(separator: ", ")
    }
}

/// A whole number with thousands separated by commas: 50000 → "50,000".
func thousands(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = value < 0 ? "-" : ""
    for (i, digit) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return result
}
