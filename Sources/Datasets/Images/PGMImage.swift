/// A greyscale image read from a PGM file (Netpbm, plain "P2" or binary "P5").
public struct PGMImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Pixels row by row, scaled to [0, 1] by the file's maximum value (1 is white).
    public let pixels: [Double]

    /// Reads the PGM file at `path`.
    /// - Throws: ``ImageError`` naming the file and what is wrong with it.
    public init(contentsOf path: String) throws(ImageError) {
        let bytes: [UInt8]
        do { bytes = try readWholeFile(at: path) } catch { throw .cannotRead(path: path, reason: error.reason) }
        try self.init(bytes: bytes, name: path)
    }

    /// Parses PGM bytes; `name` is used in errors.
    public init(bytes: [UInt8], name: String) throws(ImageError) {
        var position = 0
        // Header fields are whitespace-separated tokens; '#' starts a comment to the end of the line.
        func token() throws(ImageError) -> String {
            while position < bytes.count {
                if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count && bytes[position] != 10 { position += 1 }
                } else if [9, 10, 13, 32].contains(bytes[position]) {
                    position += 1
                } else { break }
            }
            let start = position
            while position < bytes.count && ![9, 10, 13, 32].contains(bytes[position]) { position += 1 }
            guard position > start else { throw .malformed(path: name, format: "PGM", reason: "the header ends early") }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
        func number(_ what: String, in range: ClosedRange<Int>) throws(ImageError) -> Int {
            let text = try token()
            guard let value = Int(text), range.contains(value) else {
                throw .malformed(path: name, format: "PGM", reason: "\(what) \"\(text)\" is not in \(range.lowerBound)…\(range.upperBound)")
            }
            return value
        }
        let magic = try token()
        guard magic == "P2" || magic == "P5" else {
            throw .malformed(path: name, format: "PGM", reason: "it starts with \"\(magic.prefix(8))\", not P2 or P5")
        }
        let width = try number("width", in: 1...4096), height = try number("height", in: 1...4096)
        let maximum = try number("maximum value", in: 1...65535)
        let count = width * height
        var values: [Int] = []
        values.reserveCapacity(count)
        if magic == "P2" {
            for _ in 0..<count { values.append(try number("a pixel", in: 0...maximum)) }
        } else {
            position += 1  // the single whitespace after the maximum
            let size = maximum < 256 ? 1 : 2
            guard bytes.count - position >= count * size else {
                throw .malformed(path: name, format: "PGM", reason: "it has \(max(0, bytes.count - position)) bytes of pixels, "
                                 + "\(width)×\(height) needs \(count * size)")
            }
            for i in 0..<count {
                let at = position + i * size
                let value = size == 1 ? Int(bytes[at]) : Int(bytes[at]) << 8 | Int(bytes[at + 1])
                guard value <= maximum else {
                    throw .malformed(path: name, format: "PGM", reason: "pixel \(i) is \(value), above the maximum \(maximum)")
                }
                values.append(value)
            }
        }
        self.width = width
        self.height = height
        pixels = values.map { Double($0) / Double(maximum) }
    }
}
