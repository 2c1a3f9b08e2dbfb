import Backprop
import BackpropMPI
import DataParallel
import Testing

/// Sharded steps in a job of one process (Tests/CLITests run them across processes): the sum
/// of the shards' gradient sums, added as the fixed tree, then one step.
@Suite("Sharded gradient steps")
struct ShardedStepTests {
    static let data: LabelledData = {
        var generator = SeededGenerator(seed: 4)
        let bytes = (0..<(20 * 16)).map { _ in UInt8(generator.nextInt(below: 256)) }
        return LabelledData(inputSize: 16, classCount: 3, inputBytes: bytes, labels: (0..<20).map { UInt8($0 % 3) })
    }()

    static func network() -> Network<Float> {
        var generator = SeededGenerator(seed: 7)
        return Network(layerSizes: [16, 6, 3], using: &generator)
    }

    /// The gradient sum over `indices` on a fresh prepared network.
    static func sum(_ indices: ArraySlice<Int>) -> [Float] {
        let prepared = Engine.blas.prepareForGradientSums(network())
        var gradient = [Float](repeating: 0, count: prepared.parameterCount)
        gradient.withUnsafeMutableBufferPointer { _ = prepared.gradientSum(on: data, indices: indices, into: $0.baseAddress!) }
        return gradient
    }

    /// The network after one step from `gradient`, a sum over `examples` examples.
    static func stepped(from gradient: [Float], examples: Int) -> Network<Float> {
        var network = network(), optimizer = Optimizer<Float>(eta: 0.5, regularization: .l2(lambda: 1), trainingSetSize: 20,
                                                                momentum: 0.5, for: network)
        let prepared = Engine.blas.prepareForGradientSums(network, optimizer: optimizer)
        var gradient = gradient
        gradient.withUnsafeMutableBufferPointer { prepared.step(gradientSum: $0.baseAddress!, examples: examples, optimizer: &optimizer) }
        prepared.store(into: &network, optimizer: &optimizer)
        return network
    }

    /// The network after one sharded step over `indices`.
    static func sharded(_ indices: ArraySlice<Int>, shards: Int, stop: Bool = false) throws -> (Network<Float>, ShardedStep<Float>, Bool) {
        var network = network(), optimizer = Optimizer<Float>(eta: 0.5, regularization: .l2(lambda: 1), trainingSetSize: 20,
                                                                momentum: 0.5, for: network)
        let step = try ShardedStep<Float>(world: Communicator.world(), shards: shards) { stop }
        let prepared = Engine.automatic.prepareForGradientSums(network, optimizer: optimizer)
        let finite = step.step(prepared, on: data, indices: indices, optimizer: &optimizer)
        prepared.store(into: &network, optimizer: &optimizer)
        return (network, step, finite)
    }

    @Test("Four shards add as (g₀ + g₁) + (g₂ + g₃), then step once")
    func fourShards() throws {
        let indices = Array(0..<20)[2..<12]  // 10 examples: shards of 2, 3, 2, 3
        let g = [indices[2..<4], indices[4..<7], indices[7..<9], indices[9..<12]].map(Self.sum)
        let total = zip(zip(g[0], g[1]).map(+), zip(g[2], g[3]).map(+)).map(+)
        let (network, step, finite) = try Self.sharded(indices, shards: 4)
        #expect(finite)
        #expect(network == Self.stepped(from: total, examples: 10))
        #expect(step.timing.steps == 1 && !step.stopRequested)
        // Added in another order, the weights differ in the last bits.
        let other = zip(zip(zip(g[0], g[1]).map(+), g[2]).map(+), g[3]).map(+)
        #expect(other != total, "the test data should tell the two orders apart")
    }

    @Test("Shards left empty by a small mini-batch add nothing")
    func emptyShards() throws {
        let indices = Array(0..<20)[5..<7]  // 2 examples: shards 1 and 3 hold one each
        let g = [indices[5..<6], indices[6..<7]].map(Self.sum)
        let (network, _, finite) = try Self.sharded(indices, shards: 4)
        #expect(finite)
        #expect(network == Self.stepped(from: zip(g[0], g[1]).map(+), examples: 2))
    }

    @Test("A request to stop is passed on")
    func stop() throws {
        let (_, step, _) = try Self.sharded(Array(0..<20)[0..<8], shards: 2, stop: true)
        #expect(step.stopRequested)
    }

    @Test("Shard counts must be powers of two, and the processes no more than the shards", arguments: [0, 3, 6, -4])
    func badShards(shards: Int) throws {
        #expect(throws: ShardingError.shardsNotPowerOfTwo(shards)) { try ShardedStep<Float>(world: Communicator.world(), shards: shards) }
    }
}
