import Backprop
import Datasets

extension Reproduce {
    /// One run of a chapter 6 experiment: each of its networks trained on the (expanded)
    /// training images, the test accuracy taken at the epoch with the best validation accuracy,
    /// and for several networks the accuracy of their plurality vote.
    func runChapterSix(_ experiment: BookExperiment, seed: UInt64, mnist: MNIST) throws -> SeedRun {
        BLASBackend.threadCount = threads
        defer { BLASBackend.threadCount = 1 }
        let epochs = experiment.epochs(quick: quick)
        var training = mnist.training[0..<experiment.trainingCount]
        if experiment.expanded { training = training.expandedByOnePixelShifts(side: Train.imageShape.width) }
        let sgd = StochasticGradientDescent(
            epochs: epochs, miniBatchSize: experiment.miniBatchSize, eta: experiment.eta,
            regularization: experiment.lambda > 0 ? .l2(lambda: experiment.lambda) : .none, dropout: experiment.dropout)
        var generator = SeededGenerator(seed: seed)
        var bar = ProgressBar()
        var seconds = 0.0, best: (validation: Double, test: Double, epoch: Int)?, votes: [[Int]] = []
        for member in 0..<experiment.members {
            let network: Network<Float> = try LayerList(argument: experiment.layerList!)!.network(
                input: Train.imageShape, outputs: MNIST.classCount, activation: experiment.activation,
                outputActivation: .softmax, cost: .logLikelihood, initializer: .scaledNormal, using: &generator)
            var run = try TrainingRun(network: network, configuration: sgd, trainingData: training,
                                      evaluationData: mnist[.validation], generator: generator)
            let label = experiment.name + (experiment.members > 1 ? " network \(member + 1) of \(experiment.members)" : "")
            best = nil
            while !run.isFinished {
                try run.runEpoch(on: training, evaluatingOn: mnist[.validation], progress: { event in
                    if case .step(let epoch, let done, let total) = event {
                        bar.update(label: "\(label) epoch \(epoch + 1)/\(epochs)", done: done, total: total)
                    }
                })
                let record = run.history.epochs.last!
                seconds += record.trainingSeconds
                let validation = record.evaluation?.accuracy ?? 0
                // The latest of equal validation accuracies, as network3.py keeps it (>=).
                if validation >= best?.validation ?? -1 {
                    best = (validation, run.network.evaluate(on: mnist.test).accuracy, record.epoch)
                }
            }
            generator = run.generator
            if let (_, text) = Train.silentLayer(of: run.network, images: training) {
                bar.clear()
                warn("\(label): \(text): its ReLUs are all off, so it and the layers before it stopped learning")
            }
            if experiment.members > 1 { votes.append(run.network.predictions(on: mnist.test)) }
        }
        bar.clear()
        var accuracy = best?.test ?? 0
        if experiment.members > 1 {
            let chosen = PluralityVote.vote(votes, classes: MNIST.classCount).answers
            accuracy = Double(zip(chosen, mnist.test.labels).filter { $0 == Int($1) }.count) / Double(mnist.test.count)
        }
        return SeedRun(seed: seed, accuracy: accuracy * 100, epoch: best?.epoch ?? 0, seconds: seconds,
                       wronglySaturatedOutputShare: 0)
    }
}
