/// A kind of layer: what it computes going forward, how the error δ goes back through it (BP2),
/// and its own gradients (BP3, BP4).
///
/// The per-example reference path (``Network/backpropagate(input:target:)``), finite-difference
/// checks, `probe` and `trace` use nothing else, so a new kind of layer is one type conforming to
/// this protocol, listed in ``Network/layerKinds``. A layer's parameters are a weight matrix and
/// a bias vector: a dense layer's wˡ (`neurons × inputs`) and bˡ; a convolution's shared kernels
/// (`maps × kernel size`) and one bias per feature map; none for a pooling layer.
///
/// Arrays are flat: a layer that thinks in images (depth × height × width) lays them out row by
/// row, and `inputs`/`neurons` count the values.
public protocol LayerKind<Scalar>: Codable, Equatable, Sendable {
    associatedtype Scalar: BLASScalar

    /// The name a model file gives the kind (`"kind"`); dense layers are written without one.
    static var kindName: String { get }

    /// The weights, one row per neuron (dense) or feature map; 0 × 0 for a layer without.
    var weights: Matrix<Scalar> { get set }
    /// The biases, one per neuron or feature map; empty for a layer without.
    var biases: [Scalar] { get set }
    /// σ for the layer's neurons.
    var activation: Activation { get set }
    /// Values the layer takes, the size of aˡ⁻¹.
    var inputs: Int { get }
    /// Values the layer gives, the size of zˡ and aˡ.
    var neurons: Int { get }

    /// σ for neuron `j` (a dense layer may give single neurons another function).
    func activation(ofNeuron j: Int) -> Activation
    /// Whether every neuron applies ``activation`` itself.
    var hasUniformActivation: Bool { get }

    /// zˡ from aˡ⁻¹: wˡaˡ⁻¹ + bˡ for a dense layer.
    func weightedInput(_ aPrevious: [Scalar]) -> [Scalar]
    /// aˡ = σ(zˡ).
    func activate(_ z: [Scalar]) -> [Scalar]
    /// σ′(zˡ), neuron by neuron.
    func activationDerivative(_ z: [Scalar]) -> [Scalar]
    /// BP2's product: the error δˡ carried back to the layer's input aˡ⁻¹, ∂C/∂aˡ⁻¹ — (wˡ)ᵀδˡ for
    /// a dense layer; a pooling layer needs the input to know where each maximum was. The layer
    /// before multiplies it by its own σ′(zˡ⁻¹).
    func errorAtInput(_ delta: [Scalar], input aPrevious: [Scalar]) -> [Scalar]
    /// BP3: ∂C/∂bˡ from δˡ.
    func biasGradient(_ delta: [Scalar]) -> [Scalar]
    /// BP4: ∂C/∂wˡ from δˡ and aˡ⁻¹, shaped like ``weights``.
    func weightGradient(_ delta: [Scalar], input aPrevious: [Scalar]) -> Matrix<Scalar>

    /// What makes this layer wrong on its own, if anything (layer `number` in the book's count).
    func problem(number: Int) -> String?
    /// The same layer in another precision.
    func converted<Other: BLASScalar>(to _: Other.Type) -> any LayerKind<Other>
    /// The layer as a dense one, for the engines that run dense layers only; nil for other kinds.
    var dense: DenseLayer<Scalar>? { get }
    /// Whether `other` is the same kind of layer with the same parameters.
    func isEqual(to other: any LayerKind<Scalar>) -> Bool
}

extension LayerKind {
    /// The number of weights and biases.
    public var parameterCount: Int { weights.elements.count + biases.count }

    public var dense: DenseLayer<Scalar>? { nil }
    public var hasUniformActivation: Bool { true }
    public func activation(ofNeuron _: Int) -> Activation { activation }
    public func problem(number _: Int) -> String? { nil }

    public func isEqual(to other: any LayerKind<Scalar>) -> Bool { (other as? Self) == self }
}
