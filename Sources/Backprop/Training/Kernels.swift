import BackpropKernels
import Foundation

/// Which code trains and evaluates a network.
///
/// The kernels (a C target) exploit what makes MNIST-like data cheap: most inputs are zero, and a
/// zero input adds nothing to a weighted input or to a weight's gradient. They keep the first
/// layer's weights transposed, touch only the rows of nonzero inputs, and run the small layers
/// after it as dense vector code, one example at a time. They handle `Float` networks of sigmoid,
/// ReLU or linear layers with a sigmoid output under the quadratic or cross-entropy cost, or a
/// softmax output under log-likelihood, trained by plain gradient descent with or without L2
/// weight decay, with at most 1,024 neurons in the first layer and 65,536 weights in each later
/// one. Anything else (Double, tanh, per-neuron activations, momentum, dropout, L1, wider layers)
/// takes the matrix path over BLAS, which computes the same numbers in a different order.
///
/// Each instruction set sums in its own order, so the same seed gives weights that differ in the
/// last bits from one instruction set to another (and, for a network whose outcome depends on
/// luck, a different result). To run as a machine with fewer instruction sets would, set the
/// environment variable `BACKPROP_ISA` to `avx2` or `portable`: `automatic` then goes no higher
/// (see ``best``).
public enum Kernels: String, CaseIterable, Sendable {
    /// The kernels with the best instruction set the CPU has when they apply, BLAS otherwise;
    /// `BACKPROP_ISA` can name a lower instruction set.
    case automatic
    /// Always the matrix path over BLAS.
    case blas
    /// The kernels limited to plain C, AVX2 or AVX-512 (for tests and benchmarks); a CPU without
    /// the instruction set gets the best it has. `BACKPROP_ISA` does not change these.
    case portable, avx2, avx512

    /// The instruction set `automatic` picks: the best this CPU has, or the lower one that
    /// `BACKPROP_ISA` names (read once, when kernels are first used).
    public static var best: Kernels { Kernels(instructionSet: bp_best_isa()) }

    /// The instruction sets this CPU can run, plain C first, whatever `BACKPROP_ISA` says.
    public static var supported: [Kernels] {
        let all: [Kernels] = [.portable, .avx2, .avx512]
        return Array(all.prefix(through: all.firstIndex(of: Kernels(instructionSet: bp_cpu_isa()))!))
    }

    /// The environment variable that limits `automatic` to a lower instruction set.
    public static let environmentVariable = "BACKPROP_ISA"

    /// The instruction set `BACKPROP_ISA` names, or nil when it is not set.
    /// - Throws: ``UnknownInstructionSet`` when it names none of `avx512`, `avx2`, `portable`
    ///   (the kernels then ignore it).
    public static func requested() throws(UnknownInstructionSet) -> Kernels? {
        guard let name = getenv(environmentVariable).map({ String(cString: $0) }) else { return nil }
        guard let kernels = Kernels(instructionSetName: name) else { throw UnknownInstructionSet(name: name) }
        return kernels
    }

    /// The CPU the kernels run on, for saying where a figure was measured: its model name and,
    /// on x86, family and model numbers, from /proc/cpuinfo ("unknown CPU" elsewhere). Virtual
    /// machines may report a generic name.
    public static var cpuModel: String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        var fields: [String: String] = [:]
        for line in info.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { break }  // the first processor's fields only
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, fields[parts[0]] == nil { fields[parts[0]] = parts[1] }
        }
        let name = fields["model name"] ?? fields["cpu model"] ?? "unknown CPU"
        guard let family = fields["cpu family"], let model = fields["model"] else { return name }
        return "\(name) (family \(family), model \(model))"
    }

    /// The instruction set called `name` in `BACKPROP_ISA`: `avx512`, `avx2` or `portable`.
    public init?(instructionSetName name: String) {
        let isa = bp_isa_named(name)
        guard isa >= 0 else { return nil }
        self.init(instructionSet: isa)
    }

    /// The kernels with instruction set `isa` (a `bp_isa`).
    init(instructionSet isa: Int32) {
        switch isa {
        case Int32(BP_AVX512.rawValue): self = .avx512
        case Int32(BP_AVX2.rawValue): self = .avx2
        default: self = .portable
        }
    }

    var instructionSet: Int32? {
        switch self {
        case .automatic: return Int32(bp_best_isa())
        case .blas: return nil
        case .portable: return Int32(BP_PORTABLE.rawValue)
        case .avx2: return Int32(BP_AVX2.rawValue)
        case .avx512: return Int32(BP_AVX512.rawValue)
        }
    }
}

/// A `Float` network packed for the kernels, with buffers for mini-batches of up to `capacity`
/// examples. The network's own weights are untouched until ``store(into:)``. A wide first layer
/// is split between ``BLASBackend/threadCount`` threads; the results do not depend on how many.
final class PackedNetwork {
    private let handle: OpaquePointer
    let layerSizes: [Int]
    let capacity: Int
    /// The instruction set in use.
    let kernels: Kernels

    /// Nil when the kernels do not handle this network or `rule`, or `choice` is `.blas`.
    init?(_ network: Network<Float>, rule: UpdateRule<Float>? = nil, capacity: Int, choice: Kernels,
          threads: Int = BLASBackend.threadCount) {
        guard let isa = choice.instructionSet, let outputError = Self.outputError(of: network),
              Self.supports(rule) else { return nil }
        var activations: [Int32] = []
        for layer in network.layers {
            guard layer.neuronActivations.isEmpty, let code = Self.code(of: layer.activation) else { return nil }
            activations.append(code)
        }
        // Wider layers are better served by BLAS, which blocks them for the cache.
        guard network.layers[0].neurons <= 1024, network.inputSize <= 65_536 else { return nil }
        for layer in network.layers.dropFirst() where layer.weights.elements.count > 65_536 { return nil }
        let sizes = network.layerSizes.map { Int32($0) }
        guard let handle = bp_network_create(Int32(network.layers.count), sizes, activations, outputError,
                                             Int32(capacity), isa) else { return nil }
        self.handle = handle
        bp_network_set_threads(handle, Int32(max(1, threads)))
        layerSizes = network.layerSizes
        self.capacity = capacity
        kernels = Kernels(instructionSet: bp_network_isa(handle))
        load(network)
    }

    deinit { bp_network_destroy(handle) }

    /// Lets BP4 of the first layer go by input where that is faster (the default), or keeps it
    /// example by example; the weights are the same either way.
    /// - Returns: Whether BP4 can go by input at all in this network: a first layer of at least
    ///   96 floats, room for at least 32 examples.
    @discardableResult
    func allowGrouping(_ allowed: Bool) -> Bool { bp_network_set_grouping(handle, allowed ? 1 : 0) != 0 }

    /// Copies the network's weights and biases in.
    func load(_ network: Network<Float>) {
        precondition(network.layerSizes == layerSizes, "The network does not fit the packed one")
        for (l, layer) in network.layers.enumerated() {
            layer.weights.elements.withUnsafeBufferPointer { w in
                layer.biases.withUnsafeBufferPointer { b in
                    bp_network_set_layer(handle, Int32(l), w.baseAddress!, b.baseAddress!)
                }
            }
        }
    }

    /// Copies the weights and biases out into `network`.
    func store(into network: inout Network<Float>) {
        precondition(network.layerSizes == layerSizes, "The network does not fit the packed one")
        for l in network.layers.indices {
            var layer = network.layers[l]
            layer.weights.elements.withUnsafeMutableBufferPointer { w in
                layer.biases.withUnsafeMutableBufferPointer { b in
                    bp_network_get_layer(handle, Int32(l), w.baseAddress!, b.baseAddress!)
                }
            }
            network.layers[l] = layer
        }
    }

    /// One gradient-descent step on examples `indices` of `data` (whose nonzero inputs are
    /// `inputs`) under `rule`; the examples `next` (the next step's) are fetched into the cache
    /// meanwhile.
    /// - Returns: Whether every output of the forward pass was finite.
    func step(on data: LabelledData, inputs: SparseInputs, indices: ArraySlice<Int>, next: ArraySlice<Int>,
              rule: UpdateRule<Float>) -> Bool {
        precondition(indices.count <= capacity && inputs.inputSize == layerSizes[0] && inputs.count == data.count)
        let keep: Float = if case .l2 = rule.regularization { 1 - rule.decay } else { 1 }
        let step = -rule.learningRate / Float(indices.count)
        return data.labels.withUnsafeBufferPointer { labels in
            indices.withUnsafeBufferPointer { examples in
                next.withUnsafeBufferPointer { next in
                    bp_network_train_step(handle, inputs.handle, examples.baseAddress!, labels.baseAddress!,
                                          Int32(examples.count), next.baseAddress, Int32(next.count), 1 / Float(255),
                                          step, keep)
                }
            }
        } == 1
    }

    /// The output layer's weighted inputs and activations for examples `range` of the data set
    /// whose nonzero inputs are `inputs`, one row of outputs per example.
    func feedforward(_ inputs: SparseInputs, range: Range<Int>, z: UnsafeMutablePointer<Float>,
                     a: UnsafeMutablePointer<Float>) {
        precondition(inputs.inputSize == layerSizes[0] && range.upperBound <= inputs.count)
        bp_network_feedforward(handle, inputs.handle, range.lowerBound, Int32(range.count), 1 / Float(255), z, a)
    }

    private static func code(of activation: Activation) -> Int32? {
        switch activation {
        case .sigmoid: return Int32(BP_SIGMOID.rawValue)
        case .linear: return Int32(BP_LINEAR.rawValue)
        case .relu: return Int32(BP_RELU.rawValue)
        case .softmax: return Int32(BP_SOFTMAX.rawValue)
        case .tanh: return nil
        }
    }

    /// BP1's form for the network's output layer and cost, when the kernels have it.
    private static func outputError(of network: Network<Float>) -> Int32? {
        let output = network.layers[network.layers.count - 1].activation
        for layer in network.layers.dropLast() where layer.activation == .softmax { return nil }
        switch (network.cost, output) {
        case (.crossEntropy, .sigmoid), (.logLikelihood, .softmax): return Int32(BP_A_MINUS_Y.rawValue)
        case (.quadratic, .sigmoid), (.quadratic, .linear), (.quadratic, .relu): return Int32(BP_QUADRATIC.rawValue)
        default: return nil
        }
    }

    private static func supports(_ rule: UpdateRule<Float>?) -> Bool {
        guard let rule else { return true }
        guard rule.momentum == 0, rule.dropout == 0 else { return false }
        if case .l1(let lambda) = rule.regularization { return lambda == 0 }  // λ = 0 is no regularization
        return true
    }
}

extension Kernels {
    /// What this choice comes to for training `network` under `configuration`: the instruction
    /// set the kernels will run with, or `.blas` where they do not apply.
    public func resolved<Scalar: BLASScalar>(for network: Network<Scalar>,
                                             configuration: StochasticGradientDescent) -> Kernels {
        guard let network = network as? Network<Float> else { return .blas }
        let rule = UpdateRule<Float>(learningRate: Float(configuration.learningRate),
                                     regularization: configuration.regularization,
                                     momentum: Float(configuration.momentum), dropout: Float(configuration.dropout))
        return PackedNetwork(network, rule: rule, capacity: 1, choice: self)?.kernels ?? .blas
    }

    /// Which code runs, for people: "AVX2 kernels" or the BLAS library's name.
    public var summary: String {
        switch self {
        case .automatic: return Kernels.best.summary
        case .blas: return BLASBackend.coreName
        case .portable: return "portable C kernels"
        case .avx2: return "AVX2 kernels"
        case .avx512: return "AVX-512 kernels"
        }
    }
}

/// `BACKPROP_ISA` set to a name that is not an instruction set.
public struct UnknownInstructionSet: Error, CustomStringConvertible {
    /// What the variable holds.
    public var name: String

    public var description: String {
        "\(Kernels.environmentVariable)=\(name) names no instruction set; use avx512, avx2 or portable, or unset it"
    }
}
