import CZlib
import Foundation

/// Synthetic IDX files written to a fresh temporary folder.
struct IDXFixtures {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "backprop-idx-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// The bytes of an IDX file of unsigned bytes with these dimensions and data.
    static func idx(dimensions: [Int], data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions {
            bytes += [UInt8(truncatingIfNeeded: d >> 24), UInt8(truncatingIfNeeded: d >> 16),
                      UInt8(truncatingIfNeeded: d >> 8), UInt8(truncatingIfNeeded: d)]
        }
        return bytes + data
    }

    /// `count` 28×28 images with recognizable pixels, and their labels.
    static func images(count: Int) -> [UInt8] {
        idx(dimensions: [count, 28, 28], data: (0..<count * 784).map { UInt8(truncatingIfNeeded: $0 * 7) })
    }

    static func labels(_ values: [UInt8]) -> [UInt8] {
        idx(dimensions: [values.count], data: values)
    }

    /// Writes `bytes` to `name` in the folder, gzipped if `gzip` (by default when the name ends
    /// in `.gz`); returns the path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8], gzip: Bool? = nil) -> String {
        let path = directory + "/" + name
        if gzip ?? name.hasSuffix(".gz") {
            let file = gzopen(path, "wb")!
            _ = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
            gzclose(file)
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        }
        return path
    }

    /// The bytes of the file `name` in the folder.
    func read(_ name: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: directory + "/" + name) ?? Data())
    }

    /// A complete MNIST folder with `training` training and `test` test images.
    func writeMNIST(training: Int, test: Int, gzipped: Bool) {
        let suffix = gzipped ? ".gz" : ""
        write("train-images-idx3-ubyte" + suffix, Self.images(count: training))
        write("train-labels-idx1-ubyte" + suffix, Self.labels((0..<training).map { UInt8($0 % 10) }))
        write("t10k-images-idx3-ubyte" + suffix, Self.images(count: test))
        write("t10k-labels-idx1-ubyte" + suffix, Self.labels((0..<test).map { UInt8(9 - $0 % 10) }))
    }
}
