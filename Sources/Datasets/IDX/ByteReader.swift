/// A source of bytes read front to back: a plain file or the inflated contents of a gzip file.
protocol ByteReader {
    /// The file being read, for error messages.
    var path: String { get }
    /// The most bytes the rest of the source can hold, known before reading them, so that a
    /// header's claims can be checked before allocating.
    var maximumRemainingBytes: Int { get }
    /// Fills `buffer` from the source and returns how many bytes were read; fewer than asked
    /// means the source ended.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(IDXError) -> Int
    /// The next `count` bytes as an array (fewer where the source ends), without a copy where the
    /// source can hand over its own buffer.
    mutating func read(count: Int) throws(IDXError) -> [UInt8]
    /// The error for a header that promises more data than `maximumRemainingBytes`.
    func tooShort(forDataBytes expected: Int) -> IDXError
}

/// Reads a whole file into memory.
func readFile(at path: String) throws(IDXError) -> [UInt8] {
    do { return try readWholeFile(at: path) } catch { throw .cannotOpen(path: path, reason: error.reason) }
}

/// Reads a file held in memory.
struct PlainReader: ByteReader {
    let path: String
    private var bytes: [UInt8]
    private var offset = 0

    init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    var maximumRemainingBytes: Int { bytes.count - offset }

    func tooShort(forDataBytes expected: Int) -> IDXError {
        .truncated(path: path, expectedBytes: expected, actualBytes: maximumRemainingBytes)
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(IDXError) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    /// The rest of the file when `count` covers it: the file's own buffer, moved to the front.
    mutating func read(count: Int) throws(IDXError) -> [UInt8] {
        guard count >= bytes.count - offset else { return try readCopy(count: count) }
        var rest: [UInt8] = []
        swap(&rest, &bytes)  // ours no longer, so `rest` is not copied when changed
        rest.removeFirst(offset)
        offset = 0
        return rest
    }
}

extension ByteReader {
    /// Fills `bytes` from the source; returns how many were read.
    mutating func read(into bytes: inout [UInt8]) throws(IDXError) -> Int {
        var result: Result<Int, IDXError> = .success(0)
        bytes.withUnsafeMutableBytes { buffer in
            do throws(IDXError) { result = .success(try read(into: buffer)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// `count` bytes read into a new array, fewer where the source ends.
    mutating func readCopy(count: Int) throws(IDXError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.removeSubrange(try read(into: &bytes)...)
        return bytes
    }
}
