import Datasets
import Foundation
import Testing

@Suite("MNIST: one split at a time, and folders told from files")
struct MNISTSplitTests {
    @Test("The test images need only the two t10k files")
    func testSplitAlone() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        fixtures.write("t10k-images-idx3-ubyte.gz", IDXFixtures.images(count: 7))
        fixtures.write("t10k-labels-idx1-ubyte", IDXFixtures.labels([1, 2, 3, 4, 5, 6, 7]))
        let test = try MNIST.load(.test, directory: fixtures.directory)
        #expect(test.count == 7 && test.labels == [1, 2, 3, 4, 5, 6, 7])
        #expect(throws: MNISTError.missingFiles(directory: fixtures.directory, missing: [
            "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        ])) { try MNIST.load(.training, directory: fixtures.directory) }
    }

    @Test("Training and validation need only the two train files, split as the whole set is")
    func trainingSplitsAlone() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        fixtures.write("train-images-idx3-ubyte.gz", IDXFixtures.images(count: 30))
        fixtures.write("train-labels-idx1-ubyte.gz", IDXFixtures.labels((0..<30).map { UInt8($0 % 10) }))
        let training = try MNIST.load(.training, directory: fixtures.directory, validationCount: 10)
        let validation = try MNIST.load(.validation, directory: fixtures.directory, validationCount: 10)
        #expect(training.count == 20 && validation.count == 10)
        #expect(validation.inputBytes.first == UInt8(truncatingIfNeeded: 20 * 784 * 7))
        #expect(throws: MNISTError.missingFiles(directory: fixtures.directory, missing: [
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
        ])) { try MNIST.load(.test, directory: fixtures.directory) }
    }

    @Test("A data folder that is a file says so")
    func dataFolderIsAFile() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        let file = fixtures.write("mnist.gz", IDXFixtures.images(count: 1))
        #expect(throws: MNISTError.notAFolder(path: file)) { try MNIST(directory: file) }
        #expect(throws: MNISTError.notAFolder(path: file)) { try MNIST.load(.test, directory: file) }
        #expect("\(MNISTError.notAFolder(path: file))".contains("is a file, not a folder"))
    }

    @Test("A folder where a data file should be says so")
    func dataFileIsAFolder() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        fixtures.writeMNIST(training: 12, test: 3, gzipped: true)
        let folder = fixtures.directory + "/t10k-images-idx3-ubyte.gz"
        try FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        #expect(throws: MNISTError.fileIsAFolder(path: folder)) { try MNIST(directory: fixtures.directory, validationCount: 2) }
        #expect("\(MNISTError.fileIsAFolder(path: folder))".contains("is a folder, not a file"))
        // Straight through the IDX reader, the same words.
        #expect(throws: IDXError.cannotOpen(path: folder, reason: "it is a folder, not a file")) {
            try IDXFile(contentsOf: folder, dimensionCount: 3)
        }
    }

    @Test("Downloading into a file, or over a folder, is refused in words before any request")
    func downloadIntoAFile() async throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        let downloader = MNISTDownloader(mirror: URL(string: "http://127.0.0.1:9/")!)  // (nothing listens there)
        let file = fixtures.write("mnist", [1, 2, 3])
        await #expect(throws: DownloadError.cannotSave(path: file, reason: "it is a file, not a folder; name the folder for the MNIST files")) {
            try await downloader.download(into: file)
        }
        let folder = fixtures.directory + "/train-images-idx3-ubyte.gz"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        await #expect(throws: DownloadError.cannotSave(path: folder, reason: "a folder of that name is in the way")) {
            try await downloader.download(into: fixtures.directory)
        }
    }
}
