import Backprop
import Foundation
import GRDB

/// Every training run, recorded as it goes: its settings, each epoch's results and where its
/// model was saved, in one SQLite file (through GRDB). `backprop train` writes it; `backprop runs`
/// lists and compares what it holds.
///
/// The file is `$BACKPROP_RUNS` when that is set (`none` turns recording off), else
/// `runs.sqlite` in `$XDG_DATA_HOME/backprop` or `~/.local/share/backprop`.
public final class RunsStore: Sendable {
    /// The environment variable that names the store's file, or `none`.
    public static let environmentVariable = "BACKPROP_RUNS"

    private let database: DatabaseQueue
    /// The file.
    public let path: String

    /// The file `BACKPROP_RUNS` names, or the default one; nil when recording is off.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let named = environment[environmentVariable], !named.isEmpty { return named == "none" ? nil : named }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return base + "/backprop/runs.sqlite"
    }

    /// Opens the store at `path`, creating the file (and its folder) and the tables when missing.
    /// - Throws: ``RunsStoreError`` naming the file and what is wrong with it.
    public init(path: String) throws(RunsStoreError) {
        self.path = path
        do {
            let folder = (path as NSString).deletingLastPathComponent  // empty for a file in the current folder
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)  // another backprop may be writing
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw RunsStoreError(path: path, reason: Self.describe(error))
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("runs and epochs") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("started", .datetime).notNull()
                t.column("command", .text).notNull()
                t.column("layerSizes", .text).notNull()
                t.column("configuration", .text).notNull()
                t.column("seed", .integer)
                t.column("engine", .text).notNull()
                t.column("modelPath", .text)
                t.column("status", .text).notNull()
                t.column("epochsDone", .integer).notNull()
                t.column("bestAccuracy", .double)
                t.column("bestEpoch", .integer)
            }
            try db.create(table: "epoch") { t in
                t.column("runId", .integer).notNull().references("run", onDelete: .cascade)
                t.column("epoch", .integer).notNull()
                t.column("evaluationAccuracy", .double)
                t.column("record", .text).notNull()
                t.primaryKey(["runId", "epoch"])
            }
        }
        // Added later, nullable, so stores written before it open unchanged: which sweep a run
        // belongs to and the settings that identify it there (RunsStore+Sweeps.swift).
        migrator.registerMigration("sweeps") { db in
            try db.alter(table: "run") { t in
                t.add(column: "sweep", .text)
                t.add(column: "sweepKey", .text)
            }
            try db.create(index: "runSweepKey", on: "run", columns: ["sweep", "sweepKey"])
        }
        return migrator
    }

    /// Records a run as it starts (or resumes), with the epochs it has already done.
    /// - Returns: The run's number in the store.
    @discardableResult
    public func start(_ run: TrainingRun<Float>, command: String, engine: Engine,
                      modelPath: String?) throws(RunsStoreError) -> Int64 {
        try write { db in
            let row = RunRow(id: nil, started: Date(), command: command, layerSizes: try Self.json(run.network.layerSizes),
                             configuration: try Self.json(run.configuration), seed: run.seed.map { Int64(bitPattern: $0) },
                             engine: engine.rawValue, modelPath: modelPath.map(Self.absolute), status: RunStatus.running.rawValue,
                             epochsDone: 0, bestAccuracy: nil, bestEpoch: nil, sweep: nil, sweepKey: nil)
            let inserted = try row.inserted(db)
            for record in run.history.epochs { try Self.insert(record, runId: inserted.id!, db: db) }
            try Self.updateSummary(runId: inserted.id!, db: db)
            return inserted.id!
        }
    }

    /// Adds one finished epoch to run `id`.
    public func record(_ epoch: EpochRecord, run id: Int64) throws(RunsStoreError) {
        try write { db in
            try Self.insert(epoch, runId: id, db: db)
            try Self.updateSummary(runId: id, db: db)
        }
    }

    /// Marks run `id` as ended, and where its model went.
    public func finish(run id: Int64, status: RunStatus, modelPath: String?) throws(RunsStoreError) {
        try write { db in
            try db.execute(sql: "UPDATE run SET status = ?, modelPath = COALESCE(?, modelPath) WHERE id = ?",
                           arguments: [status.rawValue, modelPath.map(Self.absolute), id])
        }
    }

    /// Every run, oldest first.
    public func runs() throws(RunsStoreError) -> [RunSummary] {
        try read { db in try RunRow.order(Column("id")).fetchAll(db).map { try $0.summary() } }
    }

    /// Run `id`, or nil when the store has none by that number.
    public func run(_ id: Int64) throws(RunsStoreError) -> RunSummary? {
        try read { db in try RunRow.fetchOne(db, key: id)?.summary() }
    }

    /// Run `id`'s epochs, in order.
    public func epochs(of id: Int64) throws(RunsStoreError) -> [EpochRecord] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT record FROM epoch WHERE runId = ? ORDER BY epoch", arguments: [id])
                .map { try JSONDecoder().decode(EpochRecord.self, from: Data($0.utf8)) }
        }
    }

    static func insert(_ record: EpochRecord, runId: Int64, db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO epoch (runId, epoch, evaluationAccuracy, record) VALUES (?, ?, ?, ?)",
                       arguments: [runId, record.epoch, record.evaluation?.accuracy, try json(record)])
    }

    static func updateSummary(runId: Int64, db: Database) throws {
        try db.execute(sql: """
            UPDATE run SET epochsDone = (SELECT COUNT(*) FROM epoch WHERE runId = :id),
              bestAccuracy = (SELECT MAX(evaluationAccuracy) FROM epoch WHERE runId = :id),
              bestEpoch = (SELECT epoch FROM epoch WHERE runId = :id AND evaluationAccuracy IS NOT NULL
                           ORDER BY evaluationAccuracy DESC, epoch ASC LIMIT 1)
            WHERE id = :id
            """, arguments: ["id": runId])
    }

    func write<T>(_ body: (Database) throws -> T) throws(RunsStoreError) -> T {
        do { return try database.write(body) } catch { throw RunsStoreError(path: path, reason: Self.describe(error)) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(RunsStoreError) -> T {
        do { return try database.read(body) } catch { throw RunsStoreError(path: path, reason: Self.describe(error)) }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// How a run ended, or that it has not.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running, finished, stopped, diverged, interrupted
}

/// A run as the store lists it.
public struct RunSummary: Equatable, Sendable {
    public var id: Int64
    public var started: Date
    /// The command line that started it.
    public var command: String
    public var layerSizes: [Int]
    public var configuration: StochasticGradientDescent
    public var seed: UInt64?
    /// The engine that ran it.
    public var engine: String
    /// Where its model file was saved (absolute), if it was.
    public var modelPath: String?
    public var status: RunStatus
    public var epochsDone: Int
    /// The highest evaluation accuracy and its epoch, when it was evaluated.
    public var bestAccuracy: Double?
    public var bestEpoch: Int?
    /// The sweep it belongs to (`backprop sweep`), and the settings that identify it there.
    public var sweep: String?
    public var sweepKey: String?
}

/// A store that cannot be opened, read or written.
public struct RunsStoreError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "the runs store \(path): \(reason)" }
}

/// One row of the `run` table.
struct RunRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "run"
    var id: Int64?
    var started: Date
    var command: String
    var layerSizes: String
    var configuration: String
    var seed: Int64?
    var engine: String
    var modelPath: String?
    var status: String
    var epochsDone: Int
    var bestAccuracy: Double?
    var bestEpoch: Int?
    var sweep: String?
    var sweepKey: String?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func summary() throws -> RunSummary {
        RunSummary(
            id: id ?? 0, started: started, command: command,
            layerSizes: try JSONDecoder().decode([Int].self, from: Data(layerSizes.utf8)),
            configuration: try JSONDecoder().decode(StochasticGradientDescent.self, from: Data(configuration.utf8)),
            seed: seed.map { UInt64(bitPattern: $0) }, engine: engine, modelPath: modelPath,
            status: RunStatus(rawValue: status) ?? .running, epochsDone: epochsDone,
            bestAccuracy: bestAccuracy, bestEpoch: bestEpoch, sweep: sweep, sweepKey: sweepKey)
    }
}
