import Foundation

/// Where the MNIST files are: a directory holding each of the four files (or the ones a task
/// needs) gzipped or raw.
public struct MNISTLocation: Sendable {
    /// The directory.
    public let directory: String
    private let paths: [MNIST.File: String]

    /// The directory to use: `explicit` (from `--data`) if given, else `$MNIST_DIR`, else
    /// ``defaultDirectory``.
    public static func directory(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["MNIST_DIR"], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultDirectory(environment: environment)
    }

    /// `$XDG_DATA_HOME/backprop/mnist`, or `~/.local/share/backprop/mnist`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        return dataHome + "/backprop/mnist"
    }

    /// Finds `files` (all four unless told) in `directory`, preferring `NAME.gz` over `NAME`.
    /// - Throws: ``MNISTError/notAFolder(path:)`` when `directory` is a file,
    ///   ``MNISTError/missingFiles(directory:missing:)`` listing every absent file, and
    ///   ``MNISTError/fileIsAFolder(path:)`` when a data file's name is taken by a folder.
    public init(directory: String, files: [MNIST.File] = MNIST.File.allCases) throws(MNISTError) {
        if PathKind(of: directory) == .file { throw .notAFolder(path: directory) }
        var paths: [MNIST.File: String] = [:]
        var missing: [String] = []
        for file in files {
            let candidates = ["\(directory)/\(file.rawValue).gz", "\(directory)/\(file.rawValue)"]
            let kinds = candidates.map { PathKind(of: $0) }
            if let found = kinds.firstIndex(of: .file) {
                paths[file] = candidates[found]
            } else if let folder = kinds.firstIndex(of: .folder) {
                throw .fileIsAFolder(path: candidates[folder])
            } else {
                missing.append(file.rawValue + ".gz")
            }
        }
        guard missing.isEmpty else { throw .missingFiles(directory: directory, missing: missing) }
        self.directory = directory
        self.paths = paths
    }

    /// The path of one of the files this location was asked to find.
    public func path(of file: MNIST.File) -> String {
        guard let path = paths[file] else { preconditionFailure("\(file.rawValue) was not among the files looked for") }
        return path
    }
}
