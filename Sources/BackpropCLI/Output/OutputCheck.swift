import ArgumentParser
import Foundation

/// The files a command reads and writes, checked before any work starts, so that a mistake in
/// the command line cannot destroy a file or a finished run.
///
/// ```swift
/// try OutputCheck(inputs: [("<model>", model.path)], outputs: [("-o", output, ["html"])]).verify()
/// ```
struct OutputCheck {
    /// Option name (as the user typed it, or "<model>" for an argument, as the usage line shows
    /// it) and path; nil paths are options not given.
    var inputs: [(option: String, path: String?)]
    /// Option name, path, and the extensions (lowercase, no dot) the format allows; empty allows any.
    var outputs: [(option: String, path: String?, extensions: [String])]

    /// Refuses, with a usage error (exit 2), an output that names an input or another output,
    /// whose extension does not fit its format, that is an existing folder, or whose folder does
    /// not exist or cannot be written.
    func verify() throws {
        var claimed: [(option: String, key: String)] = inputs.compactMap { input in
            input.path.map { (input.option, Self.identity(of: $0)) }
        }
        for output in outputs {
            guard let path = output.path else { continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                throw ValidationError("\(output.option) \(path) is a folder; give a file name")
            }
            try Self.checkExtension(of: path, option: output.option, allowed: output.extensions)
            let key = Self.identity(of: path)
            if let other = claimed.first(where: { $0.key == key }) {
                let role = inputs.contains { $0.option == other.option }
                    ? "the file given as \(other.option)" : "the file \(other.option) also writes"
                throw ValidationError("\(output.option) \(path) is \(role): writing it would destroy that file; choose another name")
            }
            claimed.append((output.option, key))
            try Self.checkWritable(path, option: output.option)
        }
    }

    private static func checkExtension(of path: String, option: String, allowed: [String]) throws {
        guard !allowed.isEmpty else { return }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard allowed.contains(ext) else {
            let list = allowed.map { "." + $0 }.joined(separator: " or ")
            throw ValidationError("\(option) \(path): the file name must end in \(list)")
        }
    }

    /// The folder must exist and take new files.
    private static func checkWritable(_ path: String, option: String) throws {
        var isFolder: ObjCBool = false
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
            throw ValidationError("\(option) \(path): the folder \(folder) does not exist")
        }
        guard isFolder.boolValue else { throw ValidationError("\(option) \(path): \(folder) is not a folder") }
        // Files are written through a temporary file in the same folder and renamed into place.
        guard access(folder, W_OK | X_OK) == 0 else {
            throw ValidationError("\(option) \(path): the folder \(folder) is not writable")
        }
    }

    /// A key that is equal for two spellings of the same file: the device and inode of an existing
    /// file (hard links included), else the path with symbolic links and `.`/`..` resolved.
    static func identity(of path: String) -> String {
        var status = stat()
        if stat(path, &status) == 0 { return "inode \(status.st_dev):\(status.st_ino)" }
        return URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
