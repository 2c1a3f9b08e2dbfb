import Foundation

/// Where the MNIST files are: a directory holding each of the four files gzipped or raw.
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

    /// Finds the four files in `directory`, preferring `NAME.gz` over `NAME`.
    /// - Throws: ``MNISTError/missingFiles(directory:missing:)`` listing every absent file.
    public init(directory: String) throws(MNISTError) {
        var paths: [MNIST.File: String] = [:]
        var missing: [String] = []
        for file in MNIST.File.allCases {
            let candidates = ["\(directory)/\(file.rawValue).gz", "\(directory)/\(file.rawValue)"]
            if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                paths[file] = found
            } else {
                missing.append(file.rawValue + ".gz")
            }
        }
        guard missing.isEmpty else { throw .missingFiles(directory: directory, missing: missing) }
        self.directory = directory
        self.paths = paths
    }

    /// The path of one of the files.
    public func path(of file: MNIST.File) -> String { paths[file]! }
}
