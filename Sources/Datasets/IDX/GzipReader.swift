import CDeflate
import CZlib

/// Inflates a gzip file held in memory.
///
/// libdeflate inflates the whole file at once when it can (0.05 s for MNIST's training images
/// against zlib's 0.12 s). It only tells success from failure, so when it fails the file is read
/// again as a stream through zlib, whose errors say what is wrong and where.
final class GzipReader: ByteReader {
    let path: String
    private let compressed: [UInt8]
    /// The whole file as libdeflate inflated it, read like a file in memory; nil when zlib's
    /// stream reads it.
    private var inflated: PlainReader?
    private var stream = z_stream()
    private var finished = false
    private var produced = 0  // by zlib's stream
    /// The uncompressed size from the gzip trailer (ISIZE, modulo 2³²).
    private let declaredSize: Int

    /// - Throws: ``IDXError/notGzip(path:)`` unless `compressed` starts with the gzip signature.
    init(path: String, compressed: [UInt8]) throws(IDXError) {
        guard compressed.count >= 18, compressed[0] == 0x1f, compressed[1] == 0x8b else {
            if compressed.count >= 2, compressed[0] == 0x1f, compressed[1] == 0x8b {
                throw .corruptGzip(path: path, reason: "the file ends inside the gzip header")
            }
            throw .notGzip(path: path)
        }
        self.path = path
        self.compressed = compressed
        let n = compressed.count
        declaredSize = Int(compressed[n - 4]) | Int(compressed[n - 3]) << 8
            | Int(compressed[n - 2]) << 16 | Int(compressed[n - 1]) << 24
        if let whole = Self.inflateWhole(compressed, size: min(declaredSize, bound)) {
            inflated = PlainReader(path: path, bytes: whole)
        } else {
            // 15 window bits + 16: expect a gzip header and trailer, not a zlib one.
            let status = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else { throw .corruptGzip(path: path, reason: "zlib could not start (\(status))") }
        }
    }

    deinit { if inflated == nil { inflateEnd(&stream) } }  // (harmless on a stream that did not start)

    /// Deflate never compresses more than 1032:1, so a forged trailer cannot make us allocate
    /// more than this; within the bound, the trailer is trusted (exact for files under 4 GiB).
    private var bound: Int { compressed.count * 1032 }

    var maximumRemainingBytes: Int { inflated?.maximumRemainingBytes ?? min(declaredSize, bound) - produced }

    func tooShort(forDataBytes expected: Int) -> IDXError {
        .corruptGzip(path: path, reason: "the header promises \(expected) data bytes, but the gzip trailer "
                     + "records only \(declaredSize) uncompressed bytes in all (truncated file?)")
    }

    /// Whether bytes follow the end of the gzip stream.
    var hasInputAfterStream: Bool { inflated == nil && finished && stream.avail_in > 0 }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IDXError) -> Int {
        if inflated != nil { return try inflated!.read(into: buffer) }
        return try readStream(into: buffer)
    }

    /// From libdeflate's buffer, the rest of the file is that buffer itself (no second copy of a
    /// 47 MB file in memory); from zlib's stream, `count` bytes read into a new array.
    func read(count: Int) throws(IDXError) -> [UInt8] {
        if inflated != nil { return try inflated!.read(count: count) }
        var reader = self  // the same reader: `readCopy` is written for structs as well
        return try reader.readCopy(count: count)
    }

    private func readStream(into buffer: UnsafeMutableRawBufferPointer) throws(IDXError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        let total = compressed.withUnsafeBufferPointer { input -> Result<Int, IDXError> in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!) + Int(stream.total_in)
            stream.avail_in = UInt32(input.count - Int(stream.total_in))
            stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = UInt32(buffer.count)
            let status = inflate(&stream, Z_NO_FLUSH)
            let count = buffer.count - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                finished = true
                return .success(count)
            case Z_OK:
                return .success(count)
            case Z_BUF_ERROR where stream.avail_in == 0:
                return .failure(.corruptGzip(path: path, reason: "the stream ends early (truncated file?)"))
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return .failure(.corruptGzip(path: path, reason: message))
            }
        }
        let count = try total.get()
        produced += count
        if count < buffer.count && !finished {
            // zlib made progress but stopped short: ask again until full or finished.
            return count + (try readStream(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...])))
        }
        return count
    }

    /// The gzip file inflated into `size` bytes by libdeflate, or nil when it is not exactly one
    /// well-formed gzip member of that size (libdeflate checks the CRC and the trailer's size).
    private static func inflateWhole(_ compressed: [UInt8], size: Int) -> [UInt8]? {
        guard size > 0, let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var succeeded = false
        let whole = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var consumed = 0, written = 0
            let result = compressed.withUnsafeBytes { input in
                libdeflate_gzip_decompress_ex(decompressor, input.baseAddress, input.count, buffer.baseAddress,
                                              size, &consumed, &written)
            }
            succeeded = result == LIBDEFLATE_SUCCESS && consumed == compressed.count && written == size
            initialized = succeeded ? written : 0
        }
        return succeeded ? whole : nil
    }
}
