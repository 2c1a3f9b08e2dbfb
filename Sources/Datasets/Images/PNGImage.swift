import CPNG

/// An image read from a PNG file by libpng, as a grey level and an opacity per pixel.
///
/// libpng's simplified API converts every kind of PNG to 8-bit grey and alpha: colour images
/// (RGB, RGBA, palette) become their luminance, 16-bit samples are reduced to 8 bits (read as
/// sRGB when the file does not say), and transparency from a `tRNS` chunk becomes alpha.
public struct PNGImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Grey levels row by row, 0 black to 255 white.
    public let grey: [UInt8]
    /// Opacity row by row, 0 transparent to 255 opaque (all 255 for an image without transparency).
    public let alpha: [UInt8]

    /// The most pixels read, 64 million: about 0.6 GB of memory on the way to a digit.
    public static let maximumPixels = 64_000_000

    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads the PNG file at `path`.
    /// - Throws: ``ImageError`` naming the file and what is wrong with it.
    public init(contentsOf path: String) throws(ImageError) {
        let bytes: [UInt8]
        do { bytes = try readWholeFile(at: path) } catch { throw .cannotRead(path: path, reason: error.reason) }
        try self.init(bytes: bytes, name: path)
    }

    /// Decodes PNG bytes; `name` is used in errors.
    /// - Throws: ``ImageError/malformed(path:format:reason:)`` with libpng's reason for a damaged or
    ///   truncated file, ``ImageError/tooLarge(path:width:height:limit:)`` for a huge one.
    public init(bytes: [UInt8], name: String) throws(ImageError) {
        guard bytes.starts(with: Self.signature) else {
            throw .malformed(path: name, format: "PNG", reason: "it does not start with the PNG signature")
        }
        // libpng reads from `bytes` from the first call to the last, so both happen inside one
        // borrow of their memory.
        let decoded = bytes.withUnsafeBytes { file in Self.decode(file, name: name) }
        let samples: [UInt8]
        (width, height, samples) = try decoded.get()
        let count = width * height
        var grey = [UInt8](repeating: 0, count: count), alpha = grey
        samples.withUnsafeBufferPointer { interleaved in
            for i in 0..<count {
                grey[i] = interleaved[2 * i]
                alpha[i] = interleaved[2 * i + 1]
            }
        }
        self.grey = grey
        self.alpha = alpha
    }

    /// Width, height and interleaved grey and alpha samples of the PNG file in `file`.
    private static func decode(_ file: UnsafeRawBufferPointer, name: String)
        -> Result<(width: Int, height: Int, samples: [UInt8]), ImageError> {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }  // (harmless after a finished read, which frees it itself)
        guard png_image_begin_read_from_memory(&image, file.baseAddress, file.count) != 0 else {
            return .failure(.malformed(path: name, format: "PNG", reason: message(of: &image)))
        }
        let width = Int(image.width), height = Int(image.height)
        guard width * height <= maximumPixels else {
            return .failure(.tooLarge(path: name, width: width, height: height, limit: maximumPixels / 1_000_000))
        }
        image.format = UInt32(PNG_FORMAT_GA)  // 8-bit grey and alpha, whatever the file holds
        // A 16-bit file without gamma information is taken as sRGB, as 8-bit ones are and as image
        // viewers show it, rather than as linear light (libpng's default, which would lighten it).
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        var samples = [UInt8](repeating: 0, count: 2 * width * height)
        let finished = samples.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else { return .failure(.malformed(path: name, format: "PNG", reason: message(of: &image))) }
        return .success((width, height, samples))
    }

    /// libpng's message for the error it reported.
    private static func message(of image: inout png_image) -> String {
        let text = withUnsafeBytes(of: &image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return text.isEmpty ? "libpng could not read it" : "libpng says \"\(text)\""
    }

    /// The image on an opaque background, shades in [0, 1] (1 white).
    ///
    /// Transparent parts are filled with white where the visible parts are mostly dark, and with
    /// black where they are mostly light, so that ink drawn on a transparent background stands
    /// out whatever its colour. An image without transparency is unchanged.
    public var flattened: GreyscaleImage {
        guard alpha.contains(where: { $0 < 255 }) else {
            return GreyscaleImage(width: width, height: height, pixels: grey.map { Double($0) / 255 })
        }
        var weightedGrey = 0.0, opacity = 0.0
        for (g, a) in zip(grey, alpha) {
            weightedGrey += Double(g) * Double(a)
            opacity += Double(a)
        }
        let background: Double = opacity == 0 || weightedGrey / opacity < 127.5 ? 1 : 0
        let pixels = zip(grey, alpha).map { g, a in
            let opaque = Double(a) / 255
            return opaque * Double(g) / 255 + (1 - opaque) * background
        }
        return GreyscaleImage(width: width, height: height, pixels: pixels)
    }
}
