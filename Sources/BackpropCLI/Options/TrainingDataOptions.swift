import ArgumentParser
import Backprop
import Datasets

/// What `backprop train` trains and evaluates on: the MNIST folder, how many training images,
/// whether they are expanded, and which images measure the network after each epoch.
struct TrainingDataOptions: ParsableArguments {
    /// MNIST's training images less the 10,000 held out for validation.
    static let trainingImageCount = 50_000

    @Option(help: "Images to evaluate on after each epoch (default: test, as in the book's chapter 1).")
    var evaluateOn: EvaluationSet?

    @Option(parsing: .unconditional, help: ArgumentHelp("Train on the first N of the 50,000 training images only (the book's overfitting experiment uses 1,000).", valueName: "N"))
    var trainingSize: Int?

    @Flag(help: "Enlarge the training set fivefold with copies shifted one pixel up, down, left and right.")
    var expand = false

    @OptionGroup var folder: DataOptions

    /// The evaluation set of a new run: the one given, else the test images.
    var evaluationSet: EvaluationSet { evaluateOn ?? .images(.test) }

    func validate() throws {
        if let trainingSize {
            guard trainingSize >= 1 else { throw ValidationError("--training-size must be at least 1, got \(trainingSize)") }
            guard trainingSize <= Self.trainingImageCount else {
                throw ValidationError("--training-size: MNIST has \(grouped(Self.trainingImageCount)) training images (the other "
                                      + "10,000 of its 60,000 are the validation set), got \(grouped(trainingSize))")
            }
        }
    }

    /// The data set a run with `settings` needs: the test images only when it evaluates on them,
    /// since the two train files suffice otherwise.
    func load(for settings: DataSettings?) throws -> MNIST {
        let name = settings?.evaluationSet ?? evaluationSet.name
        return try folder.loadAll(includingTest: EvaluationSet(name: name) == .images(.test))
    }

    /// The settings of a new run on `mnist`, as the model file records them.
    func settings(for mnist: MNIST) -> DataSettings {
        DataSettings(trainingCount: min(trainingSize ?? Int.max, mnist.training.count),
                     expanded: expand, evaluationSet: evaluationSet.name)
    }

    /// The training images a run with `settings` trains on.
    static func trainingData(_ mnist: MNIST, _ settings: DataSettings) -> LabelledData {
        let data = mnist.training[0..<min(settings.trainingCount, mnist.training.count)]
        return settings.expanded ? data.expandedByOnePixelShifts(side: MNIST.imageSide) : data
    }

    /// The images a run with `settings` evaluates on; nil for none.
    static func evaluationData(_ mnist: MNIST, _ settings: DataSettings) -> LabelledData? {
        EvaluationSet(name: settings.evaluationSet)?.split.map { mnist[$0] }
    }
}
