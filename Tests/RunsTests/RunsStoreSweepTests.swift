import Backprop
import Foundation
import Runs
import Testing

/// The runs of sweeps in the store: recorded whole, once, and found again by sweep and settings.
@Suite("The runs store's sweeps")
struct RunsStoreSweepTests {
    static func finished(_ key: String, status: RunStatus = .finished, sweep: String = "s") throws -> FinishedRun {
        let run = try RunsStoreTests.trainedRun(epochs: 2)
        return FinishedRun(command: "backprop train --eta 1", layerSizes: run.network.layerSizes, configuration: run.configuration,
                           seed: run.seed, engine: "blas", status: status, epochs: run.history.epochs, sweep: sweep, sweepKey: key)
    }

    @Test("A sweep's run is recorded with its epochs, and a second record of the same settings is not added")
    func recordedOnce() throws {
        let store = try RunsStore(path: RunsStoreTests.scratchFile())
        let run = try Self.finished("eta=1")
        let id = try store.add(run)
        #expect(try store.add(run) == id)
        try store.add(try Self.finished("eta=1", sweep: "other"))
        let runs = try store.runs(ofSweep: "s")
        #expect(runs.map(\.id) == [id] && runs[0].sweepKey == "eta=1" && runs[0].epochsDone == 2 && runs[0].status == .finished)
        #expect(try store.epochs(of: id) == run.epochs)
        #expect(try store.runs().count == 2)
    }

    @Test("Finished, stopped and diverged runs are done; a run started by train in the same store is not a sweep's")
    func doneKeys() throws {
        let store = try RunsStore(path: RunsStoreTests.scratchFile())
        try store.add(try Self.finished("a"))
        try store.add(try Self.finished("b", status: .stopped))
        try store.add(try Self.finished("c", status: .diverged))
        try store.add(try Self.finished("d", status: .interrupted))
        try store.start(try RunsStoreTests.trainedRun(epochs: 1), command: "backprop train", engine: .blas, modelPath: nil)
        #expect(try store.doneKeys(ofSweep: "s") == ["a", "b", "c"])
        #expect(try store.doneKeys(ofSweep: "nothing").isEmpty)
    }

    @Test("A store written before sweeps existed opens, keeps its runs and takes a sweep's")
    func olderStore() throws {
        // Written by backprop train at the commit before the sweep columns were added.
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/store-before-sweeps.sqlite")
        let path = RunsStoreTests.scratchFile()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
        let store = try RunsStore(path: path)
        let old = try store.runs()
        #expect(old.count == 1 && old[0].command.hasPrefix("backprop train --layers 784,10,10") && old[0].sweep == nil)
        #expect(old[0].epochsDone == 2 && old[0].status == .finished)
        let id = try store.add(try Self.finished("eta=1"))
        #expect(try RunsStore(path: path).runs(ofSweep: "s").map(\.id) == [id])
    }
}
