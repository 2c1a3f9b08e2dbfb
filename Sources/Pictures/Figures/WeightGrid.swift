import Backprop

/// What the first layer learned: each hidden neuron's incoming weights drawn as an image of the
/// input (28×28 for MNIST), in a grid, on a diverging scale centred on zero; for a first
/// convolution over one input map, each feature map's k×k kernel (its filter) the same way.
///
/// The grid is one raster image at three pixels per weight, embedded in the SVG at the size a
/// PNG is drawn at (``SVGDocument/rasterScale``), so the PNG shows each weight as a crisp square
/// instead of a blur. A wide layer shows its first `limit` neurons: 400 neurons at this scale
/// made a 10.8 MB PNG; the first 100 make a few hundred kilobytes.
public enum WeightGrid {
    /// The most neurons drawn unless asked for more.
    public static let defaultLimit = 100
    /// Raster pixels per weight, and the gaps between tiles in raster pixels; all multiples of
    /// three, so that their sizes in SVG units (pixels / 1.5) are exact.
    static let pixelsPerWeight = 3, columnGap = 18, rowGap = 27

    /// The figure for the first layer of `network`, whose rows of weights form `side × side`
    /// images (a dense layer's over 28×28 inputs, or a convolution's k×k kernels).
    ///
    /// - Parameters:
    ///   - limit: The most neurons drawn, the first ones of the layer; the figure says when
    ///     the layer has more.
    ///   - title: Replaces the title naming the neurons shown.
    public static func svg<Scalar: BLASScalar>(_ network: Network<Scalar>, side: Int, limit: Int = defaultLimit,
                                               title: String? = nil) -> SVGDocument {
        let layer = network.layers[0]
        let columnsOfWeights = layer.weights.columns
        precondition(columnsOfWeights == side * side, "The weights do not form \(side)×\(side) images")
        // Three raster pixels per weight for 28×28 images; small kernels get bigger squares.
        let pixelsPerWeight = max(Self.pixelsPerWeight, (84 / side) / 3 * 3)
        let kernels = layer is ConvolutionLayer<Scalar>
        precondition(limit > 0, "A weight grid shows at least one neuron")
        let weights = layer.weights.elements.map(Double.init)
        let scaleLimit = colorLimit(weights)
        let count = layer.weights.rows  // neurons, or a convolution's feature maps
        let shown = min(limit, count)
        let columns = Int(Double(shown).squareRoot().rounded(.up))
        let rows = (shown + columns - 1) / columns
        let tile = side * pixelsPerWeight
        var mosaic = RGBImage(width: columns * (tile + columnGap) - columnGap, height: rows * (tile + rowGap))
        for j in 0..<shown {
            let left = (j % columns) * (tile + columnGap), top = (j / columns) * (tile + rowGap)
            for p in 0..<(side * side) {
                mosaic.fillRect(x: left + (p % side) * pixelsPerWeight, y: top + (p / side) * pixelsPerWeight,
                                width: pixelsPerWeight, height: pixelsPerWeight,
                                color: ColorScale.diverging(weights[j * columnsOfWeights + p], limit: scaleLimit))
            }
        }
        let unit = 1 / SVGDocument.rasterScale  // SVG units per raster pixel
        let margin = 20.0, top = 50.0
        let gridWidth = Double(mosaic.width) * unit, gridHeight = Double(mosaic.height) * unit
        let width = max(margin * 2 + gridWidth, 460)
        // Centred, on a whole number of raster pixels (two units are three pixels).
        let left = ((width - gridWidth) / 4).rounded(.down) * 2
        let whole = shown == count
        let barY = top + gridHeight + 18
        let height = barY + (whole ? 54 : 68)
        var document = SVGDocument(width: width, height: height)
        let what = kernels ? "\(side)×\(side) kernels (filters)" : "Incoming weights"
        document.text(title ?? (whole ? "\(kernels ? "The \(count) " + what + " of layer 2" : what + " of the \(count) neurons of layer 2")"
                                      : "\(what) of neurons 0–\(shown - 1) of the \(count) in layer 2"),
                      x: width / 2, y: 26, size: 15, anchor: .middle, weight: "bold")
        document.image(PNGEncoder.encode(mosaic), x: left, y: top, width: gridWidth, height: gridHeight)
        for j in 0..<shown {
            let x = left + Double((j % columns) * (tile + columnGap) + tile / 2) * unit
            let y = top + Double((j / columns) * (tile + rowGap) + tile) * unit + 11
            document.text("\(j)", x: x, y: y, size: 10, anchor: .middle, fill: "#555")
        }
        // The legend: the colour bar from −limit to +limit.
        let barX = width / 2 - 150
        for i in 0..<60 {
            let value = (Double(i) / 59 * 2 - 1) * scaleLimit
            document.rect(x: barX + Double(i) * 5, y: barY, width: 5, height: 12, fill: ColorScale.diverging(value, limit: scaleLimit).hex)
        }
        document.text(format2(-scaleLimit), x: barX, y: barY + 26, size: 11, anchor: .middle)
        document.text("0", x: barX + 150, y: barY + 26, size: 11, anchor: .middle)
        document.text(format2(scaleLimit), x: barX + 300, y: barY + 26, size: 11, anchor: .middle)
        document.text(kernels ? "kernel weight: blue negative, red positive (feature map under each image)"
                              : "weight wⱼₖ: blue negative, red positive (neuron j under each image)", x: width / 2, y: barY + 42,
                      size: 11, anchor: .middle, fill: "#555")
        if !whole {
            document.text("The first \(shown) of the layer's \(count) \(kernels ? "kernels" : "neurons") are shown.", x: width / 2, y: barY + 56,
                          size: 11, anchor: .middle, fill: "#555")
        }
        return document
    }

    /// The colour scale's end: the 99th percentile of |w|, so that one extreme weight does not
    /// wash out the rest.
    static func colorLimit(_ weights: [Double]) -> Double {
        let sorted = weights.map(abs).sorted()
        return max(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))], 1e-12)
    }
}

/// A value with two decimals, for legends.
func format2(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return String(rounded)
}
