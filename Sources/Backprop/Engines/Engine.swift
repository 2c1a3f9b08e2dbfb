import BackpropKernels
import Foundation

/// Which code trains and evaluates a network: the one choice that training, evaluation and the
/// command line's `--engine` make.
///
/// - ``reference``: the per-example path, ``Network/backpropagate(input:target:)`` for each
///   example of a mini-batch, written to read like the book; any kind of layer. `trace`,
///   `gradcheck` and `probe` use it.
/// - ``blas``: the matrix path, a mini-batch as one matrix per layer, products over BLAS
///   (``MiniBatch``); networks of dense layers.
/// - the kernels (``portable``, ``avx2``, ``avx512``), picked by ``automatic``.
///
/// ``prepare(_:optimizer:capacity:)`` is where the choice is made and falls back: kernels → BLAS →
/// reference, each where the one before does not apply.
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
/// Convolutional networks (convolutions and max-pooling, then dense layers) take their own batch
/// engine over BLAS, `ConvolutionBatch` (im2col); other kinds of layer take the reference path.
///
/// Each instruction set sums in its own order, so the same seed gives weights that differ in the
/// last bits from one instruction set to another (and, for a network whose outcome depends on
/// luck, a different result). To run as a machine with fewer instruction sets would, set the
/// environment variable `BACKPROP_ISA` to `avx2` or `portable`: `automatic` then goes no higher
/// (see ``best``).
public enum Engine: String, CaseIterable, Sendable {
    /// The kernels with the best instruction set the CPU has when they apply, BLAS otherwise;
    /// `BACKPROP_ISA` can name a lower instruction set.
    case automatic
    /// The per-example reference path.
    case reference
    /// The matrix path over BLAS, or for convolutional networks their batch engine over BLAS (the
    /// reference path for other kinds of layer).
    case blas
    /// The kernels limited to plain C, AVX2 or AVX-512 (for tests and benchmarks); a CPU without
    /// the instruction set gets the best it has. `BACKPROP_ISA` does not change these.
    case portable, avx2, avx512

    /// The instruction set `automatic` picks: the best this CPU has, or the lower one that
    /// `BACKPROP_ISA` names (read once, when kernels are first used).
    public static var best: Engine { Engine(instructionSet: bp_best_isa()) }

    /// The instruction sets this CPU can run, plain C first, whatever `BACKPROP_ISA` says.
    public static var supported: [Engine] {
        let all: [Engine] = [.portable, .avx2, .avx512]
        return Array(all.prefix(through: all.firstIndex(of: Engine(instructionSet: bp_cpu_isa()))!))
    }

    /// The environment variable that limits `automatic` to a lower instruction set.
    public static let environmentVariable = "BACKPROP_ISA"

    /// The instruction set `BACKPROP_ISA` names, or nil when it is not set.
    /// - Throws: ``UnknownInstructionSet`` when it names none of `avx512`, `avx2`, `portable`
    ///   (the kernels then ignore it).
    public static func requested() throws(UnknownInstructionSet) -> Engine? {
        guard let name = getenv(environmentVariable).map({ String(cString: $0) }) else { return nil }
        guard let kernels = Engine(instructionSetName: name) else { throw UnknownInstructionSet(name: name) }
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
        case .reference, .blas: return nil
        case .portable: return Int32(BP_PORTABLE.rawValue)
        case .avx2: return Int32(BP_AVX2.rawValue)
        case .avx512: return Int32(BP_AVX512.rawValue)
        }
    }
}

extension Engine {
    /// Prepares `network` to run on this engine, or on the next one that applies (kernels → BLAS,
    /// dense or convolutional → reference): packed for the kernels, or unpacked into dense layers for BLAS, with buffers
    /// for mini-batches of up to `capacity` examples. With an optimizer, the engine must also make
    /// its updates.
    public func prepare<Scalar: BLASScalar>(_ network: Network<Scalar>, optimizer: Optimizer<Scalar>? = nil,
                                            capacity: Int = 64) -> any PreparedNetwork<Scalar> {
        if instructionSet != nil,
           let packed = Scalar.packedForKernels(network, optimizer: optimizer, capacity: capacity, engine: self) {
            return packed
        }
        return prepareForGradientSums(network, optimizer: optimizer, capacity: capacity)
    }

    /// What this choice comes to for training `network` under `configuration`: the instruction
    /// set the kernels will run with, `.blas` or `.reference`.
    public func resolved<Scalar: BLASScalar>(for network: Network<Scalar>,
                                             configuration: StochasticGradientDescent) -> Engine {
        let optimizer = Optimizer<Scalar>(eta: configuration.eta, regularization: configuration.regularization,
                                          momentum: configuration.momentum, dropout: configuration.dropout)
        return prepare(network, optimizer: optimizer, capacity: 1).engine
    }

    /// Which code runs, for people: "AVX2 kernels" or the BLAS library's name.
    public var summary: String {
        switch self {
        case .automatic: return Engine.best.summary
        case .reference: return "the per-example reference path"
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
        "\(Engine.environmentVariable)=\(name) names no instruction set; use avx512, avx2 or portable, or unset it"
    }
}
