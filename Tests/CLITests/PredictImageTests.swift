import Datasets
import Foundation
import Testing

/// A PNG file written here byte by byte with uncompressed ("stored") deflate blocks, so that the
/// test needs neither zlib nor the decoder under test. Colour types: 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA.
func storedPNG(width: Int, height: Int, colourType: UInt8, samples: [UInt8]) -> [UInt8] {
    func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        bigEndian(UInt32(data.count)) + Array(type.utf8) + data + bigEndian(crc32(Array(type.utf8) + data))
    }
    let rowBytes = samples.count / height
    let raw = (0..<height).flatMap { [0] + samples[$0 * rowBytes ..< ($0 + 1) * rowBytes] }  // filter 0 per row
    var zlib: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {  // stored blocks of at most 65,535 bytes
        let end = min(start + 65_535, raw.count), length = UInt16(end - start)
        zlib += [end == raw.count ? 1 : 0, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        zlib += raw[start..<end]
        start = end
    } while start < raw.count
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
    zlib += bigEndian(b << 16 | a)
    let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colourType, 0, 0, 0]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
}

@Suite("backprop predict on PNG and PGM pictures and folders of them")
struct PredictImageTests {
    /// A folder with a [784, 10] network in network2.py's format, weights fixed but arbitrary.
    static func folderWithModel() throws -> (directory: String, model: String) {
        let directory = try scratchDirectory()
        let rows: [String] = (0..<10).map { (k: Int) -> String in
            let row: [String] = (0..<784).map { (p: Int) -> String in String(Double((k * 31 + p * 17) % 13 - 6) / 100) }
            return "[" + row.joined(separator: ",") + "]"
        }
        let biases: [String] = (0..<10).map { (k: Int) -> String in "[\(Double(k) / 10)]" }
        let json = "{\"sizes\": [784, 10], \"weights\": [[" + rows.joined(separator: ",") + "]], \"biases\": [["
            + biases.joined(separator: ",") + "]], \"cost\": \"CrossEntropyCost\"}"
        try json.write(toFile: directory + "/model.json", atomically: true, encoding: .utf8)
        return (directory, directory + "/model.json")
    }

    /// A `width`×`height` picture of a dark "7" on light paper, as grey levels.
    static func seven(_ width: Int, _ height: Int) -> [UInt8] {
        (0..<width * height).map { i in
            let x = Double(i % width) / Double(width), y = Double(i / width) / Double(height)
            let bar = y > 0.2 && y < 0.3 && x > 0.3 && x < 0.7
            let stroke = y >= 0.3 && y < 0.85 && abs(x - (0.7 - (y - 0.3) * 0.5)) < 0.05
            return bar || stroke ? 20 : 235
        }
    }

    /// The seven written as a PNG file of each colour type.
    static func sevenPNG(_ width: Int, _ height: Int, colourType: UInt8) -> [UInt8] {
        let grey = seven(width, height)
        let samples: [UInt8] = switch colourType {
        case 0: grey
        case 2: grey.flatMap { [$0, $0, $0] }
        case 4: grey.flatMap { [$0, 255] }
        default: grey.flatMap { [$0, $0, $0, 255] }
        }
        return storedPNG(width: width, height: height, colourType: colourType, samples: samples)
    }

    static func write(_ bytes: [UInt8], _ path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    @Test("A PNG of any colour type and size is prepared as an MNIST digit", arguments: [0, 2, 4, 6] as [UInt8])
    func colourTypes(colourType: UInt8) throws {
        let (directory, model) = try Self.folderWithModel()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        Self.write(Self.sevenPNG(90, 120, colourType: colourType), directory + "/seven.png")
        let result = try runBackprop(["predict", model, "--image", directory + "/seven.png", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout)
        #expect(report["inverted"] as? Bool == true && report["prepared"] as? Bool == true)
        #expect((report["probabilities"] as? [Double])?.count == 10)
        let text = try runBackprop(["predict", model, "--image", directory + "/seven.png"])
        #expect(text.stdout.contains("seven.png (inverted, fitted into 20×20 and centred): the network says"), "\(text.stdout)")
    }

    @Test("--show-input writes the 28×28 input: PGM as it is, PNG ten times larger")
    func showInput() throws {
        let (directory, model) = try Self.folderWithModel()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let picture = directory + "/seven.png"
        Self.write(Self.sevenPNG(150, 100, colourType: 2), picture)
        let result = try runBackprop(["predict", model, "--image", picture, "--show-input", directory + "/seen.pgm", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let seen = try PGMImage(contentsOf: directory + "/seen.pgm")
        let expected = try DigitPreparation.prepare(GreyscaleImage(contentsOf: picture), name: picture).pixels
        #expect(seen.width == 28 && seen.height == 28)
        #expect(zip(seen.pixels, expected).allSatisfy { abs($0 - $1) <= 0.5 / 255 + 1e-12 })
        // Read back, the 28×28 file is taken as it is and gets the same answer.
        let again = try runBackprop(["predict", model, "--image", directory + "/seen.pgm", "--json"])
        #expect(try json(again.stdout)["prediction"] as? Int == json(result.stdout)["prediction"] as? Int)
        #expect(try json(again.stdout)["prepared"] as? Bool == false)

        let png = try runBackprop(["predict", model, "--image", picture, "--show-input", directory + "/seen.png"])
        #expect(png.status == 0, "\(png.stderr)")
        let large = try PNGImage(contentsOf: directory + "/seen.png")
        #expect(large.width == 280 && large.height == 280)
        #expect(large.grey[5 * 280 + 5] == 0)  // MNIST's black background
    }

    @Test("--show-input refuses a wrong extension, the picture itself, and a folder for one picture", arguments: [
        ("seen.jpg", "must end in .png or .pgm"), ("seven.png", "is the file given as --image"), ("out.png", "is a folder"),
    ])
    func showInputRefused(name: String, message: String) throws {
        let (directory, model) = try Self.folderWithModel()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        Self.write(Self.sevenPNG(50, 50, colourType: 0), directory + "/seven.png")
        try FileManager.default.createDirectory(atPath: directory + "/out.png", withIntermediateDirectories: false)
        let result = try runBackprop(["predict", model, "--image", directory + "/seven.png", "--show-input", directory + "/" + name])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/seven.png")) == Data(Self.sevenPNG(50, 50, colourType: 0)))
    }

    @Test("A truncated PNG is an error naming the file, not a crash", arguments: [10, 40, 200])
    func truncated(length: Int) throws {
        let (directory, model) = try Self.folderWithModel()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        Self.write(Array(Self.sevenPNG(60, 60, colourType: 2).prefix(length)), directory + "/cut.png")
        let result = try runBackprop(["predict", model, "--image", directory + "/cut.png"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(directory + "/cut.png: not a PNG image: "), "\(result.stderr)")
    }

    @Test("A folder: one line per picture in name order, unreadable ones reported, exit status 1")
    func folder() throws {
        let (directory, model) = try Self.folderWithModel()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pictures = directory + "/pictures"
        try FileManager.default.createDirectory(atPath: pictures + "/inner", withIntermediateDirectories: true)
        Self.write(Self.sevenPNG(40, 60, colourType: 0), pictures + "/b.png")
        Self.write(Self.sevenPNG(40, 60, colourType: 2), pictures + "/c.png")
        try "P2 3 3 9 9 9 9 9 0 9 9 9 9".write(toFile: pictures + "/c.pgm", atomically: true, encoding: .utf8)
        Self.write(Self.sevenPNG(28, 28, colourType: 6), pictures + "/10.png")
        Self.write(Self.sevenPNG(64, 64, colourType: 4), pictures + "/2.PNG")
        try ("P2 5 5 255 " + (0..<25).map { $0 == 12 ? "0" : "255" }.joined(separator: " ")).write(toFile: pictures + "/a.pgm", atomically: true, encoding: .utf8)
        Self.write(Array(Self.sevenPNG(60, 60, colourType: 2).prefix(100)), pictures + "/cut.png")
        try "not a picture".write(toFile: pictures + "/notes.txt", atomically: true, encoding: .utf8)

        let result = try runBackprop(["predict", model, "--image", pictures, "--show-input", directory + "/seen"])
        #expect(result.status == 1)
        let names = result.stdout.split(separator: "\n").map { String($0.prefix { $0 != ":" }) }
        #expect(names == ["2.PNG", "10.png", "a.pgm", "b.png", "c.pgm", "c.png"], "\(result.stdout)")
        #expect(result.stdout.contains("10.png: ") && !result.stdout.contains("10.png: 0  (fitted"))
        #expect(result.stderr.contains(pictures + "/cut.png: not a PNG image"), "\(result.stderr)")
        #expect(result.stderr.contains("1 of 7 pictures in \(pictures) could not be read: cut.png"))
        #expect(result.stderr.contains("Skipping 2 entries that are not .png or .pgm files: inner, notes.txt"))
        let written = try FileManager.default.contentsOfDirectory(atPath: directory + "/seen").sorted()
        #expect(written == ["10.png", "2.png", "a.png", "b.png", "c.pgm.png", "c.png.png"])

        let report = try #require(try JSONSerialization.jsonObject(with: Data(
            runBackprop(["predict", model, "--image", pictures, "--json"]).stdout.utf8)) as? [String: Any])
        #expect((report["images"] as? [[String: Any]])?.count == 6)
        #expect((report["failures"] as? [[String: Any]])?.first?["file"] as? String == "cut.png")
    }

    @Test("A folder's --show-input must be a folder other than the pictures'", arguments: [("pictures", "the folder of images itself"), ("file.png", "is a file")])
    func folderShowInputRefused(name: String, message: String) throws {
        let (directory, model) = try Self.folderWithModel()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/pictures", withIntermediateDirectories: false)
        Self.write(Self.sevenPNG(30, 30, colourType: 0), directory + "/pictures/one.png")
        Self.write([1], directory + "/file.png")
        let result = try runBackprop(["predict", model, "--image", directory + "/pictures", "--show-input", directory + "/" + name])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("A folder with no pictures, or a missing picture, is said in words")
    func nothingToRead() throws {
        let (directory, model) = try Self.folderWithModel()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let empty = try runBackprop(["predict", model, "--image", directory + "/", "--json"])  // holds only model.json
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("the folder holds no .png or .pgm files"), "\(empty.stderr)")
        let missing = try runBackprop(["predict", model, "--image", directory + "/none.png"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("none.png: cannot read: no such file or directory"), "\(missing.stderr)")
    }
}

@Suite("MNIST folders on the command line")
struct DataFolderCommandTests {
    @Test("evaluate --split test needs only the two t10k files")
    func testFilesAlone() throws {
        let (directory, model) = try PredictImageTests.folderWithModel()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = directory + "/mnist"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        PredictImageTests.write(idxBytes([12, 28, 28], (0..<12 * 784).map { UInt8(truncatingIfNeeded: $0 * 3) }), data + "/t10k-images-idx3-ubyte")
        PredictImageTests.write(idxBytes([12], (0..<12).map { UInt8($0 % 10) }), data + "/t10k-labels-idx1-ubyte")
        let result = try runBackprop(["evaluate", model, "--split", "test", "--data", data, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try json(result.stdout)["count"] as? Int == 12)
        let predict = try runBackprop(["predict", model, "--index", "11", "--data", data, "--json"])
        #expect(try json(predict.stdout)["label"] as? Int == 1)
        let training = try runBackprop(["evaluate", model, "--split", "training", "--data", data])
        #expect(training.status == 1)
        #expect(training.stderr.contains("missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz"), "\(training.stderr)")
    }

    @Test("--data naming a file, or a data file that is a folder, is said in words")
    func fileForFolder() throws {
        let (directory, model) = try PredictImageTests.folderWithModel()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let asFile = try runBackprop(["evaluate", model, "--data", model])
        #expect(asFile.status == 1)
        #expect(asFile.stderr.contains("\(model) is a file, not a folder"), "\(asFile.stderr)")
        try FileManager.default.createDirectory(atPath: directory + "/t10k-images-idx3-ubyte.gz", withIntermediateDirectories: false)
        PredictImageTests.write(idxBytes([1], [3]), directory + "/t10k-labels-idx1-ubyte")
        let asFolder = try runBackprop(["evaluate", model, "--data", directory])
        #expect(asFolder.status == 1)
        #expect(asFolder.stderr.contains("t10k-images-idx3-ubyte.gz is a folder, not a file"), "\(asFolder.stderr)")
        #expect(!asFolder.stderr.contains("NSCocoaErrorDomain"))
    }
}
