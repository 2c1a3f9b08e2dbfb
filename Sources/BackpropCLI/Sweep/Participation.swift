import BackpropMPI
import Foundation

/// This process's part in a sweep or an ensemble: all of it, or one rank of an MPI job started by
/// `mpirun`, where rank 0 alone reads the spec and the store, prints and writes, and every rank
/// trains.
struct Participation {
    /// The MPI job of more than one rank; nil for a process alone.
    let world: Communicator?
    /// The MPI job this process joined, of any size, for leaving it at the end (`mpirun -np 1`
    /// counts a rank that never calls MPI_Finalize as failed).
    var joined: Communicator? = nil

    /// Joins the MPI job when started by `mpirun` (one of one otherwise).
    /// - Throws: ``MPIError/notBuilt`` when started by `mpirun` but built without MPI.
    static func join() throws -> Participation {
        guard Communicator.isLaunchedByMPI else { return Participation(world: nil) }
        // A rank waiting for a message polls; let it give way to the training threads on its core.
        setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0)
        let world = try Communicator.world()
        return Participation(world: world.size > 1 ? world : nil, joined: world)
    }

    /// Whether this process prints, and writes the store and the files.
    var isRoot: Bool { (world?.rank ?? 0) == 0 }

    /// "on 2 threads", or "on 3 ranks (…)".
    func describe(threads: Int) -> String {
        let local = "\(threads) thread\(threads == 1 ? "" : "s")"
        guard let world else { return "on " + local }
        return "on \(world.size) MPI ranks (rank 0 with \(local), the others one each)"
    }

    /// The workers: this process's threads, or the job's ranks (rank 0 with `threads` of its own).
    func workers(threads: Int) -> any Workers {
        world.map { MPIWorkers(world: $0, threads: threads) } ?? LocalWorkers(count: threads)
    }

    /// Rank 0's value on every rank (the value given elsewhere is ignored).
    func share<T: Codable>(_ value: T?) throws -> T {
        guard let world else { return value! }
        let bytes = try world.broadcast(isRoot ? try JSONEncoder().encode(value!).bytes : [], from: 0)
        return try JSONDecoder().decode(T.self, from: Data(bytes))
    }

    /// Leaves the MPI job at the end of the work.
    func finish() {
        try? joined?.finalize()
    }
}
