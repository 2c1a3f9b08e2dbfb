import CZlib

/// PNG files put together byte by byte here (chunks, CRCs and zlib data), independently of the
/// libpng decoder under test, in every colour type and bit depth the tests need.
enum PNGFixtures {
    /// The PNG colour types, by their number in the IHDR chunk.
    enum ColourType: UInt8, CaseIterable {
        case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6
    }

    /// A PNG file whose rows hold `samples` (bytes, without filter bytes) as they are.
    static func file(width: Int, height: Int, colourType: ColourType, bitDepth: UInt8 = 8, samples: [UInt8],
                     palette: [UInt8] = [], transparency: [UInt8] = []) -> [UInt8] {
        let rowBytes = samples.count / height
        var raw: [UInt8] = []
        for row in 0..<height { raw += [0] + samples[row * rowBytes ..< (row + 1) * rowBytes] }  // filter 0: none
        var size = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(size))
        _ = compressed.withUnsafeMutableBufferPointer { output in
            raw.withUnsafeBufferPointer { compress2(output.baseAddress, &size, $0.baseAddress, uLong($0.count), 6) }
        }
        compressed.removeSubrange(Int(size)...)
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [bitDepth, colourType.rawValue, 0, 0, 0]
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
        if !palette.isEmpty { bytes += chunk("PLTE", palette) }
        if !transparency.isEmpty { bytes += chunk("tRNS", transparency) }
        return bytes + chunk("IDAT", compressed) + chunk("IEND", [])
    }

    /// A picture given as grey levels (0 black, 255 white) and opacities, written in `colourType`:
    /// grey as equal red, green and blue; 16-bit samples as the byte twice (255 → 65535); a
    /// palette with one entry per distinct grey and opacity.
    static func file(width: Int, height: Int, grey: [UInt8], alpha: [UInt8]? = nil,
                     as colourType: ColourType, sixteenBit: Bool = false) -> [UInt8] {
        let opacity = alpha ?? Array(repeating: 255, count: grey.count)
        func sample(_ value: UInt8) -> [UInt8] { sixteenBit ? [value, value] : [value] }
        let depth: UInt8 = sixteenBit ? 16 : 8
        switch colourType {
        case .grey:
            return file(width: width, height: height, colourType: .grey, bitDepth: depth, samples: grey.flatMap(sample))
        case .greyAlpha:
            return file(width: width, height: height, colourType: .greyAlpha, bitDepth: depth,
                        samples: zip(grey, opacity).flatMap { sample($0) + sample($1) })
        case .rgb:
            return file(width: width, height: height, colourType: .rgb, bitDepth: depth,
                        samples: grey.flatMap { sample($0) + sample($0) + sample($0) })
        case .rgba:
            return file(width: width, height: height, colourType: .rgba, bitDepth: depth,
                        samples: zip(grey, opacity).flatMap { sample($0) + sample($0) + sample($0) + sample($1) })
        case .palette:
            var entries: [[UInt8]] = []
            let indices = zip(grey, opacity).map { g, a -> UInt8 in
                if let i = entries.firstIndex(of: [g, a]) { return UInt8(i) }
                entries.append([g, a])
                return UInt8(entries.count - 1)
            }
            return file(width: width, height: height, colourType: .palette, samples: indices,
                        palette: entries.flatMap { [$0[0], $0[0], $0[0]] },
                        transparency: opacity.allSatisfy { $0 == 255 } ? [] : entries.map { $0[1] })
        }
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return bigEndian(UInt32(data.count)) + body + bigEndian(UInt32(crc))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
