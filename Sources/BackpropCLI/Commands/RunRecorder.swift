import Backprop
import Foundation
import Runs

/// A `train` command's entry in the runs store: started with the run, an epoch added as each
/// ends, closed with how the run ended. The store never holds training back: when it cannot be
/// opened or written, `train` warns once and goes on unrecorded.
final class RunRecorder {
    private let store: RunsStore
    private let id: Int64
    private var failed = false

    private init(store: RunsStore, id: Int64) {
        self.store = store
        self.id = id
    }

    /// Records `run` in the store `BACKPROP_RUNS` names (or the default one); nil when recording
    /// is off or the store cannot be used.
    static func start(_ run: TrainingRun<Float>, engine: Engine, modelPath: String?) -> RunRecorder? {
        guard let path = RunsStore.defaultPath() else { return nil }
        do {
            let store = try RunsStore(path: path)
            let command = (["backprop"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            return RunRecorder(store: store, id: try store.start(run, command: command, engine: engine, modelPath: modelPath))
        } catch {
            warn("\(error); this run is not recorded there (set \(RunsStore.environmentVariable)=none to stop recording)")
            return nil
        }
    }

    func record(_ epoch: EpochRecord) {
        attempt { () throws(RunsStoreError) in try store.record(epoch, run: id) }
    }

    func finish(_ status: RunStatus, modelPath: String?) {
        attempt { () throws(RunsStoreError) in try store.finish(run: id, status: status, modelPath: modelPath) }
    }

    private func attempt(_ body: () throws(RunsStoreError) -> Void) {
        guard !failed else { return }
        do { try body() } catch {
            failed = true
            warn("\(error); the run's record there stops here (training goes on)")
        }
    }
}
