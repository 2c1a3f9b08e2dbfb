import Backprop
import Testing

@Suite("Backpropagation against finite differences, in Double")
struct GradientCheckTests {
    /// The five-point central stencil: plain central differences cannot resolve the first
    /// layer's tiny gradients in deep sigmoid networks to 1e-6 in Double (their rounding error is
    /// about 1e-11 absolute, against 2e-13 here).
    @Test("∂C/∂w and ∂C/∂b agree with central differences", arguments: [
        ([3, 2], 1), ([4, 5, 3], 2), ([5, 4, 3, 2], 3), ([6, 5, 4, 3, 2], 4), ([2, 7, 7, 2], 5),
    ] as [([Int], UInt64)])
    func gradientMatchesFiniteDifferences(sizes: [Int], seed: UInt64) {
        let network = randomNetwork(sizes, seed: seed)
        let (x, y) = randomExample(for: network, seed: seed + 100)
        let pass = network.backpropagate(input: x, target: y)
        let numerical = network.numericalGradient(input: x, target: y, epsilon: 1e-3, method: .fivePoint)
        var worst = 0.0
        for l in network.layers.indices {
            for (a, b) in zip(pass.nablaW[l].elements, numerical.nablaW[l].elements) {
                worst = max(worst, relativeError(a, b))
            }
            for (a, b) in zip(pass.nablaB[l], numerical.nablaB[l]) {
                worst = max(worst, relativeError(a, b))
            }
        }
        #expect(worst <= 1e-6, "max relative error \(worst) for \(sizes)")
    }

    @Test("Two-point central differences agree to 1e-6 on a shallow network")
    func twoPointCentralDifferences() {
        let network = randomNetwork([5, 4, 3], seed: 21)
        let (x, y) = randomExample(for: network, seed: 22)
        let pass = network.backpropagate(input: x, target: y)
        let numerical = network.numericalGradient(input: x, target: y, epsilon: 1e-5, method: .central)
        for l in network.layers.indices {
            expectClose(pass.nablaW[l].elements, numerical.nablaW[l].elements, tolerance: 1e-6, "nablaW[\(l)]")
            expectClose(pass.nablaB[l], numerical.nablaB[l], tolerance: 1e-6, "nablaB[\(l)]")
        }
    }

    @Test("A wrong gradient is caught: the check can fail")
    func checkDetectsAnError() {
        let network = randomNetwork([4, 3, 2], seed: 9)
        let (x, y) = randomExample(for: network, seed: 10)
        var pass = network.backpropagate(input: x, target: y)
        pass.nablaW[0].elements[0] *= 1.001
        let numerical = network.numericalGradient(input: x, target: y, epsilon: 1e-5)
        #expect(relativeError(pass.nablaW[0].elements[0], numerical.nablaW[0].elements[0]) > 1e-6)
    }

    @Test("The verdict: a right gradient passes the default tolerance, a step too large to resolve it fails")
    func verdict() {
        let network = randomNetwork([4, 3, 2], seed: 9)
        let (x, y) = randomExample(for: network, seed: 10)
        var generator = SeededGenerator(seed: 1)
        let good = network.checkGradient(input: x, target: y, epsilon: 1e-5, using: &generator)
        #expect(good.tolerance == 1e-6 && good.passed)
        let coarse = network.checkGradient(input: x, target: y, epsilon: 10, using: &generator)
        #expect(!coarse.passed, "ε = 10: layer errors \(coarse.layers.map(\.normRelativeError))")
        let lenient = network.checkGradient(input: x, target: y, epsilon: 10, tolerance: 10, using: &generator)
        #expect(lenient.tolerance == 10 && lenient.passed)
    }

    @Test("In Float the default ε and tolerance pass a right gradient")
    func floatVerdict() {
        let network = randomNetwork([5, 4, 3], seed: 21)
        let (x, y) = randomExample(for: network, seed: 22)
        var generator = SeededGenerator(seed: 1)
        let epsilon = FiniteDifference.central.defaultEpsilon(for: Float.self)
        let report = network.converted(to: Float.self).checkGradient(
            input: x.map(Float.init), target: y.map(Float.init), epsilon: Float(epsilon), using: &generator)
        #expect(epsilon == 1e-2 && report.tolerance == 1e-2)
        #expect(report.passed, "layer errors \(report.layers.map(\.normRelativeError))")
        #expect(GradientCheckReport.defaultTolerance(for: Double.self) == 1e-6)
    }

    @Test("A layer none of whose parameters were sampled has no errors, and does not decide the verdict")
    func uncheckedLayer() throws {
        let network = randomNetwork([6, 5, 4, 3], seed: 5)
        let (x, y) = randomExample(for: network, seed: 6)
        var generator = SeededGenerator(seed: 2)
        let report = network.checkGradient(input: x, target: y, epsilon: 1e-5, sampleSize: 1, using: &generator)
        let unchecked = try #require(report.layers.first { $0.checked == 0 })
        #expect(unchecked.normRelativeError == nil && unchecked.maxRelativeError == nil)
        #expect(unchecked.meanRelativeError == nil && unchecked.maxAbsoluteError == nil)
        #expect(unchecked.passes(tolerance: 1e-6) == nil)
        #expect(report.layers.compactMap(\.normRelativeError).count == 1)
        #expect(report.passed)
    }

    @Test("The check reports its progress after each parameter")
    func progress() {
        let network = randomNetwork([3, 2], seed: 1)
        let (x, y) = randomExample(for: network, seed: 2)
        var generator = SeededGenerator(seed: 3)
        var calls: [(Int, Int)] = []
        _ = network.checkGradient(input: x, target: y, epsilon: 1e-5, sampleSize: 5, using: &generator) {
            calls.append(($0, $1))
        }
        #expect(calls.map(\.0) == [1, 2, 3, 4, 5])
        #expect(calls.allSatisfy { $0.1 == 5 })
    }
}
