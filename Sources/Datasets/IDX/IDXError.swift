/// What is wrong with an IDX data file; every case names the file.
public enum IDXError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be opened.
    case cannotOpen(path: String, reason: String)
    /// The file is shorter than its header promises.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// The file holds more bytes than its header describes.
    case trailingData(path: String, expectedBytes: Int)
    /// The first two bytes are not zero, or the type code is not unsigned bytes (0x08).
    case badMagic(path: String, magic: [UInt8])
    /// The header has a different number of dimensions than this kind of file needs.
    case wrongDimensionCount(path: String, expected: Int, found: Int)
    /// The dimensions are impossible: zero-sized images, or a product too large for memory.
    case badDimensions(path: String, dimensions: [Int], reason: String)
    /// A `.gz` file that is not gzip data.
    case notGzip(path: String)
    /// A gzip stream that is corrupt or ends early.
    case corruptGzip(path: String, reason: String)
    /// A label outside 0…9.
    case labelOutOfRange(path: String, index: Int, value: UInt8)
    /// The image and label files hold different numbers of examples.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open: \(reason)"
        case .truncated(let path, let expected, let actual):
            return "\(path): truncated: the header promises \(expected) bytes of data, the file has \(actual)"
        case .trailingData(let path, let expected):
            return "\(path): has data beyond the \(expected) bytes its header describes"
        case .badMagic(let path, let magic):
            let hex = magic.map { String($0, radix: 16, uppercase: false) }.map { $0.count < 2 ? "0" + $0 : $0 }
            return "\(path): not an IDX file of unsigned bytes (magic number \(hex.joined(separator: " ")), "
                + "expected 00 00 08 0d)"
        case .wrongDimensionCount(let path, let expected, let found):
            return "\(path): has \(found) dimensions, expected \(expected)"
        case .badDimensions(let path, let dimensions, let reason):
            return "\(path): dimensions \(dimensions.map(String.init).joined(separator: "×")) \(reason)"
        case .notGzip(let path):
            return "\(path): not a gzip file (it does not start with the gzip signature 1f 8b)"
        case .corruptGzip(let path, let reason):
            return "\(path): corrupt gzip data: \(reason)"
        case .labelOutOfRange(let path, let index, let value):
            return "\(path): label \(index) is \(value), expected a digit 0–9"
        case .countMismatch(let imagesPath, let images, let labelsPath, let labels):
            return "\(imagesPath) has \(images) images but \(labelsPath) has \(labels) labels"
        }
    }
}
