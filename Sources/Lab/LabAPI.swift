import Backprop
import Foundation
import Runs

/// A request as the lab sees it, whatever server carried it.
struct LabRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String] = [:]
    var body = Data()
}

/// An answer: a status, a content type, a body and any extra headers.
struct LabReply: Sendable {
    var status: Int
    var contentType: String
    var body: Data
    var headers: [String: String] = [:]

    static func json<T: Encodable>(_ value: T, status: Int = 200) -> LabReply {
        LabReply(status: status, contentType: "application/json; charset=utf-8", body: JSONBody.encode(value))
    }

    static func error(_ error: LabError) -> LabReply {
        json(["error": error.message], status: error.status)
    }
}

/// The lab's interface (docs/lab-api.md): routes each request to its handler and turns every
/// refusal into a 4xx with a message. Handlers run on the server's tasks; the training runs on
/// its own thread (``Trainer``).
final class LabAPI: Sendable {
    let workspace: Workspace
    let trainer: Trainer
    let store: RunsStore?
    let page: PageFiles

    init(workspace: Workspace, trainer: Trainer, store: RunsStore?, page: PageFiles) {
        self.workspace = workspace
        self.trainer = trainer
        self.store = store
        self.page = page
    }

    func handle(_ request: LabRequest) -> LabReply {
        do {
            return try route(request)
        } catch {
            return .error(error)
        }
    }

    private typealias Handler = @Sendable (LabAPI, LabRequest) throws(LabError) -> LabReply

    /// Method and path → handler. Paths with a run number are matched by `runRoute`.
    private static let routes: [String: [String: Handler]] = [
        "/api/network": ["GET": { api, _ in .json(api.networkDescription) }],
        "/api/network/weights": ["GET": { api, request throws(LabError) in try api.weights(request) }],
        "/api/example": ["GET": { api, request throws(LabError) in try api.example(request) }],
        "/api/forward": ["POST": { api, request throws(LabError) in try api.forward(request) }],
        "/api/trace": ["POST": { api, request throws(LabError) in try api.trace(request) }],
        "/api/demon": ["POST": { api, request throws(LabError) in try api.demon(request) }],
        "/api/nudge": ["POST": { api, request throws(LabError) in try api.nudge(request) }],
        "/api/train": ["POST": { api, request throws(LabError) in
            .json(try api.trainer.start(try JSONBody.decode(TrainingSettings.self, from: request.body)), status: 202)
        }],
        "/api/train/control": ["POST": { api, request throws(LabError) in try api.control(request) }],
        "/api/train/status": ["GET": { api, _ in
            LabReply(status: 200, contentType: "application/json; charset=utf-8", body: api.trainer.currentJSON)
        }],
        "/api/runs": ["GET": { api, _ throws(LabError) in try api.runList() }],
        "/api/save": ["GET": { api, request throws(LabError) in try api.save(request) }],
    ]

    private func route(_ request: LabRequest) throws(LabError) -> LabReply {
        if let handlers = Self.routes[request.path] {
            guard let handler = handlers[request.method] else {
                throw .methodNotAllowed("\(request.path) takes \(handlers.keys.sorted().joined(separator: ", ")), not \(request.method)")
            }
            return try handler(self, request)
        }
        if request.path.hasPrefix("/api/runs/") { return try runRoute(request) }
        if request.path.hasPrefix("/api/") { throw .notFound("no such address: \(request.path) (see docs/lab-api.md)") }
        guard request.method == "GET" || request.method == "HEAD" else {
            throw .methodNotAllowed("\(request.path) is a page file: GET it")
        }
        return try page.reply(for: request.path)
    }

    // MARK: Shared parts of requests

    /// An integer query parameter within `range`.
    func integer(_ request: LabRequest, _ name: String, in range: ClosedRange<Int>, default value: Int? = nil) throws(LabError) -> Int {
        guard let text = request.query[name] else {
            if let value { return value }
            throw .badRequest("missing query parameter \(name)")
        }
        guard let number = Int(text), range.contains(number) else {
            throw .badRequest("\(name)=\(text): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// What `GET /api/network` answers.
    var networkDescription: NetworkDescription { NetworkDescription(workspace.current) }
}

/// The network's shape and where it came from.
struct NetworkDescription: Encodable {
    var layerSizes: [Int]
    var activations: [String]
    var cost: String
    var source: String
    var parameterCount: Int
    var run: Int64?

    init(_ network: LabNetwork) {
        layerSizes = network.float.layerSizes
        activations = network.float.layers.map(\.activation.hyphenatedName)
        cost = network.float.cost.hyphenatedName
        source = network.source
        parameterCount = network.float.parameterCount
        run = network.run
    }
}
