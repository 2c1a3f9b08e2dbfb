/// How fast each layer learns at one moment: the size of the cost's gradient per layer, averaged
/// over a fixed sample of examples, and how many neurons are saturated (σ′(z) ≈ 0, so they learn
/// slowly whatever the error). Chapter 5's unstable gradients show here as norms that shrink
/// toward the input layer.
public struct LearningSpeed: Equatable, Codable, Sendable {
    /// ‖∂C/∂bˡ‖ for each layer (equivalently ‖δˡ‖ of the mean gradient), input side first.
    public var biasGradientNorms: [Double]
    /// ‖∂C/∂wˡ‖ (Frobenius norm) for each layer.
    public var weightGradientNorms: [Double]
    /// The share of each layer's neurons, over the sample, with σ′(z) below the threshold.
    public var saturatedShare: [Double]
    /// The share of output neurons, over the sample, that are saturated on the wrong answer:
    /// σ′(z) below the threshold and |a − y| > ½.
    public var wronglySaturatedOutputShare: Double

    public init(biasGradientNorms: [Double], weightGradientNorms: [Double], saturatedShare: [Double],
                wronglySaturatedOutputShare: Double) {
        self.biasGradientNorms = biasGradientNorms
        self.weightGradientNorms = weightGradientNorms
        self.saturatedShare = saturatedShare
        self.wronglySaturatedOutputShare = wronglySaturatedOutputShare
    }
}

/// Records ``LearningSpeed`` during training on a fixed sample of examples.
public struct LearningSpeedMonitor: Sendable {
    /// The examples the gradient is averaged over; the same ones every time.
    public var sample: LabelledData
    /// σ′(z) below this counts as saturated (σ′ of the sigmoid is at most ¼).
    public var saturationThreshold: Double

    public init(sample: LabelledData, saturationThreshold: Double = 0.01) {
        self.sample = sample
        self.saturationThreshold = saturationThreshold
    }

    /// The learning speed of `network` now.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func measure<Scalar: BLASScalar>(_ network: Network<Scalar>) -> LearningSpeed {
        guard network.denseLayers != nil else { return measureByExample(network) }
        var batch = MiniBatch<Scalar>(layerSizes: network.layerSizes, size: sample.count)
        batch.load(sample, indices: Array(0..<sample.count)[...])
        let gradient = batch.gradient(of: network)
        func norm(_ values: [Scalar]) -> Double {
            values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        }
        let threshold = Scalar(saturationThreshold)
        let saturated = batch.sigmaPrime.map { sp in
            Double(sp.elements.reduce(0) { $0 + ($1 < threshold ? 1 : 0) }) / Double(sp.elements.count)
        }
        let output = batch.a[batch.a.count - 1], spOutput = batch.sigmaPrime[batch.sigmaPrime.count - 1]
        var wrong = 0
        for i in output.elements.indices where spOutput.elements[i] < threshold
            && abs(output.elements[i] - batch.y.elements[i]) > Scalar(0.5) {
            wrong += 1
        }
        return LearningSpeed(
            biasGradientNorms: gradient.nablaB.map(norm),
            weightGradientNorms: gradient.nablaW.map { norm($0.elements) },
            saturatedShare: saturated,
            wronglySaturatedOutputShare: Double(wrong) / Double(output.elements.count))
    }

    /// The same measurement by the per-example reference path, for networks with layers the
    /// matrix path does not run: the gradient averaged over the sample's backward passes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func measureByExample<Scalar: BLASScalar>(_ network: Network<Scalar>) -> LearningSpeed {
        let m = sample.count, threshold = Scalar(saturationThreshold)
        var nablaW = network.layers.map { [Double](repeating: 0, count: $0.weights.elements.count) }
        var nablaB = network.layers.map { [Double](repeating: 0, count: $0.biases.count) }
        var saturated = [Int](repeating: 0, count: network.layers.count), wrong = 0
        for example in 0..<m {
            let pass = network.backpropagate(input: sample.input(example), target: sample.target(example))
            for l in network.layers.indices {
                for (i, g) in pass.nablaW[l].elements.enumerated() { nablaW[l][i] += Double(g) / Double(m) }
                for (j, g) in pass.nablaB[l].enumerated() { nablaB[l][j] += Double(g) / Double(m) }
                saturated[l] += pass.sigmaPrime[l].filter { $0 < threshold }.count
            }
            let last = network.layers.count - 1
            for j in pass.output.indices where pass.sigmaPrime[last][j] < threshold
                && abs(pass.output[j] - pass.target[j]) > Scalar(0.5) {
                wrong += 1
            }
        }
        func norm(_ values: [Double]) -> Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return LearningSpeed(
            biasGradientNorms: nablaB.map(norm), weightGradientNorms: nablaW.map(norm),
            saturatedShare: network.layers.indices.map { Double(saturated[$0]) / Double(network.layers[$0].neurons * m) },
            wronglySaturatedOutputShare: Double(wrong) / Double(network.outputSize * m))
    }
}
