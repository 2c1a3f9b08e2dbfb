import Backprop
import Testing

/// A random network in Double with the given layer sizes.
func randomNetwork(_ sizes: [Int], seed: UInt64) -> Network<Double> {
    var generator = SeededGenerator(seed: seed)
    return Network(layerSizes: sizes, using: &generator)
}

/// A random input in [0, 1) and a random one-hot target for `network`.
func randomExample(for network: Network<Double>, seed: UInt64) -> (x: [Double], y: [Double]) {
    var generator = SeededGenerator(seed: seed)
    let x = (0..<network.inputSize).map { _ in generator.nextUniform() }
    var y = [Double](repeating: 0, count: network.outputSize)
    y[generator.nextInt(below: network.outputSize)] = 1
    return (x, y)
}

/// Expects every element of `actual` within `tolerance` of `expected`, relatively, naming the
/// first that is not.
func expectClose(_ actual: [Double], _ expected: [Double], tolerance: Double, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): sizes differ", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let error = relativeError(a, e, floor: 1e-12)
        if error > tolerance {
            Issue.record("\(what)[\(i)] = \(a), expected \(e) (relative error \(error))", sourceLocation: sourceLocation)
            return
        }
    }
}
