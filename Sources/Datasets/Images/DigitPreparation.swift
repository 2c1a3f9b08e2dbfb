/// Turns a picture of a digit into the network's input the way MNIST's digits were made.
///
/// MNIST's images are NIST's black-and-white digits "size normalized to fit in a 20×20 pixel box
/// while preserving their aspect ratio", then "centered in a 28×28 image by computing the center
/// of mass of the pixels" (LeCun et al.), with the ink light (1) on a dark (0) background. A
/// network trained on them reads other pictures well only when they are prepared the same way:
///
/// 1. **Which is ink.** MNIST's ink is light on dark. When the picture's border is mostly light
///    (dark ink on white paper), its shades are inverted.
/// 2. **Clean background.** The border's median shade becomes 0 and the strongest ink 1; ink
///    fainter than a fifth of that is taken for paper, shadow or noise and set to 0.
/// 3. **Fit into 20×20.** The box around the ink is scaled, keeping its aspect ratio, so that its
///    longer side is 20 pixels: by area averaging when shrinking, linearly when enlarging.
/// 4. **Centre of mass.** The 20×20 (or narrower) patch is placed in 28×28 so that its ink's centre
///    of mass lands on the centre pixel, to the nearest whole pixel, but never so far that ink
///    would leave the frame.
///
/// A picture that is already 28×28 is taken as an MNIST-style image: only step 1 applies.
public enum DigitPreparation {
    /// The side of the box the ink is fitted into.
    public static let boxSide = 20
    /// Ink fainter than this share of the strongest ink is cleared (step 2).
    public static let noiseFloor = 0.2

    /// The network's input for a picture, and what was done to it.
    public struct PreparedDigit: Equatable, Sendable {
        /// 28×28 shades row by row, 0 background, 1 ink, as in MNIST.
        public var pixels: [Double]
        /// Whether the shades were inverted (dark ink on a light background).
        public var inverted: Bool
        /// Whether steps 2–4 were applied (the picture was not 28×28).
        public var resized: Bool
    }

    /// Prepares `image` as the network's input.
    ///
    /// - Parameters:
    ///   - invert: Whether to invert the shades; nil decides from the border (step 1).
    ///   - name: The file the image came from, for errors.
    /// - Throws: ``ImageError/blank(path:)`` when a picture that is not 28×28 has no ink.
    public static func prepare(_ image: GreyscaleImage, invert: Bool? = nil, name: String) throws(ImageError) -> PreparedDigit {
        let inverted = invert ?? hasLightBackground(image)
        let ink = inverted ? image.pixels.map { 1 - $0 } : image.pixels
        let side = MNIST.imageSide
        if image.width == side && image.height == side {
            return PreparedDigit(pixels: ink, inverted: inverted, resized: false)
        }
        let cleaned = GreyscaleImage(width: image.width, height: image.height, pixels: cleanBackground(ink, of: image))
        guard let box = inkBox(cleaned) else { throw .blank(path: name) }
        let scale = Double(boxSide) / Double(max(box.width, box.height))
        let patch = resample(cleaned, box: box,
                             width: max(1, Int((Double(box.width) * scale).rounded())),
                             height: max(1, Int((Double(box.height) * scale).rounded())))
        return PreparedDigit(pixels: centred(patch, side: side), inverted: inverted, resized: true)
    }

    /// Whether the pixels along the picture's four edges are light on average (step 1).
    public static func hasLightBackground(_ image: GreyscaleImage) -> Bool {
        let border = borderPixels(image)
        return border.reduce(0, +) / Double(border.count) > 0.5
    }

    /// The shades of the outermost rows and columns, each pixel once.
    static func borderPixels(_ image: GreyscaleImage) -> [Double] {
        let (w, h) = (image.width, image.height)
        let rows = h == 1 ? [0] : [0, h - 1]
        let columns = w == 1 ? [0] : [0, w - 1]
        return rows.flatMap { y in (0..<w).map { x in image[x, y] } }
            + (h > 2 ? columns.flatMap { x in (1..<h - 1).map { y in image[x, y] } } : [])
    }

    /// Ink scaled so that the border's median is 0 and the strongest ink 1, with faint ink
    /// cleared (step 2); all 0 when no pixel is inkier than the border.
    static func cleanBackground(_ ink: [Double], of image: GreyscaleImage) -> [Double] {
        let inkImage = GreyscaleImage(width: image.width, height: image.height, pixels: ink)
        let border = borderPixels(inkImage).sorted()
        let background = border[border.count / 2], strongest = ink.max()!
        guard strongest - background > 1.0 / 255 else { return ink.map { _ in 0 } }
        return ink.map { value in
            let scaled = min(max((value - background) / (strongest - background), 0), 1)
            return scaled < noiseFloor ? 0 : scaled
        }
    }

    /// The smallest box around the nonzero pixels, or nil when there are none.
    static func inkBox(_ image: GreyscaleImage) -> (x: Int, y: Int, width: Int, height: Int)? {
        var left = image.width, right = -1, top = image.height, bottom = -1
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<image.height {
                for x in 0..<image.width where pixels[y * image.width + x] > 0 {
                    left = min(left, x); right = max(right, x)
                    top = min(top, y); bottom = max(bottom, y)
                }
            }
        }
        return right < 0 ? nil : (left, top, right - left + 1, bottom - top + 1)
    }

    /// The pixels inside `box` scaled to `width`×`height` (step 3), one axis at a time.
    static func resample(_ image: GreyscaleImage, box: (x: Int, y: Int, width: Int, height: Int),
                         width: Int, height: Int) -> GreyscaleImage {
        let rows = (box.y..<box.y + box.height).map { y in
            resampleLine((box.x..<box.x + box.width).map { x in image[x, y] }, to: width)
        }
        let columns = (0..<width).map { x in resampleLine(rows.map { $0[x] }, to: height) }
        return GreyscaleImage(width: width, height: height,  // (clamped: sums of fractions may round past 1)
                              pixels: (0..<height).flatMap { y in columns.map { min(max($0[y], 0), 1) } })
    }

    /// `line` resampled to `count` values: each the average of the stretch of the line it covers
    /// when shrinking, interpolated linearly between neighbours when enlarging.
    static func resampleLine(_ line: [Double], to count: Int) -> [Double] {
        let n = line.count, step = Double(n) / Double(count)
        if count == n { return line }
        if count > n {
            guard n > 1 else { return Array(repeating: line[0], count: count) }
            return (0..<count).map { j in
                let position = min(max((Double(j) + 0.5) * step - 0.5, 0), Double(n - 1))
                let i = min(Int(position), n - 2), t = position - Double(i)
                return line[i] * (1 - t) + line[i + 1] * t
            }
        }
        return (0..<count).map { j in
            let start = Double(j) * step, end = start + step
            var sum = 0.0
            for i in Int(start)..<min(n, Int(end.rounded(.up))) {
                sum += line[i] * (min(end, Double(i + 1)) - max(start, Double(i)))  // the part of pixel i covered
            }
            return sum / step
        }
    }

    /// `patch` placed in a `side`×`side` frame with its centre of mass on the frame's centre (step 4).
    static func centred(_ patch: GreyscaleImage, side: Int) -> [Double] {
        let (cx, cy) = centreOfMass(patch)
        func offset(_ centre: Double, _ length: Int) -> Int {
            min(max(Int((Double(side) / 2 - centre).rounded()), 0), side - length)
        }
        let dx = offset(cx, patch.width), dy = offset(cy, patch.height)
        var frame = [Double](repeating: 0, count: side * side)
        for y in 0..<patch.height {
            for x in 0..<patch.width { frame[(y + dy) * side + x + dx] = patch[x, y] }
        }
        return frame
    }

    /// The ink's centre of mass, measured from the image's top-left corner (pixel i spans i…i+1).
    public static func centreOfMass(_ image: GreyscaleImage) -> (x: Double, y: Double) {
        var mass = 0.0, sumX = 0.0, sumY = 0.0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let value = image[x, y]
                mass += value
                sumX += value * (Double(x) + 0.5)
                sumY += value * (Double(y) + 0.5)
            }
        }
        guard mass > 0 else { return (Double(image.width) / 2, Double(image.height) / 2) }
        return (sumX / mass, sumY / mass)
    }
}
