import Foundation

/// Prints a line to standard output at once, even when it is a pipe.
func printLine(_ line: String) {
    print(line)
    fflush(nil)  // all C streams, stdout among them
}

/// A warning on standard error.
func warn(_ message: String) {
    FileHandle.standardError.write(Data(("Warning: " + message + "\n").utf8))
}

/// Writes a Codable value as pretty JSON on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    printLine(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// `text` right-aligned in `width` columns.
func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}
