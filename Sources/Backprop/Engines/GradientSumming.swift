/// A prepared network that can take a gradient step in two halves: the gradient summed over some
/// examples, without an update, then an update from a sum handed back. Data-parallel training
/// (docs/scale-out.md) sums the shards of each mini-batch in several processes, adds the sums in
/// a fixed order, and gives every process the same total to step with.
///
/// The gradient is flat: layer by layer, the weights (row by row) and then the biases, as
/// ``Network/layers`` holds them; ``parameterCount`` numbers in all.
public protocol GradientSumming<Scalar>: PreparedNetwork {
    /// How many weights and biases the network has: the length of a gradient.
    var parameterCount: Int { get }

    /// Σₓ ∂Cₓ/∂w and Σₓ ∂Cₓ/∂b over examples `indices` of `data` (at least one), by BP1–BP4,
    /// written to `gradient`; the weights do not change.
    /// - Returns: Whether every output of the forward pass was finite.
    func gradientSum(on data: LabelledData, indices: ArraySlice<Int>, into gradient: UnsafeMutablePointer<Scalar>) -> Bool

    /// One step of gradient descent from `gradient`, the summed gradient of `examples` examples,
    /// as `optimizer` says (η, λ, momentum; no dropout). `gradient` may be overwritten.
    func step(gradientSum gradient: UnsafeMutablePointer<Scalar>, examples: Int, optimizer: inout Optimizer<Scalar>)
}

/// A mini-batch's step from gradient sums, as ``TrainingRun/runEpoch(on:evaluatingOn:monitor:engine:shouldStop:splitStep:progress:)``
/// takes it: given the prepared network, the training data, the mini-batch's examples and the
/// optimizer, it steps and says whether every output was finite.
public typealias SplitStep<Scalar: BLASScalar> =
    (any GradientSumming<Scalar>, LabelledData, ArraySlice<Int>, inout Optimizer<Scalar>) -> Bool

extension Engine {
    /// `network` prepared to give gradient sums: on the matrix path, the convolutional batch
    /// engine, or the reference path, whichever applies first (never the kernels, which fuse the
    /// gradient with the update). `.reference` always gives the reference path.
    public func prepareForGradientSums<Scalar: BLASScalar>(_ network: Network<Scalar>, optimizer: Optimizer<Scalar>? = nil,
                                                           capacity: Int = 64) -> any GradientSumming<Scalar> {
        if self != .reference, let matrix = MatrixPath(network, optimizer: optimizer, capacity: capacity) {
            return matrix
        }
        if self != .reference, let convolutional = ConvolutionPath(network, optimizer: optimizer, capacity: capacity) {
            return convolutional
        }
        return ReferencePath(network, optimizer: optimizer)
    }
}

extension Optimizer {
    /// The update of `count` weights (`decays`: weight decay applies) or biases `p` from their
    /// gradient sum `g` over `m` examples: p → p − (η/m)·g less weight decay, through the velocity
    /// `v` with momentum, as ``update(_:nablaW:nablaB:examples:)`` writes it. Overwrites `g` under L1.
    func descend(_ p: UnsafeMutablePointer<Scalar>, velocity v: UnsafeMutablePointer<Scalar>?,
                 gradient g: UnsafeMutablePointer<Scalar>, count: Int, examples m: Int, decays: Bool) {
        let scale = -stepEta / Scalar(m), mu = stepMomentum
        var (l2, l1): (Scalar, Scalar) = (0, 0)
        switch regularization {
        case .l2 where decays: l2 = decay
        case .l1 where decays: l1 = decay
        default: break
        }
        if l1 != 0 {
            for i in 0..<count { g[i] -= l1 / scale * (p[i] > 0 ? 1 : p[i] < 0 ? -1 : 0) }  // scale·g − l1·sgn(w)
        }
        if let v {
            for i in 0..<count {
                v[i] = mu * v[i] + (scale * g[i] - l2 * p[i])
                p[i] += v[i]
            }
        } else {
            for i in 0..<count { p[i] += scale * g[i] - l2 * p[i] }
        }
    }
}
