/// Max-pooling, chapter 6's: each feature map shrinks by `size` in both directions, each output
/// the largest of a `size × size` window of the input (windows side by side, not overlapping).
/// It has no weights or biases; its activation is the identity.
///
/// BP2 routes each δ back to the position that was the window's maximum, and gives the others 0.
/// On a tie the first maximum in row-major order (top row first, then left to right) takes it:
/// the same position the forward pass picked, so the gradient is that of the function computed.
public struct MaxPoolingLayer<Scalar: BLASScalar>: LayerKind, Equatable, Sendable {
    public static var kindName: String { "max-pooling" }

    /// The feature maps the layer takes.
    public var input: ImageShape
    /// The side of each window, and the stride.
    public var size: Int
    public var weights = Matrix<Scalar>(rows: 0, columns: 0)
    public var biases: [Scalar] = []
    public var activation = Activation.linear

    public init(input: ImageShape, size: Int) {
        self.input = input
        self.size = size
    }

    /// The feature maps the layer gives.
    public var output: ImageShape { ImageShape(depth: input.depth, height: input.height / size, width: input.width / size) }
    public var inputs: Int { input.count }
    public var neurons: Int { output.count }

    /// The flat input index of each output's maximum.
    func argmax(_ aPrevious: [Scalar]) -> [Int] {
        let out = output
        var positions = [Int](repeating: 0, count: out.count)
        for d in 0..<out.depth {
            for i in 0..<out.height {
                for j in 0..<out.width {
                    var best = input.index(d, i * size, j * size)
                    for p in 0..<size {
                        for q in 0..<size {
                            let at = input.index(d, i * size + p, j * size + q)
                            if aPrevious[at] > aPrevious[best] { best = at }
                        }
                    }
                    positions[out.index(d, i, j)] = best
                }
            }
        }
        return positions
    }

    public func weightedInput(_ aPrevious: [Scalar]) -> [Scalar] { argmax(aPrevious).map { aPrevious[$0] } }
    public func activate(_ z: [Scalar]) -> [Scalar] { z }
    public func activationDerivative(_ z: [Scalar]) -> [Scalar] { [Scalar](repeating: 1, count: z.count) }

    /// BP2's product: δ of each window goes to the input that was its maximum.
    public func errorAtInput(_ delta: [Scalar], input aPrevious: [Scalar]) -> [Scalar] {
        var g = [Scalar](repeating: 0, count: input.count)
        for (o, at) in argmax(aPrevious).enumerated() { g[at] += delta[o] }
        return g
    }

    public func biasGradient(_: [Scalar]) -> [Scalar] { [] }
    public func weightGradient(_: [Scalar], input _: [Scalar]) -> Matrix<Scalar> { Matrix(rows: 0, columns: 0) }

    public func problem(number l: Int) -> String? {
        if size < 1 || input.height % size != 0 || input.width % size != 0 {
            return "layer \(l): \(size)×\(size) pooling does not tile \(input) images"
        }
        if activation != .linear || !weights.elements.isEmpty || !biases.isEmpty {
            return "layer \(l): a pooling layer has no weights, biases or activation of its own"
        }
        return nil
    }

    public func converted<Other: BLASScalar>(to _: Other.Type) -> any LayerKind<Other> {
        MaxPoolingLayer<Other>(input: input, size: size)
    }

    private enum CodingKeys: String, CodingKey { case kind, input, size }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(input: try container.decode(ImageShape.self, forKey: .input), size: try container.decode(Int.self, forKey: .size))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.kindName, forKey: .kind)
        try container.encode(input, forKey: .input)
        try container.encode(size, forKey: .size)
    }
}
