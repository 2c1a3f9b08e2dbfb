import ArgumentParser
import Backprop

/// The trace of layers whose neurons form images (convolutions and pooling): their equations in
/// chapter 6's form, and their feature maps drawn in shade blocks.
extension TracePrinter {
    /// The feature maps layer `l` gives, when its neurons form images.
    func imageShape(ofLayer l: Int) -> ImageShape? { network.imageShape(ofLayer: l) }

    /// BP2 into layer `l` from the layer after it, in that layer's terms.
    func errorEquationFromNext(_ l: Int) -> String? {
        switch network.layers[l + 1] {
        case is ConvolutionLayer<Scalar>: "BP2  δˡ = (δˡ⁺¹ fully correlated with the flipped kernels wˡ⁺¹) ⊙ σ′(zˡ)"
        case is MaxPoolingLayer<Scalar>: "BP2  δˡ = δˡ⁺¹ routed to each window's maximum (0 elsewhere) ⊙ σ′(zˡ)"
        case is L2PoolingLayer<Scalar>: "BP2  δˡ = δˡ⁺¹ · aˡ/p to each input of its window ⊙ σ′(zˡ)"
        default: nil
        }
    }

    /// BP3 and BP4 for layer `l` when it is not dense: a convolution's shared weights, or none.
    var convolutionGradients: (bias: String, weight: String) {
        ("BP3  ∂C/∂bˡₘ = Σ δˡ over feature map m", "BP4  ∂C/∂wˡ = aˡ⁻¹ correlated with δˡ (each kernel over its map)")
    }

    /// Up to `mapLimit` feature maps of `values`, side by side, each value's size |v| as a shade
    /// from blank (0) to █ (the largest |v| in the layer).
    func featureMaps(_ values: [Scalar], shape: ImageShape, indent: String) -> [String] {
        let largest = values.reduce(0.0) { max($0, abs(Double($1))) }
        let shown = min(shape.depth, mapLimit), levels = Array(" ░▒▓█")
        let width = shape.width * 2
        var lines = [indent + (0..<shown).map { "map \($0)".padding(toLength: width, withPad: " ", startingAt: 0) }
                        .joined(separator: "  ")]
        for y in 0..<shape.height {
            lines.append(indent + (0..<shown).map { d in
                String((0..<shape.width).flatMap { x -> [Character] in
                    let size = largest > 0 ? abs(Double(values[(d * shape.height + y) * shape.width + x])) / largest : 0
                    let level = levels[min(4, Int((size * 4).rounded()))]
                    return [level, level]
                })
            }.joined(separator: "  "))
        }
        let rest = shape.depth > shown ? "; maps \(shown)–\(shape.depth - 1) not drawn" : ""
        lines.append(indent + "(|value| as shades, █ = \(significant(largest, digits))\(rest))")
        return lines
    }

    var mapLimit: Int { full ? Int.max : 4 }

    /// How layer `l` forms z, padded to the trace's column of numbers.
    func weightedInputForm(_ l: Int) -> String {
        switch network.layers[l] {
        case is ConvolutionLayer<Scalar>: "w ⋆ a + b     "
        case is MaxPoolingLayer<Scalar>: "window max    "
        case is L2PoolingLayer<Scalar>: "window L2     "
        default: "wa + b        "
        }
    }

    /// One neuron of a convolution or pooling layer `l`: its place in the feature maps, its
    /// numbers, and the shared bias and kernel whose gradients it adds to.
    func imageNeuron(layer l: Int, j: Int) {
        let layer = network.layers[l], shape = imageShape(ofLayer: l)!
        let map = j / (shape.height * shape.width), row = j / shape.width % shape.height, column = j % shape.width
        let conv = layer as? ConvolutionLayer<Scalar>
        printLine("Neuron \(j) of " + layerTitle(l) + ": feature map \(map), row \(row), column \(column) of \(shape)")
        if let conv {
            printLine("  z = bₘ + Σ wₘ · (its \(conv.input.depth)×\(conv.kernel)×\(conv.kernel) window of aˡ⁻¹)   \(number(pass.z[l][j]))   (bias b\(map) = \(number(conv.biases[map])))")
        } else {
            let what = layer is MaxPoolingLayer<Scalar> ? "the largest value of its window" : "the L2 norm of its window"
            printLine("  z = \(what) of aˡ⁻¹   \(number(pass.z[l][j]))")
        }
        printLine("  a = σ(z)                 \(number(pass.a[l][j]))")
        printLine("  σ′(z)                    \(number(pass.sigmaPrime[l][j]))")
        printLine("  δ = ∂C/∂z  \(errorEquation(l)):  \(number(pass.delta[l][j]))")
        guard conv != nil else { return printLine("  (a pooling layer has no weights or biases: BP3 and BP4 have nothing to give)") }
        printLine("  ∂C/∂b\(map), shared by map \(map)'s \(shape.height * shape.width) neurons, \(convolutionGradients.bias): "
                  + number(pass.nablaB[l][map]))
        printLine("  ∂C/∂w of kernel \(map) (\(convolutionGradients.weight)): \(vector(pass.nablaW[l].row(map)))")
    }

    /// Weight `k` of kernel `m` in convolution `l`, the kernel shared by every neuron of map `m`,
    /// and its gradient, BP4 summed over the map's positions.
    func kernelWeight(layer l: Int, m: Int, k: Int) throws {
        guard let conv = network.layers[l] as? ConvolutionLayer<Scalar> else {
            throw ValidationError("layer \(l + 2) (\(type(of: network.layers[l]).kindName)) has no weights")
        }
        let size = conv.kernel * conv.kernel, out = conv.output
        guard (0..<conv.weights.rows).contains(m) else {
            throw ValidationError("layer \(l + 2) has kernels 0 to \(conv.weights.rows - 1) (one per feature map), not \(m)")
        }
        guard (0..<conv.weights.columns).contains(k) else {
            throw ValidationError("a kernel of layer \(l + 2) has weights 0 to \(conv.weights.columns - 1) "
                                  + "(\(conv.input.depth) input map\(conv.input.depth == 1 ? "" : "s") × \(conv.kernel)×\(conv.kernel)), not \(k)")
        }
        let (d, p, q) = (k / size, k % size / conv.kernel, k % conv.kernel)
        printLine("Weight w[\(m)][\(k)] of " + layerTitle(l) + ": kernel \(m), input map \(d), row \(p), column \(q), "
                  + "shared by the \(out.height * out.width) neurons of feature map \(m)")
        printLine("  w                      \(number(conv.weights[m, k]))")
        printLine("  ∂C/∂w = Σᵢⱼ aˡ⁻¹(\(d), i+\(p), j+\(q)) δˡ(\(m), i, j) over the map's \(out.height)×\(out.width) positions (BP4, "
                  + "the input correlated with δ)  \(number(pass.nablaW[l][m, k]))")
    }
}
