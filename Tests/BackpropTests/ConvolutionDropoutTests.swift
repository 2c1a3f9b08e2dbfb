@testable import Backprop
import Testing

/// Dropout on the dense layers of a convolutional network (the inputs of every dense layer, as
/// network3.py drops them): the gradient with a fixed mask against finite differences, and the
/// masks' independence from the thread count.
@Suite("Dropout in convolutional networks")
struct ConvolutionDropoutTests {
    /// A batch of `count` examples loaded into buffers for `network`, with its weights and biases
    /// copied out (the caller frees them).
    static func batch(_ network: Network<Double>, count: Int) -> (ConvolutionBatch<Double>, [UnsafeMutablePointer<Double>]) {
        let stages = BatchStage.stages(of: network)!
        let batch = ConvolutionBatch<Double>(stages: stages, classes: network.outputSize, capacity: count)
        batch.load(ConvolutionPathTests.data(), indices: Array(0..<count)[...])
        let parameters = network.layers.flatMap { [$0.weights.elements, $0.biases] }.map { values in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(values.count, 1))
            p.initialize(from: values, count: values.count)
            return p
        }
        return (batch, parameters)
    }

    /// C summed over the batch's examples, with the masks applied.
    static func cost(_ batch: ConvolutionBatch<Double>, _ network: Network<Double>, weights: [UnsafeMutablePointer<Double>],
                     biases: [UnsafeMutablePointer<Double>]) -> Double {
        batch.feedforward(weights: weights, biases: biases, masked: true)
        let last = batch.stages.count - 1, m = batch.count, output = OutputForm(network.layers[last].dense!)
        return (0..<m).reduce(0) { sum, e in
            sum + network.cost.value(a: batch.a[last] + e, z: batch.z[last] + e, y: batch.y + e, count: network.outputSize,
                                     stride: m, output: output)
        }
    }

    @Test("With a fixed mask, every ∂C/∂w and ∂C/∂b agrees with central differences in Double to 1e-7")
    func gradientWithFixedMask() {
        let network: Network<Double> = ConvolutionPathTests.network(0, seed: 5)
        let (batch, parameters) = Self.batch(network, count: 4)
        defer { for p in parameters { p.deallocate() } }
        let w = stride(from: 0, to: parameters.count, by: 2).map { parameters[$0] }
        let b = stride(from: 1, to: parameters.count, by: 2).map { parameters[$0] }
        var generator = SeededGenerator(seed: 11)
        batch.drawMasks(rate: 0.5, generator: &generator)
        let masked = batch.masks.enumerated().compactMap { l, mask in mask.map { (l, $0) } }
        #expect(masked.map(\.0) == [3, 4], "the last pooling layer's and the hidden dense layer's outputs")
        let dropped = masked.reduce(0) { sum, entry in
            sum + (0..<batch.stages[entry.0].output.count * 4).filter { entry.1[$0] == 0 }.count
        }
        #expect(dropped > 0)

        batch.feedforward(weights: w, biases: b, masked: true)
        batch.backpropagate(weights: w, cost: network.cost, output: OutputForm(network.layers.last!.dense!), masked: true)
        var checked = 0
        for l in batch.stages.indices where batch.stages[l].weightCount > 0 {
            for (values, gradient, count) in [(w[l], batch.nablaW[l], batch.stages[l].weightCount),
                                              (b[l], batch.nablaB[l], batch.stages[l].biasCount)] {
                let analytic = Array(UnsafeBufferPointer(start: gradient, count: count))
                for i in 0..<count {
                    let kept = values[i]
                    let numeric = FiniteDifference.central.derivative(epsilon: 1e-5) { h in
                        values[i] = kept + h
                        defer { values[i] = kept }
                        return Self.cost(batch, network, weights: w, biases: b)
                    }
                    // Relative to at least 0.01: the cost's rounding leaves about 1e-10 in the differences.
                    #expect(relativeError(analytic[i], numeric, floor: 1e-2) <= 1e-7, "layer \(l) parameter \(i)")
                    checked += 1
                }
            }
        }
        #expect(checked == batch.stages.reduce(0) { $0 + $1.weightCount + $1.biasCount })

        // Without the mask the gradient is another one: the mask is what was checked.
        batch.feedforward(weights: w, biases: b)
        batch.backpropagate(weights: w, cost: network.cost, output: OutputForm(network.layers.last!.dense!))
        let unmasked = Array(UnsafeBufferPointer(start: batch.nablaW[4], count: batch.stages[4].weightCount))
        batch.feedforward(weights: w, biases: b, masked: true)
        batch.backpropagate(weights: w, cost: network.cost, output: OutputForm(network.layers.last!.dense!), masked: true)
        #expect(unmasked != Array(UnsafeBufferPointer(start: batch.nablaW[4], count: batch.stages[4].weightCount)))
    }

    @Test("A dropout step moves each weight and bias by −η/m times the masked gradient checked above")
    func stepFollowsMaskedGradient() {
        let network: Network<Double> = ConvolutionPathTests.network(0, seed: 5)
        let data = ConvolutionPathTests.data(), indices = Array(0..<7)[...], eta = 0.3
        var optimizer = Optimizer<Double>(eta: eta, trainingSetSize: 23, dropout: 0.5, for: network, dropoutSeed: 7)
        // The gradient of each half, with the masks the step draws: the first half's, then the second's.
        var generator = optimizer.dropoutGenerator
        var sumW = network.layers.map { [Double](repeating: 0, count: $0.weights.elements.count) }
        var sumB = network.layers.map { [Double](repeating: 0, count: $0.biases.count) }
        for part in [indices[0..<4], indices[4..<7]] {
            let (batch, parameters) = Self.batch(network, count: 4)
            defer { for p in parameters { p.deallocate() } }
            let w = stride(from: 0, to: parameters.count, by: 2).map { parameters[$0] }
            let b = stride(from: 1, to: parameters.count, by: 2).map { parameters[$0] }
            batch.load(data, indices: part)
            batch.drawMasks(rate: 0.5, generator: &generator)
            batch.feedforward(weights: w, biases: b, masked: true)
            batch.backpropagate(weights: w, cost: network.cost, output: OutputForm(network.layers.last!.dense!), masked: true)
            for l in batch.stages.indices {
                for i in sumW[l].indices { sumW[l][i] += batch.nablaW[l][i] }
                for i in sumB[l].indices { sumB[l][i] += batch.nablaB[l][i] }
            }
        }
        let path = ConvolutionPath(network, optimizer: optimizer, capacity: 7, threads: 2)!
        #expect(path.step(on: data, indices: indices, next: [], optimizer: &optimizer))
        var stepped = network
        path.store(into: &stepped, optimizer: &optimizer)
        var compared = 0
        for l in network.layers.indices {
            let pairs = [(network.layers[l].weights.elements, stepped.layers[l].weights.elements, sumW[l]),
                         (network.layers[l].biases, stepped.layers[l].biases, sumB[l])]
            for (before, after, sum) in pairs {
                for i in before.indices {
                    let expected = before[i] - eta / 7 * sum[i]
                    #expect(abs(after[i] - expected) <= 1e-12 * max(1, abs(expected)), "layer \(l) parameter \(i)")
                    compared += 1
                }
            }
        }
        #expect(compared == network.parameterCount)
        #expect(stepped != network)
    }

    /// `network` after three dropout steps on `threads` threads.
    static func trained(_ network: Network<Float>, threads: Int, dropout: Double) -> Network<Float> {
        var network = network
        var optimizer = Optimizer<Float>(eta: 0.3, trainingSetSize: 23, momentum: 0.5, dropout: dropout, for: network,
                                         dropoutSeed: 7)
        let prepared = ConvolutionPath(network, optimizer: optimizer, capacity: 10, threads: threads)!
        let data = ConvolutionPathTests.data(), order = Array(0..<23)
        for start in stride(from: 0, to: 23, by: 10) {
            #expect(prepared.step(on: data, indices: order[start..<min(start + 10, 23)], next: [], optimizer: &optimizer))
        }
        prepared.store(into: &network, optimizer: &optimizer)
        return network
    }

    @Test("Dropout steps give the same bits on one thread and two, and differ from steps without it")
    func threadCountDoesNotMatter() {
        let start: Network<Float> = ConvolutionPathTests.network(0)
        let one = Self.trained(start, threads: 1, dropout: 0.5), two = Self.trained(start, threads: 2, dropout: 0.5)
        #expect(one == two)
        #expect(one != Self.trained(start, threads: 1, dropout: 0))
        #expect(one != start)
    }

    @Test("Evaluation drops nothing: after a dropout step it equals the reference path's")
    func evaluationUnmasked() {
        let network = Self.trained(ConvolutionPathTests.network(0), threads: 2, dropout: 0.5)
        let data = ConvolutionPathTests.data(count: 120, seed: 2)
        let fast = network.evaluate(on: data, engine: .blas), reference = network.evaluate(on: data, engine: .reference)
        #expect(fast.correct == reference.correct)
        #expect(abs(fast.cost - reference.cost) <= 1e-5 * abs(reference.cost))
    }
}
