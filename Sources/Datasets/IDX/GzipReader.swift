import CZlib

/// Inflates a gzip file held in memory, a piece at a time, through zlib.
final class GzipReader: ByteReader {
    let path: String
    private let compressed: [UInt8]
    private var stream = z_stream()
    private var finished = false
    private var produced = 0
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
        // 15 window bits + 16: expect a gzip header and trailer, not a zlib one.
        let status = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .corruptGzip(path: path, reason: "zlib could not start (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    var maximumRemainingBytes: Int {
        // Deflate never compresses more than 1032:1, so a forged trailer cannot make us allocate
        // more than that; within the bound, trust the trailer (exact for files under 4 GiB).
        let bound = compressed.count * 1032
        return min(declaredSize, bound) - produced
    }

    func tooShort(forDataBytes expected: Int) -> IDXError {
        .corruptGzip(path: path, reason: "the header promises \(expected) data bytes, but the gzip trailer "
                     + "records only \(declaredSize) uncompressed bytes in all (truncated file?)")
    }

    /// Whether bytes follow the end of the gzip stream.
    var hasInputAfterStream: Bool { finished && stream.avail_in > 0 }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IDXError) -> Int {
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
            return count + (try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...])))
        }
        return count
    }
}
