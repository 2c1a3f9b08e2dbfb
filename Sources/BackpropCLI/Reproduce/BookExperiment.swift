import Backprop
import Datasets

/// One of the book's MNIST experiments, with its configuration and the figure the book reports.
struct BookExperiment {
    enum Figure: Equatable {
        /// The best accuracy over the epochs.
        case best
        /// The accuracy after the given epoch (counted from 0).
        case afterEpoch(Int)
        /// The test accuracy after the epoch with the best validation accuracy, as network3.py
        /// reports it.
        case testAtBestValidation
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
    /// Chapter 6's layers after the 28×28 input, as `train --layers` writes them; `layers` is not
    /// used then. Such networks end in softmax and train with the log-likelihood cost.
    var layerList: String?
    /// σ of the conv and fc layers.
    var activation: Activation = .sigmoid
    var dropout = 0.0
    /// Whether the training images are expanded five-fold by one-pixel shifts (expand_mnist.py).
    var expanded = false
    /// Networks trained one after another (seeds following from the run's seed) whose plurality
    /// vote is the figure; 1 is a single network.
    var members = 1
    /// Points below the book's figure that still count as reproducing it.
    var tolerance = SeedSpread.tolerance
    /// About how long a full run takes on two cores of the machine the figures were measured on,
    /// in minutes, for experiments left out of a default run (nil for the others).
    var longMinutes: Int?

    /// The epochs a run trains: all of them, or a fifth (at least one) for `--quick`.
    func epochs(quick: Bool) -> Int { quick ? max(1, epochs / 5) : epochs }

    /// The settings in a line, with the epochs a run trains (fewer with `--quick`).
    func configuration(quick: Bool = false) -> String {
        let epochs = epochs(quick: quick)
        var parts = layerList.map { ["\($0)", "\(activation)", "log-likelihood"] }
            ?? ["\(layers)", cost == .quadratic ? "quadratic" : "cross-entropy"]
        parts.append("η \(eta)")
        if lambda > 0 { parts.append("λ \(lambda)") }
        if dropout > 0 { parts.append("dropout \(dropout)") }
        parts.append(epochs == 1 ? "1 epoch" : "\(epochs) epochs")
        if trainingCount < 50_000 { parts.append("\(trainingCount) images") }
        if expanded { parts.append("expanded to 250,000 images") }
        if layerList == nil { parts.append(initializer == .standardNormal ? "N(0,1) weights" : "N(0,1/n) weights") }
        if members > 1 { parts.append("vote of \(members) networks") }
        return parts.joined(separator: ", ")
    }

    /// A chapter 6 experiment: network3.py's settings (mini-batches of 10, N(0, 1/n_in) weights
    /// here), the test accuracy at the best validation epoch, within 0.2 points.
    static func chapter6(_ name: String, _ layerList: String, activation: Activation = .sigmoid, eta: Double,
                         lambda: Double = 0, dropout: Double = 0, epochs: Int = 60, expanded: Bool = false,
                         members: Int = 1, book: Double, minutes: Int?) -> BookExperiment {
        BookExperiment(name: name, chapter: 6, layers: [], eta: eta, lambda: lambda, epochs: epochs, evaluationSet: .validation,
                       book: book, figure: .testAtBestValidation, seeds: 1...1, layerList: layerList, activation: activation,
                       dropout: dropout, expanded: expanded, members: members, tolerance: 0.2, longMinutes: minutes)
    }

    /// The experiments of chapters 1, 3 and 6 that the book reports MNIST figures for.
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
    ] + chapterSix

    static let twoConvolutions = "conv:20x5x5,pool:2,conv:40x5x5,pool:2"

    /// Chapter 6's MNIST figures, from network3.py's runs.
    static let chapterSix: [BookExperiment] = [
        chapter6("ch6-fc100", "fc:100,softmax:10", eta: 0.1, book: 97.80, minutes: 1),
        chapter6("ch6-conv", "conv:20x5x5,pool:2,fc:100,softmax:10", eta: 0.1, book: 98.78, minutes: 6),
        chapter6("ch6-conv2", twoConvolutions + ",fc:100,softmax:10", eta: 0.1, book: 99.06, minutes: 12),
        chapter6("ch6-relu", twoConvolutions + ",fc:100,softmax:10", activation: .relu, eta: 0.03, lambda: 0.1,
                 book: 99.23, minutes: 12),
        chapter6("ch6-expanded", twoConvolutions + ",fc:100,softmax:10", activation: .relu, eta: 0.03, lambda: 0.1,
                 expanded: true, book: 99.37, minutes: 40),
        chapter6("ch6-dropout", twoConvolutions + ",fc:1000,fc:1000,softmax:10", activation: .relu, eta: 0.03, dropout: 0.5,
                 epochs: 40, expanded: true, book: 99.60, minutes: 70),
        chapter6("ch6-vote", twoConvolutions + ",fc:1000,fc:1000,softmax:10", activation: .relu, eta: 0.03, dropout: 0.5,
                 epochs: 40, expanded: true, members: 5, book: 99.67, minutes: 350),
    ]
}
