import Foundation

/// The transport of a process that runs alone (not started by `mpirun`, or built without MPI):
/// rank 0 of 1, where every collective leaves its data as it is and messages sent to oneself
/// wait in a queue until received.
final class SingleProcess: Transport {
    let rank = 0, size = 1, usesMPI = false
    private var queue: [Message] = []

    func barrier() {}

    func broadcast(_: UnsafeMutableRawPointer, count _: Int, element _: Element, from root: Int) throws {
        guard root == 0 else { throw MPIError.invalidRank(root, size: 1) }
    }

    func send(_ bytes: UnsafeRawBufferPointer, to destination: Int, tag: Int) throws {
        guard destination == 0 else { throw MPIError.invalidRank(destination, size: 1) }
        queue.append(Message(bytes: Array(bytes.bindMemory(to: UInt8.self)), source: 0, tag: tag))
    }

    func receive(from source: Int?, tag: Int?) throws -> Message {
        if let source, source != 0 { throw MPIError.invalidRank(source, size: 1) }
        guard let index = queue.firstIndex(where: { tag == nil || $0.tag == tag }) else { throw MPIError.noMessage(tag: tag) }
        return queue.remove(at: index)
    }

    func allReduceSum(_: UnsafeMutableRawPointer, count _: Int, element _: Element) {}

    func allGather(_ values: UnsafeRawPointer, count: Int, into result: UnsafeMutableRawPointer, element: Element) {
        result.copyMemory(from: values, byteCount: count * element.size)
    }

    func abort(code: Int32) -> Never { exit(code) }

    func finalize() {}
}
