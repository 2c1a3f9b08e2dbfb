import Backprop
import Foundation
import GRDB

/// A run trained somewhere else (another thread, another MPI rank) and recorded whole once it
/// ended, as `backprop sweep` records each of its runs.
public struct FinishedRun: Codable, Equatable, Sendable {
    /// The command that trains the same run alone, e.g. "backprop train --eta 0.5 --seed 3".
    public var command: String
    public var layerSizes: [Int]
    public var configuration: StochasticGradientDescent
    public var seed: UInt64?
    /// The engine that ran it.
    public var engine: String
    public var status: RunStatus
    public var epochs: [EpochRecord]
    /// The sweep it belongs to, and the settings that identify it there.
    public var sweep: String
    public var sweepKey: String

    public init(command: String, layerSizes: [Int], configuration: StochasticGradientDescent, seed: UInt64?,
                engine: String, status: RunStatus, epochs: [EpochRecord], sweep: String, sweepKey: String) {
        self.command = command
        self.layerSizes = layerSizes
        self.configuration = configuration
        self.seed = seed
        self.engine = engine
        self.status = status
        self.epochs = epochs
        self.sweep = sweep
        self.sweepKey = sweepKey
    }
}

extension RunsStore {
    /// Records a finished run of a sweep, with all its epochs, in one transaction: a sweep killed
    /// at any moment leaves each of its runs in the store wholly or not at all. A run whose sweep
    /// and settings are already recorded as done is not recorded twice.
    /// - Returns: The run's number in the store (the earlier one when it was there already).
    @discardableResult
    public func add(_ run: FinishedRun) throws(RunsStoreError) -> Int64 {
        try write { db in
            if let id = try Self.doneRunId(sweep: run.sweep, key: run.sweepKey, db: db) { return id }
            let row = RunRow(id: nil, started: Date(), command: run.command, layerSizes: try Self.json(run.layerSizes),
                             configuration: try Self.json(run.configuration), seed: run.seed.map { Int64(bitPattern: $0) },
                             engine: run.engine, modelPath: nil, status: run.status.rawValue,
                             epochsDone: 0, bestAccuracy: nil, bestEpoch: nil, sweep: run.sweep, sweepKey: run.sweepKey)
            let inserted = try row.inserted(db)
            for record in run.epochs { try Self.insert(record, runId: inserted.id!, db: db) }
            try Self.updateSummary(runId: inserted.id!, db: db)
            return inserted.id!
        }
    }

    /// The settings keys of sweep `name`'s runs that are done (finished, stopped early or
    /// diverged): a sweep started again skips them.
    public func doneKeys(ofSweep name: String) throws(RunsStoreError) -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: "SELECT sweepKey FROM run WHERE sweep = ? AND sweepKey IS NOT NULL AND status IN (?, ?, ?)",
                                    arguments: StatementArguments([name] + Self.doneStatuses)))
        }
    }

    /// Sweep `name`'s runs, oldest first.
    public func runs(ofSweep name: String) throws(RunsStoreError) -> [RunSummary] {
        try read { db in try RunRow.filter(Column("sweep") == name).order(Column("id")).fetchAll(db).map { try $0.summary() } }
    }

    private static let doneStatuses = [RunStatus.finished, .stopped, .diverged].map(\.rawValue)

    private static func doneRunId(sweep: String, key: String, db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE sweep = ? AND sweepKey = ? AND status IN (?, ?, ?) ORDER BY id LIMIT 1",
                           arguments: StatementArguments([sweep, key] + doneStatuses))
    }
}
