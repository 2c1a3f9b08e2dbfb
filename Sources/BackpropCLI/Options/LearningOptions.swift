import ArgumentParser

/// How `backprop train` descends: epochs, mini-batch size m and learning rate η. Each is nil
/// when not given, so that a resumed run can tell the options given from the defaults.
struct LearningOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Epochs: passes over the training images (default: 30). With --resume, the run's new total: more than it had extends it.", valueName: "N"))
    var epochs: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("m, the number of training images averaged into each gradient descent step (default: 10).", valueName: "m"))
    var miniBatchSize: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("η, the learning rate: the size of each gradient descent step (default: 3.0).", valueName: "η"))
    var eta: Double?

    /// The settings in force for a new run: the ones given, else the book's chapter 1 defaults.
    var epochCount: Int { epochs ?? 30 }
    var miniBatch: Int { miniBatchSize ?? 10 }
    var etaValue: Double { eta ?? 3.0 }

    func validate() throws {
        guard epochCount > 0 else { throw ValidationError("--epochs must be at least 1, got \(epochCount)") }
        guard miniBatch > 0 else {
            throw ValidationError("--mini-batch-size must be at least 1, got \(miniBatch)")
        }
        if let eta, !(eta > 0 && eta.isFinite) {
            throw ValidationError("--eta (η) must be a positive number, got \(eta)")
        }
    }
}
