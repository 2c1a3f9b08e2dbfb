import Backprop
import Foundation
import Testing

@Suite("Convolution and pooling against an independent reference")
struct ConvolutionReferenceTests {
    /// Flattens [a][b][c]… nested lists into one list, row-major.
    static func flat(_ value: Any) -> [Double] {
        if let number = value as? Double { return [number] }
        if let number = value as? Int { return [Double(number)] }
        return (value as! [Any]).flatMap(flat)
    }

    /// Nests a flat list into `depth` × `height` × `width` lists.
    static func nest(_ values: [Double], _ depth: Int, _ height: Int, _ width: Int) -> [[[Double]]] {
        (0..<depth).map { d in (0..<height).map { y in Array(values[((d * height + y) * width)..<((d * height + y + 1) * width)]) } }
    }

    @Test("Forward, pooling, BP1's routing, BP2, BP3 and BP4 equal Tests/Reference/convolution_reference.py's",
          arguments: [Activation.tanh, .sigmoid, .relu])
    func matchesReference(activation: Activation) throws {
        var generator = SeededGenerator(seed: 41)
        let input = ImageShape(depth: 2, height: 8, width: 8), kernel = 3, maps = 3
        let conv = ConvolutionLayer<Double>(input: input, maps: maps, kernel: kernel, activation: activation, using: &generator)
        let pool = MaxPoolingLayer<Double>(input: conv.output, size: 2)
        let x = (0..<input.count).map { _ in Double(generator.nextInt(below: 2001)) / 1000 - 1 }
        let deltaPooled = (0..<pool.neurons).map { _ in Double(generator.nextInt(below: 2001)) / 1000 - 1 }

        let z = conv.weightedInput(x), a = conv.activate(z)
        let pooled = pool.activate(pool.weightedInput(a))
        let deltaZ = zip(pool.errorAtInput(deltaPooled, input: a), conv.activationDerivative(z)).map { $0 * $1 }
        let nablaB = conv.biasGradient(deltaZ), nablaW = conv.weightGradient(deltaZ, input: x)
        let deltaInput = conv.errorAtInput(deltaZ, input: x)

        let out = conv.output
        let spec: [String: Any] = [
            "input": Self.nest(x, input.depth, input.height, input.width),
            "kernels": (0..<maps).map { m in Self.nest(conv.weights.row(m), input.depth, kernel, kernel) },
            "biases": conv.biases, "activation": activation.rawValue, "pool": 2,
            "deltaPooled": Self.nest(deltaPooled, maps, out.height / 2, out.width / 2),
        ]
        let reference = try runPython("convolution_reference.py", input: try JSONSerialization.data(withJSONObject: spec))
        func expectClose(_ ours: [Double], _ key: String) {
            let theirs = Self.flat(reference[key]!)
            #expect(ours.count == theirs.count, "\(key)")
            let worst = zip(ours, theirs).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst <= 1e-12, "\(key): worst difference \(worst)")
        }
        expectClose(z, "z")
        expectClose(pooled, "pooled")
        expectClose(deltaZ, "deltaZ")
        expectClose(nablaB, "nablaB")
        expectClose((0..<maps).flatMap { nablaW.row($0) }, "nablaW")
        expectClose(deltaInput, "deltaInput")
        #expect(deltaZ.contains { $0 != 0 } && deltaInput.contains { $0 != 0 })  // the check can fail
    }
}
