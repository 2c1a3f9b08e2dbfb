import RealModule

// The sampling algorithms are spelled out here rather than taken from the standard library, whose
// algorithms may change between Swift versions: a seed must mean the same numbers everywhere.
extension RandomNumberGenerator {
    /// A uniform integer in `0..<bound`, without modulo bias (Lemire's multiply-and-reject).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "The bound must be positive")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A sample of the standard normal distribution N(0, 1), by the Box–Muller transform.
    public mutating func nextStandardNormal() -> Double {
        let u1 = 1 - nextUniform()  // in (0, 1], so the logarithm is finite
        let u2 = nextUniform()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }

    /// Shuffles `indices` in place (Fisher–Yates). Only for indices, so that the loop is
    /// compiled for `Int` and swaps without allocating, whatever the generator type.
    public mutating func shuffle(_ indices: inout [Int]) {
        guard indices.count > 1 else { return }
        indices.withUnsafeMutableBufferPointer { buffer in
            for i in stride(from: buffer.count - 1, to: 0, by: -1) {
                let j = nextInt(below: i + 1)
                (buffer[i], buffer[j]) = (buffer[j], buffer[i])
            }
        }
    }
}
