/// The contents of an IDX file of unsigned bytes, the format MNIST is distributed in: a magic
/// number (00 00 08 then the number of dimensions), each dimension as a big-endian 32-bit
/// integer, then the data.
public struct IDXFile: Equatable, Sendable {
    /// The size of each dimension, e.g. [60000, 28, 28] for MNIST's training images.
    public let dimensions: [Int]
    /// The data bytes, in row-major order.
    public let data: [UInt8]

    public init(dimensions: [Int], data: [UInt8]) {
        precondition(dimensions.reduce(1, *) == data.count, "Data size does not match the dimensions")
        self.dimensions = dimensions
        self.data = data
    }

    /// Reads the IDX file at `path`, inflating it first when the name ends in `.gz`.
    ///
    /// The header is checked against the file's real size before any data is allocated.
    ///
    /// - Parameter dimensionCount: The number of dimensions this kind of file must have.
    /// - Throws: ``IDXError`` naming the file and what is wrong with it.
    public init(contentsOf path: String, dimensionCount: Int) throws(IDXError) {
        let bytes = try readFile(at: path)
        if path.hasSuffix(".gz") {
            try self.init(gzipBytes: bytes, name: path, dimensionCount: dimensionCount)
        } else {
            var source = PlainReader(path: path, bytes: bytes)
            try self.init(reading: &source, dimensionCount: dimensionCount)
        }
    }

    /// Parses a gzipped IDX file from bytes already in memory; `name` is used in errors.
    public init(gzipBytes bytes: [UInt8], name: String, dimensionCount: Int) throws(IDXError) {
        let reader = try GzipReader(path: name, compressed: bytes)
        var source = reader
        try self.init(reading: &source, dimensionCount: dimensionCount)
        if reader.hasInputAfterStream {
            throw .corruptGzip(path: name, reason: "bytes follow the end of the gzip stream")
        }
    }

    /// Parses an IDX file from bytes already in memory (not gzipped); `name` is used in errors.
    public init(bytes: [UInt8], name: String, dimensionCount: Int) throws(IDXError) {
        var source = PlainReader(path: name, bytes: bytes)
        try self.init(reading: &source, dimensionCount: dimensionCount)
    }

    init<Reader: ByteReader>(reading source: inout Reader, dimensionCount: Int) throws(IDXError) {
        let path = source.path
        var magic = [UInt8](repeating: 0, count: 4)
        let magicCount = try source.read(into: &magic)
        guard magicCount == 4 else {
            throw .truncated(path: path, expectedBytes: 4, actualBytes: magicCount)
        }
        guard magic[0] == 0, magic[1] == 0, magic[2] == 0x08 else {
            throw .badMagic(path: path, magic: magic)
        }
        guard Int(magic[3]) == dimensionCount else {
            throw .wrongDimensionCount(path: path, expected: dimensionCount, found: Int(magic[3]))
        }

        var header = [UInt8](repeating: 0, count: 4 * dimensionCount)
        let headerCount = try source.read(into: &header)
        guard headerCount == header.count else {
            throw .truncated(path: path, expectedBytes: 4 + header.count, actualBytes: 4 + headerCount)
        }
        let dimensions = (0..<dimensionCount).map { d in
            header[4 * d ..< 4 * d + 4].reduce(0) { $0 << 8 | Int($1) }
        }

        // The size the header claims, checked for overflow and against what the file can hold
        // before allocating anything.
        var size = 1
        for d in dimensions {
            let (product, overflow) = size.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw .badDimensions(path: path, dimensions: dimensions, reason: "overflow when multiplied")
            }
            size = product
        }
        let available = source.maximumRemainingBytes
        guard size <= available else { throw source.tooShort(forDataBytes: size) }

        let data = try source.read(count: size)
        guard data.count == size else {
            throw .truncated(path: path, expectedBytes: size, actualBytes: data.count)
        }
        var extra: [UInt8] = [0]
        let extraCount = try source.read(into: &extra)
        guard extraCount == 0 else { throw .trailingData(path: path, expectedBytes: size) }

        self.dimensions = dimensions
        self.data = data
    }
}
