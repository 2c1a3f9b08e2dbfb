import Backprop
import Testing

@Suite("The matrix mini-batch path against the per-example path")
struct MiniBatchTests {
    /// m random examples as the columns of two matrices.
    func batch(for network: Network<Double>, size: Int, seed: UInt64) -> (x: Matrix<Double>, y: Matrix<Double>, examples: [([Double], [Double])]) {
        let examples = (0..<size).map { randomExample(for: network, seed: seed + UInt64($0)) }
        let x = Matrix(examples.map(\.x)).transposed
        let y = Matrix(examples.map(\.y)).transposed
        return (x, y, examples)
    }

    @Test("The mini-batch gradient is the mean of the per-example gradients",
          arguments: [([4, 3, 2], 1), ([6, 5, 4, 3], 5), ([3, 8, 2], 7)] as [([Int], Int)])
    func gradientIsMeanOfExamples(sizes: [Int], size: Int) {
        let network = randomNetwork(sizes, seed: UInt64(size))
        let (x, y, examples) = batch(for: network, size: size, seed: 40)
        var miniBatch = MiniBatch<Double>(layerSizes: sizes, size: size)
        miniBatch.load(inputs: x, targets: y)
        let gradient = miniBatch.gradient(of: network)

        let passes = examples.map { network.backpropagate(input: $0.0, target: $0.1) }
        for l in network.layers.indices {
            let meanW = passes.map { $0.nablaW[l].elements }.reduce(into: [Double](repeating: 0, count: gradient.nablaW[l].elements.count)) {
                for i in $0.indices { $0[i] += $1[i] / Double(size) }
            }
            let meanB = passes.map { $0.nablaB[l] }.reduce(into: [Double](repeating: 0, count: gradient.nablaB[l].count)) {
                for i in $0.indices { $0[i] += $1[i] / Double(size) }
            }
            expectClose(gradient.nablaW[l].elements, meanW, tolerance: 1e-12, "nablaW[\(l)]")
            expectClose(gradient.nablaB[l], meanB, tolerance: 1e-12, "nablaB[\(l)]")
        }
        // The buffers hold the last passes' values, which must match the per-example ones.
        expectClose(miniBatch.delta[0].column(size - 1), passes[size - 1].delta[0], tolerance: 1e-12, "delta")
        expectClose(miniBatch.a.last!.column(0), passes[0].output, tolerance: 1e-12, "output")
    }

    @Test("A descent step adds −η times the mean gradient, in place")
    func descentStepUsesTheGradient() {
        let sizes = [5, 4, 3]
        let network = randomNetwork(sizes, seed: 3)
        let (x, y, _) = batch(for: network, size: 4, seed: 80)
        var miniBatch = MiniBatch<Double>(layerSizes: sizes, size: 4)
        miniBatch.load(inputs: x, targets: y)
        let gradient = miniBatch.gradient(of: network)

        var stepped = network
        miniBatch.descend(&stepped, eta: 0.5)
        for l in network.layers.indices {
            let expectedW = zip(network.layers[l].weights.elements, gradient.nablaW[l].elements).map { $0 - 0.5 * $1 }
            let expectedB = zip(network.layers[l].biases, gradient.nablaB[l]).map { $0 - 0.5 * $1 }
            expectClose(stepped.layers[l].weights.elements, expectedW, tolerance: 1e-12, "w[\(l)]")
            expectClose(stepped.layers[l].biases, expectedB, tolerance: 1e-12, "b[\(l)]")
        }
    }

    @Test("Float and Double give the same gradient to single precision")
    func floatAgreesWithDouble() {
        let sizes = [6, 5, 3]
        let network = randomNetwork(sizes, seed: 12)
        let (x, y, _) = batch(for: network, size: 3, seed: 90)
        var double = MiniBatch<Double>(layerSizes: sizes, size: 3)
        double.load(inputs: x, targets: y)
        var float = MiniBatch<Float>(layerSizes: sizes, size: 3)
        float.load(inputs: x.converted(), targets: y.converted())
        let g64 = double.gradient(of: network)
        let g32 = float.gradient(of: network.converted(to: Float.self))
        for l in sizes.indices.dropLast() {
            for (a, b) in zip(g32.nablaW[l].elements, g64.nablaW[l].elements) {
                #expect(abs(Double(a) - b) <= 1e-5 * max(1, abs(b)))
            }
        }
    }
}
