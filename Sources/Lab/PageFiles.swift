import Foundation

/// The page's files (index.html, its scripts and styles): from the package's resources, or from
/// a folder given with `--page` (to edit the page without rebuilding).
struct PageFiles: Sendable {
    let directory: String

    /// The built-in page, found beside the executable as SwiftPM places resources.
    /// - Throws: 503-style error naming where it looked, when the files are not there.
    static func builtIn() throws(LabError) -> PageFiles {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
        let bundle = Bundle.main.bundleURL.path
        let candidates = [executable, bundle].flatMap { folder in
            ["\(folder)/Backprop_Lab.resources/Page", "\(folder)/Backprop_Lab.bundle/Page",
             "\(folder)/Backprop_Lab.bundle/Contents/Resources/Page"]
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/index.html") }) else {
            throw .unavailable("the lab's page files are not beside the executable (looked in \(candidates[0])); "
                               + "run backprop from its build folder, or give --page Sources/Lab/Page")
        }
        return PageFiles(directory: found)
    }

    private static let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8",
                                "css": "text/css; charset=utf-8", "svg": "image/svg+xml", "png": "image/png",
                                "json": "application/json", "ico": "image/x-icon"]

    /// The file for a URL path: "/" is index.html; only plain names in the folder are served.
    func reply(for path: String) throws(LabError) -> LabReply {
        let name = path == "/" ? "index.html" : String(path.dropFirst())
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }),
              let type = Self.types[(name as NSString).pathExtension],
              let data = FileManager.default.contents(atPath: directory + "/" + name) else {
            throw .notFound("no such page file: \(path)")
        }
        return LabReply(status: 200, contentType: type, body: data, headers: ["Cache-Control": "no-cache"])
    }
}
