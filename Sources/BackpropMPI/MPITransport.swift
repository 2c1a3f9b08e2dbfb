#if BACKPROP_MPI
import CMPI

/// The transport of a process started by `mpirun`: MPI's world communicator, with errors returned
/// as ``MPIError`` instead of ending the job (`MPI_ERRORS_RETURN`). MPI is initialised for
/// serialized calls (one thread at a time, which ``Communicator`` ensures).
final class MPITransport: Transport {
    let rank: Int, size: Int, usesMPI = true
    private let world = cmpi_comm_world()

    /// Initialises MPI (once per process).
    init() throws {
        var provided: Int32 = 0
        try check("MPI_Init_thread", MPI_Init_thread(nil, nil, cmpi_thread_serialized(), &provided))
        try check("MPI_Comm_set_errhandler", MPI_Comm_set_errhandler(world, cmpi_errors_return()))
        var rank: Int32 = 0, size: Int32 = 0
        try check("MPI_Comm_rank", MPI_Comm_rank(world, &rank))
        try check("MPI_Comm_size", MPI_Comm_size(world, &size))
        (self.rank, self.size) = (Int(rank), Int(size))
    }

    func barrier() throws {
        try check("MPI_Barrier", MPI_Barrier(world))
    }

    func broadcast(_ buffer: UnsafeMutableRawPointer, count: Int, element: Element, from root: Int) throws {
        try check("MPI_Bcast", MPI_Bcast(buffer, try int32(count), datatype(element), Int32(root), world))
    }

    func send(_ bytes: UnsafeRawBufferPointer, to destination: Int, tag: Int) throws {
        try check("MPI_Send", MPI_Send(bytes.baseAddress, try int32(bytes.count), cmpi_byte(), Int32(destination),
                                       Int32(tag), world))
    }

    func receive(from source: Int?, tag: Int?) throws -> Message {
        var status = MPI_Status()
        try check("MPI_Probe", MPI_Probe(source.map(Int32.init) ?? cmpi_any_source(), tag.map(Int32.init) ?? cmpi_any_tag(),
                                         world, &status))
        var count: Int32 = 0
        try check("MPI_Get_count", MPI_Get_count(&status, cmpi_byte(), &count))
        var bytes = [UInt8](repeating: 0, count: Int(count))
        let (from, under) = (status.MPI_SOURCE, status.MPI_TAG)
        try bytes.withUnsafeMutableBytes {
            try check("MPI_Recv", MPI_Recv($0.baseAddress, count, cmpi_byte(), from, under, world, cmpi_status_ignore()))
        }
        return Message(bytes: bytes, source: Int(from), tag: Int(under))
    }

    func allReduceSum(_ buffer: UnsafeMutableRawPointer, count: Int, element: Element) throws {
        try check("MPI_Allreduce", MPI_Allreduce(cmpi_in_place(), buffer, try int32(count), datatype(element), cmpi_sum(), world))
    }

    func allGather(_ values: UnsafeRawPointer, count: Int, into result: UnsafeMutableRawPointer, element: Element) throws {
        let n = try int32(count), type = datatype(element)
        try check("MPI_Allgather", MPI_Allgather(values, n, type, result, n, type, world))
    }

    func abort(code: Int32) -> Never {
        MPI_Abort(world, code)
        fatalError("MPI_Abort returned")  // it does not: mpirun ends every process
    }

    func finalize() throws {
        try check("MPI_Finalize", MPI_Finalize())
    }

    private func datatype(_ element: Element) -> MPI_Datatype {
        switch element {
        case .byte: cmpi_byte()
        case .int64: cmpi_int64()
        case .float: cmpi_float()
        case .double: cmpi_double()
        }
    }

    private func int32(_ count: Int) throws -> Int32 {
        guard let n = Int32(exactly: count) else { throw MPIError.tooLarge(count: count) }
        return n
    }
}

/// Throws unless `code` is `MPI_SUCCESS`, with MPI's text for it.
private func check(_ call: String, _ code: Int32) throws {
    guard code != cmpi_success() else { return }
    var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
    var length: Int32 = 0
    MPI_Error_string(code, &text, &length)
    throw MPIError.failed(call: call, code: code, text: String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
}
#endif
