@testable import Backprop
import Testing

/// The batch engine for convolutional networks (im2col over BLAS) against the per-example
/// reference path: the same steps give the same weights, up to the order of the sums.
@Suite("Convolutional networks on the batch engine")
struct ConvolutionPathTests {
    /// Three shapes of network over 1×12×12 images of 3 classes: conv → pool → conv → pool →
    /// dense → softmax (log-likelihood) and conv → conv → pool 3 → sigmoid output (cross-entropy),
    /// each with a convolution of depth > 1 and several maps; and conv → pool → softmax.
    static func network<Scalar: BLASScalar>(_ shape: Int, seed: UInt64 = 3) -> Network<Scalar> {
        var generator = SeededGenerator(seed: seed)
        let image = ImageShape(depth: 1, height: 12, width: 12)
        func dense(_ inputs: Int, _ neurons: Int, _ activation: Activation) -> DenseLayer<Scalar> {
            let (w, b): (Matrix<Scalar>, [Scalar]) = WeightInitializer.scaledNormal.initialParameters(neurons: neurons, inputs: inputs,
                                                                                                      using: &generator)
            return DenseLayer(weights: w, biases: b, activation: activation)
        }
        if shape == 0 {
            let conv1 = ConvolutionLayer<Scalar>(input: image, maps: 3, kernel: 3, activation: .relu, using: &generator)
            let pool1 = MaxPoolingLayer<Scalar>(input: conv1.output, size: 2)
            let conv2 = ConvolutionLayer<Scalar>(input: pool1.output, maps: 4, kernel: 2, activation: .tanh, using: &generator)
            let pool2 = MaxPoolingLayer<Scalar>(input: conv2.output, size: 2)
            // 14 neurons: each thread's half of the dense layer's update is more than one block of rows.
            return Network(layers: [conv1, pool1, conv2, pool2, dense(pool2.neurons, 14, .sigmoid), dense(14, 3, .softmax)],
                           cost: .logLikelihood)
        }
        if shape == 2 {
            // Zero kernels: every pooling window ties, and BP4 depends on where δ goes (the first maximum).
            let conv = ConvolutionLayer<Scalar>(input: image, kernel: 3, weights: Matrix(rows: 2, columns: 9), biases: [0.5, -1],
                                                activation: .sigmoid)
            let pool = MaxPoolingLayer<Scalar>(input: conv.output, size: 2)
            return Network(layers: [conv, pool, dense(pool.neurons, 3, .softmax)], cost: .logLikelihood)
        }
        let conv1 = ConvolutionLayer<Scalar>(input: image, maps: 2, kernel: 5, activation: .sigmoid, using: &generator)
        let conv2 = ConvolutionLayer<Scalar>(input: conv1.output, maps: 3, kernel: 3, activation: .relu, using: &generator)
        let pool = MaxPoolingLayer<Scalar>(input: conv2.output, size: 3)
        return Network(layers: [conv1, conv2, pool, dense(pool.neurons, 3, .sigmoid)], cost: .crossEntropy)
    }

    /// `count` random 12×12 images of 3 classes, blank but for a 6×6 square at a random place, so
    /// that pooling windows over the blank part see ties.
    static func data(count: Int = 23, seed: UInt64 = 8) -> LabelledData {
        var generator = SeededGenerator(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count * 144)
        for e in 0..<count {
            let top = generator.nextInt(below: 7), left = generator.nextInt(below: 7)
            for i in 0..<6 { for j in 0..<6 { bytes[e * 144 + (top + i) * 12 + left + j] = UInt8(generator.nextInt(below: 256)) } }
        }
        let labels = (0..<count).map { _ in UInt8(generator.nextInt(below: 3)) }
        return LabelledData(inputSize: 144, classCount: 3, inputBytes: bytes, labels: labels)
    }

    /// The network and velocities after mini-batches of 10, 10 and 3 examples on `engine`.
    static func trained<Scalar: BLASScalar>(_ network: Network<Scalar>, engine: Engine, regularization: Regularization,
                                            momentum: Double, threads: Int? = nil) -> (Network<Scalar>, Network<Scalar>?) {
        var network = network
        var optimizer = Optimizer<Scalar>(eta: 0.3, regularization: regularization, trainingSetSize: 23, momentum: momentum,
                                          for: network)
        let prepared: any PreparedNetwork<Scalar> = threads.map {
            ConvolutionPath(network, optimizer: optimizer, capacity: 10, threads: $0)!
        } ?? engine.prepare(network, optimizer: optimizer, capacity: 10)
        #expect(prepared.engine == (engine == .reference ? .reference : .blas))
        let data = Self.data(), order = Array((0..<23).reversed())
        for start in stride(from: 0, to: 23, by: 10) {
            #expect(prepared.step(on: data, indices: order[start..<min(start + 10, 23)], next: [], optimizer: &optimizer))
        }
        prepared.store(into: &network, optimizer: &optimizer)
        return (network, optimizer.velocity)
    }

    static func expectClose<Scalar: BLASScalar>(_ actual: Network<Scalar>, _ expected: Network<Scalar>, tolerance: Double,
                                                 _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var worst = 0.0, changed = 0.0
        for (layer, reference) in zip(actual.layers, expected.layers) {
            for (a, e) in zip(layer.weights.elements + layer.biases, reference.weights.elements + reference.biases) {
                worst = max(worst, abs(Double(a - e)) / max(1, abs(Double(e))))
                changed += abs(Double(e))
            }
        }
        #expect(changed > 0, "\(what): nothing to compare", sourceLocation: sourceLocation)
        #expect(worst <= tolerance, "\(what): largest relative difference \(worst)", sourceLocation: sourceLocation)
    }

    static let recipes: [(Regularization, Double)] = [(.none, 0), (.l2(lambda: 5), 0), (.l2(lambda: 5), 0.9), (.l1(lambda: 2), 0.5)]

    @Test("Steps in Double give the reference path's weights and velocities to 1e-10", arguments: [0, 1, 2], 0..<4)
    func doubleMatchesReference(shape: Int, recipe: Int) {
        let (regularization, momentum) = Self.recipes[recipe]
        let start: Network<Double> = Self.network(shape)
        let (reference, referenceVelocity) = Self.trained(start, engine: .reference, regularization: regularization, momentum: momentum)
        let (fast, fastVelocity) = Self.trained(start, engine: .automatic, regularization: regularization, momentum: momentum)
        #expect(fast != start)
        Self.expectClose(fast, reference, tolerance: 1e-10, "weights")
        if momentum > 0 {
            Self.expectClose(fastVelocity!, referenceVelocity!, tolerance: 1e-10, "velocities")
        }
    }

    @Test("Steps in Float agree with the reference path to a few 1e-5", arguments: [0, 1, 2], 0..<4)
    func floatMatchesReference(shape: Int, recipe: Int) {
        let (regularization, momentum) = Self.recipes[recipe]
        let start: Network<Float> = Self.network(shape)
        let (reference, _) = Self.trained(start, engine: .reference, regularization: regularization, momentum: momentum)
        let (fast, _) = Self.trained(start, engine: .blas, regularization: regularization, momentum: momentum)
        Self.expectClose(fast, reference, tolerance: 5e-5, "weights")
    }

    @Test("One thread and two give the same bits", arguments: [0, 1])
    func threadCountDoesNotMatter(shape: Int) {
        let start: Network<Float> = Self.network(shape)
        let (one, oneVelocity) = Self.trained(start, engine: .blas, regularization: .l2(lambda: 1), momentum: 0.5, threads: 1)
        let (two, twoVelocity) = Self.trained(start, engine: .blas, regularization: .l2(lambda: 1), momentum: 0.5, threads: 2)
        #expect(one == two)
        #expect(oneVelocity == twoVelocity)
    }

    @Test("Evaluation and predictions equal the reference path's, over several chunks", arguments: [0, 1])
    func evaluationAgrees(shape: Int) {
        let network: Network<Double> = Self.network(shape, seed: 9)
        let data = Self.data(count: 251, seed: 4)
        let reference = network.evaluate(on: data, engine: .reference), fast = network.evaluate(on: data, engine: .blas)
        #expect(fast.correct == reference.correct && fast.count == 251)
        #expect(abs(fast.cost - reference.cost) <= 1e-10 * abs(reference.cost))
        #expect(network.predictions(on: data, engine: .automatic) == network.predictions(on: data, engine: .reference))
    }

    @Test("The engine is chosen for convolutional networks, with or without dropout, and not for another kind of layer")
    func choice() {
        let network: Network<Float> = Self.network(0)
        #expect(Engine.automatic.prepare(network).engine == .blas)
        #expect(Engine.reference.prepare(network).engine == .reference)
        let dropout = Optimizer<Float>(eta: 0.1, dropout: 0.5)
        #expect(Engine.blas.prepare(network, optimizer: dropout).engine == .blas)
        // A convolution straight into a dense layer is left to the reference path.
        var generator = SeededGenerator(seed: 1)
        let conv = ConvolutionLayer<Float>(input: ImageShape(depth: 1, height: 12, width: 12), maps: 2, kernel: 11, using: &generator)
        let output = DenseLayer<Float>(weights: Matrix(rows: 3, columns: conv.neurons), biases: [0, 0, 0], activation: .softmax)
        #expect(Engine.blas.prepare(Network(layers: [conv, output], cost: .logLikelihood)).engine == .reference)
    }
}
