// Every call of BackpropMPI's Communicator across the ranks of a real MPI job, checked against
// what each rank can work out for itself. Run by Tests/BackpropMPITests under
// `mpirun -np N` (N ≥ 2); exits 0 and prints "ok" on rank 0 when every check holds, and names
// the first one that fails otherwise.
import BackpropMPI
import Foundation

func require(_ condition: Bool, _ what: String, rank: Int) {
    guard !condition else { return }
    FileHandle.standardError.write(Data("rank \(rank): \(what)\n".utf8))
    exit(1)
}

do {
    let world = try Communicator.world()
    let (rank, size) = (world.rank, world.size)
    require(world.usesMPI && size >= 2, "not an MPI job of 2 or more ranks (size \(size))", rank: rank)
    try world.barrier()

    // Broadcast: the root's bytes, whatever length the others pass.
    let root = size - 1
    let broadcast = try world.broadcast(rank == root ? Array("from the last rank".utf8) : [1, 2], from: root)
    require(broadcast == Array("from the last rank".utf8), "broadcast gave \(broadcast)", rank: rank)

    // Send and receive: every rank but 0 sends its rank to 0, which takes them from any source
    // and checks each sender against what it sent, then answers each one under another tag.
    if rank == 0 {
        var seen = Set<Int>()
        for _ in 1..<size {
            let message = try world.receive(tag: 7)
            require(message.bytes == [UInt8(message.source)] && message.tag == 7, "message \(message)", rank: rank)
            seen.insert(message.source)
            try world.send([UInt8(message.source), 42], to: message.source, tag: 8)
        }
        require(seen == Set(1..<size), "senders \(seen)", rank: rank)
    } else {
        try world.send([UInt8(rank)], to: 0, tag: 7)
        let answer = try world.receive(from: 0)
        require(answer == Message(bytes: [UInt8(rank), 42], source: 0, tag: 8), "answer \(answer)", rank: rank)
    }

    // Reductions and gathers, Float and Double.
    let sum = try world.allReduceSum([Float(rank), 1])
    require(sum == [Float(size * (size - 1) / 2), Float(size)], "allReduceSum gave \(sum)", rank: rank)
    let gathered = try world.allGather([Double(rank) + 0.5, -Double(rank)])
    require(gathered == (0..<size).flatMap { [Double($0) + 0.5, -Double($0)] }, "allGather gave \(gathered)", rank: rank)

    // Unequal counts are an error on every rank, not a crash or a hang.
    do {
        _ = try world.allGather([Float](repeating: 0, count: rank + 1))
        require(false, "unequal allGather counts were accepted", rank: rank)
    } catch MPIError.mismatchedCounts(_, let counts) {
        require(counts == Array(1...size), "counts \(counts)", rank: rank)
    }

    if CommandLine.arguments.dropFirst().first == "--abort", rank == size - 1 {
        world.abort("stopping the job on purpose", code: 3)
    }
    try world.barrier()
    if rank == 0 { print("ok") }
    try world.finalize()
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
