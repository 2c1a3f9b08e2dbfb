/// A network made ready to run on one engine for a while (an epoch and its evaluation): packed
/// for the kernels, unpacked into dense layers for BLAS, or as it is for the reference path.
/// Its weights are its own until ``store(into:optimizer:)`` copies them back.
///
/// Made by ``Engine/prepare(_:optimizer:capacity:)``, the one place an engine is chosen.
public protocol PreparedNetwork<Scalar>: AnyObject {
    associatedtype Scalar: BLASScalar

    /// The engine that runs: an instruction set of the kernels, `.blas` or `.reference`.
    var engine: Engine { get }

    /// One step of gradient descent on examples `indices` of `data`, as `optimizer` says (η, λ,
    /// momentum, dropout); `next` are the next step's examples, which the kernels fetch meanwhile.
    /// - Returns: Whether every output of the forward pass was finite.
    func step(on data: LabelledData, indices: ArraySlice<Int>, next: ArraySlice<Int>,
              optimizer: inout Optimizer<Scalar>) -> Bool

    /// The share classified right and the mean cost (without any regularization term) on `data`.
    func evaluate(on data: LabelledData) -> Evaluation

    /// The class each example of `data` is given: the output neuron with the largest activation.
    func predictions(on data: LabelledData) -> [Int]

    /// Copies the weights and biases (and momentum's velocities) out.
    func store(into network: inout Network<Scalar>, optimizer: inout Optimizer<Scalar>)
}

extension BLASScalar {
    /// No kernels: every precision but `Float` takes the matrix or the reference path.
    public static func packedForKernels(_ network: Network<Self>, optimizer: Optimizer<Self>?, capacity: Int,
                                        engine: Engine) -> (any PreparedNetwork<Self>)? { nil }
}

/// The index of the largest of `count` numbers `stride` apart (the first, on a tie): the class a
/// network's output picks.
func largest<Scalar: BLASScalar>(of values: UnsafePointer<Scalar>, count: Int, stride: Int) -> Int {
    var best = 0
    for i in 1..<count where values[i * stride] > values[best * stride] { best = i }
    return best
}
