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
}
