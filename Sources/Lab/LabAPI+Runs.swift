import Backprop
import Foundation
import Runs

/// The runs store as the page sees it, and saving the lab's network.
extension LabAPI {
    /// A run as the runs list shows it.
    struct RunListing: Encodable {
        var id: Int64
        var started: Date
        var command: String
        var layerSizes: [Int]
        var status: String
        var epochs: Int
        var bestAccuracy: Double?
        var eta: Double
        var miniBatchSize: Int
        var lambda: Double
        var seed: UInt64?
        /// Whether its model file is there to load.
        var model: Bool

        init(_ run: RunSummary) {
            id = run.id
            started = run.started
            command = run.command
            layerSizes = run.layerSizes
            status = run.status.rawValue
            epochs = run.epochsDone
            bestAccuracy = run.bestAccuracy
            eta = run.configuration.eta
            miniBatchSize = run.configuration.miniBatchSize
            lambda = run.configuration.regularization.lambda
            seed = run.seed
            model = run.modelPath.map { FileManager.default.fileExists(atPath: $0) } ?? false
        }
    }

    private var runsStore: RunsStore {
        get throws(LabError) {
            guard let store else {
                throw .unavailable("the lab records no runs (BACKPROP_RUNS=none); start it without that to keep them")
            }
            return store
        }
    }

    func runList() throws(LabError) -> LabReply {
        let store = try runsStore
        do {
            return .json(try store.runs().reversed().map(RunListing.init))
        } catch {
            throw .unavailable("\(error)")
        }
    }

    /// `GET /api/runs/ID` and `POST /api/runs/ID/load`.
    func runRoute(_ request: LabRequest) throws(LabError) -> LabReply {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(3)
        guard let first = parts.first, let id = Int64(first), parts.count <= 2,
              parts.count == 1 || parts.last == "load" else {
            throw .notFound("no such address: \(request.path); runs are /api/runs/ID and /api/runs/ID/load")
        }
        let store = try runsStore
        let found: RunSummary?
        do { found = try store.run(id) } catch { throw .unavailable("\(error)") }
        guard let run = found else { throw .notFound("there is no run \(id) in the runs store") }
        if parts.count == 1 {
            guard request.method == "GET" else { throw .methodNotAllowed("\(request.path) takes GET, not \(request.method)") }
            struct Detail: Encodable { var run: RunListing; var epochs: [TrainingStatus.EpochPoint] }
            let epochs: [EpochRecord]
            do { epochs = try store.epochs(of: id) } catch { throw .unavailable("\(error)") }
            return .json(Detail(run: RunListing(run), epochs: epochs.map(TrainingStatus.EpochPoint.init)))
        }
        guard request.method == "POST" else { throw .methodNotAllowed("\(request.path) takes POST, not \(request.method)") }
        let state = trainer.current.state
        guard state != .running, state != .paused else {
            throw .conflict("a training is \(state.rawValue); stop it before loading another network")
        }
        guard let path = run.modelPath else { throw .badRequest("run \(id) saved no model file") }
        do {
            workspace.replace(with: try LabNetwork(contentsOf: path, run: id))
        } catch {
            throw .badRequest("run \(id)'s model cannot be loaded: \(error)")
        }
        return .json(networkDescription)
    }

    /// `GET /api/save?format=model|network2|safetensors`: the network as a download.
    func save(_ request: LabRequest) throws(LabError) -> LabReply {
        let network = workspace.current.float
        let format = request.query["format"] ?? "model"
        let data: Data, name: String, type: String
        do {
            switch format {
            case "model":
                (data, name, type) = (try ModelFile(network: network).encoded(), "network.json", "application/json")
            case "network2":
                (data, name, type) = (try Network2Format.encode(network), "network2.json", "application/json")
            case "safetensors":
                (data, name, type) = (try SafetensorsFormat.encode(network), "network.safetensors", "application/octet-stream")
            default:
                throw LabError.badRequest("format=\(format): expected model, network2 or safetensors")
            }
        } catch let error as LabError {
            throw error
        } catch {
            throw .badRequest("the network cannot be saved as \(format): \(error)")
        }
        return LabReply(status: 200, contentType: type, body: data,
                        headers: ["Content-Disposition": "attachment; filename=\"\(name)\""])
    }
}
