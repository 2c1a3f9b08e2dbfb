import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader, or a crash at any moment, sees either the old file or the
/// complete new one: the bytes go to a temporary file beside the target, are flushed to disk,
/// and only then renamed over it.
public enum AtomicFile {
    /// Replaces the file at `path` with `data`.
    /// - Throws: ``PersistenceError/cannotWrite(path:reason:)``; the previous file is then untouched
    ///   and no temporary file is left behind.
    public static func write(_ data: Data, to path: String) throws(PersistenceError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        func fail(_ reason: String) -> PersistenceError {
            close(fd)
            unlink(temporary)
            return .cannotWrite(path: path, reason: reason)
        }
        var written = 0
        let result: Int32 = data.withUnsafeBytes { bytes in
            while written < bytes.count {
                let n = systemWrite(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return 0
        }
        if result != 0 { throw fail(String(cString: strerror(result))) }
        if fsync(fd) != 0 { throw fail(String(cString: strerror(errno))) }
        if close(fd) != 0 {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
        // Make the rename itself durable.
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}

/// write(2), named apart from Swift's `write`s.
@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
