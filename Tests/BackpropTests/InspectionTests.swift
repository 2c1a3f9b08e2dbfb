import Backprop
import Foundation
import Testing

@Suite("Backpropagation made visible: trace, probe, gradient check, path sum, learning speed")
struct InspectionTests {
    @Test("The traced values agree with the training path's gradient for the same example")
    func traceMatchesTrainingPath() {
        let network = randomNetwork([7, 6, 5, 3], seed: 31)
        let (x, y) = randomExample(for: network, seed: 32)
        let pass = network.backpropagate(input: x, target: y)
        var batch = MiniBatch<Double>(layerSizes: network.layerSizes, size: 1)
        batch.load(inputs: Matrix(rows: 7, columns: 1, elements: x), targets: Matrix(rows: 3, columns: 1, elements: y))
        let gradient = batch.gradient(of: network)
        for l in network.layers.indices {
            expectClose(gradient.nablaW[l].elements, pass.nablaW[l].elements, tolerance: 1e-13, "nablaW[\(l)]")
            expectClose(gradient.nablaB[l], pass.nablaB[l], tolerance: 1e-13, "nablaB[\(l)]")
            expectClose(batch.z[l].elements, pass.z[l], tolerance: 1e-13, "z[\(l)]")
            expectClose(batch.delta[l].elements, pass.delta[l], tolerance: 1e-13, "delta[\(l)]")
        }
        // In Float, as training runs, to single precision.
        let pass32 = network.converted(to: Float.self).backpropagate(input: x.map(Float.init), target: y.map(Float.init))
        for (a, b) in zip(pass32.nablaW[0].elements, pass.nablaW[0].elements) {
            #expect(abs(Double(a) - b) <= 1e-5 * max(1, abs(b)))
        }
    }

    @Test("Probe: measured and predicted ΔC differ by a term that shrinks like Δ²", arguments: [
        ProbeTarget.weight(layer: 0, j: 2, k: 1), .bias(layer: 1, j: 0), .weightedInput(layer: 0, j: 3),
        .weight(layer: 2, j: 1, k: 4),
    ])
    func probeShrinksQuadratically(target: ProbeTarget) throws {
        let network = randomNetwork([4, 5, 6, 2], seed: 41)
        let (x, y) = randomExample(for: network, seed: 42)
        let report = network.probe(input: x, target: y, changing: target, by: [1e-2, 5e-3])
        let first = try #require(report.rows[0].discrepancy), second = try #require(report.rows[1].discrepancy)
        let ratio = first / second
        #expect(ratio > 3.5 && ratio < 4.5, "halving Δ divided the discrepancy by \(ratio)")
        #expect(second < 0.1 * abs(report.rows[1].predicted), "not in the linear regime")
    }

    @Test("Probe: a Δ that rounds away in the network's precision is not measured, not measured as 0",
          arguments: [ProbeTarget.weight(layer: 0, j: 2, k: 1), .bias(layer: 1, j: 0), .weightedInput(layer: 0, j: 3)])
    func probeChangeBelowRounding(target: ProbeTarget) throws {
        let network = randomNetwork([4, 5, 6, 2], seed: 41)
        let (x, y) = randomExample(for: network, seed: 42)
        let report = network.converted(to: Float.self).probe(input: x.map(Float.init), target: y.map(Float.init),
                                                             changing: target, by: [1e-2, 1e-12])
        #expect(report.rows[0].measured != nil)
        #expect(report.rows[1].measured == nil && report.rows[1].discrepancy == nil)
        #expect(report.rows[1].predicted != 0)
    }

    @Test("Probe: the demon's Δz predicts through δ")
    func demonUsesDelta() throws {
        let network = randomNetwork([3, 4, 2], seed: 43)
        let (x, y) = randomExample(for: network, seed: 44)
        let report = network.probe(input: x, target: y, changing: .weightedInput(layer: 0, j: 1), by: [1e-6])
        #expect(report.gradient == network.backpropagate(input: x, target: y).delta[0][1])
        #expect(abs(try #require(report.rows[0].measured) - report.rows[0].predicted) < 1e-10)
    }

    /// Max relative error over all parameters of a gradient check. Smooth activations use the
    /// five-point stencil with ε = 10⁻³; a ReLU network is piecewise quadratic in each parameter,
    /// where two-point central differences are exact, and a wide stencil could step over a kink,
    /// so it gets ε = 10⁻⁶.
    func worstError(_ network: Network<Double>, seed: UInt64) -> Double {
        let (x, y) = randomExample(for: network, seed: seed)
        var generator = SeededGenerator(seed: seed)
        let usesReLU = network.layers.contains { $0.activation == .relu || $0.dense?.neuronActivations.values.contains(.relu) == true }
        return network.checkGradient(input: x, target: y, epsilon: usesReLU ? 1e-6 : 1e-3,
                                     method: usesReLU ? .central : .fivePoint,
                                     relativeErrorFloor: 1e-10, using: &generator).maxRelativeError
    }

    @Test("Every activation passes the gradient check",
          arguments: Activation.allCases.filter(\.isElementwise))
    func everyActivation(activation: Activation) {
        var generator = SeededGenerator(seed: 50)
        let network = Network<Double>(layerSizes: [5, 4, 3, 2], activation: activation, using: &generator)
        let error = worstError(network, seed: 51)
        #expect(error <= 1e-6, "\(activation): max relative error \(error)")
    }

    @Test("Backpropagation with linear neurons (σ(z) = z throughout) passes the gradient check")
    func linearNeurons() {
        var generator = SeededGenerator(seed: 52)
        let network = Network<Double>(layerSizes: [4, 6, 5, 3], activation: .linear, using: &generator)
        #expect(worstError(network, seed: 53) <= 1e-6)
        let pass = network.backpropagate(input: [0.1, 0.2, 0.3, 0.4], target: [1, 0, 0])
        #expect(pass.sigmaPrime.allSatisfy { $0.allSatisfy { $0 == 1 } })
    }

    @Test("Backpropagation with a single modified neuron passes the gradient check",
          arguments: [Activation.tanh, .linear, .relu])
    func singleModifiedNeuron(f: Activation) {
        var network = randomNetwork([4, 5, 3, 2], seed: 54)
        network.modifyNeuron(layer: 0, neuron: 2, activation: f)
        #expect(worstError(network, seed: 55) <= 1e-6)
        // The modified neuron really uses f, and only it.
        let pass = network.backpropagate(input: [0.3, 0.1, 0.4, 0.1], target: [0, 1])
        #expect(pass.a[0][2] == f.value(pass.z[0][2]))
        #expect(pass.a[0][1] == Activation.sigmoid.value(pass.z[0][1]))
        // The matrix path agrees with the per-example path for it.
        var batch = MiniBatch<Double>(layerSizes: network.layerSizes, size: 1)
        batch.load(inputs: Matrix(rows: 4, columns: 1, elements: [0.3, 0.1, 0.4, 0.1]),
                   targets: Matrix(rows: 2, columns: 1, elements: [0, 1]))
        let gradient = batch.gradient(of: network)
        expectClose(gradient.nablaW[0].elements, pass.nablaW[0].elements, tolerance: 1e-13, "nablaW")
    }

    @Test("The gradient check reports per layer, and extrapolates from a sample")
    func gradientCheckReport() {
        let network = randomNetwork([6, 5, 3], seed: 56)
        let (x, y) = randomExample(for: network, seed: 57)
        var generator = SeededGenerator(seed: 1)
        let full = network.checkGradient(input: x, target: y, epsilon: 1e-5, using: &generator)
        #expect(full.layers.map(\.layer) == [2, 3])
        #expect(full.layers.map(\.checked) == [35, 18])
        #expect(full.checkedParameters == 53 && !full.isSampled)
        #expect(full.finiteDifferenceForwardPasses == 106)
        #expect(full.maxRelativeError < 1e-6)
        let sampled = network.checkGradient(input: x, target: y, epsilon: 1e-5, sampleSize: 10, using: &generator)
        #expect(sampled.checkedParameters == 10 && sampled.isSampled)
        #expect(sampled.layers.map(\.checked).reduce(0, +) == 10)
        #expect(sampled.fullFiniteDifferenceForwardPasses == 106)
    }

    @Test("The path sum (eq. 53) equals backpropagation", arguments: [
        ([3, 4, 2], 61), ([4, 3, 3, 2], 62), ([2, 5, 4, 3, 2], 63),
    ] as [([Int], UInt64)])
    func pathSumEqualsBackprop(sizes: [Int], seed: UInt64) throws {
        let network = randomNetwork(sizes, seed: seed)
        let (x, y) = randomExample(for: network, seed: seed + 1)
        let pass = network.backpropagate(input: x, target: y)
        for l in network.layers.indices {
            let (j, k) = (network.layers[l].neurons - 1, network.layers[l].inputs / 2)
            let sum = try network.pathSum(input: x, target: y, layer: l, j: j, k: k)
            #expect(abs(sum.value - pass.nablaW[l][j, k]) <= 1e-14 * max(1, abs(sum.value)))
            #expect(sum.pathCount == sizes.dropFirst(l + 2).reduce(1, *))
        }
    }

    @Test("The path sum refuses networks with too many paths")
    func pathSumLimit() {
        let network = randomNetwork([3, 30, 30, 30, 10], seed: 64)
        let (x, y) = randomExample(for: network, seed: 65)
        #expect(throws: PathSumError.tooManyPaths(count: 30 * 10, limit: 100)) {
            try network.pathSum(input: x, target: y, layer: 1, j: 0, k: 0, limit: 100)
        }
    }

    @Test("In a deep sigmoid network at initialization, the gradient shrinks toward the input")
    func unstableGradients() {
        var generator = SeededGenerator(seed: 70)
        let network = Network<Double>(layerSizes: [16, 30, 30, 30, 30, 2], using: &generator)
        var bytes: [UInt8] = [], labels: [UInt8] = []
        for i in 0..<200 {
            bytes += (0..<16).map { _ in UInt8(generator.nextInt(below: 256)) }
            labels.append(UInt8(i % 2))
        }
        let sample = LabelledData(inputSize: 16, classCount: 2, inputBytes: bytes, labels: labels)
        let speed = LearningSpeedMonitor(sample: sample).measure(network)
        let hidden = speed.biasGradientNorms.dropLast()
        #expect(zip(hidden, hidden.dropFirst()).allSatisfy { $0 < $1 }, "‖δˡ‖ per hidden layer: \(Array(hidden))")
        #expect(hidden.first! * 2 < hidden.last!)
        #expect(speed.saturatedShare.count == 5)
        #expect(speed.saturatedShare.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test("Layers with modified neurons are saved and read back")
    func layerCoding() throws {
        var network = randomNetwork([3, 2, 2], seed: 80)
        network.modifyNeuron(layer: 0, neuron: 1, activation: .tanh)
        let data = try JSONEncoder().encode(network)
        #expect(try JSONDecoder().decode(Network<Double>.self, from: data) == network)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""neuronActivations":{"1":"tanh"}"#))
        let ragged = #"{"layers":[{"weights":[[1,2],[3]],"biases":[0,0]}],"cost":"quadratic"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Network<Double>.self, from: Data(ragged.utf8)) }
        let outside = #"{"layers":[{"weights":[[1,2]],"biases":[0],"neuronActivations":{"4":"tanh"}}],"cost":"quadratic"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Network<Double>.self, from: Data(outside.utf8)) }
    }
}
