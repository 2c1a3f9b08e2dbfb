import BackpropKernels
import Foundation

/// A data set's nonzero inputs, as the kernels read them: for each example, the positions and
/// bytes of its inputs that are not zero (see ``Engine``). Found once and reused by every epoch
/// and every evaluation, instead of looking for them in each mini-batch.
final class SparseInputs: @unchecked Sendable {  // immutable once made
    let handle: OpaquePointer
    /// Examples, and values per input.
    let count: Int, inputSize: Int

    /// Found with the scan of `kernels`' instruction set (all give the same result); nil when out
    /// of memory or when the inputs are more than 65,536 values (positions are 16-bit).
    init?(_ data: LabelledData, kernels: Engine = .automatic) {
        let isa = kernels.instructionSet ?? Int32(bp_best_isa())
        let made = data.inputBytes.withUnsafeBufferPointer {
            bp_sparse_inputs_create($0.baseAddress, Int32(clamping: data.inputSize), data.count, isa)
        }
        guard let made else { return nil }
        handle = made
        count = data.count
        inputSize = data.inputSize
    }

    deinit { bp_sparse_inputs_destroy(handle) }

    /// The nonzero inputs of all examples together.
    var nonzeroCount: Int { bp_sparse_inputs_nonzero(handle) }

    /// Example `e`'s nonzero inputs: their positions and bytes, in order.
    func example(_ e: Int) -> (positions: [Int], bytes: [UInt8]) {
        precondition((0..<count).contains(e))
        var index: UnsafePointer<UInt16>?, value: UnsafePointer<UInt8>?
        let n = Int(bp_sparse_inputs_example(handle, e, &index, &value))
        return ((0..<n).map { Int(index![$0]) }, (0..<n).map { value![$0] })
    }
}

/// Where a ``LabelledData`` keeps its ``SparseInputs`` once they are found. Copies of the data set
/// share it; changing the bytes gives the data set a new, empty one.
final class SparseInputsCache: @unchecked Sendable {  // `inputs` is only touched under `lock`
    private let lock = NSLock()
    private var inputs: SparseInputs?

    func inputs(of data: LabelledData) -> SparseInputs? {
        lock.lock()
        defer { lock.unlock() }
        if inputs == nil { inputs = SparseInputs(data) }
        return inputs
    }
}

extension LabelledData {
    /// The nonzero inputs, found the first time they are asked for (for MNIST's 50,000 training
    /// images: 22 MB, about 20 ms); nil when they cannot be made.
    var sparseInputs: SparseInputs? { sparseInputsCache.inputs(of: self) }
}
