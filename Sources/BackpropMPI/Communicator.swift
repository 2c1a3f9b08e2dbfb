import Foundation

/// The processes of one job and the messages between them: MPI's world communicator when the
/// process was started by `mpirun`, or a job of one process otherwise, where every call still
/// works (rank 0 of 1, collectives return their input, messages sent to oneself queue up).
///
/// Get it with ``world()``, which starts MPI the first time. Calls are serialised by a lock, so
/// any thread may make them, one at a time. Every rank must make the same collective calls
/// (``barrier()``, the broadcasts, reductions and gathers) in the same order. Errors are thrown
/// as ``MPIError`` (MPI's error handler is set to return them, not to end the job).
///
/// A process that fails should ``abort(_:code:)``, which ends every rank; one that succeeds
/// should ``finalize()`` before it exits. A rank that exits any other way, or is killed, makes
/// `mpirun` end the others and name it.
///
/// ```swift
/// let world = try Communicator.world()
/// var sums = try world.allReduceSum([Float(world.rank)])   // 0 + 1 + … + (size − 1) on every rank
/// if world.rank == 0 { print(sums) }
/// try world.finalize()
/// ```
public final class Communicator: @unchecked Sendable {
    /// Whether this binary was built with MPI (the build found Open MPI's `ompi-c`).
    public static var isBuiltWithMPI: Bool {
        #if BACKPROP_MPI
        return true
        #else
        return false
        #endif
    }

    /// Whether this process was started by an MPI launcher (`mpirun`, `mpiexec`, `srun`), as
    /// the variables the launchers set say.
    public static var isLaunchedByMPI: Bool {
        let variables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"]
        return variables.contains { ProcessInfo.processInfo.environment[$0] != nil }
    }

    /// This process's number, 0 to ``size`` − 1.
    public var rank: Int { transport.rank }
    /// How many processes the job has.
    public var size: Int { transport.size }
    /// Whether messages go through MPI (false for a process running alone).
    public var usesMPI: Bool { transport.usesMPI }

    private let transport: Transport
    private let lock = NSLock()
    private var isFinalized = false

    private init(_ transport: Transport) { self.transport = transport }

    nonisolated(unsafe) private static var shared: Communicator?
    private static let sharedLock = NSLock()

    /// The job this process belongs to: started through MPI when launched by `mpirun`, a job of
    /// one process otherwise. The first call initialises MPI; later calls return the same value.
    /// - Throws: ``MPIError/notBuilt`` when launched by `mpirun` but built without MPI;
    ///   ``MPIError/failed(call:code:text:)`` when MPI does not start.
    public static func world() throws -> Communicator {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let shared { return shared }
        let transport: Transport
        if isLaunchedByMPI {
            #if BACKPROP_MPI
            transport = try MPITransport()
            #else
            throw MPIError.notBuilt
            #endif
        } else {
            transport = SingleProcess()
        }
        shared = Communicator(transport)
        return shared!
    }

    /// Waits until every rank has called it.
    public func barrier() throws {
        try serialised { try transport.barrier() }
    }

    /// `root`'s bytes, on every rank (the others' `bytes` are ignored and may differ in length).
    public func broadcast(_ bytes: [UInt8], from root: Int) throws -> [UInt8] {
        try serialised {
            try checkRank(root)
            var count = Int64(bytes.count)
            try transport.broadcast(&count, count: 1, element: .int64, from: root)
            var result = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count))
            try result.withUnsafeMutableBytes {
                guard let base = $0.baseAddress else { return }
                try transport.broadcast(base, count: $0.count, element: .byte, from: root)
            }
            return result
        }
    }

    /// Sends `bytes` to rank `destination` under `tag` (0 or more), returning once they are on
    /// their way (or, for large messages, once the receiver has started taking them).
    public func send(_ bytes: [UInt8], to destination: Int, tag: Int) throws {
        try serialised {
            try checkRank(destination)
            guard tag >= 0 else { throw MPIError.invalidTag(tag) }
            try bytes.withUnsafeBytes { try transport.send($0, to: destination, tag: tag) }
        }
    }

    /// Waits for a message from rank `source` under `tag`; nil for either takes any. The message
    /// says who sent it and under which tag.
    public func receive(from source: Int? = nil, tag: Int? = nil) throws -> Message {
        try serialised {
            if let source { try checkRank(source) }
            if let tag, tag < 0 { throw MPIError.invalidTag(tag) }
            return try transport.receive(from: source, tag: tag)
        }
    }

    /// The element-wise sum of every rank's `values` (equal counts), on every rank. MPI chooses
    /// the order of the additions, so the last bits may depend on the number of ranks; use
    /// ``allGather(_:)`` and add in a fixed order where that matters.
    public func allReduceSum<Scalar: ReducibleScalar>(_ values: [Scalar]) throws -> [Scalar] {
        try serialised {
            try checkEqualCounts(values.count, call: "allReduceSum")
            var result = values
            try result.withUnsafeMutableBytes {
                guard let base = $0.baseAddress else { return }
                try transport.allReduceSum(base, count: values.count, element: Element(Scalar.reducibleKind))
            }
            return result
        }
    }

    /// Every rank's `values` (equal counts), rank 0's first, on every rank.
    public func allGather<Scalar: ReducibleScalar>(_ values: [Scalar]) throws -> [Scalar] {
        try serialised { try checkEqualCounts(values.count, call: "allGather") }
        var result = [Scalar](repeating: 0, count: values.count * size)
        try values.withUnsafeBufferPointer { source in
            try result.withUnsafeMutableBufferPointer { try allGather(source, into: $0) }
        }
        return result
    }

    /// Every rank's `values`, rank 0's first, into `result`, which holds `size` times as many;
    /// without allocating, for repeated calls. Every rank must pass the same count (unchecked).
    public func allGather<Scalar: ReducibleScalar>(_ values: UnsafeBufferPointer<Scalar>,
                                                   into result: UnsafeMutableBufferPointer<Scalar>) throws {
        precondition(result.count == values.count * size, "allGather: \(result.count) places for \(size) × \(values.count)")
        guard let source = values.baseAddress, let destination = result.baseAddress else { return }
        try serialised {
            try transport.allGather(source, count: values.count, into: destination, element: Element(Scalar.reducibleKind))
        }
    }

    /// Writes `message` to standard error, naming this rank, and ends every process of the job
    /// with exit status `code`.
    public func abort(_ message: String, code: Int32 = 1) -> Never {
        let prefix = usesMPI ? "rank \(rank) of \(size): " : ""
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
        transport.abort(code: code)
    }

    /// Shuts MPI down; every rank calls it once, after its last call, before exiting.
    public func finalize() throws {
        try serialised {
            isFinalized = true
            try transport.finalize()
        }
    }

    /// Runs `body` under the lock, unless MPI is finalized.
    private func serialised<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard !isFinalized else { throw MPIError.finalized }
        return try body()
    }

    private func checkRank(_ rank: Int) throws {
        guard (0..<size).contains(rank) else { throw MPIError.invalidRank(rank, size: size) }
    }

    /// Throws unless every rank passes the same `count` (a collective: every rank must call it).
    private func checkEqualCounts(_ count: Int, call: String) throws {
        guard size > 1 else { return }
        var counts = [Int64](repeating: 0, count: size), mine = Int64(count)
        try counts.withUnsafeMutableBytes { try transport.allGather(&mine, count: 1, into: $0.baseAddress!, element: .int64) }
        guard Set(counts).count == 1 else { throw MPIError.mismatchedCounts(call: call, counts: counts.map { Int($0) }) }
    }
}
