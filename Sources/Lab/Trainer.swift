import Backprop
import Datasets
import Foundation
import Runs

/// The lab's one training at a time. It runs on a thread of its own with the engine `train`
/// uses, and stops between mini-batches about four times a second to publish a snapshot (the
/// run resumes exactly where it stopped, so the snapshots change nothing in the result). The page
/// reads the snapshots; it never waits on training, and training never waits on it.
final class Trainer: @unchecked Sendable {
    /// What the page asked the training thread to do.
    enum Action: String, Sendable {
        case pause, resume, stepBatch = "step-batch", stepEpoch = "step-epoch", stop
    }

    /// What the thread does next: run on, wait, take one mini-batch or finish the epoch, stop.
    private enum Mode { case run, wait, stepBatch, stepEpoch, stop }

    private let condition = NSCondition()
    private var status = TrainingStatus()
    private var mode = Mode.run
    private var thread: Thread?
    private let workspace: Workspace
    private let store: RunsStore?
    private let modelsDirectory: String
    private let engine: Engine
    /// How often a running training publishes a snapshot.
    static let snapshotInterval = Duration.milliseconds(250)
    /// How often, at most, a running training saves its model at the end of an epoch.
    static let checkpointInterval = Duration.seconds(10)
    /// When the training thread last saved the model.
    private var lastCheckpoint: ContinuousClock.Instant?
    /// Writes checkpoints and the runs store's epochs off the training thread (encoding a model
    /// file, or a database commit, can take longer than an epoch of a small network), in order.
    private let checkpoints = DispatchQueue(label: "backprop.lab.checkpoints")

    init(workspace: Workspace, store: RunsStore?, modelsDirectory: String, engine: Engine) {
        self.workspace = workspace
        self.store = store
        self.modelsDirectory = modelsDirectory
        self.engine = engine
    }

    /// The latest snapshot.
    var current: TrainingStatus { condition.withLock { status } }

    /// The latest snapshot as JSON, encoded once for every request and live view that asks for it.
    var currentJSON: Data {
        let snapshot = current
        let key = "\(snapshot.version) \(snapshot.seconds)"
        if let (cachedKey, data) = encoded.value, cachedKey == key { return data }
        let data = snapshot.json
        encoded.set((key, data))
        return data
    }
    private let encoded = Locked<(String, Data)?>(nil)

    private var isActive: Bool { status.state == .running || status.state == .paused }

    /// Starts a training with `settings`.
    /// - Throws: 409 while another runs or waits; 400 for settings that make no sense; 503
    ///   without MNIST.
    func start(_ settings: TrainingSettings) throws(LabError) -> TrainingStatus {
        if condition.withLock({ isActive }) {
            throw .conflict("a training is already \(current.state.rawValue) (run \(current.run.map(String.init) ?? "–")); "
                            + "stop it first: one training at a time per lab")
        }
        let (network, sgd, generator) = try settings.make()
        let mnist = try workspace.data()
        let trainingData = mnist.training[0..<settings.trainingSize]
        let evaluationData: LabelledData? = switch settings.evaluateOn {
        case "validation": mnist.validation
        case "test": mnist.test
        default: nil
        }
        let run: TrainingRun<Float>
        do {
            run = try TrainingRun(network: network, configuration: sgd, trainingData: trainingData,
                                  evaluationData: evaluationData, generator: generator, seed: settings.seed,
                                  data: settings.dataSettings)
        } catch {
            throw .badRequest("\(error)")
        }
        let id = try? store?.start(run, command: "backprop lab", engine: engine.resolved(for: network, configuration: sgd),
                                   modelPath: nil)
        let modelPath = modelsDirectory + "/" + (id.map { "run-\($0).json" } ?? "lab-\(Int(Date().timeIntervalSince1970)).json")
        if let id { try? store?.finish(run: id, status: .running, modelPath: modelPath) }
        let monitor = LearningSpeedMonitor(sample: trainingData[0..<min(100, trainingData.count)])
        let started: TrainingStatus = condition.withLock {
            // Checked again under the lock: two starts may have raced past the first check.
            guard !isActive else { return status }
            mode = settings.paused ? .wait : .run
            lastCheckpoint = .now  // the first checkpoint comes after checkpointInterval of training
            var fresh = TrainingStatus()
            fresh.state = settings.paused ? .paused : .running
            fresh.message = settings.paused ? "Ready: step one mini-batch or one epoch, or resume." : "Starting."
            fresh.run = id
            fresh.settings = settings
            fresh.epochs = sgd.epochs
            fresh.examplesTotal = trainingData.count
            fresh.model = modelPath
            fresh.version = status.version + 1
            status = fresh
            Self.fill(&status, from: run, speed: monitor.measure(run.network))
            let thread = Thread { [self] in
                train(run, trainingData: trainingData, evaluationData: evaluationData, monitor: monitor,
                      modelPath: modelPath)
            }
            thread.stackSize = 8 << 20
            self.thread = thread
            thread.start()
            return status
        }
        guard started.run == id else { throw .conflict("a training started at the same moment; stop it first") }
        workspace.replace(with: LabNetwork(network, source: "run \(id.map(String.init) ?? "–"), before training", run: id))
        return started
    }

    /// Pauses, resumes, steps or stops the training.
    /// - Throws: 409 when none is running or paused.
    func control(_ action: Action) throws(LabError) -> TrainingStatus {
        let result: Result<TrainingStatus, LabError> = condition.withLock {
            guard isActive else {
                return .failure(.conflict("no training is running or paused (state: \(status.state.rawValue)); start one first"))
            }
            switch action {
            case .pause: mode = .wait
            case .resume: mode = .run
            case .stepBatch: mode = .stepBatch
            case .stepEpoch: mode = .stepEpoch
            case .stop: mode = .stop
            }
            if action != .pause, action != .stop { status.state = .running }
            status.message = switch action {
            case .pause: "Pausing after this mini-batch."
            case .resume: "Running."
            case .stepBatch: "Taking one mini-batch."
            case .stepEpoch: "Running to the end of this epoch."
            case .stop: "Stopping after this mini-batch; the model is saved."
            }
            status.version += 1
            condition.broadcast()
            return .success(status)
        }
        return try result.get()
    }

    /// Stops a running training, saves its model (resumable with `backprop train --resume`) and
    /// waits for the thread to end: what Ctrl-C does.
    /// - Returns: What was stopped and where its model is, or nil when nothing was training.
    func stopAndWait() -> String? {
        let stopped: TrainingStatus? = condition.withLock {
            guard isActive else { return nil }
            mode = .stop
            condition.broadcast()
            while isActive { condition.wait() }
            return status
        }
        guard let stopped, let model = stopped.model else { return nil }
        let run = stopped.run.map { "run \($0)" } ?? "the training"
        return "Stopped \(run) in epoch \(stopped.epoch) (\(stopped.examplesDone) of \(stopped.examplesTotal) images done); "
            + "its model is saved in \(model), and `backprop train --resume \(model)` continues it."
    }

    // MARK: The training thread

    private func train(_ start: TrainingRun<Float>, trainingData: LabelledData, evaluationData: LabelledData?,
                       monitor: LearningSpeedMonitor, modelPath: String) {
        var run = start
        let clock = ContinuousClock()
        var outcome: (TrainingStatus.State, String)? = nil
        // An epoch interrupted for snapshots runs in several calls; its training time is their sum.
        var epochSeconds = 0.0
        var workSeconds = 0.0
        var nextSnapshot = clock.now + Self.snapshotInterval
        while outcome == nil {
            let next: Mode = condition.withLock {
                while mode == .wait { condition.wait() }
                return mode
            }
            if next == .stop { outcome = (.stopped, "Stopped"); break }
            let started = clock.now
            let deadline = nextSnapshot
            do {
                try run.runEpoch(on: trainingData, evaluatingOn: evaluationData, engine: engine, shouldStop: { [self] in
                    let mode = condition.withLock { self.mode }
                    return mode == .stepBatch || mode == .wait || mode == .stop || clock.now >= deadline
                })
                let last = run.history.epochs.count - 1
                epochSeconds += (clock.now - started).inSeconds
                run.history.epochs[last].trainingSeconds = epochSeconds - run.history.epochs[last].evaluationSeconds
                epochSeconds = 0
                record(run.history.epochs[last], run: run, modelPath: modelPath)
                condition.withLock { if mode == .stepEpoch { mode = .wait } }
            } catch .interrupted {
                // A snapshot, a step or a pause: the run goes on from here.
                epochSeconds += (clock.now - started).inSeconds
            } catch {
                outcome = (.failed, "\(error)")
            }
            condition.withLock { if mode == .stepBatch { mode = .wait } }
            if outcome == nil, run.isFinished {
                outcome = (.finished, run.stopReason.map { "Finished early: \($0)" } ?? "Finished")
            }
            // Snapshots at most every snapshotInterval while running on: a small network's
            // epochs end more often than that.
            // The ending is published below, once the model is saved.
            let runningOn = condition.withLock { mode == .run || mode == .stepEpoch }
            if outcome == nil, !runningOn || clock.now >= nextSnapshot {
                publish(run, monitor: monitor, ending: nil)
                nextSnapshot = clock.now + Self.snapshotInterval
            }
            workSeconds += (clock.now - started).inSeconds
            condition.withLock { status.seconds = workSeconds }
        }
        let (state, message) = outcome!
        var saved = "saved in \(modelPath)"
        checkpoints.sync {}  // the last checkpoint in flight lands before the final save
        do { try save(run, to: modelPath) } catch { saved = "not saved: \(error)" }
        let runStatus: RunStatus = switch state {
        case .finished: .finished
        case .failed: .diverged
        default: .stopped
        }
        if let id = current.run { try? store?.finish(run: id, status: runStatus, modelPath: nil) }
        publish(run, monitor: monitor, ending: (state, "\(message); the model is \(saved)."))
        workspace.replace(with: LabNetwork(run.network, source: "run \(current.run.map(String.init) ?? "–"), "
                                           + "\(state.rawValue) after \(run.nextEpoch) epochs", run: current.run))
    }

    /// An epoch ended: into the runs store, and the model saved (on the checkpoint queue) when the
    /// last save is more than ``checkpointInterval`` old.
    private func record(_ epoch: EpochRecord, run: TrainingRun<Float>, modelPath: String) {
        if let id = current.run, let store { checkpoints.async { try? store.record(epoch, run: id) } }
        if lastCheckpoint.map({ ContinuousClock.now - $0 >= Self.checkpointInterval }) ?? true {
            lastCheckpoint = .now
            checkpoints.async { [self] in try? save(run, to: modelPath) }
        }
    }

    private func save(_ run: TrainingRun<Float>, to path: String) throws {
        try FileManager.default.createDirectory(atPath: modelsDirectory, withIntermediateDirectories: true)
        try ModelFile(run: run, data: run.data!).save(to: path)
    }

    /// Publishes a snapshot of `run`: its network becomes the lab's, its numbers the status.
    private func publish(_ run: TrainingRun<Float>, monitor: LearningSpeedMonitor,
                         ending: (TrainingStatus.State, String)?) {
        let id = current.run
        workspace.replace(with: LabNetwork(run.network, source: "run \(id.map(String.init) ?? "–"), epoch \(run.nextEpoch)",
                                           run: id))
        let speed = monitor.measure(run.network)
        condition.withLock {
            Self.fill(&status, from: run, speed: speed)
            if let (state, message) = ending {
                status.state = state
                status.message = message
            } else {
                status.state = mode == .wait ? .paused : .running
                let done = run.examplesDoneInEpoch ?? 0
                status.message = (status.state == .paused ? "Paused in " : "") + "epoch \(run.nextEpoch): "
                    + "\(done) / \(status.examplesTotal) images"
            }
            status.version += 1
            condition.broadcast()
        }
    }

    private static func fill(_ status: inout TrainingStatus, from run: TrainingRun<Float>, speed: LearningSpeed) {
        let m = run.configuration.miniBatchSize, n = run.trainingSetSize
        status.epoch = run.nextEpoch
        // Between epochs the next has done nothing; at the end, the last is whole.
        status.examplesDone = run.examplesDoneInEpoch ?? (run.isFinished ? n : 0)
        status.miniBatches = run.nextEpoch * ((n + m - 1) / m) + ((run.examplesDoneInEpoch ?? 0) + m - 1) / m
        status.history = run.history.epochs.map(TrainingStatus.EpochPoint.init)
        status.learningSpeed = speed
        status.firstLayer = TrainingStatus.WeightRows(run.network, layer: 0, limit: 16)
    }
}
