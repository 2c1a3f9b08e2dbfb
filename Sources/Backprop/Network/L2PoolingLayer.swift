/// L2 pooling, the alternative to max-pooling chapter 6 mentions: each output is the square root
/// of the sum of the squares of a `size × size` window of its feature map (windows side by side,
/// not overlapping), a smooth summary of how strongly the feature appears there. No weights or
/// biases; the activation is the identity.
///
/// BP2: with p = √(Σ a²) over the window, ∂p/∂a = a/p, so each input receives δ·a/p; a window
/// of zeros (p = 0, where the square root has no derivative) passes 0 back.
public struct L2PoolingLayer<Scalar: BLASScalar>: PoolingLayer, Equatable, Sendable {
    public static var kindName: String { "l2-pooling" }

    public var input: ImageShape
    public var size: Int
    public var weights = Matrix<Scalar>(rows: 0, columns: 0)
    public var biases: [Scalar] = []
    public var activation = Activation.linear

    public init(input: ImageShape, size: Int) {
        self.input = input
        self.size = size
    }

    public func weightedInput(_ aPrevious: [Scalar]) -> [Scalar] {
        var squares = [Scalar](repeating: 0, count: output.count)
        forEachWindowPosition { o, at in squares[o] += aPrevious[at] * aPrevious[at] }
        return squares.map { $0.squareRoot() }
    }

    /// BP2's product: each input of a window gets the window's δ times a/p.
    public func errorAtInput(_ delta: [Scalar], input aPrevious: [Scalar]) -> [Scalar] {
        let pooled = weightedInput(aPrevious)
        var g = [Scalar](repeating: 0, count: input.count)
        forEachWindowPosition { o, at in
            if pooled[o] > 0 { g[at] += delta[o] * aPrevious[at] / pooled[o] }
        }
        return g
    }

    public func converted<Other: BLASScalar>(to _: Other.Type) -> any LayerKind<Other> {
        L2PoolingLayer<Other>(input: input, size: size)
    }
}
