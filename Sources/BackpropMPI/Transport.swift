/// How a ``Communicator`` reaches the other processes: through MPI (``MPITransport``), or not at
/// all, as the only process (``SingleProcess``). Counts are in elements of `element`; every call
/// throws ``MPIError``.
protocol Transport: AnyObject {
    var rank: Int { get }
    var size: Int { get }
    var usesMPI: Bool { get }
    func barrier() throws
    /// Overwrites `buffer` on every rank with `root`'s.
    func broadcast(_ buffer: UnsafeMutableRawPointer, count: Int, element: Element, from root: Int) throws
    func send(_ bytes: UnsafeRawBufferPointer, to destination: Int, tag: Int) throws
    /// Waits for a message from `source` under `tag` (nil: any).
    func receive(from source: Int?, tag: Int?) throws -> Message
    /// Sums `count` elements over the ranks, in place, the same on every rank.
    func allReduceSum(_ buffer: UnsafeMutableRawPointer, count: Int, element: Element) throws
    /// Each rank's `count` elements, in rank order, into `result` (`size · count` of them).
    func allGather(_ values: UnsafeRawPointer, count: Int, into result: UnsafeMutableRawPointer, element: Element) throws
    /// Ends every process of the job with `code`.
    func abort(code: Int32) -> Never
    func finalize() throws
}

/// What the elements of a buffer are.
enum Element {
    case byte, int64, float, double

    var size: Int {
        switch self {
        case .byte: 1
        case .int64, .double: 8
        case .float: 4
        }
    }

    init(_ kind: ReducibleKind) {
        switch kind {
        case .float: self = .float
        case .double: self = .double
        }
    }
}
