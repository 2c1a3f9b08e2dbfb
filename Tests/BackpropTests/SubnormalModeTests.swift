@testable import Backprop
import Testing

/// The engine flush subnormal floats to zero while they run (they are slow on many x86 cores)
/// and give the caller back its own floating-point mode.
@Suite struct SubnormalModeTests {
    /// Half the smallest normal Float, computed at run time: a subnormal unless the thread
    /// flushes subnormals to zero.
    @inline(never) static func halfSmallestNormal(_ values: [Float]) -> Float { values[0] / values[1] }

    @Test("Training and evaluating on the engine leave the caller's subnormals as they were",
          arguments: KernelsTests.instructionSets)
    func callerModeRestored(engine: Engine) throws {
        let data = KernelsTests.sparseData(classes: 10)
        var generator = SeededGenerator(seed: 3)
        var network = Network<Float>(layerSizes: [50, 30, 10], using: &generator)
        let sgd = StochasticGradientDescent(epochs: 2, miniBatchSize: 10, eta: 0.5)
        #expect(Self.halfSmallestNormal([Float.leastNormalMagnitude, 2]) != 0)
        _ = try sgd.train(&network, on: data, evaluatingOn: data, using: &generator, engine: engine)
        #expect(Engine.automatic.resolved(for: network, configuration: sgd) != .blas)
        #expect(Self.halfSmallestNormal([Float.leastNormalMagnitude, 2]) == Float.leastNormalMagnitude / 2)
    }
}
