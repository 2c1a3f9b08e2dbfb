import Backprop
import Datasets

/// One of the book's MNIST experiments, with its configuration and the figure the book reports.
struct BookExperiment {
    enum Figure {
        /// The best accuracy over the epochs.
        case best
        /// The accuracy after the given epoch (counted from 0).
        case afterEpoch(Int)
    }

    var name: String
    var chapter: Int
    var layers: [Int]
    var cost: Cost = .quadratic
    var initializer: WeightInitializer = .standardNormal
    var eta: Double
    var lambda: Double = 0
    var epochs: Int
    var miniBatchSize = 10
    var trainingCount = 50_000
    var evaluationSet: MNIST.Split
    /// The book's figure, in percent.
    var book: Double
    var figure: Figure = .best
    /// How many seeds the full run trains with, consecutive from `--seed`: the lower bound
    /// always, then more, up to the upper bound, while no run has come within
    /// ``SeedSpread/tolerance`` of the book's figure (the book reports the best of three runs).
    var seeds = 1...3
    /// Which of the book's figures this is, where the configuration does not say.
    var note: String = ""
    /// What the book says about its figure, quoted.
    var footnote: String = ""

    var configuration: String {
        var parts = ["\(layers)", cost == .quadratic ? "quadratic" : "cross-entropy", "η \(eta)"]
        if lambda > 0 { parts.append("λ \(lambda)") }
        parts.append(epochs == 1 ? "1 epoch" : "\(epochs) epochs")
        if trainingCount < 50_000 { parts.append("\(trainingCount) images") }
        parts.append(initializer == .standardNormal ? "N(0,1) weights" : "N(0,1/n) weights")
        return parts.joined(separator: ", ")
    }

    /// The experiments of chapters 1 and 3 that the book reports MNIST figures for.
    static let all: [BookExperiment] = [
        BookExperiment(name: "ch1-30", chapter: 1, layers: [784, 30, 10], eta: 3.0, epochs: 30,
                       evaluationSet: .test, book: 95.42),
        BookExperiment(name: "ch1-100", chapter: 1, layers: [784, 100, 10], eta: 3.0, epochs: 30,
                       evaluationSet: .test, book: 96.59, seeds: 10...30,
                       footnote: "\"Reader feedback indicates quite some variation in results for this experiment, and some training runs give results quite a bit worse.\""),
        BookExperiment(name: "ch3-cross-entropy", chapter: 3, layers: [784, 30, 10], cost: .crossEntropy, eta: 0.5,
                       epochs: 30, evaluationSet: .test, book: 95.49),
        BookExperiment(name: "ch3-overfitting", chapter: 3, layers: [784, 30, 10], cost: .crossEntropy, eta: 0.5,
                       epochs: 400, trainingCount: 1000, evaluationSet: .test, book: 82.27),
        BookExperiment(name: "ch3-overfitting-l2", chapter: 3, layers: [784, 30, 10], cost: .crossEntropy, eta: 0.5,
                       lambda: 0.1, epochs: 400, trainingCount: 1000, evaluationSet: .test, book: 87.1),
        BookExperiment(name: "ch3-l2", chapter: 3, layers: [784, 30, 10], cost: .crossEntropy, eta: 0.5, lambda: 5.0,
                       epochs: 30, evaluationSet: .test, book: 96.49),
        BookExperiment(name: "ch3-100-l2", chapter: 3, layers: [784, 100, 10], cost: .crossEntropy, eta: 0.5,
                       lambda: 5.0, epochs: 30, evaluationSet: .validation, book: 97.92),
        BookExperiment(name: "ch3-100-l2-60", chapter: 3, layers: [784, 100, 10], cost: .crossEntropy, eta: 0.1,
                       lambda: 5.0, epochs: 60, evaluationSet: .validation, book: 98.04),
        BookExperiment(name: "ch3-init-old", chapter: 3, layers: [784, 30, 10], cost: .crossEntropy, eta: 0.1,
                       lambda: 5.0, epochs: 1, evaluationSet: .validation, book: 86.43, figure: .afterEpoch(0),
                       note: "after the first epoch"),
        BookExperiment(name: "ch3-init-new", chapter: 3, layers: [784, 30, 10], cost: .crossEntropy,
                       initializer: .scaledNormal, eta: 0.1, lambda: 5.0, epochs: 1, evaluationSet: .validation,
                       book: 92.70, figure: .afterEpoch(0), note: "after the first epoch"),
    ]
}
