import Backprop

/// What a convolutional network makes of one image: the image, then the feature maps of each
/// convolution and pooling layer (their activations aˡ for that input), a block of tiles per
/// layer, ten tiles to a row.
///
/// Each layer is shaded on its own scale: white for 0 and black for the layer's largest
/// activation, or (when some are negative, as with tanh) blue negative and red positive. Tiles
/// are drawn at about the same size whatever the maps' side, so a 4×4 map shows big squares.
public enum FeatureMaps {
    /// Raster pixels a tile's side is stretched to (about), and the gaps between tiles.
    static let tilePixels = 72, gap = 9, perRow = 10

    /// The figure for `network` fed `input`, titled `title`.
    /// - Precondition: The network's first layer takes `input`.
    public static func svg<Scalar: BLASScalar>(_ network: Network<Scalar>, input: [Scalar], inputSide: Int,
                                               title: String) -> SVGDocument {
        let pass = network.backpropagate(input: input, target: [Scalar](repeating: 0, count: network.outputSize))
        var blocks: [(label: String, image: RGBImage)] = [
            ("The input, \(inputSide)×\(inputSide)", mosaic(input.map(Double.init), maps: 1, side: inputSide))]
        for l in network.layers.indices {
            guard let shape = network.imageShape(ofLayer: l), shape.height == shape.width else { continue }
            let values = pass.a[l].map(Double.init), largest = values.map(abs).max() ?? 0
            let kind = network.layers[l] is ConvolutionLayer<Scalar> ? "convolution" : "pooling"
            blocks.append(("Layer \(l + 2), \(kind): \(shape.depth) feature maps of \(shape.height)×\(shape.width), "
                           + "the largest activation \(format2(largest))", mosaic(values, maps: shape.depth, side: shape.width)))
        }
        let unit = 1 / SVGDocument.rasterScale, margin = 20.0
        let width = max(blocks.map { Double($0.image.width) * unit }.max()! + 2 * margin, 460)
        var y = 50.0
        var placed: [(String, RGBImage, Double)] = []
        for block in blocks {
            placed.append((block.label, block.image, y + 18))
            y += 18 + (Double(block.image.height) * unit).rounded(.up) + 16
        }
        var document = SVGDocument(width: width, height: y + 10)
        document.text(title, x: width / 2, y: 26, size: 15, anchor: .middle, weight: "bold")
        for (label, image, top) in placed {
            document.text(label, x: margin, y: top - 6, size: 12)
            document.image(PNGEncoder.encode(image), x: margin, y: top, width: Double(image.width) * unit,
                           height: Double(image.height) * unit)
        }
        return document
    }

    /// `maps` square maps of `side × side` values, one after another, as tiles ten to a row.
    static func mosaic(_ values: [Double], maps: Int, side: Int) -> RGBImage {
        let scale = max(1, tilePixels / side), tile = side * scale
        let columns = min(maps, perRow), rows = (maps + perRow - 1) / perRow
        let largest = max(values.map(abs).max() ?? 0, 1e-12), signed = values.contains { $0 < 0 }
        // A grey frame around each tile, so that a map of zeros shows as an empty square.
        var image = RGBImage(width: columns * (tile + gap) - gap + 2, height: rows * (tile + gap) - gap + 2)
        for map in 0..<maps {
            let left = (map % perRow) * (tile + gap) + 1, top = (map / perRow) * (tile + gap) + 1
            image.fillRect(x: left - 1, y: top - 1, width: tile + 2, height: tile + 2, color: Color(red: 200, green: 200, blue: 200))
            for p in 0..<(side * side) {
                let v = values[map * side * side + p]
                image.fillRect(x: left + (p % side) * scale, y: top + (p / side) * scale, width: scale, height: scale,
                               color: signed ? ColorScale.diverging(v, limit: largest) : ColorScale.ink(v / largest))
            }
        }
        return image
    }
}
