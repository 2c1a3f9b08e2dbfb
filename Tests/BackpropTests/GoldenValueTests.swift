import Backprop
import Testing

/// Values computed independently by Tests/Reference/tiny_network.py (plain Python, from the
/// book's equations); rerun it to regenerate them.
@Suite("Golden values from an independent reference")
struct GoldenValueTests {
    let network = Network<Double>(layers: [
        DenseLayer(weights: Matrix([[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]]), biases: [0.1, -0.1, 0.2]),
        DenseLayer(weights: Matrix([[0.7, -0.8, 0.2], [-0.3, 0.5, 0.9]]), biases: [-0.2, 0.3]),
    ])

    @Test("A [2, 3, 2] network's z, a, δ, gradients and cost")
    func tinyNetwork() {
        let pass = network.backpropagate(input: [0.5, 0.9], target: [1, 0])
        expectClose(pass.z.flatMap { $0 },
                    [-0.03, 0.37, 0.49000000000000005, -0.2043955025630403, 1.0060751095903573],
                    tolerance: 1e-14, "z")
        expectClose(pass.a.flatMap { $0 },
                    [0.4925005624493796, 0.5914589784327801, 0.6201064323430902,
                     0.44907828296910973, 0.7322513397166724], tolerance: 1e-14, "a")
        expectClose(pass.delta.flatMap { $0 },
                    [-0.034612392411763705, 0.043693417184814405, 0.02401630843053771,
                     -0.13630187752990505, 0.14356469621899484], tolerance: 1e-13, "delta")
        expectClose(pass.nablaB.flatMap { $0 }, pass.delta.flatMap { $0 }, tolerance: 0, "nablaB")
        expectClose(pass.nablaW.flatMap(\.elements),
                    [-0.017306196205881853, -0.031151153170587337, 0.021846708592407203,
                     0.039324075466332965, 0.012008154215268855, 0.02161467758748394,
                     -0.0671287513463847, -0.08061696924230755, -0.08452167099673423,
                     0.07070569363572929, 0.0849126285646991, 0.08902539158278042],
                    tolerance: 1e-13, "nablaW")
        #expect(abs(pass.cost - 0.4198533814065629) < 1e-15)
    }

    @Test("The seeded generator is xoshiro256** seeded by SplitMix64", arguments: [
        (1, [12966619160104079557, 9600361134598540522, 10590380919521690900]),
        (42, [1546998764402558742, 6990951692964543102, 12544586762248559009]),
    ] as [(UInt64, [UInt64])])
    func generatorStream(seed: UInt64, expected: [UInt64]) {
        var generator = SeededGenerator(seed: seed)
        #expect((0..<3).map { _ in generator.next() } == expected)
    }
}
