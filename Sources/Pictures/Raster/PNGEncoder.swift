import CZlib

/// Encodes images as PNG (8-bit RGB, no interlace), compressed with zlib.
public enum PNGEncoder {
    /// The PNG file for `image`.
    public static func encode(_ image: RGBImage) -> [UInt8] {
        // Each row is preceded by its filter type, 0 (none).
        var raw = [UInt8]()
        raw.reserveCapacity((image.width * 3 + 1) * image.height)
        for row in 0..<image.height {
            raw.append(0)
            raw += image.pixels[row * image.width * 3 ..< (row + 1) * image.width * 3]
        }
        var compressedSize = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        let status = compressed.withUnsafeMutableBufferPointer { output in
            raw.withUnsafeBufferPointer { input in
                compress2(output.baseAddress, &compressedSize, input.baseAddress, uLong(input.count), 9)
            }
        }
        precondition(status == Z_OK, "zlib failed to compress (\(status))")
        compressed.removeLast(compressed.count - Int(compressedSize))

        var header = [UInt8]()
        header += bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
        header += [8, 2, 0, 0, 0]  // 8 bits per channel, RGB, deflate, adaptive filtering, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", compressed) + chunk("IEND", [])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let body = typeBytes + data
        let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return bigEndian(UInt32(data.count)) + body + bigEndian(UInt32(crc))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
