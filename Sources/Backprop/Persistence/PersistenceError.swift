import Foundation

/// What is wrong with a model file, or why it could not be written; every case names the file.
public enum PersistenceError: Error, Equatable, CustomStringConvertible {
    /// Nothing at that path.
    case missing(path: String)
    /// A folder where a model file was expected.
    case folder(path: String)
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// Not JSON at all.
    case malformedJSON(path: String, reason: String)
    /// Neither JSON nor safetensors, or JSON but not a model in a format this program knows.
    case notAModel(path: String)
    /// A model written by a newer version of the format.
    case unsupportedVersion(path: String, version: Int, supported: Int)
    /// A model whose contents are wrong: shapes, numbers, names.
    case invalid(path: String, reason: String)
    /// The network cannot be written in the requested format.
    case unsupported(String)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path): cannot read: no such file"
        case .folder(let path): return "\(path) is a folder, not a model file"
        case .cannotRead(let path, let reason): return "\(path): cannot read: \(reason)"
        case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason); any previous file is unchanged"
        case .malformedJSON(let path, let reason): return "\(path): not valid JSON: \(reason)"
        case .notAModel(let path):
            return "\(path): not a model file (backprop's model file, network2.py's {\"sizes\", \"weights\", \"biases\", \"cost\"}, "
                + "a bare {\"layers\", \"cost\"} network, or safetensors)"
        case .unsupportedVersion(let path, let version, let supported):
            return "\(path): model format version \(version) is newer than this program reads (up to \(supported)); use a newer backprop"
        case .invalid(let path, let reason): return "\(path): \(reason)"
        case .unsupported(let reason): return reason
        }
    }

    /// A decoding error told in a sentence: where in the file, and what.
    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func place(_ path: [CodingKey]) -> String {
            let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "" : " at \(text.hasPrefix(".") ? String(text.dropFirst()) : text)"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "expected \(type)\(place(context.codingPath)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "missing \(type)\(place(context.codingPath))"
        case .keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\"\(place(context.codingPath))"
        case .dataCorrupted(let context):
            return context.debugDescription + place(context.codingPath)
        @unknown default:
            return "\(error)"
        }
    }
}
