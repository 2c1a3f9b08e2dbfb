@testable import Datasets
import Testing

@Suite("Pictures prepared as MNIST's digits were")
struct DigitPreparationTests {
    /// A `width`×`height` picture of paper `paper` with ink `ink` wherever `isInk(x, y)`.
    static func picture(_ width: Int, _ height: Int, paper: Double = 1, ink: Double = 0,
                        _ isInk: (Int, Int) -> Bool) -> GreyscaleImage {
        GreyscaleImage(width: width, height: height, pixels: (0..<width * height).map { isInk($0 % width, $0 / width) ? ink : paper })
    }

    /// The box around the nonzero pixels of a 28×28 input.
    static func box(_ pixels: [Double]) -> (left: Int, top: Int, width: Int, height: Int) {
        let xs = pixels.indices.filter { pixels[$0] > 0 }.map { $0 % 28 }, ys = pixels.indices.filter { pixels[$0] > 0 }.map { $0 / 28 }
        return (xs.min()!, ys.min()!, xs.max()! - xs.min()! + 1, ys.max()! - ys.min()! + 1)
    }

    @Test("A 28×28 picture is taken as it is, inverted only when its border is light")
    func mnistSized() throws {
        let dark = Self.picture(28, 28, paper: 0, ink: 0.9) { x, y in (5..<9).contains(x) && (3..<20).contains(y) }
        let kept = try DigitPreparation.prepare(dark, name: "dark")
        #expect(kept.pixels == dark.pixels && !kept.inverted && !kept.resized)

        let light = Self.picture(28, 28) { x, _ in x == 3 }
        let flipped = try DigitPreparation.prepare(light, name: "light")
        #expect(flipped.pixels == light.pixels.map { 1 - $0 } && flipped.inverted && !flipped.resized)
        #expect(try DigitPreparation.prepare(light, invert: false, name: "light").pixels == light.pixels)
    }

    @Test("Dark ink on grey paper becomes light ink on a black background")
    func lightBackground() throws {
        // A 200×100 photo-like picture: grey paper (0.8), a dark stroke (0.1) in the middle.
        let photo = Self.picture(200, 100, paper: 0.8, ink: 0.1) { x, y in (90..<110).contains(x) && (20..<80).contains(y) }
        let digit = try DigitPreparation.prepare(photo, name: "photo")
        #expect(digit.inverted && digit.resized)
        #expect(digit.pixels.count == 784)
        #expect(digit.pixels.max() == 1)
        #expect(digit.pixels.filter { $0 > 0 }.count > 100)  // the stroke
        #expect((0..<28).allSatisfy { digit.pixels[$0] == 0 && digit.pixels[27 * 28 + $0] == 0 })  // dark border
    }

    @Test("Light ink on a dark picture is not inverted")
    func darkBackground() throws {
        let photo = Self.picture(60, 90, paper: 0.05, ink: 0.95) { x, y in (20..<40).contains(x) && (10..<80).contains(y) }
        let digit = try DigitPreparation.prepare(photo, name: "dark")
        #expect(!digit.inverted)
        #expect(digit.pixels.max() == 1)
    }

    @Test("The ink's box is fitted into 20×20 keeping its aspect ratio",
          arguments: [(400, 300, 100, 200, 20, 10), (30, 40, 9, 3, 7, 20), (500, 500, 400, 400, 20, 20)])
    func fit(width: Int, height: Int, boxWidth: Int, boxHeight: Int, expectedHeight: Int, expectedWidth: Int) throws {
        let picture = Self.picture(width, height) { x, y in (10..<10 + boxWidth).contains(x) && (5..<5 + boxHeight).contains(y) }
        let box = Self.box(try DigitPreparation.prepare(picture, name: "box").pixels)
        #expect(box.width == expectedWidth && box.height == expectedHeight, "box \(box)")
    }

    @Test("The centre of mass lands on the centre, not the centre of the box")
    func centreOfMass() throws {
        // An "L": a long vertical bar and a short foot, so the mass sits left of and below the box's centre.
        let picture = Self.picture(100, 100) { x, y in ((10..<20).contains(x) && (10..<90).contains(y)) || ((10..<50).contains(x) && (80..<90).contains(y)) }
        let pixels = try DigitPreparation.prepare(picture, name: "L").pixels
        let centre = DigitPreparation.centreOfMass(GreyscaleImage(width: 28, height: 28, pixels: pixels))
        #expect(abs(centre.x - 14) <= 0.5 && abs(centre.y - 14) <= 0.5, "centre of mass \(centre)")
        let box = Self.box(pixels)
        #expect(abs(Double(box.left) + Double(box.width) / 2 - 14) >= 2, "the box is not centred: \(box)")
    }

    @Test("Ink at the edge of its box is shifted only as far as the frame allows")
    func clamped() throws {
        // A mass almost all at the top of a tall box: centring it would push the box out of the frame.
        let picture = Self.picture(50, 100) { x, y in (y < 30 && (0..<50).contains(x)) || ((24..<26).contains(x) && y < 90) }
        let pixels = try DigitPreparation.prepare(picture, name: "T").pixels
        #expect(pixels.reduce(0, +) > 0)
        let box = Self.box(pixels)
        #expect(box.top >= 0 && box.top + box.height <= 28 && box.height == 20)
    }

    @Test("A picture of one even shade has no digit on it")
    func blank() {
        #expect(throws: ImageError.blank(path: "white.png")) {
            try DigitPreparation.prepare(Self.picture(40, 40) { _, _ in false }, name: "white.png")
        }
    }

    @Test("Shrinking averages the covered pixels; enlarging interpolates")
    func resampling() {
        #expect(DigitPreparation.resampleLine([1, 0, 0, 1, 1, 1], to: 3) == [0.5, 0.5, 1])
        #expect(DigitPreparation.resampleLine([1, 0, 0], to: 2) == [2.0 / 3, 0])
        #expect(DigitPreparation.resampleLine([0, 1], to: 4) == [0, 0.25, 0.75, 1])
        #expect(DigitPreparation.resampleLine([0.5], to: 3) == [0.5, 0.5, 0.5])
    }
}
