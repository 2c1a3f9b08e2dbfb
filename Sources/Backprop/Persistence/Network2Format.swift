import Foundation

/// The JSON that the book's network2.py saves and loads:
/// `{"sizes": [784, 30, 10], "weights": [w², w³], "biases": [b², b³], "cost": "CrossEntropyCost"}`,
/// each wˡ a list of rows (neurons × inputs), each bˡ a list of one-element lists, every neuron
/// a sigmoid.
public enum Network2Format {
    private struct File: Codable {
        var sizes: [Int]
        var weights: [[[Double]]]
        var biases: [[[Double]]]
        var cost: String
    }

    static let costNames: [Cost: String] = [.quadratic: "QuadraticCost", .crossEntropy: "CrossEntropyCost"]

    /// A network from network2.py's JSON; `path` names the file in errors.
    public static func decode<Scalar: BLASScalar>(_ data: Data, path: String) throws(PersistenceError) -> Network<Scalar> {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw .invalid(path: path, reason: "not network2.py's format: " + PersistenceError.describe(error))
        }
        guard let cost = costNames.first(where: { $0.value == file.cost })?.key else {
            throw .invalid(path: path, reason: "unknown cost \"\(file.cost)\"; network2.py has QuadraticCost and CrossEntropyCost")
        }
        guard file.sizes.count >= 2, file.sizes.allSatisfy({ $0 > 0 }) else {
            throw .invalid(path: path, reason: "sizes \(file.sizes) must be at least two positive numbers")
        }
        let layerCount = file.sizes.count - 1
        guard file.weights.count == layerCount, file.biases.count == layerCount else {
            throw .invalid(path: path, reason: "\(file.weights.count) weight and \(file.biases.count) bias layers "
                           + "for sizes \(file.sizes)")
        }
        var layers: [DenseLayer<Scalar>] = []
        for l in 0..<layerCount {
            let (inputs, neurons) = (file.sizes[l], file.sizes[l + 1])
            let w = file.weights[l], b = file.biases[l]
            guard w.count == neurons, w.allSatisfy({ $0.count == inputs }) else {
                throw .invalid(path: path, reason: "weights[\(l)] is not \(neurons)×\(inputs)")
            }
            guard b.count == neurons, b.allSatisfy({ $0.count == 1 }) else {
                throw .invalid(path: path, reason: "biases[\(l)] is not \(neurons) one-element lists")
            }
            let values = w.flatMap { $0 } + b.map { $0[0] }
            guard values.allSatisfy(\.isFinite) else {
                throw .invalid(path: path, reason: "layer \(l + 2) has a number that is not finite")
            }
            layers.append(DenseLayer(weights: Matrix(rows: neurons, columns: inputs, elements: w.flatMap { $0 }.map { Scalar($0) }),
                                biases: b.map { Scalar($0[0]) }))
        }
        return Network(layers: layers, cost: cost)
    }

    /// network2.py's JSON for `network`.
    /// Why network2.py's format cannot hold a network of these layer activations and this cost,
    /// or nil: it knows sigmoid neurons and the quadratic and cross-entropy costs only.
    public static func problem(activations: [Activation], cost: Cost) -> String? {
        if activations.contains(where: { $0 != .sigmoid }) { return "network2.py's format has sigmoid neurons only" }
        if costNames[cost] == nil {
            return "network2.py's format has the quadratic and cross-entropy costs only, not \(cost.hyphenatedName)"
        }
        return nil
    }

    /// Why network2.py's format cannot hold `network`, or nil.
    public static func problem<Scalar: BLASScalar>(storing network: Network<Scalar>) -> String? {
        if network.denseLayers == nil { return "network2.py's format holds dense layers only" }
        if network.layers.contains(where: { !$0.hasUniformActivation }) { return "network2.py's format has sigmoid neurons only" }
        return problem(activations: network.layers.map(\.activation), cost: network.cost)
    }

    /// - Throws: ``PersistenceError/unsupported(_:)`` unless every neuron is a sigmoid and the
    ///   cost is quadratic or cross-entropy, all network2.py knows.
    public static func encode<Scalar: BLASScalar>(_ network: Network<Scalar>) throws(PersistenceError) -> Data {
        if let problem = problem(storing: network) { throw .unsupported(problem) }
        let cost = costNames[network.cost]!
        let file = File(
            sizes: network.layerSizes,
            weights: network.layers.map { layer in (0..<layer.neurons).map { layer.weights.row($0).map(Double.init) } },
            biases: network.layers.map { $0.biases.map { [Double($0)] } },
            cost: cost)
        do { return try JSONEncoder().encode(file) } catch { throw .unsupported("\(error)") }
    }

    /// Writes `network` to `path` in network2.py's format, atomically.
    public static func save<Scalar: BLASScalar>(_ network: Network<Scalar>, to path: String) throws(PersistenceError) {
        try AtomicFile.write(try encode(network), to: path)
    }
}
