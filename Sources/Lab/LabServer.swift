import Backprop
import FlyingFox
import FlyingSocks
import Datasets
import Foundation
import Runs

/// `backprop lab`'s web server: the page and the JSON interface of docs/lab-api.md, on
/// FlyingFox. Every request first meets ``RequestGuard`` (Host, Origin, body size); every
/// refusal is a 4xx with a message, and no request can stop the server.
public final class LabServer: Sendable {
    private let settings: LabSettings
    private let api: LabAPI
    private let server: HTTPServer
    private let requestGuard = Locked<RequestGuard?>(nil)

    /// Opens the model (or makes the book's network), the runs store and the page files.
    /// - Throws: ``LabError`` saying what is missing or unreadable.
    public init(settings: LabSettings) throws(LabError) {
        self.settings = settings
        let network: LabNetwork
        if let path = settings.modelPath {
            do { network = try LabNetwork(contentsOf: path) } catch { throw .badRequest("\(error)") }
        } else {
            var generator = SeededGenerator(seed: TrainingSettings().seed)
            network = LabNetwork(Network<Float>(layerSizes: TrainingSettings().layers, using: &generator),
                                 source: "a new network of the book's shape, untrained (seed \(TrainingSettings().seed))")
        }
        let store: RunsStore?
        do { store = try settings.runsStorePath.map { path throws(RunsStoreError) in try RunsStore(path: path) } } catch {
            throw .unavailable("\(error) (set \(RunsStore.environmentVariable)=none to run the lab without recording runs)")
        }
        let page: PageFiles
        if let folder = settings.pageDirectory { page = PageFiles(directory: folder) } else { page = try PageFiles.builtIn() }
        let workspace = Workspace(network: network, mnistDirectory: settings.mnistDirectory)
        let trainer = Trainer(workspace: workspace, store: store, modelsDirectory: settings.modelsDirectory,
                              engine: settings.engine)
        api = LabAPI(workspace: workspace, trainer: trainer, store: store, page: page)
        let address: any SocketAddress
        do {
            address = settings.host.contains(":") ? try sockaddr_in6.inet6(ip6: settings.host, port: settings.port)
                                                  : try sockaddr_in.inet(ip4: settings.host, port: settings.port)
        } catch {
            throw .badRequest("--host \(settings.host) is not an IP address (give one, such as 127.0.0.1 or 0.0.0.0)")
        }
        server = HTTPServer(config: .init(address: address, logger: .disabled))
    }

    /// Starts listening and returns the page's address, with the port chosen.
    public func start() async throws -> String {
        await server.appendRoute("*", to: Handler(api: api, requestGuard: requestGuard))
        Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        var port = settings.port
        if case .ip4(_, let p) = await server.listeningAddress { port = p }
        if case .ip6(_, let p) = await server.listeningAddress { port = p }
        requestGuard.set(RequestGuard(host: settings.host, port: port))
        let shown = ["0.0.0.0", "::"].contains(settings.host) ? "127.0.0.1" : settings.host
        return "http://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)/"
    }

    /// Stops a running training (its model saved and resumable), then the server.
    /// - Returns: What training was stopped and where its model is saved, if one was running.
    @discardableResult
    public func stop() async -> String? {
        let stopped = api.trainer.stopAndWait()
        await server.stop(timeout: 0.5)
        return stopped
    }

    /// Runs the lab's handler for one request without a socket (for tests).
    func handle(_ request: LabRequest) -> LabReply { api.handle(request) }
}

/// Carries each HTTP request to the ``LabAPI`` after the guard's checks.
private struct Handler: HTTPHandler {
    let api: LabAPI
    let requestGuard: Locked<RequestGuard?>

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let check = requestGuard.value else { return response(.error(.unavailable("the lab is starting"))) }
        if let problem = check.problem(host: request.headers[.host], origin: request.headers[HTTPHeader("Origin")],
                                       bodyLength: request.bodySequence.count) {
            var reply = response(.error(problem))
            reply.headers[.connection] = "close"
            return reply
        }
        if request.path == "/api/train/live" {
            guard request.method == .GET else {
                return response(.error(.methodNotAllowed("/api/train/live is a WebSocket: GET it with an Upgrade header")))
            }
            do {
                return try await WebSocketHTTPHandler.webSocket(LiveStatus(trainer: api.trainer)).handleRequest(request)
            } catch {
                return response(.error(.badRequest("/api/train/live is a WebSocket; the upgrade failed: \(error)")))
            }
        }
        let body: Data
        do { body = try await Self.readBody(request) } catch let error as LabError {
            return response(.error(error))
        }
        var query: [String: String] = [:]
        for item in request.query { query[item.name] = item.value }
        let method = request.method.rawValue == "HEAD" ? "GET" : request.method.rawValue
        return response(api.handle(LabRequest(method: method, path: request.path, query: query, body: body)))
    }

    /// The body, refused past the limit even when no length was announced (chunked).
    private static func readBody(_ request: HTTPRequest) async throws -> Data {
        var data = Data()
        for try await chunk in request.bodySequence {
            data.append(chunk)
            if data.count > RequestGuard.bodyLimit {
                throw LabError.tooLarge("the request body is over the limit of \(RequestGuard.bodyLimit) bytes (1 MiB)")
            }
        }
        return data
    }

    private func response(_ reply: LabReply) -> HTTPResponse {
        var headers: HTTPHeaders = [.contentType: reply.contentType]
        for (name, value) in reply.headers { headers[HTTPHeader(name)] = value }
        headers[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        return HTTPResponse(statusCode: HTTPStatusCode(reply.status, phrase: Self.phrase(reply.status)), headers: headers,
                            body: reply.body)
    }

    private static func phrase(_ status: Int) -> String {
        [200: "OK", 202: "Accepted", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
         409: "Conflict", 413: "Content Too Large", 503: "Service Unavailable"][status] ?? "Status"
    }
}

/// The live view: the training status as one WebSocket text message each time it changes, at
/// most four a second, until the page goes away.
private struct LiveStatus: WSMessageHandler {
    let trainer: Trainer

    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
        let trainer = trainer
        return AsyncStream { continuation in
            let sender = Task {
                var sent = -1
                while !Task.isCancelled {
                    let version = trainer.current.version
                    if version != sent {
                        sent = version
                        continuation.yield(.text(String(decoding: trainer.currentJSON, as: UTF8.self)))
                    }
                    try? await Task.sleep(for: Trainer.snapshotInterval)
                }
            }
            let listener = Task {
                for await message in client { if case .close = message { break } }
                sender.cancel()
                continuation.finish()
            }
            continuation.onTermination = { _ in
                sender.cancel()
                listener.cancel()
            }
        }
    }
}

/// A value behind a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }

    func set(_ value: Value) { lock.withLock { stored = value } }
}

extension LabServer {
    /// The network the lab shows now (for tests).
    var currentNetwork: LabNetwork { api.workspace.current }

    /// The MNIST images the lab reads (for tests).
    func workspaceData() throws(LabError) -> MNIST { try api.workspace.data() }
}
