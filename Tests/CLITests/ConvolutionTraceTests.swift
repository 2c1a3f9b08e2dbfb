import Backprop
@testable import BackpropCLI
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

    /// A conv(2 maps of 3×3 over 6×6), pool 2, dense 2 network in a scratch file, and an input.
    private func smallNetwork() throws -> (path: String, network: Network<Double>, input: [Double]) {
        var generator = SeededGenerator(seed: 9)
        let conv = ConvolutionLayer<Float>(input: ImageShape(depth: 1, height: 6, width: 6), maps: 2, kernel: 3, using: &generator)
        let pool = MaxPoolingLayer<Float>(input: conv.output, size: 2)
        let dense = Network<Float>(layerSizes: [pool.neurons, 2], using: &generator).layers[0]
        let network = Network<Float>(layers: [conv, pool, dense])
        let path = NSTemporaryDirectory() + "conv-trace-\(UUID().uuidString).json"
        try ModelFile(network: network).save(to: path)
        // trace and probe work in Double on the file's Float numbers.
        return (path, network.converted(to: Double.self), (0..<36).map { Double($0 % 7) / 7 })
    }

    @Test("--weight on a convolution names the kernel's place and prints BP4's sum over the map")
    func kernelWeight() throws {
        let (path, network, input) = try smallNetwork()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pass = network.backpropagate(input: input, target: [1, 0])
        let result = try runBackprop(["trace", "--network", path, "--input", input.map { String($0) }.joined(separator: ","),
                                      "--target", "1,0", "--weight", "2,1,5", "--digits", "6"])
        #expect(result.status == 0, "\(result.stderr)")
        // Weight 5 of a 3×3 kernel over one input map: map 0, row 1, column 2.
        #expect(result.stdout.contains("kernel 1, input map 0, row 1, column 2, shared by the 16 neurons of feature map 1"))
        #expect(result.stdout.contains("Σᵢⱼ aˡ⁻¹(0, i+1, j+2) δˡ(1, i, j)"))
        #expect(result.stdout.contains(significant(pass.nablaW[0][1, 5], 6)), "\(result.stdout)")
        #expect(!result.stdout.contains("from neuron"))
    }

    @Test("--neuron in a convolution or pooling layer gives its place, numbers and shared gradients")
    func imageNeurons() throws {
        let (path, network, input) = try smallNetwork()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pass = network.backpropagate(input: input, target: [1, 0])
        let arguments = ["trace", "--network", path, "--input", input.map { String($0) }.joined(separator: ","), "--target", "1,0",
                         "--digits", "6"]
        // Neuron 21 of the convolution's 2×4×4: map 1, row 1, column 1.
        let conv = try runBackprop(arguments + ["--neuron", "2,21"])
        #expect(conv.status == 0, "\(conv.stderr)")
        #expect(conv.stdout.contains("feature map 1, row 1, column 1 of 2×4×4"))
        #expect(conv.stdout.contains(significant(pass.delta[0][21], 6)))
        #expect(conv.stdout.contains("∂C/∂b1, shared by map 1's 16 neurons"))
        #expect(conv.stdout.contains(significant(pass.nablaB[0][1], 6)))
        let pool = try runBackprop(arguments + ["--neuron", "3,7"])
        #expect(pool.status == 0, "\(pool.stderr)")
        #expect(pool.stdout.contains("feature map 1, row 1, column 1 of 2×2×2"))
        #expect(pool.stdout.contains("the largest value of its window"))
        #expect(pool.stdout.contains("a pooling layer has no weights or biases"))
    }

    @Test("trace and probe refuse what a convolution or pooling layer does not have, with exit status 2", arguments: [
        (["trace", "--weight", "3,0,0"], "layer 3 (max-pooling) has no weights"),
        (["trace", "--weight", "2,2,0"], "layer 2 has kernels 0 to 1"),
        (["trace", "--weight", "2,0,9"], "a kernel of layer 2 has weights 0 to 8 (1 input map × 3×3), not 9"),
        (["trace", "--neuron", "3,8"], "layer 3 has neurons 0 to 7"),
        (["probe", "--weight", "3,0,0"], "layer 3 (max-pooling) has no weights or biases"),
        (["probe", "--weight", "2,2,0"], "layer 2 (convolution) has weights [0 to 1][0 to 8]"),
        (["probe", "--weight", "2,0,9"], "layer 2 (convolution) has weights [0 to 1][0 to 8]"),
        (["probe", "--bias", "2,2"], "layer 2 (convolution) has biases 0 to 1"),
        (["probe", "--demon", "3,8"], "layer 3 (max-pooling) has neurons 0 to 7"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let (path, _, input) = try smallNetwork()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try runBackprop(arguments + ["--network", path, "--input", input.map { String($0) }.joined(separator: ","),
                                                  "--target", "1,0"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("probe changes a kernel weight and the cost moves as ∂C/∂w predicts")
    func probeKernelWeight() throws {
        let (path, _, input) = try smallNetwork()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try runBackprop(["probe", "--network", path, "--input", input.map { String($0) }.joined(separator: ","),
                                      "--target", "1,0", "--weight", "2,1,8", "--changes", "0.0001", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(ProbeReport.self, from: Data(result.stdout.utf8))
        let row = try #require(report.rows.first)
        #expect(row.predicted != 0 && abs(row.predicted - row.measured!) <= 1e-3 * abs(row.predicted), "\(row)")
    }
}
