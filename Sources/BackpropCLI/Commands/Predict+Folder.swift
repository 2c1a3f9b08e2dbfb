import ArgumentParser
import Backprop
import Datasets
import Foundation

/// `backprop predict MODEL --image FOLDER`: each picture in a folder, one line each.
extension Predict {
    struct FolderReport: Encodable {
        var folder: String
        var images: [Report]
        var failures: [Failure]
    }

    struct Failure: Encodable {
        var file: String
        var error: String
    }

    /// Classifies each .png and .pgm file in `folder` in name order; a file that cannot be read (or
    /// whose --show-input picture cannot be written) is reported on standard error and the rest are
    /// still classified.
    /// - Throws: ``CLIError`` after the last file when any could not be read.
    func runFolder(_ folder: String) throws {
        let names = try Self.pictureNames(in: folder)
        let network = try loadNetwork()  // first, so that a bad model leaves no --show-input folder behind
        let pictureFolder = try showInput.map { try Self.checkPictureFolder($0, images: folder) }
        var reports: [Report] = [], failures: [Failure] = []
        // Each picture's input is written as its name with .png for its extension, or with .png
        // added when pictures share a name (7.png and 7.pgm: 7.png.png and 7.pgm.png).
        let stems = names.map { ($0 as NSString).deletingPathExtension }
        let shownName = Dictionary(uniqueKeysWithValues: zip(names, stems).map { name, stem in
            (name, stems.filter { $0 == stem }.count == 1 ? stem + ".png" : name + ".png")
        })
        for name in names {
            let path = folder + "/" + name
            do {
                let prepared = try PreparedInput(path: path, invert: invert)
                let report = Self.report(network, prepared.x, source: name, label: nil, prepared: prepared)
                reports.append(report)
                if let pictureFolder, let file = shownName[name] {
                    try AtomicFile.write(Self.inputPicture(prepared.x, format: file), to: pictureFolder + "/" + file)
                }
                if !json {
                    let notes = prepared.notes.isEmpty ? "" : "  (" + prepared.notes.joined(separator: ", ") + ")"
                    printLine(name + ": " + "\(report.prediction)  " + percent(report.probabilities[report.prediction]) + notes)
                }
            } catch {  // an unreadable picture, or its --show-input file that could not be written
                failures.append(Failure(file: name, error: "\(error)"))
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            }
        }
        if json { try printJSON(FolderReport(folder: folder, images: reports, failures: failures)) }
        guard failures.isEmpty else {
            throw CLIError("\(failures.count) of \(names.count) pictures in \(folder) could not be read: "
                           + failures.map(\.file).joined(separator: ", "))
        }
    }

    /// The .png and .pgm files in `folder` (not in folders inside it), numbers in names in
    /// numeric order ("2.png" before "10.png"); other entries are named on standard error.
    static func pictureNames(in folder: String) throws -> [String] {
        // opendir rather than FileManager, whose errors on Linux can be bare error numbers.
        guard let listing = opendir(folder) else {
            throw CLIError("\(folder): cannot list the folder: \(String(cString: strerror(errno)))")
        }
        defer { closedir(listing) }
        var entries: [String] = []
        while let entry = readdir(listing) {
            entries.append(withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
        }
        let visible = entries.filter { !$0.hasPrefix(".") }.sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        let pictures = visible.filter { name in
            ["png", "pgm"].contains((name as NSString).pathExtension.lowercased()) && PathKind(of: folder + "/" + name) != .folder
        }
        let skipped = visible.filter { !pictures.contains($0) }
        if !skipped.isEmpty {
            let what = skipped.count == 1 ? "1 entry that is not a .png or .pgm file" : "\(skipped.count) entries that are not .png or .pgm files"
            FileHandle.standardError.write(Data("Skipping \(what): \(skipped.joined(separator: ", "))\n".utf8))
        }
        guard !pictures.isEmpty else { throw CLIError("\(folder): the folder holds no .png or .pgm files") }
        return pictures
    }

    /// Checks (and makes, when missing) the folder that `--show-input` names for a folder of images.
    /// - Returns: The folder.
    /// - Throws: ``ValidationError`` when it is a file, the images' own folder, or cannot be made.
    static func checkPictureFolder(_ path: String, images: String) throws -> String {
        switch PathKind(of: path) {
        case .folder:
            guard OutputCheck.identity(of: path) != OutputCheck.identity(of: images) else {
                throw ValidationError("--show-input \(path) is the folder of images itself; name another folder")
            }
        case .missing:
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard PathKind(of: parent) == .folder else {
                throw ValidationError("--show-input \(path): the folder \(parent) does not exist")
            }
            guard mkdir(path, 0o777) == 0 else {
                throw ValidationError("--show-input \(path): cannot make the folder: \(String(cString: strerror(errno)))")
            }
        case .file, .other:
            throw ValidationError("--show-input \(path) is a file; with a folder of images it names a folder "
                                  + "to write one PNG per image into")
        }
        guard access(path, W_OK | X_OK) == 0 else { throw ValidationError("--show-input \(path): the folder is not writable") }
        return path
    }
}
