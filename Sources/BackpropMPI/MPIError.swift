/// What went wrong in a ``Communicator`` call, in words a person can act on.
public enum MPIError: Error, CustomStringConvertible, Equatable {
    /// The process was started by `mpirun` but this binary was built without MPI, so it cannot
    /// talk to the other processes.
    case notBuilt
    /// An MPI call returned an error: the call, its error code and MPI's own text for it.
    case failed(call: String, code: Int32, text: String)
    /// A rank outside 0..<size was named.
    case invalidRank(Int, size: Int)
    /// Ranks passed different element counts to a collective that needs equal ones.
    case mismatchedCounts(call: String, counts: [Int])
    /// A tag below 0 (MPI's tags run from 0 to at least 32,767).
    case invalidTag(Int)
    /// More elements than one MPI call can carry (2³¹ − 1).
    case tooLarge(count: Int)
    /// A single process waited for a message that nobody sent it.
    case noMessage(tag: Int?)
    /// A call came after ``Communicator/finalize()``.
    case finalized

    public var description: String {
        switch self {
        case .notBuilt:
            return "this process was started by mpirun, but this program was built without MPI "
                + "(mpi.h was not found, or BACKPROP_MPI was 0, when it was built); install libopenmpi-dev (scripts/install-dependencies --mpi) "
                + "and rebuild: scripts/train does, or BACKPROP_MPI=1 swift build -c release"
        case let .failed(call, code, text):
            return "\(call) failed (MPI error \(code)): \(text)"
        case let .invalidRank(rank, size):
            return "rank \(rank) does not exist; the ranks are 0 to \(size - 1)"
        case let .mismatchedCounts(call, counts):
            return "\(call) needs the same number of elements from every rank, but the ranks gave \(counts)"
        case let .invalidTag(tag):
            return "tag \(tag) is negative; MPI tags run from 0 to at least 32767"
        case let .tooLarge(count):
            return "\(count) elements are more than one MPI call can carry (2147483647)"
        case let .noMessage(tag):
            return "no message\(tag.map { " with tag \($0)" } ?? "") was sent to this single process, so none can arrive"
        case .finalized:
            return "MPI was already finalized in this process"
        }
    }
}
