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
}
