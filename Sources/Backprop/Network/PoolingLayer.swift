/// What max-pooling and L2 pooling share: `size × size` windows side by side over each feature
/// map, no weights or biases, the identity as activation; they differ in what a window gives
/// (``LayerKind/weightedInput(_:)``) and how δ goes back through it (BP2).
public protocol PoolingLayer: LayerKind {
    /// The feature maps the layer takes.
    var input: ImageShape { get }
    /// The side of each window, and the stride.
    var size: Int { get }
    init(input: ImageShape, size: Int)
}

extension PoolingLayer {
    /// The feature maps the layer gives.
    public var output: ImageShape { ImageShape(depth: input.depth, height: input.height / size, width: input.width / size) }
    public var inputs: Int { input.count }
    public var neurons: Int { output.count }

    public func activate(_ z: [Scalar]) -> [Scalar] { z }
    public func activationDerivative(_ z: [Scalar]) -> [Scalar] { [Scalar](repeating: 1, count: z.count) }
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

    /// Calls `body(output index, input index)` for every input position of every window, window
    /// by window, each in row-major order.
    func forEachWindowPosition(_ body: (Int, Int) -> Void) {
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
}

/// The keys of a pooling layer in a model file.
private enum PoolingCodingKeys: String, CodingKey { case kind, input, size }

extension PoolingLayer {
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: PoolingCodingKeys.self)
        self.init(input: try container.decode(ImageShape.self, forKey: .input), size: try container.decode(Int.self, forKey: .size))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: PoolingCodingKeys.self)
        try container.encode(Self.kindName, forKey: .kind)
        try container.encode(input, forKey: .input)
        try container.encode(size, forKey: .size)
    }
}
