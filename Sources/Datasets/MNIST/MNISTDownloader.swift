import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches the MNIST files from a mirror, checks each one, and moves it into place only when its
/// uncompressed contents have the published MD5 checksum.
public struct MNISTDownloader: Sendable {
    /// A public mirror of the original MNIST files.
    public static let defaultMirror = "https://ossci-datasets.s3.amazonaws.com/mnist/"

    /// Base URL; file `NAME.gz` is fetched from `mirror/NAME.gz`.
    public let mirror: URL
    /// The expected MD5 of each uncompressed file, as lowercase hex.
    public let checksums: [MNIST.File: String]

    public init(mirror: URL, checksums: [MNIST.File: String]? = nil) {
        self.mirror = mirror
        self.checksums = checksums ?? Dictionary(uniqueKeysWithValues: MNIST.File.allCases.map { ($0, $0.md5) })
    }

    /// What happened to one file.
    public enum Outcome: String, Sendable, CustomStringConvertible {
        case downloaded = "downloaded, checksum verified"
        case alreadyPresent = "already present, checksum verified"
        public var description: String { rawValue }
    }

    /// Downloads every file missing from `directory` (created if needed).
    ///
    /// - Parameter report: Called once per file with what happened.
    /// - Throws: ``DownloadError`` for a failed request or a wrong checksum; nothing is left
    ///   half-written, files already in place are not touched, and folders this call created are
    ///   removed again when no file was saved in them.
    public func download(into directory: String,
                         report: (MNIST.File, Outcome) -> Void = { _, _ in }) async throws {
        let created = Self.firstMissingFolder(of: directory)
        do {
            try await downloadFiles(into: directory, report: report)
        } catch {
            if let created, Self.holdsNoFiles(created) { try? FileManager.default.removeItem(atPath: created) }
            throw error
        }
    }

    /// The outermost folder of `path` that does not exist yet, if any.
    private static func firstMissingFolder(of path: String) -> String? {
        var missing: String? = nil
        var current = (path as NSString).standardizingPath
        while !current.isEmpty, current != "/", !FileManager.default.fileExists(atPath: current) {
            missing = current
            current = (current as NSString).deletingLastPathComponent
        }
        return missing
    }

    /// Whether the folder at `path` holds only (empty) folders.
    private static func holdsNoFiles(_ path: String) -> Bool {
        guard let entries = FileManager.default.enumerator(atPath: path) else { return false }
        for case let entry as String in entries where PathKind(of: path + "/" + entry) != .folder { return false }
        return true
    }

    private func downloadFiles(into directory: String, report: (MNIST.File, Outcome) -> Void) async throws {
        switch PathKind(of: directory) {
        case .folder: break
        case .missing:
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw DownloadError.cannotSave(path: directory, reason: "cannot create the folder (\((error as NSError).localizedDescription))")
            }
        case .file, .other:
            throw DownloadError.cannotSave(path: directory, reason: "it is a file, not a folder; name the folder for the MNIST files")
        }
        for file in MNIST.File.allCases {
            let destination = "\(directory)/\(file.rawValue).gz"
            if PathKind(of: destination) == .folder {
                throw DownloadError.cannotSave(path: destination, reason: "a folder of that name is in the way")
            }
            if FileManager.default.fileExists(atPath: destination),
               (try? md5Hex(gunzippedFileAt: destination)) == checksums[file] {
                report(file, .alreadyPresent)
                continue
            }
            let url = mirror.appendingPathComponent(file.rawValue + ".gz")
            let body: Data, response: URLResponse
            do {
                (body, response) = try await URLSession.shared.data(from: url)
            } catch {
                throw DownloadError.unreachable(url: url.absoluteString, reason: (error as NSError).localizedDescription)
            }
            if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                throw DownloadError.httpStatus(url: url.absoluteString, status: http.statusCode)
            }
            // Write beside the destination, check, then rename: a failed or interrupted download
            // never leaves a broken file under the real name.
            let temporary = destination + ".download"
            do { try body.write(to: URL(fileURLWithPath: temporary)) } catch {
                throw DownloadError.cannotSave(path: temporary, reason: (error as NSError).localizedDescription)
            }
            let actual: String
            do {
                actual = try md5Hex(gunzippedFileAt: temporary)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw DownloadError.notGzip(url: url.absoluteString, reason: "\(error)")
            }
            guard actual == checksums[file] else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw DownloadError.checksumMismatch(url: url.absoluteString, expected: checksums[file] ?? "?", actual: actual)
            }
            if rename(temporary, destination) != 0 {
                throw DownloadError.cannotSave(path: destination, reason: String(cString: strerror(errno)))
            }
            report(file, .downloaded)
        }
    }
}

/// MD5 of the uncompressed contents of the gzip file at `path`, as lowercase hex.
public func md5Hex(gunzippedFileAt path: String) throws -> String {
    let contents = try gunzip(path: path)
    return Insecure.MD5.hash(data: contents).map { String(format: "%02x", $0) }.joined()
}

/// The whole uncompressed contents of the gzip file at `path`.
func gunzip(path: String) throws(IDXError) -> [UInt8] {
    var reader = try GzipReader(path: path, compressed: try readFile(at: path))
    let expected = max(reader.maximumRemainingBytes, 0)
    let contents = try reader.read(count: expected)
    var extra: [UInt8] = [0]
    guard contents.count == expected, try reader.read(into: &extra) == 0 else {
        throw .corruptGzip(path: path, reason: "the uncompressed size differs from the gzip trailer's")
    }
    return contents
}

/// Why a download failed.
public enum DownloadError: Error, Equatable, CustomStringConvertible {
    /// The request got no answer: no network, an unknown host, a refused connection.
    case unreachable(url: String, reason: String)
    case httpStatus(url: String, status: Int)
    case notGzip(url: String, reason: String)
    case checksumMismatch(url: String, expected: String, actual: String)
    case cannotSave(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason):
            return "cannot download \(url): \(reason). Without a network, put train-images-idx3-ubyte.gz, "
                + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz in a "
                + "folder and name it with --data DIR or MNIST_DIR"
        case .httpStatus(let url, let status):
            return "\(url): the server answered HTTP \(status)"
        case .notGzip(let url, let reason):
            return "\(url): not a valid gzip file (\(reason))"
        case .checksumMismatch(let url, let expected, let actual):
            return "\(url): MD5 of the uncompressed file is \(actual), expected \(expected); the file was discarded"
        case .cannotSave(let path, let reason):
            return "cannot save \(path): \(reason)"
        }
    }
}
