import Backprop
import Datasets
import Foundation
import Runs

/// Trains one run of a sweep or one member of an ensemble as `backprop train` with the same
/// options would, on the calling thread, without printing: the result is a value that the one
/// writer records.
enum QuietTraining {
    /// One run of a sweep, or nil when `shouldStop` stopped it (an interrupted run is not
    /// recorded, so a sweep started again trains it afresh).
    /// - Throws: What `train` would end with other than a divergence (a divergence is a result:
    ///   the run is recorded as diverged, with the epochs it finished).
    static func train(_ run: SweepRun, sweep: String, mnist: MNIST, shouldStop: @escaping () -> Bool) throws -> FinishedRun? {
        let options = try Train.parse(run.arguments)
        guard let (training, status) = try train(options, mnist: mnist, shouldStop: shouldStop) else { return nil }
        return FinishedRun(
            command: (["backprop", "train"] + run.arguments).joined(separator: " "),
            layerSizes: training.network.layerSizes, configuration: training.configuration, seed: training.seed,
            engine: options.engineOption.engine.resolved(for: training.network, configuration: training.configuration).rawValue,
            status: status, epochs: training.history.epochs, sweep: sweep, sweepKey: run.key)
    }

    /// The run `options` describe, trained to its end (finished, stopped early or diverged), or
    /// nil when `shouldStop` stopped it.
    static func train(_ options: Train, mnist: MNIST, shouldStop: @escaping () -> Bool) throws -> (TrainingRun<Float>, RunStatus)? {
        var (training, settings) = try options.startRun(mnist)
        let trainingData = TrainingDataOptions.trainingData(mnist, settings)
        let evaluationData = TrainingDataOptions.evaluationData(mnist, settings)
        let engine = options.engineOption.engine
        var status = RunStatus.finished
        while !training.isFinished {
            do {
                try training.runEpoch(on: trainingData, evaluatingOn: evaluationData, engine: engine, shouldStop: shouldStop)
            } catch {
                switch error {
                case .interrupted: return nil
                case .diverged:
                    // Halve η and redo the epoch when asked to, as train --on-divergence halve does.
                    guard options.onDivergence == .halve, training.optimizer.eta > training.configuration.eta / 1024 else {
                        status = .diverged
                        break
                    }
                    training.optimizer.halveEta()
                case .invalidSetting: throw error
                }
            }
            if status == .diverged { break }
        }
        if training.stopReason != nil { status = .stopped }
        return (training, status)
    }
}
