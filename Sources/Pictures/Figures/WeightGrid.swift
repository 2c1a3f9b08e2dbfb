import Backprop

/// What the first layer learned: each hidden neuron's incoming weights drawn as an image of the
/// input (28×28 for MNIST), in a grid, on a diverging scale centred on zero.
public enum WeightGrid {
    /// The figure for the first layer of `network`, whose inputs form `side × side` images.
    public static func svg<Scalar: BLASScalar>(_ network: Network<Scalar>, side: Int, title: String? = nil) -> SVGDocument {
        let layer = network.layers[0]
        precondition(layer.inputs == side * side, "The inputs do not form \(side)×\(side) images")
        let weights = layer.weights.elements.map(Double.init)
        // Scale to the 99th percentile of |w|, so one extreme weight does not wash out the rest.
        let sorted = weights.map(abs).sorted()
        let limit = max(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))], 1e-12)
        let columns = Int(Double(layer.neurons).squareRoot().rounded(.up))
        let rows = (layer.neurons + columns - 1) / columns
        let tile = 84.0, gap = 18.0, margin = 20.0, top = 50.0
        let width = max(margin * 2 + Double(columns) * (tile + gap), 420)
        let height = top + Double(rows) * (tile + gap) + 80
        var document = SVGDocument(width: width, height: height)
        document.text(title ?? "Incoming weights of the \(layer.neurons) neurons of layer 2", x: width / 2, y: 26,
                      size: 15, anchor: .middle, weight: "bold")
        for j in 0..<layer.neurons {
            var image = RGBImage(width: side, height: side)
            for p in 0..<(side * side) {
                image[p % side, p / side] = ColorScale.diverging(weights[j * layer.inputs + p], limit: limit)
            }
            let x = margin + Double(j % columns) * (tile + gap), y = top + Double(j / columns) * (tile + gap)
            document.image(PNGEncoder.encode(image), x: x, y: y, width: tile, height: tile)
            document.text("\(j)", x: x + tile / 2, y: y + tile + 12, size: 10, anchor: .middle, fill: "#555")
        }
        // The legend: the colour bar from −limit to +limit.
        let barY = height - 48, barX = width / 2 - 150
        for i in 0..<60 {
            let value = (Double(i) / 59 * 2 - 1) * limit
            document.rect(x: barX + Double(i) * 5, y: barY, width: 5, height: 12, fill: ColorScale.diverging(value, limit: limit).hex)
        }
        document.text(String(format2(-limit)), x: barX, y: barY + 26, size: 11, anchor: .middle)
        document.text("0", x: barX + 150, y: barY + 26, size: 11, anchor: .middle)
        document.text(String(format2(limit)), x: barX + 300, y: barY + 26, size: 11, anchor: .middle)
        document.text("weight wⱼₖ: blue negative, red positive (neuron j under each image)", x: width / 2, y: barY + 42,
                      size: 11, anchor: .middle, fill: "#555")
        return document
    }
}

/// A value with two decimals, for legends.
func format2(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return String(rounded)
}
