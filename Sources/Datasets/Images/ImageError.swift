/// What is wrong with an image file given to classify; each case names the file.
public enum ImageError: Error, Equatable, CustomStringConvertible {
    /// The file is missing, a folder, or unreadable.
    case cannotRead(path: String, reason: String)
    /// The file is neither a PNG nor a PGM image.
    case unknownFormat(path: String, start: [UInt8])
    /// The file starts as a PNG or PGM image but is damaged or cut short.
    case malformed(path: String, format: String, reason: String)
    /// The image has more pixels than it is reasonable to read into memory.
    case tooLarge(path: String, width: Int, height: Int, limit: Int)
    /// The image is one even shade: there is no digit to find.
    case blank(path: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .unknownFormat(let path, let start):
            let shown = start.prefix(8).map { byte in
                (32..<127).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
            }.joined()
            return "\(path): not a PNG or PGM image (it starts with \"\(shown)\")"
        case .malformed(let path, let format, let reason):
            return "\(path): not a \(format) image: \(reason)"
        case .tooLarge(let path, let width, let height, let limit):
            return "\(path): the image is \(width)×\(height), more than the \(limit) million pixels read at most; "
                + "crop or shrink it first"
        case .blank(let path):
            return "\(path): the image is one even shade, with no digit on it"
        }
    }
}
