import Backprop
import Foundation
import Runs
import Testing

@Suite("The runs store")
struct RunsStoreTests {
    static func scratchFile() -> String {
        NSTemporaryDirectory() + "backprop-runs-\(UUID().uuidString)/runs.sqlite"
    }

    static func trainedRun(epochs: Int) throws -> TrainingRun<Float> {
        var generator = SeededGenerator(seed: 4)
        let network = Network<Float>(layerSizes: [4, 3, 2], using: &generator)
        let data = LabelledData(inputSize: 4, classCount: 2, inputBytes: (0..<40).map { UInt8($0 * 29 % 256) },
                                labels: (0..<10).map { UInt8($0 % 2) })
        var run = try TrainingRun(network: network, configuration: StochasticGradientDescent(epochs: epochs, miniBatchSize: 5, eta: 1),
                                  trainingData: data, evaluationData: data, generator: generator, seed: 4)
        while !run.isFinished { try run.runEpoch(on: data, evaluatingOn: data) }
        return run
    }

    @Test("A run is recorded with its settings and epochs, and read back")
    func recordAndRead() throws {
        let path = Self.scratchFile()
        let store = try RunsStore(path: path)
        let run = try Self.trainedRun(epochs: 3)
        var started = run
        started.history.epochs = []
        let id = try store.start(started, command: "backprop train --epochs 3", engine: .blas, modelPath: "m.json")
        for epoch in run.history.epochs { try store.record(epoch, run: id) }
        try store.finish(run: id, status: .finished, modelPath: nil)

        let reopened = try RunsStore(path: path)
        let summary = try #require(try reopened.run(id))
        #expect(summary.layerSizes == [4, 3, 2] && summary.configuration == run.configuration && summary.seed == 4)
        #expect(summary.status == .finished && summary.epochsDone == 3 && summary.engine == "blas")
        #expect(summary.modelPath == FileManager.default.currentDirectoryPath + "/m.json")
        #expect(summary.bestAccuracy == run.history.bestEpoch?.evaluation?.accuracy)
        #expect(summary.bestEpoch == run.history.bestEpoch?.epoch)
        #expect(try reopened.epochs(of: id) == run.history.epochs)
        #expect(try reopened.runs().map(\.id) == [id])
        #expect(try reopened.run(id + 1) == nil)
    }

    @Test("A resumed run starts a new entry holding the epochs it had already done")
    func resumedRun() throws {
        let store = try RunsStore(path: Self.scratchFile())
        let run = try Self.trainedRun(epochs: 2)
        let first = try store.start(run, command: "a", engine: .automatic, modelPath: nil)
        let second = try store.start(run, command: "b", engine: .automatic, modelPath: nil)
        #expect(first != second)
        #expect(try store.epochs(of: second).count == 2)
        #expect(try store.runs().map(\.command) == ["a", "b"])
    }

    @Test("A file that is not a store is refused, naming it")
    func notAStore() throws {
        let path = Self.scratchFile()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("this is not SQLite".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try RunsStore(path: path)
        } throws: { error in
            "\(error)".contains(path)
        }
    }

    @Test("BACKPROP_RUNS names the store, none turns it off, and the default is under the data home")
    func location() {
        #expect(RunsStore.defaultPath(environment: ["BACKPROP_RUNS": "/x/r.sqlite"]) == "/x/r.sqlite")
        #expect(RunsStore.defaultPath(environment: ["BACKPROP_RUNS": "none"]) == nil)
        #expect(RunsStore.defaultPath(environment: ["XDG_DATA_HOME": "/d"]) == "/d/backprop/runs.sqlite")
        #expect(RunsStore.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/backprop/runs.sqlite")
    }
}
