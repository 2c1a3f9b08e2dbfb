@testable import Backprop
import BackpropKernels
import Testing

/// The convolutional engine's C loops (im2col, col2im, max-pooling with the bias and ReLU or
/// linear σ applied once per window, BP3's sums) against its Swift loops, in Float, both with
/// BLAS's products: the same steps must give the same weights, bit for bit, since both do the
/// same operations in the same order, on every instruction set the CPU has. With the C products
/// (`bp_gemm`, ProductsTests) the steps agree with the reference path's to a few 1e-5.
@Suite("Convolution kernels in C equal the Swift loops")
struct ConvolutionKernelsTests {
    /// A chapter-6-like network over 1×28×28 images: conv 5×5 (ReLU, so pooling applies it) →
    /// pool 2 on 24×24 maps (rows of 12 windows: vectors of eight and an overlapping last eight) →
    /// conv 3×3 (linear) → pool 2 on 10×10 (rows of 5, one by one) → dense ReLU → softmax.
    static func wideNetwork(seed: UInt64 = 5) -> Network<Float> {
        var generator = SeededGenerator(seed: seed)
        let conv1 = ConvolutionLayer<Float>(input: ImageShape(depth: 1, height: 28, width: 28), maps: 3, kernel: 5, activation: .relu,
                                            using: &generator)
        let pool1 = MaxPoolingLayer<Float>(input: conv1.output, size: 2)
        let conv2 = ConvolutionLayer<Float>(input: pool1.output, maps: 4, kernel: 3, activation: .linear, using: &generator)
        let pool2 = MaxPoolingLayer<Float>(input: conv2.output, size: 2)
        let (w1, b1): (Matrix<Float>, [Float]) = WeightInitializer.scaledNormal.initialParameters(neurons: 8, inputs: pool2.neurons,
                                                                                                  using: &generator)
        let (w2, b2): (Matrix<Float>, [Float]) = WeightInitializer.scaledNormal.initialParameters(neurons: 10, inputs: 8, using: &generator)
        return Network(layers: [conv1, pool1, conv2, pool2, DenseLayer(weights: w1, biases: b1, activation: .relu),
                                DenseLayer(weights: w2, biases: b2, activation: .softmax)], cost: .logLikelihood)
    }

    /// `count` 28×28 images of 10 classes: a random block of bytes on a blank page, so that some
    /// windows tie at 0.
    static func wideData(count: Int = 23) -> LabelledData {
        var generator = SeededGenerator(seed: 12)
        var bytes = [UInt8](repeating: 0, count: count * 784)
        for e in 0..<count {
            let top = generator.nextInt(below: 10), left = generator.nextInt(below: 10)
            for i in 0..<16 { for j in 0..<16 { bytes[e * 784 + (top + i) * 28 + left + j] = UInt8(generator.nextInt(below: 256)) } }
        }
        return LabelledData(inputSize: 784, classCount: 10, inputBytes: bytes, labels: (0..<count).map { _ in UInt8(generator.nextInt(below: 10)) })
    }

    /// `network` after steps of `batch` examples (the last of what is left of 23), with the C
    /// loops or the Swift ones, or on the reference path.
    static func trained(_ network: Network<Float>, on data: LabelledData, kernels: Bool, products: Bool = false, dropout: Double,
                        batch: Int = 10, reference: Bool = false, isa: Int32 = bp_best_isa()) -> Network<Float> {
        var network = network
        var optimizer = Optimizer<Float>(eta: 0.1, regularization: .l2(lambda: 1), trainingSetSize: 23, momentum: 0.5, dropout: dropout,
                                         for: network, dropoutSeed: 3)
        let prepared: any PreparedNetwork<Float> = reference ? Engine.reference.prepare(network, optimizer: optimizer, capacity: batch)
            : ConvolutionPath(network, optimizer: optimizer, capacity: batch, threads: 2, kernels: kernels, products: products,
                              isa: isa)!
        let order = Array((0..<23).reversed())
        for start in stride(from: 0, to: 23, by: batch) {
            #expect(prepared.step(on: data, indices: order[start..<min(start + batch, 23)], next: [], optimizer: &optimizer))
        }
        prepared.store(into: &network, optimizer: &optimizer)
        return network
    }

    /// How many weights and biases of `a` differ from `b`'s.
    static func differences(_ a: Network<Float>, _ b: Network<Float>) -> Int {
        zip(a.layers, b.layers).reduce(0) { count, pair in
            count + zip(pair.0.weights.elements + pair.0.biases, pair.1.weights.elements + pair.1.biases).filter { $0 != $1 }.count
        }
    }

    /// The instruction sets this CPU can run: portable, and AVX2 and AVX-512 where it has them.
    static var instructionSets: [Int32] { (0...bp_cpu_isa()).map { $0 } }

    @Test("Steps give the same bits: ReLU and linear pooled at once, sigmoid and tanh before pooling, windows of 2 and 3",
          arguments: [-1, 0, 1, 2], instructionSets)
    func stepsAreEqual(shape: Int, isa: Int32) {
        let start = shape < 0 ? Self.wideNetwork() : ConvolutionPathTests.network(shape)
        let data = shape < 0 ? Self.wideData() : ConvolutionPathTests.data()
        let withKernels = Self.trained(start, on: data, kernels: true, dropout: 0, isa: isa)
        #expect(Self.differences(withKernels, start) > 0)
        #expect(Self.differences(withKernels, Self.trained(start, on: data, kernels: false, dropout: 0)) == 0)
    }

    @Test("Halves of more than a slab (8 and 4 examples) give the same bits, and the reference path's weights to a few 1e-5",
          arguments: [-1, 0, 1], instructionSets)
    func slabs(shape: Int, isa: Int32) {
        let start = shape < 0 ? Self.wideNetwork() : ConvolutionPathTests.network(shape)
        let data = shape < 0 ? Self.wideData() : ConvolutionPathTests.data()
        let withKernels = Self.trained(start, on: data, kernels: true, dropout: 0, batch: 23, isa: isa)
        #expect(Self.differences(withKernels, Self.trained(start, on: data, kernels: false, dropout: 0, batch: 23)) == 0)
        let reference = Self.trained(start, on: data, kernels: false, dropout: 0, batch: 23, reference: true)
        ConvolutionPathTests.expectClose(withKernels, reference, tolerance: 5e-5, "weights")
        let withProducts = Self.trained(start, on: data, kernels: true, products: true, dropout: 0, batch: 23, isa: isa)
        ConvolutionPathTests.expectClose(withProducts, reference, tolerance: 5e-5, "weights with bp_gemm")
    }

    @Test("Halves of 5 (the dense layers' own products and update) agree with the reference path to a few 1e-5",
          arguments: [-1, 0], instructionSets)
    func narrowHalves(shape: Int, isa: Int32) {
        let start = shape < 0 ? Self.wideNetwork() : ConvolutionPathTests.network(shape)
        let data = shape < 0 ? Self.wideData() : ConvolutionPathTests.data()
        let reference = Self.trained(start, on: data, kernels: false, dropout: 0, reference: true)
        let withProducts = Self.trained(start, on: data, kernels: true, products: true, dropout: 0, isa: isa)
        #expect(Self.differences(withProducts, start) > 0)
        ConvolutionPathTests.expectClose(withProducts, reference, tolerance: 5e-5, "weights with the dense layers' products")
    }

    @Test("With dropout on the dense layers' inputs, too", arguments: instructionSets)
    func dropoutStepsAreEqual(isa: Int32) {
        let start = Self.wideNetwork(seed: 6), data = Self.wideData()
        let withKernels = Self.trained(start, on: data, kernels: true, dropout: 0.5, isa: isa)
        #expect(Self.differences(withKernels, Self.trained(start, on: data, kernels: false, dropout: 0.5)) == 0)
    }

    @Test("A pooled ReLU forward pass: the same outputs, the first maximum of each window, σ′ 0 where every value is negative")
    func forwardPass() {
        let network = Self.wideNetwork()
        let data = Self.wideData(count: 4)
        let stages = BatchStage.stages(of: network)!
        let batches = [true, false].map { ConvolutionBatch<Float>(stages: stages, classes: 10, capacity: 4, kernels: $0, products: false) }
        #expect(batches[0].usesKernels && !batches[1].usesKernels)
        let w = network.layers.map { Array($0.weights.elements) }, b = network.layers.map { $0.biases }
        for batch in batches {
            batch.load(data, indices: Array(0..<4)[...])
            w.withUnsafePointers { wp in b.withUnsafePointers { bp in batch.feedforward(weights: wp, biases: bp) } }
        }
        for l in [1, 3, 5] {
            let count = stages[l].output.count * 4
            #expect(Array(UnsafeBufferPointer(start: batches[0].a[l], count: count)) == Array(UnsafeBufferPointer(start: batches[1].a[l], count: count)),
                    "layer \(l)")
        }
        // Where a window of the first layer is all negative before σ, its pooled output is 0.
        let pooled = UnsafeBufferPointer(start: batches[0].a[1], count: stages[1].output.count * 4)
        #expect(pooled.contains(0) && pooled.contains { $0 > 0 })
    }
}

extension Array where Element == [Float] {
    /// Calls `body` with a copy of each array in pointers of its own, freed afterwards.
    func withUnsafePointers<R>(_ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
        let pointers = map { values in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(values.count, 1))
            p.initialize(from: values, count: values.count)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        return body(pointers)
    }
}
