import Datasets
import Foundation
import Testing

@Suite("IDX files, raw and gzipped")
struct IDXTests {
    @Test("Synthetic files round-trip", arguments: ["images", "images.gz"])
    func roundTrip(name: String) throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        let data: [UInt8] = (0..<2 * 3 * 4).map { UInt8($0 * 10) }
        let path = fixtures.write(name, IDXFixtures.idx(dimensions: [2, 3, 4], data: data))
        let file = try IDXFile(contentsOf: path, dimensionCount: 3)
        #expect(file.dimensions == [2, 3, 4])
        #expect(file.data == data)
    }

    /// Writes `bytes` as `name` and expects reading it to fail with exactly `expected`.
    func expectError(_ name: String, _ bytes: [UInt8], dimensions: Int = 3, gzip: Bool? = nil,
                     _ expected: (String) -> IDXError, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        let path = fixtures.write(name, bytes, gzip: gzip)
        #expect(throws: expected(path), sourceLocation: sourceLocation) {
            try IDXFile(contentsOf: path, dimensionCount: dimensions)
        }
    }

    @Test("Bad magic number")
    func badMagic() throws {
        try expectError("bad", [0x1f, 0, 0x08, 3] + [UInt8](repeating: 0, count: 20)) {
            .badMagic(path: $0, magic: [0x1f, 0, 0x08, 3])
        }
        try expectError("float", [0, 0, 0x0d, 3] + [UInt8](repeating: 0, count: 20)) {
            .badMagic(path: $0, magic: [0, 0, 0x0d, 3])
        }
    }

    @Test("Wrong number of dimensions")
    func wrongDimensionCount() throws {
        try expectError("labels-as-images", IDXFixtures.labels([1, 2, 3])) {
            .wrongDimensionCount(path: $0, expected: 3, found: 1)
        }
    }

    @Test("Data shorter than the header promises")
    func truncatedData() throws {
        let bytes = IDXFixtures.images(count: 2)
        try expectError("short", Array(bytes.dropLast(100))) {
            .truncated(path: $0, expectedBytes: 2 * 784, actualBytes: 2 * 784 - 100)
        }
        try expectError("header-only", Array(bytes.prefix(9))) {
            .truncated(path: $0, expectedBytes: 16, actualBytes: 9)
        }
        try expectError("empty", []) { .truncated(path: $0, expectedBytes: 4, actualBytes: 0) }
    }

    @Test("Data longer than the header describes")
    func trailingData() throws {
        try expectError("long", IDXFixtures.images(count: 2) + [1, 2, 3]) {
            .trailingData(path: $0, expectedBytes: 2 * 784)
        }
    }

    @Test("A header claiming 2³²−1 images is refused before allocating them")
    func hugeHeader() throws {
        try expectError("huge", IDXFixtures.idx(dimensions: [0xFFFF_FFFF, 28, 28], data: [1, 2, 3])) {
            .truncated(path: $0, expectedBytes: 0xFFFF_FFFF * 784, actualBytes: 3)
        }
        try expectError("huge.gz", IDXFixtures.idx(dimensions: [0xFFFF_FFFF, 28, 28], data: [1, 2, 3])) {
            .corruptGzip(path: $0, reason: "the header promises \(0xFFFF_FFFF * 784) data bytes, but the gzip "
                         + "trailer records only 19 uncompressed bytes in all (truncated file?)")
        }
    }

    @Test("A .gz file that is not gzip")
    func notGzip() throws {
        try expectError("plain.gz", IDXFixtures.images(count: 1), gzip: false) { .notGzip(path: $0) }
    }

    @Test("A gzip file cut short")
    func truncatedGzip() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        fixtures.write("whole.gz", IDXFixtures.images(count: 50))
        let compressed = fixtures.read("whole.gz")
        let path = fixtures.write("cut.gz", Array(compressed.prefix(compressed.count / 2)), gzip: false)
        #expect {
            try IDXFile(contentsOf: path, dimensionCount: 3)
        } throws: { error in
            guard case .corruptGzip(let place, _) = error as? IDXError else { return false }
            return place == path
        }
    }

    @Test("A missing file is named")
    func missingFile() {
        #expect {
            try IDXFile(contentsOf: "/nonexistent/train-images-idx3-ubyte.gz", dimensionCount: 3)
        } throws: { error in
            (error as? IDXError).map { "\($0)".contains("/nonexistent/train-images-idx3-ubyte.gz") } ?? false
        }
    }
}
