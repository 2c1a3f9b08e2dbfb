@testable import Backprop
import Foundation
import Testing

/// Hostile model files of the convolutional kinds: each broken field of a convolution, a
/// max-pooling or an L2-pooling layer is refused with an error, never a crash, and the message
/// says which layer (counted as the book does, the input being layer 1) or which field.
@Suite("Malformed convolutional model files")
struct ConvolutionModelFileTests {
    /// conv 3×3×3 → max-pool 2 → conv 2×2×2 → L2-pool 2 → softmax 3, over 1×12×12 images.
    static func network() -> Network<Float> {
        var generator = SeededGenerator(seed: 4)
        let conv1 = ConvolutionLayer<Float>(input: ImageShape(depth: 1, height: 12, width: 12), maps: 3, kernel: 3,
                                            activation: .relu, using: &generator)
        let pool1 = MaxPoolingLayer<Float>(input: conv1.output, size: 2)
        let conv2 = ConvolutionLayer<Float>(input: pool1.output, maps: 2, kernel: 2, activation: .tanh, using: &generator)
        let pool2 = L2PoolingLayer<Float>(input: conv2.output, size: 2)
        let output = DenseLayer<Float>(weights: Matrix(rows: 3, columns: pool2.neurons), biases: [0, 0, 0], activation: .softmax)
        return Network(layers: [conv1, pool1, conv2, pool2, output], cost: .logLikelihood)
    }

    /// The network's JSON with `change` made to its layers (as JSONSerialization reads them).
    static func mutated(_ change: (inout [[String: Any]]) -> Void) throws -> Data {
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(network())) as? [String: Any])
        var layers = try #require(object["layers"] as? [[String: Any]])
        change(&layers)
        object["layers"] = layers
        return try JSONSerialization.data(withJSONObject: object)
    }

    static let mutations: [(String, String, @Sendable (inout [[String: Any]]) -> Void)] = [
        ("a kernel of 0", "layer 2", { $0[0]["kernel"] = 0 }),
        ("a negative kernel", "layer 2", { $0[0]["kernel"] = -3 }),
        ("a kernel larger than the images", "layer 2", { $0[0]["kernel"] = 13 }),
        ("a huge kernel", "layer 2", { $0[0]["kernel"] = 1 << 62 }),
        ("biases for 2 maps of 3", "layer 2", { $0[0]["biases"] = [0.0, 0.0] }),
        ("a kernel row one weight short", "layers[0].weights", { layers in
            var rows = layers[0]["weights"] as! [[Double]]
            rows[0].removeLast()
            layers[0]["weights"] = rows
        }),
        ("kernels of the wrong size", "layer 2", { layers in
            layers[0]["weights"] = (layers[0]["weights"] as! [[Double]]).map { Array($0.prefix(4)) }
        }),
        ("no kernel", "kernel", { $0[0].removeValue(forKey: "kernel") }),
        ("an unknown activation", "swish", { $0[0]["activation"] = "swish" }),
        ("pooling of size 0", "layer 3", { $0[1]["size"] = 0 }),
        ("pooling that does not tile its maps", "layer 3", { $0[1]["size"] = 3 }),
        ("pooling of a huge size", "layer 3", { $0[1]["size"] = 1 << 62 }),
        ("pooling over maps the layer before does not give", "layer 3", { layers in
            layers[1]["input"] = ["depth": 4, "height": 10, "width": 10]
        }),
        ("a convolution over the wrong depth", "layer 4", { layers in
            layers[2]["input"] = ["depth": 5, "height": 5, "width": 5]
        }),
        ("L2 pooling of a negative size", "layer 5", { $0[3]["size"] = -1 }),
        ("a dense layer wider than the maps before it", "layer 6", { layers in
            layers[4]["weights"] = (layers[4]["weights"] as! [[Double]]).map { $0 + [0] }
        }),
        ("an unknown kind", "convolution-3d", { $0[2]["kind"] = "convolution-3d" }),
        ("a kind that is not a string", "kind", { $0[1]["kind"] = 7 }),
    ]

    @Test("Each broken field is refused with a message naming where", arguments: 0..<mutations.count)
    func refused(case index: Int) throws {
        let (what, place, change) = Self.mutations[index]
        let data = try Self.mutated(change)
        do {
            _ = try JSONDecoder().decode(Network<Float>.self, from: data)
            Issue.record("\(what): read without an error")
        } catch {
            #expect("\(error)".contains(place), "\(what): \(error)")
        }
    }

    @Test("The unbroken file reads back the same network")
    func roundTrip() throws {
        let data = try Self.mutated { _ in }
        #expect(try JSONDecoder().decode(Network<Float>.self, from: data) == Self.network())
    }
}
