import ArgumentParser
import Backprop
import Datasets
import Foundation

/// Which network to inspect: a fresh one from a seed, or one given weight by weight.
struct NetworkOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A fresh network: neurons per layer, input first (784,30,10), or chapter 6's layers after the 28×28 input (conv:4x5x5,pool:2,fc:30,softmax:10).",
        valueName: "layers"))
    var layers = LayerList([784, 30, 10])

    @Option(help: "Seed for a fresh network's weights and biases: N(0, 1), or for a list of layers N(0, 1/n_in) weights, as train draws them.")
    var seed: UInt64 = 2

    @Option(help: ArgumentHelp(
        "σ for the layers: one name for all, or one per layer after the input (sigmoid, linear, tanh, relu).",
        valueName: "names"))
    var activation = "sigmoid"

    @Option(help: ArgumentHelp(
        "Give one neuron another activation: layer l (the book's numbering, 2 = first hidden), neuron j (from 0), function f. Repeatable.",
        valueName: "l,j,f"))
    var modifyNeuron: [String] = []

    @Option(help: ArgumentHelp(
        "Hand-made weights: layers separated by '|', rows (neurons) by ';', values by ','; e.g. \"0.1,-0.2;0.4,0.3;-0.5,0.6|0.7,-0.8,0.2;-0.3,0.5,0.9\" for a [2, 3, 2] network.",
        valueName: "w"))
    var weights: String?

    @Option(help: ArgumentHelp("Hand-made biases, layers separated by '|', e.g. \"0.1,-0.1,0.2|-0.2,0.3\".", valueName: "b"))
    var biases: String?

    @Option(help: ArgumentHelp("A saved network: a model file (train --save), network2.py's JSON, safetensors, or {\"layers\": [{\"weights\": [[…]], \"biases\": […], \"activation\": \"sigmoid\"}], \"cost\": \"cross-entropy\"}; read at the command's precision.", valueName: "file"))
    var network: String?

    func validate() throws {
        if weights != nil || biases != nil {
            guard weights != nil, biases != nil else { throw ValidationError("--weights and --biases go together") }
            guard network == nil else { throw ValidationError("give either --network or --weights and --biases") }
        }
        if let sizes = layers.sizes {
            guard sizes.allSatisfy({ $0 > 0 }) else { throw ValidationError("--layers: every layer needs at least one neuron, got \(layers)") }
            try LayerSizes(sizes).checkFitsInMemory(bytesPerNumber: 8)
            _ = try activations(layerCount: weights.map { $0.split(separator: "|").count } ?? (sizes.count - 1))
        } else if network == nil, weights == nil {
            _ = try layers.shapes(input: Train.imageShape, outputs: MNIST.classCount)
            _ = try listActivation()
        }
        for text in modifyNeuron { _ = try Self.parseModification(text) }
    }

    /// The activation of each layer after the input.
    func activations(layerCount: Int) throws -> [Activation] {
        let names = activation.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let parsed = try names.map { name in
            guard let value = Activation(rawValue: name) else {
                throw ValidationError("--activation: unknown function \"\(name)\"; choose from \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
        if parsed.count == 1 { return Array(repeating: parsed[0], count: layerCount) }
        guard parsed.count == layerCount else {
            throw ValidationError("--activation: \(parsed.count) functions for \(layerCount) layers")
        }
        return parsed
    }

    /// σ of a list of layers' conv and fc layers: one name.
    func listActivation() throws -> Activation {
        guard !activation.contains(",") else {
            throw ValidationError("--activation: a list of layers takes one function for its conv and fc layers, got \(activation)")
        }
        return try activations(layerCount: 1)[0]
    }

    static func parseModification(_ text: String) throws -> (layer: Int, neuron: Int, activation: Activation) {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3, let l = Int(parts[0]), let j = Int(parts[1]), let f = Activation(rawValue: parts[2]) else {
            throw ValidationError("--modify-neuron wants l,j,f such as 2,0,tanh, got \"\(text)\"")
        }
        return (l, j, f)
    }

    /// The network these options describe, in the requested precision.
    func makeNetwork<Scalar: BLASScalar>(_: Scalar.Type = Scalar.self) throws -> Network<Scalar> {
        var network: Network<Scalar>
        if let path = self.network {
            // Read at Scalar's precision straight from the file, so that a float64 file gives
            // Network<Double> its exact values.
            network = try ModelFile.loadNetwork(from: path)
        } else if let weights, let biases {
            network = try Self.handMade(weights: weights, biases: biases)
            let activations = try activations(layerCount: network.layers.count)
            for l in network.layers.indices { network.layers[l].activation = activations[l] }
        } else if let sizes = layers.sizes {
            var generator = SeededGenerator(seed: seed)
            network = Network(layerSizes: sizes, using: &generator)
            let activations = try activations(layerCount: network.layers.count)
            for l in network.layers.indices { network.layers[l].activation = activations[l] }
        } else {
            var generator = SeededGenerator(seed: seed)
            let σ = try listActivation()
            network = try layers.network(input: Train.imageShape, outputs: MNIST.classCount, activation: σ, outputActivation: σ,
                                         cost: layers.endsInSoftmax ? .logLikelihood : .quadratic, initializer: .scaledNormal,
                                         using: &generator)
        }
        for text in modifyNeuron {
            let (l, j, f) = try Self.parseModification(text)
            guard network.layers.indices.contains(l - 2), (0..<network.layers[l - 2].neurons).contains(j) else {
                throw ValidationError("--modify-neuron \(text): the network has no neuron \(j) in layer \(l)")
            }
            guard var layer = network.layers[l - 2].dense else {
                throw ValidationError("--modify-neuron \(text): layer \(l) is not a dense layer")
            }
            layer.neuronActivations[j] = f
            network.layers[l - 2] = layer
        }
        return network
    }

    static func handMade<Scalar: BLASScalar>(weights: String, biases: String) throws -> Network<Scalar> {
        func numbers(_ text: Substring, _ what: String) throws -> [Scalar] {
            try text.split(separator: ",").map { item in
                guard let value = Double(item.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw ValidationError("\(what): \"\(item)\" is not a number")
                }
                return Scalar(value)
            }
        }
        let weightLayers = weights.split(separator: "|", omittingEmptySubsequences: false)
        let biasLayers = biases.split(separator: "|", omittingEmptySubsequences: false)
        guard weightLayers.count == biasLayers.count else {
            throw ValidationError("--weights has \(weightLayers.count) layers, --biases \(biasLayers.count)")
        }
        var layers: [DenseLayer<Scalar>] = []
        for (l, (w, b)) in zip(weightLayers, biasLayers).enumerated() {
            let rows = try w.split(separator: ";").map { try numbers($0, "--weights") }
            guard let columns = rows.first?.count, columns > 0, rows.allSatisfy({ $0.count == columns }) else {
                throw ValidationError("--weights: the rows of layer \(l + 2) are empty or differ in length")
            }
            let bias = try numbers(b, "--biases")
            guard bias.count == rows.count else {
                throw ValidationError("--biases: layer \(l + 2) has \(rows.count) neurons but \(bias.count) biases")
            }
            if let previous = layers.last, previous.neurons != columns {
                throw ValidationError("--weights: layer \(l + 2) takes \(columns) inputs but layer \(l + 1) has \(previous.neurons) neurons")
            }
            layers.append(DenseLayer(weights: Matrix(rows), biases: bias))
        }
        return Network(layers: layers)
    }
}
