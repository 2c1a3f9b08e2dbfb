/// Max-pooling, chapter 6's: each feature map shrinks by `size` in both directions, each output
/// the largest of a `size × size` window of the input (windows side by side, not overlapping).
/// It has no weights or biases; its activation is the identity.
///
/// BP2 routes each δ back to the position that was the window's maximum, and gives the others 0.
/// On a tie the first maximum in row-major order (top row first, then left to right) takes it:
/// the same position the forward pass picked, so the gradient is that of the function computed.
public struct MaxPoolingLayer<Scalar: BLASScalar>: PoolingLayer, Equatable, Sendable {
    public static var kindName: String { "max-pooling" }

    public var input: ImageShape
    public var size: Int
    public var weights = Matrix<Scalar>(rows: 0, columns: 0)
    public var biases: [Scalar] = []
    public var activation = Activation.linear

    public init(input: ImageShape, size: Int) {
        self.input = input
        self.size = size
    }

    /// The flat input index of each output's maximum.
    func argmax(_ aPrevious: [Scalar]) -> [Int] {
        var positions = [Int](repeating: -1, count: output.count)
        forEachWindowPosition { o, at in
            if positions[o] < 0 || aPrevious[at] > aPrevious[positions[o]] { positions[o] = at }
        }
        return positions
    }

    public func weightedInput(_ aPrevious: [Scalar]) -> [Scalar] { argmax(aPrevious).map { aPrevious[$0] } }

    /// BP2's product: δ of each window goes to the input that was its maximum.
    public func errorAtInput(_ delta: [Scalar], input aPrevious: [Scalar]) -> [Scalar] {
        var g = [Scalar](repeating: 0, count: input.count)
        for (o, at) in argmax(aPrevious).enumerated() { g[at] += delta[o] }
        return g
    }

    public func converted<Other: BLASScalar>(to _: Other.Type) -> any LayerKind<Other> {
        MaxPoolingLayer<Other>(input: input, size: size)
    }
}
