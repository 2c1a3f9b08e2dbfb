import Datasets
import Foundation
import Testing

/// A static file server on loopback (Python's http.server), for testing downloads without the
/// internet.
final class LocalHTTPServer {
    let process = Process()
    let baseURL: URL

    init(serving directory: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // It announces "Serving HTTP on 127.0.0.1 port N (...)".
        var text = ""
        while !text.contains(")") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"port (\d+)"#, options: .regularExpression),
              let port = Int(text[range].dropFirst(5)) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no port from: \(text)"])
        }
        baseURL = URL(string: "http://127.0.0.1:\(port)/")!
    }

    deinit {
        // Foundation's waitUntilExit can hang off the main thread on Linux; reap it directly.
        kill(process.processIdentifier, SIGKILL)
        var status: Int32 = 0
        waitpid(process.processIdentifier, &status, 0)
    }
}

@Suite("backprop download, against a server on loopback", .serialized)
struct DownloadTests {
    /// A mirror folder of synthetic MNIST files, and the checksums of their contents.
    func syntheticMirror() throws -> (IDXFixtures, [MNIST.File: String]) {
        let mirror = try IDXFixtures()
        mirror.writeMNIST(training: 12, test: 3, gzipped: true)
        let sums = try Dictionary(uniqueKeysWithValues: MNIST.File.allCases.map { file in
            (file, try md5Hex(gunzippedFileAt: mirror.directory + "/" + file.rawValue + ".gz"))
        })
        return (mirror, sums)
    }

    @Test("Downloads the four files, verifies them, and keeps verified ones on a second run")
    func downloadsAndVerifies() async throws {
        let (mirror, sums) = try syntheticMirror()
        defer { mirror.remove() }
        let destination = try IDXFixtures()
        defer { destination.remove() }
        let server = try LocalHTTPServer(serving: mirror.directory)
        let downloader = MNISTDownloader(mirror: server.baseURL, checksums: sums)

        var outcomes: [MNISTDownloader.Outcome] = []
        try await downloader.download(into: destination.directory) { outcomes.append($1) }
        #expect(outcomes == Array(repeating: .downloaded, count: 4))
        let mnist = try MNIST(directory: destination.directory, validationCount: 2)
        #expect(mnist.training.count == 10)

        outcomes = []
        try await downloader.download(into: destination.directory) { outcomes.append($1) }
        #expect(outcomes == Array(repeating: .alreadyPresent, count: 4))
    }

    @Test("A file with the wrong checksum is refused and not kept")
    func wrongChecksum() async throws {
        let (mirror, sums) = try syntheticMirror()
        defer { mirror.remove() }
        let destination = try IDXFixtures()
        defer { destination.remove() }
        let server = try LocalHTTPServer(serving: mirror.directory)
        var wrong = sums
        wrong[.trainingLabels] = String(repeating: "0", count: 32)
        let downloader = MNISTDownloader(mirror: server.baseURL, checksums: wrong)
        await #expect(throws: DownloadError.self) {
            try await downloader.download(into: destination.directory)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: destination.directory).sorted()
        #expect(left == ["train-images-idx3-ubyte.gz"])
    }

    @Test("A missing file on the server is an HTTP error")
    func missingOnServer() async throws {
        let empty = try IDXFixtures()
        defer { empty.remove() }
        let server = try LocalHTTPServer(serving: empty.directory)
        await #expect(throws: DownloadError.httpStatus(url: server.baseURL.absoluteString + "train-images-idx3-ubyte.gz", status: 404)) {
            try await MNISTDownloader(mirror: server.baseURL).download(into: empty.directory + "/out")
        }
    }

    @Test("A mirror that cannot be reached is a clear error, and nothing is written, not even a folder")
    func unreachableMirror() async throws {
        let destination = try IDXFixtures()
        defer { destination.remove() }
        var server: LocalHTTPServer? = try LocalHTTPServer(serving: destination.directory)
        let closed = server!.baseURL
        server = nil  // stopped: nothing listens on its port any more
        do {
            try await MNISTDownloader(mirror: closed).download(into: destination.directory + "/out/data/mnist")
            Issue.record("the download should have failed")
        } catch let error as DownloadError {
            guard case .unreachable(let url, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(url == closed.absoluteString + "train-images-idx3-ubyte.gz")
            #expect(error.description.contains("--data DIR or MNIST_DIR"))
        }
        // The folders it made for the files are gone again; the one that was there stays.
        #expect(!FileManager.default.fileExists(atPath: destination.directory + "/out"))
        #expect(FileManager.default.fileExists(atPath: destination.directory))
    }

    @Test("The real files match the published checksums",
          .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
    func realChecksums() async throws {
        let directory = ProcessInfo.processInfo.environment["MNIST_DIR"]!
        let destination = try IDXFixtures()
        defer { destination.remove() }
        let server = try LocalHTTPServer(serving: directory)
        var outcomes: [MNISTDownloader.Outcome] = []
        try await MNISTDownloader(mirror: server.baseURL).download(into: destination.directory) { outcomes.append($1) }
        #expect(outcomes == Array(repeating: .downloaded, count: 4))
    }
}
