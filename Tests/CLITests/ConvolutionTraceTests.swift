import Backprop
import Foundation
import Testing

@Suite("backprop trace on a convolutional network")
struct ConvolutionTraceTests {
    @Test("trace draws feature maps and names chapter 6's forms of BP2, BP3 and BP4")
    func featureMaps() throws {
        var generator = SeededGenerator(seed: 9)
        let conv = ConvolutionLayer<Float>(input: ImageShape(depth: 1, height: 6, width: 6), maps: 2, kernel: 3, using: &generator)
        let pool = MaxPoolingLayer<Float>(input: conv.output, size: 2)
        let dense = Network<Float>(layerSizes: [pool.neurons, 2], using: &generator).layers[0]
        let path = NSTemporaryDirectory() + "conv-trace-\(UUID().uuidString).json"
        try ModelFile(network: Network(layers: [conv, pool, dense])).save(to: path)
        let input = (0..<36).map { String(Double($0 % 7) / 7) }.joined(separator: ",")
        let result = try runBackprop(["trace", "--network", path, "--input", input, "--target", "1,0"])
        #expect(result.status == 0, "\(result.stderr)")
        for text in ["a, feature map by feature map (2×4×4):", "map 0", "map 1", "(|value| as shades, █ = ",
                     "BP2  δˡ = δˡ⁺¹ routed to each window's maximum (0 elsewhere) ⊙ σ′(zˡ)",
                     "BP3  ∂C/∂bˡₘ = Σ δˡ over feature map m", "BP4  ∂C/∂wˡ = aˡ⁻¹ correlated with δˡ",
                     "(no weights or biases: BP3 and BP4 have nothing to give)"] {
            #expect(result.stdout.contains(text), "trace lacks \(text)")
        }
        #expect(result.stdout.contains("█"))
    }
}
