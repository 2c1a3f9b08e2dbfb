import Backprop
import Foundation
import Testing

/// Learning-rate schedules over a whole run: η at each share of the run, η reaching every
/// engine at every step, and the new initializers' spreads.
@Suite("Learning-rate schedules and initializers")
struct EtaScheduleTests {
    @Test("The schedules give η₀(1 − t) and a warm-up from η₀/10 followed by a straight fall to 0")
    func shapes() {
        let linear = [0, 0.25, 0.5, 0.9].map { EtaSchedule.linear.eta(0.4, at: $0) }
        #expect(zip(linear, [0.4, 0.3, 0.2, 0.04]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(linear)")
        let cycle = [0, 0.1, 0.2, 0.6, 0.9].map { EtaSchedule.oneCycle.eta(0.4, at: $0) }
        #expect(zip(cycle, [0.04, 0.22, 0.4, 0.2, 0.05]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(cycle)")
    }

    /// Each network with its data and the engines that train it.
    static let cases: [(name: String, engines: [Engine])] = [("dense", [.reference, .blas, .automatic]),
                                                             ("convolutional", [.reference, .automatic])]
    static func problem(_ name: String) -> (Network<Float>, LabelledData) {
        if name == "dense" {
            var generator = SeededGenerator(seed: 11)
            return (Network<Float>(layerSizes: [16, 6, 2], cost: .crossEntropy, using: &generator), halves(count: 20, seed: 12))
        }
        return (ConvolutionPathTests.network(0), ConvolutionPathTests.data(count: 20))
    }

    @Test("Every engine takes the scheduled η at every step: a linear schedule over two mini-batches is η₀ then η₀/2",
          arguments: cases)
    func everyEngineFollows(_ name: String, engines: [Engine]) throws {
        let (network, data) = Self.problem(name)
        for engine in engines {
            let scheduled = StochasticGradientDescent(epochs: 1, miniBatchSize: 10, eta: 0.3, etaSchedule: .linear, monitoring: [])
            var run = try TrainingRun(network: network, configuration: scheduled, trainingData: data, evaluationData: nil,
                                      generator: SeededGenerator(seed: 13))
            try run.runEpoch(on: data, evaluatingOn: nil, engine: engine)
            #expect(run.optimizer.eta == 0.15)

            // The same two steps by hand: stop after the first, halve η, go on.
            var constant = scheduled
            constant.etaSchedule = nil
            var byHand = try TrainingRun(network: network, configuration: constant, trainingData: data, evaluationData: nil,
                                         generator: SeededGenerator(seed: 13))
            #expect(throws: TrainingError.self) { try byHand.runEpoch(on: data, evaluatingOn: nil, engine: engine, shouldStop: { true }) }
            byHand.optimizer.halveEta()
            try byHand.runEpoch(on: data, evaluatingOn: nil, engine: engine)
            #expect(run.network == byHand.network, "\(name) network on \(engine)")
            var unscheduled = try TrainingRun(network: network, configuration: constant, trainingData: data, evaluationData: nil,
                                              generator: SeededGenerator(seed: 13))
            try unscheduled.runEpoch(on: data, evaluatingOn: nil, engine: engine)
            #expect(unscheduled.network != run.network, "\(name) network on \(engine): the schedule changed nothing")
        }
    }

    @Test("A schedule cannot be combined with halving η on plateaus")
    func refusedWithHalving() {
        let sgd = StochasticGradientDescent(epochs: 2, eta: 0.5, halveEtaAfter: 1, etaSchedule: .linear)
        #expect(throws: TrainingError.self) {
            try TrainingRun<Float>(network: Self.problem("dense").0, configuration: sgd, trainingData: halves(count: 20, seed: 1),
                                   evaluationData: halves(count: 5, seed: 2), generator: SeededGenerator(seed: 3))
        }
    }

    @Test("A model file saved before schedules existed loads with η constant")
    func oldConfigurationLoads() throws {
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(StochasticGradientDescent(etaSchedule: .oneCycle))) as! [String: Any]
        #expect(json.removeValue(forKey: "learningRateSchedule") as? String == "oneCycle")
        let old = try JSONDecoder().decode(StochasticGradientDescent.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(old == StochasticGradientDescent())
    }

    @Test("He weights are N(0, 2/n_in) with zero biases; uniform weights and biases lie in ±1/√n_in with variance 1/(3n_in)")
    func initializers() {
        var generator = SeededGenerator(seed: 21)
        func variance(_ values: [Double]) -> Double { values.reduce(0) { $0 + $1 * $1 } / Double(values.count) }
        let he: (weights: Matrix<Double>, biases: [Double]) = WeightInitializer.he.initialParameters(neurons: 300, inputs: 400,
                                                                                                     using: &generator)
        #expect(abs(variance(he.weights.elements) - 2.0 / 400) < 0.05 * 2 / 400)
        #expect(he.biases.allSatisfy { $0 == 0 })
        let uniform: (weights: Matrix<Double>, biases: [Double]) = WeightInitializer.uniform.initialParameters(
            neurons: 3000, inputs: 400, using: &generator)
        for values in [uniform.weights.elements, uniform.biases] {
            #expect(values.allSatisfy { abs($0) <= 1.0 / 20 })
            #expect(abs(variance(values) - 1.0 / 1200) < 0.05 / 1200)
        }
    }
}
