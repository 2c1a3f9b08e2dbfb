/// L2 pooling, the alternative to max-pooling chapter 6 mentions: each output is the square root
/// of the sum of the squares of a `size × size` window of its feature map (windows side by side,
/// not overlapping), a smooth summary of how strongly the feature appears there. No weights or
/// biases; the activation is the identity.
///
/// BP2: with p = √(Σ a²) over the window, ∂p/∂a = a/p, so each input receives δ·a/p; a window
/// of zeros (p = 0, where the square root has no derivative) passes 0 back.
public struct L2PoolingLayer<Scalar: BLASScalar>: LayerKind, Equatable, Sendable {
    public static var kindName: String { "l2-pooling" }

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

    /// Calls `body(output index, input index)` for every input position of every window.
    private func forEachWindowPosition(_ body: (Int, Int) -> Void) {
        let out = output
        for d in 0..<out.depth {
            for i in 0..<out.height {
                for j in 0..<out.width {
                    for p in 0..<size {
                        for q in 0..<size { body(out.index(d, i, j), input.index(d, i * size + p, j * size + q)) }
                    }
                }
            }
        }
    }

    public func weightedInput(_ aPrevious: [Scalar]) -> [Scalar] {
        var squares = [Scalar](repeating: 0, count: output.count)
        forEachWindowPosition { o, at in squares[o] += aPrevious[at] * aPrevious[at] }
        return squares.map { $0.squareRoot() }
    }

    public func activate(_ z: [Scalar]) -> [Scalar] { z }
    public func activationDerivative(_ z: [Scalar]) -> [Scalar] { [Scalar](repeating: 1, count: z.count) }

    /// BP2's product: each input of a window gets the window's δ times a/p.
    public func errorAtInput(_ delta: [Scalar], input aPrevious: [Scalar]) -> [Scalar] {
        let pooled = weightedInput(aPrevious)
        var g = [Scalar](repeating: 0, count: input.count)
        forEachWindowPosition { o, at in
            if pooled[o] > 0 { g[at] += delta[o] * aPrevious[at] / pooled[o] }
        }
        return g
    }

    public func biasGradient(_: [Scalar]) -> [Scalar] { [] }
    public func weightGradient(_: [Scalar], input _: [Scalar]) -> Matrix<Scalar> { Matrix(rows: 0, columns: 0) }

    public func problem(number l: Int) -> String? {
        if size < 1 || input.height % size != 0 || input.width % size != 0 {
            return "layer \(l): \(size)×\(size) L2 pooling does not tile \(input) images"
        }
        if activation != .linear || !weights.elements.isEmpty || !biases.isEmpty {
            return "layer \(l): a pooling layer has no weights, biases or activation of its own"
        }
        return nil
    }

    public func converted<Other: BLASScalar>(to _: Other.Type) -> any LayerKind<Other> {
        L2PoolingLayer<Other>(input: input, size: size)
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
