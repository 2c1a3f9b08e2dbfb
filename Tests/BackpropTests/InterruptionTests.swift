import Backprop
import Foundation
import Testing

@Suite("Interrupted and diverging runs")
struct InterruptionTests {
    @Test("A run stopped mid-epoch, saved and resumed equals one never interrupted, bit for bit",
          arguments: [StochasticGradientDescent(epochs: 3, miniBatchSize: 7, eta: 0.5, momentum: 0.5, dropout: 0.2),
                      StochasticGradientDescent(epochs: 3, miniBatchSize: 7, eta: 0.5, etaSchedule: .linear)])
    func stopMidEpoch(sgd: StochasticGradientDescent) throws {
        let data = halves(count: 120, seed: 5), evaluation = halves(count: 30, seed: 6)
        var generator = SeededGenerator(seed: 8)
        let network = Network<Float>(layerSizes: [16, 6, 2], cost: .crossEntropy, using: &generator)
        var whole = try TrainingRun(network: network, configuration: sgd, trainingData: data, evaluationData: evaluation, generator: generator)
        while !whole.isFinished { try whole.runEpoch(on: data, evaluatingOn: evaluation) }

        var run = try TrainingRun(network: network, configuration: sgd, trainingData: data, evaluationData: evaluation, generator: generator)
        try run.runEpoch(on: data, evaluatingOn: evaluation)
        var asked = 0
        #expect(throws: TrainingError.interrupted(epoch: 1, examplesDone: 35, examplesTotal: 120)) {
            try run.runEpoch(on: data, evaluatingOn: evaluation, shouldStop: { asked += 1; return asked == 5 })
        }
        #expect(run.examplesDoneInEpoch == 35 && run.nextEpoch == 1)
        var resumed = try #require(try JSONDecoder().decode(ModelFile.self, from: JSONEncoder().encode(ModelFile(run: run))).training)
        while !resumed.isFinished { try resumed.runEpoch(on: data, evaluatingOn: evaluation) }
        #expect(resumed.network == whole.network)
        #expect(resumed.history.epochs.map(\.evaluation) == whole.history.epochs.map(\.evaluation))
    }

    @Test("Divergence is caught in the mini-batch where it appears, and the run is left as before the epoch")
    func divergence() throws {
        let data = halves(count: 200, seed: 1)
        var generator = SeededGenerator(seed: 2)
        let network = Network<Float>(layerSizes: [16, 8, 2], activation: .linear, using: &generator)
        let sgd = StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 1e6)
        var run = try TrainingRun(network: network, configuration: sgd, trainingData: data, evaluationData: nil, generator: generator)
        let before = run
        #expect {
            try run.runEpoch(on: data, evaluatingOn: nil)
        } throws: { error in
            guard case .diverged(let epoch, let miniBatch, _, _) = error as? TrainingError else { return false }
            return epoch == 0 && miniBatch != nil && miniBatch! < 20
        }
        #expect(run == before)
    }
}
