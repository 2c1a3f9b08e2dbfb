import Backprop
import Foundation
@testable import Lab

/// A lab without a socket: requests go straight to its handler. Its runs store, models and
/// page live in a fresh temporary folder.
struct TestLab {
    let server: LabServer
    let folder: String

    init(mnist: String? = ProcessInfo.processInfo.environment["MNIST_DIR"], model: String? = nil) throws {
        folder = NSTemporaryDirectory() + "lab-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/page", withIntermediateDirectories: true)
        try Data("<!doctype html><title>lab</title>".utf8).write(to: URL(fileURLWithPath: folder + "/page/index.html"))
        server = try LabServer(settings: LabSettings(
            port: 0, modelPath: model, pageDirectory: folder + "/page", mnistDirectory: mnist ?? folder + "/no-mnist",
            runsStorePath: folder + "/runs.sqlite", modelsDirectory: folder + "/models"))
    }

    func request(_ method: String, _ path: String, query: [String: String] = [:], json: String? = nil) -> LabReply {
        server.handle(LabRequest(method: method, path: path, query: query, body: Data((json ?? "").utf8)))
    }

    /// The reply's body as a JSON object.
    func object(_ reply: LabReply) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
    }

    func error(_ reply: LabReply) -> String { object(reply)["error"] as? String ?? "" }

    /// Polls the training status until `done` says so (at most `seconds`).
    func waitForTraining(seconds: Double = 120, until done: ([String: Any]) -> Bool) -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var status: [String: Any] = [:]
        repeat {
            status = object(request("GET", "/api/train/status"))
            if done(status) { return status }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return status
    }
}

let mnistAvailable = ProcessInfo.processInfo.environment["MNIST_DIR"] != nil

extension TrainingSettings {
    /// `backprop train`'s defaults with a smaller run.
    static func defaults(trainingSize: Int, epochs: Int, seed: UInt64) -> TrainingSettings {
        var settings = TrainingSettings()
        settings.trainingSize = trainingSize
        settings.epochs = epochs
        settings.seed = seed
        return settings
    }
}
