@testable import Backprop
import Testing

/// The step in two halves that data-parallel training takes: a gradient sum without an update,
/// then an update from a sum, on each engine that gives sums.
@Suite("Gradient sums and steps from them")
struct GradientSummingTests {
    /// A dense network on the matrix path, and two convolutional ones on their batch engine, over
    /// ConvolutionPathTests' 12×12 images of 3 classes.
    static func network(_ kind: Int) -> Network<Double> {
        kind == 0 ? randomNetwork([144, 8, 3], seed: 5) : ConvolutionPathTests.network(kind - 1)
    }

    /// The weights (and velocities) after mini-batches of 10, 10 and 3 examples, each either a
    /// fused step or a gradient sum followed by a step from it.
    static func trained<Scalar: BLASScalar>(_ network: Network<Scalar>, engine: Engine, fromSums: Bool,
                                            recipe: Int) -> (Network<Scalar>, Network<Scalar>?) {
        let (regularization, momentum) = ConvolutionPathTests.recipes[recipe]
        var network = network
        var optimizer = Optimizer<Scalar>(eta: 0.3, regularization: regularization, trainingSetSize: 23, momentum: momentum,
                                          for: network)
        let prepared = engine.prepareForGradientSums(network, optimizer: optimizer, capacity: 10)
        #expect(prepared.engine == (engine == .reference ? .reference : .blas))
        let data = ConvolutionPathTests.data(), order = Array((0..<23).reversed())
        var gradient = [Scalar](repeating: .nan, count: prepared.parameterCount)
        #expect(prepared.parameterCount == network.parameterCount)
        for start in stride(from: 0, to: 23, by: 10) {
            let indices = order[start..<min(start + 10, 23)]
            if fromSums {
                gradient.withUnsafeMutableBufferPointer {
                    #expect(prepared.gradientSum(on: data, indices: indices, into: $0.baseAddress!))
                    prepared.step(gradientSum: $0.baseAddress!, examples: indices.count, optimizer: &optimizer)
                }
            } else {
                #expect(prepared.step(on: data, indices: indices, next: [], optimizer: &optimizer))
            }
        }
        prepared.store(into: &network, optimizer: &optimizer)
        return (network, optimizer.velocity)
    }

    @Test("Each engine's gradient sum equals the reference path's, and leaves the weights alone", arguments: 0..<3)
    func sumsAgree(kind: Int) {
        let network: Network<Double> = Self.network(kind), data = ConvolutionPathTests.data()
        func sum(_ engine: Engine) -> [Double] {
            let prepared = engine.prepareForGradientSums(network)
            var gradient = [Double](repeating: .nan, count: prepared.parameterCount)
            gradient.withUnsafeMutableBufferPointer { _ = prepared.gradientSum(on: data, indices: [3, 1, 4, 15, 9], into: $0.baseAddress!) }
            var stored = network, optimizer = Optimizer<Double>(eta: 1)
            prepared.store(into: &stored, optimizer: &optimizer)
            #expect(stored == network)
            return gradient
        }
        let reference = sum(.reference)
        #expect(reference.contains { $0 != 0 })
        expectClose(sum(.blas), reference, tolerance: 1e-10, "gradient sum")
    }

    @Test("In Float, with the products in C, a step from the sum gives the fused step's bits", arguments: 1..<3, 0..<4)
    func floatStepsAgree(kind: Int, recipe: Int) {
        let start: Network<Float> = ConvolutionPathTests.network(kind - 1)
        let (fused, fusedVelocity) = Self.trained(start, engine: .blas, fromSums: false, recipe: recipe)
        let (split, splitVelocity) = Self.trained(start, engine: .blas, fromSums: true, recipe: recipe)
        #expect(split != start)
        #expect(split == fused)
        #expect(splitVelocity == fusedVelocity)
    }

    @Test("A step from the sum gives the fused step's weights and velocities", arguments: 0..<3, 0..<4)
    func stepsAgree(kind: Int, recipe: Int) {
        let start: Network<Double> = Self.network(kind)
        for engine in [Engine.reference, .blas] {
            let (fused, fusedVelocity) = Self.trained(start, engine: engine, fromSums: false, recipe: recipe)
            let (split, splitVelocity) = Self.trained(start, engine: engine, fromSums: true, recipe: recipe)
            #expect(split != start)
            if kind == 0 && engine == .blas {
                // The matrix path folds the update into its products: the same numbers, summed in another order.
                ConvolutionPathTests.expectClose(split, fused, tolerance: 1e-12, "weights")
                if let fusedVelocity { ConvolutionPathTests.expectClose(splitVelocity!, fusedVelocity, tolerance: 1e-12, "velocities") }
            } else {
                #expect(split == fused, "\(engine)")
                #expect(splitVelocity == fusedVelocity, "\(engine)")
            }
        }
    }
}
