/// A greyscale picture, shades row by row in [0, 1] (0 black, 1 white): an image file read to be
/// classified, before it is prepared as a digit.
public struct GreyscaleImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let pixels: [Double]

    public init(width: Int, height: Int, pixels: [Double]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "\(pixels.count) pixels for \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The shade at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Double { pixels[y * width + x] }

    /// Reads a PNG or PGM file, told apart by their first bytes rather than by the name.
    /// - Throws: ``ImageError`` naming the file and what is wrong with it.
    public init(contentsOf path: String) throws(ImageError) {
        let bytes: [UInt8]
        do { bytes = try readWholeFile(at: path) } catch { throw .cannotRead(path: path, reason: error.reason) }
        try self.init(bytes: bytes, name: path)
    }

    /// Decodes the bytes of a PNG or PGM file; `name` is used in errors.
    public init(bytes: [UInt8], name: String) throws(ImageError) {
        if bytes.starts(with: PNGImage.signature) {
            self = try PNGImage(bytes: bytes, name: name).flattened
        } else if bytes.starts(with: Array("P2".utf8)) || bytes.starts(with: Array("P5".utf8)) {
            let pgm = try PGMImage(bytes: bytes, name: name)
            self.init(width: pgm.width, height: pgm.height, pixels: pgm.pixels)
        } else {
            throw .unknownFormat(path: name, start: Array(bytes.prefix(8)))
        }
    }
}
