import ArgumentParser
import Backprop

/// `train --layers`: neurons per layer, input first (`784,30,10`), or chapter 6's layers after the
/// 28×28 input, written as network3.py builds them: `conv:20x5x5,pool:2,fc:100,softmax:10`.
///
/// The text is kept as given and checked by ``layers()`` and ``shapes(input:)``, so that a mistake is
/// answered with the part that is wrong rather than with "invalid value".
struct LayerList: ExpressibleByArgument, CustomStringConvertible {
    /// One layer of the second form.
    enum Layer: Equatable {
        /// `conv:MxKxK`: M feature maps of K×K kernels, stride 1, no padding.
        case convolution(maps: Int, kernel: Int)
        /// `pool:S`: S×S max-pooling.
        case pooling(size: Int)
        /// `l2pool:S`: S×S L2 pooling (the root of the sum of squares).
        case l2Pooling(size: Int)
        /// `fc:N`: N fully connected neurons.
        case fullyConnected(neurons: Int)
        /// `softmax:N`: a fully connected softmax output layer of N neurons.
        case softmax(neurons: Int)

        /// Whether the layer takes and gives images (a convolution or pooling).
        var isImage: Bool {
            switch self {
            case .convolution, .pooling, .l2Pooling: true
            case .fullyConnected, .softmax: false
            }
        }

        var text: String {
            switch self {
            case .convolution(let maps, let kernel): "conv:\(maps)x\(kernel)x\(kernel)"
            case .pooling(let size): "pool:\(size)"
            case .l2Pooling(let size): "l2pool:\(size)"
            case .fullyConnected(let neurons): "fc:\(neurons)"
            case .softmax(let neurons): "softmax:\(neurons)"
            }
        }
    }

    var text: String

    init(_ sizes: [Int]) { text = sizes.map(String.init).joined(separator: ",") }
    init?(argument: String) { text = argument }

    var description: String { text }
    var defaultValueDescription: String { text }

    /// The neurons per layer of the first form; nil for a list of layers.
    var sizes: [Int]? {
        guard !text.contains(":") else { return nil }
        let sizes = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return sizes.count >= 2 && sizes.allSatisfy({ $0 != nil }) ? sizes.map { $0! } : nil
    }

    /// The layers of the second form, nil for the first.
    /// - Throws: A `ValidationError` naming the part that is not a layer.
    func layers() throws -> [Layer]? {
        guard text.contains(":") else {
            if sizes == nil {
                throw ValidationError("--layers \(text): give neurons per layer, input first (784,30,10), or layers after the "
                                      + "input (conv:20x5x5,pool:2,fc:100,softmax:10)")
            }
            return nil
        }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let part = part.trimmingCharacters(in: .whitespaces)
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            let numbers = fields.count == 2 ? fields[1].split(separator: "x", omittingEmptySubsequences: false).map { Int($0) } : []
            let layer: Layer? = switch (fields.first, numbers.count) {
            case ("conv", 3): numbers[1] == numbers[2] ? numbers[0].flatMap { m in numbers[1].map { .convolution(maps: m, kernel: $0) } } : nil
            case ("pool", 1): numbers[0].map { .pooling(size: $0) }
            case ("l2pool", 1): numbers[0].map { .l2Pooling(size: $0) }
            case ("fc", 1): numbers[0].map { .fullyConnected(neurons: $0) }
            case ("softmax", 1): numbers[0].map { .softmax(neurons: $0) }
            default: nil
            }
            guard let layer else {
                throw ValidationError("--layers: \"\(part)\" is not a layer; write conv:MAPSxKxK (square K×K kernels), "
                                      + "pool:SIZE, l2pool:SIZE, fc:NEURONS or softmax:NEURONS")
            }
            let values = numbers.compactMap { $0 }
            guard values.allSatisfy({ $0 > 0 }) else { throw ValidationError("--layers: \"\(part)\" needs sizes of at least 1") }
            return layer
        }
    }

    /// The image each layer of the second form gives, from `input`, checked: kernels that fit,
    /// pooling that tiles its maps, images only before the first fully connected layer, softmax
    /// only at the end, and an output layer of `outputs` neurons.
    func shapes(input: ImageShape, outputs: Int) throws -> [ImageShape] {
        guard let layers = try layers() else { return [] }
        var shape = input, result: [ImageShape] = [], flat = false
        var need = MemoryNeed()
        for (l, layer) in layers.enumerated() {
            let isLast = l == layers.count - 1
            switch layer {
            case .convolution(let maps, let kernel):
                guard !flat else { throw ValidationError("--layers: \(layer.text) follows a fully connected layer, whose output is not an image") }
                guard kernel <= shape.height, kernel <= shape.width else {
                    throw ValidationError("--layers: \(layer.text): a \(kernel)×\(kernel) kernel does not fit the \(shape) images it takes")
                }
                let positions = (shape.height - kernel + 1) * (shape.width - kernel + 1)
                need.add(parameters: [maps, shape.depth, kernel, kernel], [maps])
                need.add(values: [shape.depth, kernel, kernel, positions], [maps, positions, 4])
                shape = ImageShape(depth: maps, height: shape.height - kernel + 1, width: shape.width - kernel + 1)
            case .pooling(let size), .l2Pooling(let size):
                guard !flat else { throw ValidationError("--layers: \(layer.text) follows a fully connected layer, whose output is not an image") }
                guard shape.height % size == 0, shape.width % size == 0 else {
                    throw ValidationError("--layers: \(layer.text): \(size)×\(size) windows do not tile the \(shape) feature maps it takes")
                }
                shape = ImageShape(depth: shape.depth, height: shape.height / size, width: shape.width / size)
            case .fullyConnected(let neurons), .softmax(let neurons):
                if case .softmax = layer, !isLast { throw ValidationError("--layers: \(layer.text): softmax is for the output layer only") }
                need.add(parameters: [neurons, shape.depth, shape.height, shape.width], [neurons])
                need.add(values: [neurons, 4])
                shape = ImageShape(depth: neurons, height: 1, width: 1)
                flat = true
            }
            result.append(shape)
        }
        switch layers.last! {
        case .fullyConnected, .softmax: break
        case .convolution, .pooling, .l2Pooling:
            throw ValidationError("--layers: the list must end in an output layer of \(outputs) neurons, one per digit: "
                                  + "softmax:\(outputs) or fc:\(outputs)")
        }
        guard shape.count == outputs else {
            throw ValidationError("--layers: the output layer must have \(outputs) neurons, one per digit, got \(layers.last!.text)")
        }
        try need.check("--layers \(text)")
        return result
    }

    /// A fresh network of the second form over `input` images: conv and fc layers with σ
    /// `activation`, a last fc layer with `outputActivation`, softmax:N with softmax; weights
    /// drawn by `initializer` layer by layer.
    func network<Scalar: BLASScalar, G: RandomNumberGenerator>(
        input: ImageShape, outputs: Int, activation: Activation, outputActivation: Activation, cost: Cost,
        initializer: WeightInitializer, using generator: inout G
    ) throws -> Network<Scalar> {
        guard let layers = try layers() else { preconditionFailure("a list of neurons per layer is not a list of layers") }
        let shapes = try shapes(input: input, outputs: outputs)
        var result: [any LayerKind<Scalar>] = [], shape = input
        for (l, layer) in layers.enumerated() {
            switch layer {
            case .convolution(let maps, let kernel):
                let (weights, biases): (Matrix<Scalar>, [Scalar]) = initializer.initialParameters(
                    neurons: maps, inputs: shape.depth * kernel * kernel, using: &generator)
                result.append(ConvolutionLayer(input: shape, kernel: kernel, weights: weights, biases: biases, activation: activation))
            case .pooling(let size):
                result.append(MaxPoolingLayer<Scalar>(input: shape, size: size))
            case .l2Pooling(let size):
                result.append(L2PoolingLayer<Scalar>(input: shape, size: size))
            case .fullyConnected(let neurons), .softmax(let neurons):
                let (weights, biases): (Matrix<Scalar>, [Scalar]) = initializer.initialParameters(
                    neurons: neurons, inputs: shape.count, using: &generator)
                let σ: Activation = if case .softmax = layer { .softmax } else { l == layers.count - 1 ? outputActivation : activation }
                result.append(DenseLayer(weights: weights, biases: biases, activation: σ))
            }
            shape = shapes[l]
        }
        if let problem = Network<Scalar>.problem(layers: result, cost: cost) { throw ValidationError("--layers \(text): \(problem)") }
        return Network(layers: result, cost: cost)
    }

    /// The layers of `network` in the second form's spelling, when it has layers other than dense.
    static func describing<Scalar: BLASScalar>(_ network: Network<Scalar>) -> String? {
        guard network.denseLayers == nil else { return nil }
        return network.layers.map(describing).joined(separator: ",")
    }

    /// How commands name a network: "conv:4x5x5,pool:2,softmax:10 ([784, 2304, 576, 10])", or
    /// "[784, 30, 10]" for dense layers only.
    static func naming<Scalar: BLASScalar>(_ network: Network<Scalar>) -> String {
        describing(network).map { "\($0) (\(network.layerSizes))" } ?? "\(network.layerSizes)"
    }

    /// One layer in the second form's spelling: "conv:40x5x5", "pool:2", "fc:100".
    static func describing<Scalar: BLASScalar>(_ layer: any LayerKind<Scalar>) -> String {
        if let conv = layer as? ConvolutionLayer<Scalar> { return Layer.convolution(maps: conv.biases.count, kernel: conv.kernel).text }
        if let pool = layer as? MaxPoolingLayer<Scalar> { return Layer.pooling(size: pool.size).text }
        if let pool = layer as? L2PoolingLayer<Scalar> { return Layer.l2Pooling(size: pool.size).text }
        return (layer.activation == .softmax ? Layer.softmax(neurons: layer.neurons) : .fullyConnected(neurons: layer.neurons)).text
    }
}

extension LayerList {
    /// Whether the list is of the second form and ends in softmax.
    var endsInSoftmax: Bool { text.split(separator: ",").last?.trimmingCharacters(in: .whitespaces).hasPrefix("softmax:") ?? false }
}
