/// The shape of a stack of images a layer takes or gives: `depth` feature maps (or colour
/// channels) of `height × width` values, stored map by map, row by row.
public struct ImageShape: Equatable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var depth: Int
    public var height: Int
    public var width: Int

    public init(depth: Int, height: Int, width: Int) {
        self.depth = depth
        self.height = height
        self.width = width
    }

    /// The values in the stack.
    public var count: Int { depth * height * width }

    /// The flat index of map `d`, row `y`, column `x`.
    @inline(__always)
    func index(_ d: Int, _ y: Int, _ x: Int) -> Int { (d * height + y) * width + x }

    /// "20×24×24".
    public var description: String { "\(depth)×\(height)×\(width)" }

    /// The largest side and the most values a stack read from a file may have: beyond them,
    /// sizes computed from the shape could overflow.
    static let maximumSide = 1 << 16, maximumCount = 1 << 30

    private enum CodingKeys: String, CodingKey { case depth, height, width }

    /// Reads a shape, refusing sides below 1 or past ``maximumSide`` and stacks past
    /// ``maximumCount`` values.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(depth: try container.decode(Int.self, forKey: .depth), height: try container.decode(Int.self, forKey: .height),
                  width: try container.decode(Int.self, forKey: .width))
        let sides = [depth, height, width]
        guard sides.allSatisfy({ (1...Self.maximumSide).contains($0) }), count <= Self.maximumCount else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "images of \(self) are not a shape a layer can take (each side from 1 to \(Self.maximumSide), at most "
                + "\(Self.maximumCount) values)"))
        }
    }
}

extension Network {
    /// The feature maps layer `l` (an index into ``layers``) gives, when its neurons form images:
    /// a convolution's or a pooling layer's output; nil for a dense layer.
    public func imageShape(ofLayer l: Int) -> ImageShape? {
        switch layers[l] {
        case let conv as ConvolutionLayer<Scalar>: conv.output
        case let pool as MaxPoolingLayer<Scalar>: pool.output
        case let pool as L2PoolingLayer<Scalar>: pool.output
        default: nil
        }
    }
}
