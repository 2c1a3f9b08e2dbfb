#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What is at a path on the local disk, so that a folder given where a file belongs (or a file
/// where a folder belongs) is answered in words rather than with a system error number.
public enum PathKind: Sendable, Equatable {
    case missing
    case file
    case folder
    /// A device, socket or pipe: something that is neither a file nor a folder.
    case other

    /// What `path` names, following symbolic links.
    public init(of path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { self = .missing; return }
        switch status.st_mode & S_IFMT {
        case S_IFREG: self = .file
        case S_IFDIR: self = .folder
        default: self = .other
        }
    }
}

/// Why a file could not be read, in words ("it is a folder, not a file").
struct FileProblem: Error {
    let reason: String
}

/// The whole contents of the regular file at `path`.
///
/// - Throws: ``FileProblem`` when the path is missing, a folder, not a regular file, or cannot be
///   read; the reason does not repeat the path.
func readWholeFile(at path: String) throws(FileProblem) -> [UInt8] {
    switch PathKind(of: path) {
    case .folder: throw FileProblem(reason: "it is a folder, not a file")
    case .other: throw FileProblem(reason: "it is not a regular file")
    case .missing, .file: break  // fopen says why a missing file is missing
    }
    guard let file = fopen(path, "rb") else { throw FileProblem(reason: systemReason()) }
    defer { fclose(file) }
    var stats = stat()
    guard fstat(fileno(file), &stats) == 0 else { throw FileProblem(reason: systemReason()) }
    guard (stats.st_mode & S_IFMT) == S_IFREG else { throw FileProblem(reason: "it is not a regular file") }
    let size = Int(stats.st_size)
    var bytes = [UInt8](repeating: 0, count: size)
    let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, file) }
    guard read == size else { throw FileProblem(reason: "read \(read) of \(size) bytes") }
    return bytes
}

/// The C library's words for `errno`, lowercased as the rest of a message ("no such file or directory").
private func systemReason() -> String {
    let text = String(cString: strerror(errno))
    return text.prefix(1).lowercased() + text.dropFirst()
}
