import Backprop
import BackpropMPI
import Foundation

/// Data-parallel gradient steps whose result does not depend on the number of processes.
///
/// Each mini-batch is cut into ``shards`` fixed pieces (shard s holds examples
/// ⌊s·m/S⌋ ..< ⌊(s+1)·m/S⌋ of the m), whatever the number of processes N. The mini-batch's gradient
/// sum is the sum of the shards' sums added as one fixed binary tree: ((g₀ + g₁) + (g₂ + g₃)) for
/// S = 4. With S and N powers of two and N ≤ S, each process owns a whole subtree (S/N neighbouring
/// shards), sums it itself, and an all-gather brings the N subtree sums to every process, which
/// add them by the same tree. So every process, for every N, adds the same numbers in the same
/// order: the weights after each step are the same to the last bit for N = 1, 2, 4, …, S, and
/// every process takes the same step.
///
/// Two more numbers travel with each sum and are added alike: how many shards had a non-finite
/// output (so that every process sees a divergence at once) and how many processes were asked to
/// stop (so that all stop after the same step).
public final class ShardedStep<Scalar: BLASScalar & ReducibleScalar> {
    /// The processes sharing the work.
    public let world: Communicator
    /// S, the pieces each mini-batch is cut into.
    public let shards: Int
    /// Where the time of the steps went, on this process.
    public private(set) var timing = Timing()
    /// Whether some process was asked to stop at the last step (the same answer on every process).
    public private(set) var stopRequested = false

    /// Seconds spent in the steps so far, by phase.
    public struct Timing: Sendable {
        /// Forward and backward passes over this process's shards, and adding their sums.
        public var computing = 0.0
        /// In the all-gather: exchanging the sums, and waiting for slower processes.
        public var exchanging = 0.0
        /// Adding the gathered sums and updating the weights.
        public var combining = 0.0
        /// Steps taken.
        public var steps = 0
        /// Bytes this process sent in all-gathers.
        public var bytesSent = 0
    }

    private let wantsToStop: () -> Bool
    /// One sum per level of this process's subtree, then N sums gathered; each `width` long.
    private var levels: [Scalar] = [], gathered: [Scalar] = []
    private var width = 0

    /// Steps over `world`'s processes with mini-batches cut into `shards` pieces; `wantsToStop`
    /// is asked at each step whether this process was asked to stop.
    /// - Throws: ``ShardingError`` unless `shards` is a power of two and the number of processes
    ///   a power of two no larger.
    public init(world: Communicator, shards: Int, wantsToStop: @escaping () -> Bool = { false }) throws(ShardingError) {
        guard shards > 0, shards & (shards - 1) == 0 else { throw .shardsNotPowerOfTwo(shards) }
        guard world.size & (world.size - 1) == 0 else { throw .processesNotPowerOfTwo(world.size) }
        guard world.size <= shards else { throw .moreProcessesThanShards(processes: world.size, shards: shards) }
        (self.world, self.shards, self.wantsToStop) = (world, shards, wantsToStop)
    }

    /// One step on examples `indices` of `data`: this process's shards summed, the sums of all
    /// exchanged and added in the fixed order, then the same update on every process. Ends the
    /// job, naming the cause, if the exchange fails.
    /// - Returns: Whether every output of every shard's forward pass was finite.
    public func step(_ network: any GradientSumming<Scalar>, on data: LabelledData, indices: ArraySlice<Int>,
                     optimizer: inout Optimizer<Scalar>) -> Bool {
        let parameters = network.parameterCount, perProcess = shards / world.size
        if width != parameters + 2 {
            width = parameters + 2
            levels = [Scalar](repeating: 0, count: width * (perProcess.trailingZeroBitCount + 1))
            gathered = [Scalar](repeating: 0, count: width * world.size)
        }
        let clock = ContinuousClock()
        var start = clock.now
        func lap() -> Double {
            let now = clock.now
            defer { start = now }
            return (now - start).inSeconds
        }
        let first = world.rank * perProcess
        levels.withUnsafeMutableBufferPointer { levels in
            sum(network, data, indices, shards: first ..< first + perProcess, into: levels.baseAddress!, parameters: parameters)
            levels[parameters + 1] = wantsToStop() ? 1 : 0
        }
        timing.computing += lap()
        if world.size > 1 {
            do {
                try levels.withUnsafeBufferPointer { levels in
                    try gathered.withUnsafeMutableBufferPointer {
                        try world.allGather(UnsafeBufferPointer(rebasing: levels[..<width]), into: $0)
                    }
                }
            } catch {
                world.abort("data-parallel training could not exchange gradient sums: \(error)")
            }
            timing.exchanging += lap()
            timing.bytesSent += width * MemoryLayout<Scalar>.size
        }
        var finite = true
        // The total: of the gathered subtree sums, or of this process's whole tree.
        func finish(_ sums: UnsafeMutablePointer<Scalar>) {
            if world.size > 1 { addTree(sums, count: world.size) }
            finite = sums[parameters] == 0
            stopRequested = sums[parameters + 1] > 0
            network.step(gradientSum: sums, examples: indices.count, optimizer: &optimizer)
        }
        if world.size > 1 {
            gathered.withUnsafeMutableBufferPointer { finish($0.baseAddress!) }
        } else {
            levels.withUnsafeMutableBufferPointer { finish($0.baseAddress!) }
        }
        timing.combining += lap()
        timing.steps += 1
        return finite
    }

    /// The tree sum of `shards` of the mini-batch into `sums` (its first `width` numbers), using
    /// the next `width` numbers for the right-hand subtree at each level.
    private func sum(_ network: any GradientSumming<Scalar>, _ data: LabelledData, _ indices: ArraySlice<Int>,
                     shards range: Range<Int>, into sums: UnsafeMutablePointer<Scalar>, parameters: Int) {
        guard range.count == 1 else {
            let middle = range.lowerBound + range.count / 2
            sum(network, data, indices, shards: range.lowerBound ..< middle, into: sums, parameters: parameters)
            sum(network, data, indices, shards: middle ..< range.upperBound, into: sums + width, parameters: parameters)
            add(sums + width, to: sums)
            return
        }
        let m = indices.count, s = range.lowerBound
        let examples = indices[(indices.startIndex + s * m / shards) ..< (indices.startIndex + (s + 1) * m / shards)]
        if examples.isEmpty {
            sums.update(repeating: 0, count: width)
        } else {
            sums[parameters] = network.gradientSum(on: data, indices: examples, into: sums) ? 0 : 1
            sums[parameters + 1] = 0
        }
    }

    /// Adds `count` consecutive sums (`count` a power of two) as a binary tree into the first.
    private func addTree(_ sums: UnsafeMutablePointer<Scalar>, count: Int) {
        var step = 1
        while step < count {
            for left in stride(from: 0, to: count, by: 2 * step) { add(sums + (left + step) * width, to: sums + left * width) }
            step *= 2
        }
    }

    /// left += right, by BLAS (a generic loop here would not be specialised for the caller's
    /// type); y + 1·x is y + x to the last bit, however the library vectorises it.
    private func add(_ right: UnsafePointer<Scalar>, to left: UnsafeMutablePointer<Scalar>) {
        Scalar.axpy(count: width, alpha: 1, x: right, y: left)
    }
}

/// A shard count or a number of processes that data-parallel training cannot split by.
public enum ShardingError: Error, Equatable, CustomStringConvertible {
    case shardsNotPowerOfTwo(Int)
    case processesNotPowerOfTwo(Int)
    case moreProcessesThanShards(processes: Int, shards: Int)

    public var description: String {
        switch self {
        case .shardsNotPowerOfTwo(let shards):
            return "--shards must be a power of two (1, 2, 4, 8, …), got \(shards)"
        case .processesNotPowerOfTwo(let processes):
            return "data-parallel training runs on a power of two of processes (1, 2, 4, 8, …), not \(processes); "
                + "give mpirun -np one of those"
        case .moreProcessesThanShards(let processes, let shards):
            return "data-parallel training with --shards \(shards) runs on at most \(shards) processes, not \(processes); "
                + "give --shards \(processes) or more (the result then differs from that of --shards \(shards))"
        }
    }
}
