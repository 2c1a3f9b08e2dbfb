import Datasets
import Foundation
import Testing

@Suite("PNG images read through libpng")
struct PNGImageTests {
    /// A 16×4 gradient from black to white, and opacities that vary across it.
    static let width = 16, height = 4
    static let grey = (0..<64).map { UInt8($0 * 4) }
    static let alpha = (0..<64).map { UInt8(255 - ($0 % 16) * 8) }

    @Test("Every colour type, 8-bit, reads as the same grey levels", arguments: PNGFixtures.ColourType.allCases)
    func colourTypes(type: PNGFixtures.ColourType) throws {
        let bytes = PNGFixtures.file(width: Self.width, height: Self.height, grey: Self.grey, as: type)
        let image = try PNGImage(bytes: bytes, name: "gradient.png")
        #expect(image.width == Self.width && image.height == Self.height)
        #expect(image.grey == Self.grey)
        #expect(image.alpha.allSatisfy { $0 == 255 })
    }

    @Test("Transparency comes through from grey+alpha, RGBA and a palette's tRNS chunk",
          arguments: [PNGFixtures.ColourType.greyAlpha, .rgba, .palette])
    func transparency(type: PNGFixtures.ColourType) throws {
        let bytes = PNGFixtures.file(width: Self.width, height: Self.height, grey: Self.grey, alpha: Self.alpha, as: type)
        let image = try PNGImage(bytes: bytes, name: "gradient.png")
        #expect(image.alpha == Self.alpha)
        #expect(image.grey == Self.grey)
    }

    @Test("16-bit samples are reduced to 8 bits", arguments: [PNGFixtures.ColourType.grey, .greyAlpha, .rgb, .rgba])
    func sixteenBit(type: PNGFixtures.ColourType) throws {
        let bytes = PNGFixtures.file(width: Self.width, height: Self.height, grey: Self.grey, as: type, sixteenBit: true)
        let image = try PNGImage(bytes: bytes, name: "deep.png")
        #expect(image.grey == Self.grey)
    }

    @Test("Colours become their luminance: green lighter than red, red lighter than blue")
    func luminance() throws {
        let bytes = PNGFixtures.file(width: 3, height: 1, colourType: .rgb, samples: [255, 0, 0, 0, 255, 0, 0, 0, 255])
        let image = try PNGImage(bytes: bytes, name: "colours.png")
        let (red, green, blue) = (image.grey[0], image.grey[1], image.grey[2])
        #expect(green > red && red > blue, "red \(red), green \(green), blue \(blue)")
    }

    @Test("Transparent parts become paper that contrasts with the ink", arguments: [(0, 1.0), (255, 0.0)] as [(UInt8, Double)])
    func flattened(ink: UInt8, paper: Double) throws {
        // A 4×4 picture: one opaque ink pixel, the rest fully transparent.
        let alpha: [UInt8] = [255] + Array(repeating: 0, count: 15)
        let bytes = PNGFixtures.file(width: 4, height: 4, grey: Array(repeating: ink, count: 16), alpha: alpha, as: .greyAlpha)
        let flat = try PNGImage(bytes: bytes, name: "ink.png").flattened
        #expect(flat.pixels[0] == Double(ink) / 255)
        #expect(flat.pixels.dropFirst().allSatisfy { $0 == paper })
    }

    @Test("A half-transparent pixel is mixed half and half with the paper")
    func halfTransparent() throws {
        let bytes = PNGFixtures.file(width: 2, height: 1, grey: [0, 0], alpha: [255, 128], as: .rgba)
        let flat = try PNGImage(bytes: bytes, name: "half.png").flattened
        #expect(abs(flat.pixels[1] - (1 - 128.0 / 255)) < 1e-12)
    }

    @Test("A truncated or corrupted PNG is an error naming the file, at every cut")
    func truncated() throws {
        let whole = PNGFixtures.file(width: Self.width, height: Self.height, grey: Self.grey, as: .rgb)
        for cut in stride(from: 0, to: whole.count - 12, by: 3) {  // (the last 12 bytes are the IEND chunk)
            #expect {
                try PNGImage(bytes: Array(whole.prefix(cut)), name: "cut.png")
            } throws: { error in
                "\(error)".hasPrefix("cut.png: ")
            }
        }
        var corrupted = whole
        corrupted[40] ^= 0xFF  // inside the IDAT chunk, whose CRC no longer matches
        #expect { try PNGImage(bytes: corrupted, name: "bad.png") } throws: { error in
            "\(error)".hasPrefix("bad.png: not a PNG image: libpng says")
        }
    }

    @Test("The file is told apart by its first bytes, not its name")
    func format() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        let png = fixtures.write("really-a-png.pgm", PNGFixtures.file(width: 2, height: 1, grey: [0, 255], as: .grey))
        #expect(try GreyscaleImage(contentsOf: png).pixels == [0, 1])
        let pgm = fixtures.write("really-a-pgm.png", Array("P2 2 1 255 255 0".utf8))
        #expect(try GreyscaleImage(contentsOf: pgm).pixels == [1, 0])
        let text = fixtures.write("notes.png", Array("hello".utf8))
        #expect(throws: ImageError.unknownFormat(path: text, start: Array("hello".utf8))) { try GreyscaleImage(contentsOf: text) }
        #expect("\(ImageError.unknownFormat(path: text, start: Array("hello".utf8)))".contains("not a PNG or PGM image"))
    }

    @Test("A folder or a missing file is named in words")
    func notAFile() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        #expect(throws: ImageError.cannotRead(path: fixtures.directory, reason: "it is a folder, not a file")) {
            try GreyscaleImage(contentsOf: fixtures.directory)
        }
        #expect(throws: ImageError.cannotRead(path: fixtures.directory, reason: "it is a folder, not a file")) {
            try PNGImage(contentsOf: fixtures.directory)
        }
        #expect(throws: ImageError.cannotRead(path: fixtures.directory, reason: "it is a folder, not a file")) {
            try PGMImage(contentsOf: fixtures.directory)
        }
        #expect { try GreyscaleImage(contentsOf: fixtures.directory + "/none.png") } throws: { error in
            "\(error)" == fixtures.directory + "/none.png: cannot read: no such file or directory"
        }
    }
}
