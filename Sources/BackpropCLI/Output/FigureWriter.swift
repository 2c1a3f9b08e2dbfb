import Backprop
import Foundation
import Pictures

/// Writes a figure as SVG, or as PNG by way of rsvg-convert (librsvg), chosen by the file name.
func writeFigure(_ document: SVGDocument, to path: String) throws {
    let svg = Data(document.text.utf8)
    guard path.lowercased().hasSuffix(".png") else {
        guard path.lowercased().hasSuffix(".svg") else { throw CLIError("\(path): figures are written as .svg or .png") }
        return try AtomicFile.write(svg, to: path)
    }
    guard let converter = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert", "/opt/homebrew/bin/rsvg-convert"]
        .first(where: FileManager.default.isExecutableFile(atPath:)) else {
        throw CLIError("\(path): PNG figures are drawn by rsvg-convert, which is not installed "
                       + "(Debian: apt-get install librsvg2-bin; macOS: brew install librsvg); write .svg instead")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: converter)
    process.arguments = ["--format", "png", "--zoom", "\(SVGDocument.rasterScale)"]
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    input.fileHandleForWriting.write(svg)
    try input.fileHandleForWriting.close()
    let png = output.fileHandleForReading.readDataToEndOfFile()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0, !png.isEmpty else {
        throw CLIError("\(path): rsvg-convert failed: \(message)")
    }
    try AtomicFile.write(png, to: path)
}
