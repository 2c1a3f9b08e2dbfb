import Foundation

/// Reading request bodies and writing responses as JSON, with errors that name the field.
enum JSONBody {
    /// Decodes `T` from a request body.
    /// - Throws: 400 with the field and what was wrong with it.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(LabError) -> T {
        guard !data.isEmpty else { throw .badRequest("the request needs a JSON body") }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
               (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil {
                // Valid JSON that Foundation's decoder calls corrupt: a fraction where a whole number goes.
                throw .badRequest("a field holds a fraction where a whole number is expected "
                                  + "(digits, layers, neurons, indices and sizes are whole numbers)")
            }
            throw .badRequest(describe(error))
        } catch {
            throw .badRequest("malformed JSON: \(error)")
        }
    }

    /// "field "drawing.pixels[3]": expected a number" and the like.
    static func describe(_ error: DecodingError) -> String {
        func place(_ path: [CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = place(context.codingPath)
            return "missing field \"\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)\""
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "field \"\(place(context.codingPath))\": expected \(name(of: type))"
        case .dataCorrupted(let context):
            let field = place(context.codingPath)
            return field.isEmpty ? "malformed JSON: \(context.debugDescription)"
                                 : "field \"\(field)\": \(context.debugDescription)"
        @unknown default:
            return "malformed JSON"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: return "a number"
        case is Int.Type, is UInt64.Type: return "a whole number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let text = "\(type)"
            return text.hasPrefix("Array") ? "a list" : text.hasPrefix("Dictionary") ? "an object" : "a \(text)"
        }
    }

    /// The encoder of every response: keys sorted, as `trace --json` prints them.
    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)) ?? Data("{\"error\":\"the answer could not be written as JSON\"}".utf8)
    }
}
