/// Why the lab refused a request: the HTTP status and a message that says what was wrong and where.
public struct LabError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The HTTP status code, always 4xx or 503.
    public var status: Int
    public var message: String

    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    /// Malformed JSON or a value out of range (400).
    static func badRequest(_ message: String) -> LabError { LabError(status: 400, message) }
    /// A Host or Origin that is not the lab's own (403).
    static func forbidden(_ message: String) -> LabError { LabError(status: 403, message) }
    /// An unknown path or run (404).
    static func notFound(_ message: String) -> LabError { LabError(status: 404, message) }
    /// A known path asked with the wrong method (405).
    static func methodNotAllowed(_ message: String) -> LabError { LabError(status: 405, message) }
    /// An action that does not fit the state: a second training, a step with none (409).
    static func conflict(_ message: String) -> LabError { LabError(status: 409, message) }
    /// A body over the size limit (413).
    static func tooLarge(_ message: String) -> LabError { LabError(status: 413, message) }
    /// Something the lab needs is missing, such as the MNIST files (503).
    static func unavailable(_ message: String) -> LabError { LabError(status: 503, message) }
}
