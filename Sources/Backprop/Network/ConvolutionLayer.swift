/// A convolutional layer, chapter 6's: `maps` feature maps, each one k × k kernel of shared
/// weights over every input map (a depth × k × k receptive field) and one shared bias, slid over
/// the input with stride 1 and no padding ("valid"), so an H × W input gives
/// (H − k + 1) × (W − k + 1) neurons per map:
///
///   zₘ,ᵢ,ⱼ = bₘ + Σ_d Σ_p Σ_q wₘ,d,p,q · a_d,i+p,j+q,   a = σ(z).
///
/// `weights` is `maps × (depth·k·k)`, one row per map with its kernels map by map, row by row.
/// BP2 through the layer is the full correlation of δ with the flipped kernels; BP4 is the
/// correlation of the input with δ; BP3 sums δ over each map.
public struct ConvolutionLayer<Scalar: BLASScalar>: LayerKind, Equatable, Sendable {
    public static var kindName: String { "convolution" }

    /// The images the layer takes.
    public var input: ImageShape
    /// k, the side of each kernel.
    public var kernel: Int
    public var weights: Matrix<Scalar>
    public var biases: [Scalar]
    public var activation: Activation

    /// A layer with the given kernels (`maps × (depth·k·k)`) and biases (one per map).
    public init(input: ImageShape, kernel: Int, weights: Matrix<Scalar>, biases: [Scalar], activation: Activation = .sigmoid) {
        self.input = input
        self.kernel = kernel
        self.weights = weights
        self.biases = biases
        self.activation = activation
    }

    /// A layer of `maps` random k × k kernels: weights N(0, 1/(depth·k·k)), biases N(0, 1).
    public init<G: RandomNumberGenerator>(input: ImageShape, maps: Int, kernel: Int, activation: Activation = .sigmoid,
                                          using generator: inout G) {
        let (weights, biases): (Matrix<Scalar>, [Scalar]) = WeightInitializer.scaledNormal.initialParameters(
            neurons: maps, inputs: input.depth * kernel * kernel, using: &generator)
        self.init(input: input, kernel: kernel, weights: weights, biases: biases, activation: activation)
    }

    /// The feature maps the layer gives.
    public var output: ImageShape {
        ImageShape(depth: biases.count, height: input.height - kernel + 1, width: input.width - kernel + 1)
    }
    public var inputs: Int { input.count }
    public var neurons: Int { output.count }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func weightedInput(_ aPrevious: [Scalar]) -> [Scalar] {
        let out = output, k = kernel
        var z = [Scalar](repeating: 0, count: out.count)
        for m in 0..<out.depth {
            for i in 0..<out.height {
                for j in 0..<out.width {
                    var sum = biases[m]
                    for d in 0..<input.depth {
                        for p in 0..<k {
                            for q in 0..<k {
                                sum += weights[m, (d * k + p) * k + q] * aPrevious[input.index(d, i + p, j + q)]
                            }
                        }
                    }
                    z[out.index(m, i, j)] = sum
                }
            }
        }
        return z
    }

    public func activate(_ z: [Scalar]) -> [Scalar] { z.map { activation.value($0) } }
    public func activationDerivative(_ z: [Scalar]) -> [Scalar] { z.map { activation.derivative($0) } }

    /// BP2's product: ∂C/∂a_d,y,x = Σₘ Σ_p Σ_q wₘ,d,p,q · δₘ,y−p,x−q over the positions inside the
    /// output, the full correlation of δ with the flipped kernels.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func errorAtInput(_ delta: [Scalar], input _: [Scalar]) -> [Scalar] {
        let out = output, k = kernel
        var g = [Scalar](repeating: 0, count: input.count)
        for m in 0..<out.depth {
            for i in 0..<out.height {
                for j in 0..<out.width {
                    let e = delta[out.index(m, i, j)]
                    for d in 0..<input.depth {
                        for p in 0..<k {
                            for q in 0..<k { g[input.index(d, i + p, j + q)] += weights[m, (d * k + p) * k + q] * e }
                        }
                    }
                }
            }
        }
        return g
    }

    /// BP3: ∂C/∂bₘ = Σᵢⱼ δₘ,ᵢ,ⱼ, the bias being shared by the whole map.
    public func biasGradient(_ delta: [Scalar]) -> [Scalar] {
        let out = output, size = out.height * out.width
        return (0..<out.depth).map { m in delta[m * size ..< (m + 1) * size].reduce(0, +) }
    }

    /// BP4: ∂C/∂wₘ,d,p,q = Σᵢⱼ δₘ,ᵢ,ⱼ · a_d,i+p,j+q, the correlation of the input with δ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func weightGradient(_ delta: [Scalar], input aPrevious: [Scalar]) -> Matrix<Scalar> {
        let out = output, k = kernel
        var gradient = Matrix<Scalar>(rows: weights.rows, columns: weights.columns)
        for m in 0..<out.depth {
            for d in 0..<input.depth {
                for p in 0..<k {
                    for q in 0..<k {
                        var sum: Scalar = 0
                        for i in 0..<out.height {
                            for j in 0..<out.width { sum += delta[out.index(m, i, j)] * aPrevious[input.index(d, i + p, j + q)] }
                        }
                        gradient[m, (d * k + p) * k + q] = sum
                    }
                }
            }
        }
        return gradient
    }

    public func problem(number l: Int) -> String? {
        if kernel < 1 || kernel > input.height || kernel > input.width {
            return "layer \(l): a \(kernel)×\(kernel) kernel does not fit \(input) images"
        }
        if biases.isEmpty || weights.rows != biases.count || weights.columns != input.depth * kernel * kernel {
            return "layer \(l): \(weights.rows)×\(weights.columns) kernels and \(biases.count) biases do not make feature maps "
                + "of \(input.depth)×\(kernel)×\(kernel) kernels"
        }
        if activation == .softmax { return "layer \(l): softmax is for a dense output layer, not a convolution" }
        return nil
    }

    public func converted<Other: BLASScalar>(to _: Other.Type) -> any LayerKind<Other> {
        ConvolutionLayer<Other>(input: input, kernel: kernel, weights: weights.converted(), biases: biases.map { Other($0) },
                                activation: activation)
    }

    private enum CodingKeys: String, CodingKey { case kind, input, kernel, weights, biases, activation }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(input: try container.decode(ImageShape.self, forKey: .input), kernel: try container.decode(Int.self, forKey: .kernel),
                  weights: try container.decode(Matrix<Scalar>.self, forKey: .weights),
                  biases: try container.decode([Scalar].self, forKey: .biases),
                  activation: try container.decodeIfPresent(Activation.self, forKey: .activation) ?? .sigmoid)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.kindName, forKey: .kind)
        try container.encode(input, forKey: .input)
        try container.encode(kernel, forKey: .kernel)
        try container.encode(weights, forKey: .weights)
        try container.encode(biases, forKey: .biases)
        try container.encode(activation, forKey: .activation)
    }
}
