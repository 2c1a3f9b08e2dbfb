import ArgumentParser
import Backprop

/// Prints a ``BackwardPass`` for a person: every number of a small network, summaries of a large
/// one, each labelled by the equation that made it.
struct TracePrinter<Scalar: BLASScalar> {
    let network: Network<Scalar>
    let pass: BackwardPass<Scalar>
    let digits: Int
    let full: Bool
    /// Vectors up to this length and matrices up to this many entries are printed in full.
    let vectorLimit = 16, matrixLimit = 64

    private var last: Int { network.layers.count - 1 }

    func number(_ value: Scalar) -> String { significant(Double(value), digits) }

    /// A vector in full, or its norm, range and largest entries.
    func vector(_ values: [Scalar]) -> String {
        if full || values.count <= vectorLimit {
            return "[" + values.map(number).joined(separator: ", ") + "]"
        }
        let norm = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let top = values.indices.sorted { abs(values[$0]) > abs(values[$1]) }.prefix(3)
        return "\(values.count) values, ‖·‖ = \(significant(norm, digits)), min \(number(values.min()!)), "
            + "max \(number(values.max()!)); largest |·|: " + top.map { "[\($0)] \(number(values[$0]))" }.joined(separator: ", ")
    }

    /// A matrix row by row, or its norm and largest entries with their (j, k).
    func matrix(_ m: Matrix<Scalar>, indent: String) -> String {
        if full || m.elements.count <= matrixLimit {
            return (0..<m.rows).map { indent + "[" + m.row($0).map(number).joined(separator: ", ") + "]" }
                .joined(separator: "\n")
        }
        let values = m.elements
        let norm = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let top = values.indices.sorted { abs(values[$0]) > abs(values[$1]) }.prefix(3)
        return indent + "\(m.rows)×\(m.columns), ‖·‖ = \(significant(norm, digits)); largest |·|: "
            + top.map { "[j=\($0 / m.columns), k=\($0 % m.columns)] \(number(values[$0]))" }.joined(separator: ", ")
    }

    func layerTitle(_ l: Int) -> String {
        let layer = network.layers[l]
        let kind = network.imageShape(ofLayer: l).map { "\(type(of: layer).kindName) \($0), " } ?? ""
        var text = "Layer \(l + 2) (\(kind)\(l == last ? "output" : "hidden"), \(layer.neurons) neurons, σ = \(layer.activation.rawValue)"
        for j in 0..<layer.neurons where layer.activation(ofNeuron: j) != layer.activation {
            text += "; neuron \(j): \(layer.activation(ofNeuron: j).rawValue)"
        }
        return text + ")"
    }

    func errorEquation(_ l: Int) -> String {
        l == last ? "BP1  δᴸ = ∇ₐC ⊙ σ′(zᴸ)" : errorEquationFromNext(l) ?? "BP2  δˡ = ((wˡ⁺¹)ᵀδˡ⁺¹) ⊙ σ′(zˡ)"
    }

    func everything() {
        printLine("Input x = a¹: \(vector(pass.input))")
        printLine("Target y: \(vector(pass.target))")
        printLine("")
        printLine("Forward pass")
        for l in network.layers.indices {
            printLine(layerTitle(l))
            printLine("  z      = \(weightedInputForm(l))\(vector(pass.z[l]))")
            printLine("  a      = σ(z)          \(vector(pass.a[l]))")
            printLine("  σ′(z)                  \(vector(pass.sigmaPrime[l]))")
            if let shape = imageShape(ofLayer: l) {
                printLine("  a, feature map by feature map (\(shape)):")
                featureMaps(pass.a[l], shape: shape, indent: "    ").forEach(printLine)
            }
        }
        printLine("Cost C = \(number(pass.cost))")
        printLine("")
        printLine("Backward pass")
        for l in network.layers.indices.reversed() {
            printLine(layerTitle(l))
            printLine("  δ      \(errorEquation(l))")
            printLine("         \(vector(pass.delta[l]))")
            if let shape = imageShape(ofLayer: l) {
                featureMaps(pass.delta[l], shape: shape, indent: "         ").forEach(printLine)
            }
            let dense = network.layers[l].dense != nil, conv = network.layers[l] is ConvolutionLayer<Scalar>
            if dense || conv {
                printLine("  ∂C/∂b  " + (conv ? convolutionGradients.bias : "BP3  ∂C/∂bˡⱼ = δˡⱼ"))
                printLine("         \(vector(pass.nablaB[l]))")
                printLine("  ∂C/∂w  " + (conv ? convolutionGradients.weight : "BP4  ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ"))
                printLine(matrix(pass.nablaW[l], indent: "         "))
            } else {
                printLine("  (no weights or biases: BP3 and BP4 have nothing to give)")
            }
        }
    }

    func checkLayer(_ l: Int) throws {
        guard network.layers.indices.contains(l - 2) else {
            throw ValidationError("the network has layers 2 to \(network.layers.count + 1), not \(l)")
        }
    }

    func checkNeuron(layer l: Int, j: Int) throws {
        try checkLayer(l)
        guard (0..<network.layers[l - 2].neurons).contains(j) else {
            throw ValidationError("layer \(l) has neurons 0 to \(network.layers[l - 2].neurons - 1), not \(j)")
        }
    }

    func neuron(layer l: Int, j: Int) throws {
        try checkNeuron(layer: l, j: j)
        let i = l - 2
        if network.layers[i].dense == nil { return imageNeuron(layer: i, j: j) }
        printLine("Neuron \(j) of " + layerTitle(i))
        printLine("  z = Σₖ w[\(j)][k] aₖ + b   \(number(pass.z[i][j]))   (bias b = \(number(network.layers[i].biases[j])))")
        printLine("  a = σ(z)                 \(number(pass.a[i][j]))")
        printLine("  σ′(z)                    \(number(pass.sigmaPrime[i][j]))")
        printLine("  δ = ∂C/∂z  \(errorEquation(i)):  \(number(pass.delta[i][j]))")
        printLine("  ∂C/∂b      BP3:  \(number(pass.nablaB[i][j]))")
        printLine("  ∂C/∂w[\(j)][k] for its \(network.layers[i].inputs) incoming weights (BP4, aₖ δ): \(vector(pass.nablaW[i].row(j)))")
    }

    func weight(layer l: Int, j: Int, k: Int) throws {
        try checkLayer(l)
        if network.layers[l - 2].dense == nil { return try kernelWeight(layer: l - 2, m: j, k: k) }
        try checkNeuron(layer: l, j: j)
        let i = l - 2
        guard (0..<network.layers[i].inputs).contains(k) else {
            throw ValidationError("layer \(l) takes inputs 0 to \(network.layers[i].inputs - 1), not \(k)")
        }
        let aPrevious = i == 0 ? pass.input[k] : pass.a[i - 1][k]
        printLine("Weight w[\(j)][\(k)] of " + layerTitle(i) + ", from neuron \(k) of layer \(l - 1) to neuron \(j)")
        printLine("  w                      \(number(network.layers[i].weights[j, k]))")
        printLine("  aˡ⁻¹ₖ (its input)       \(number(aPrevious))")
        printLine("  δˡⱼ   (\(errorEquation(i)))  \(number(pass.delta[i][j]))")
        printLine("  ∂C/∂w = aˡ⁻¹ₖ δˡⱼ (BP4)  \(number(pass.nablaW[i][j, k]))")
    }
}
