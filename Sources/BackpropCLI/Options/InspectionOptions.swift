import ArgumentParser
import Backprop

/// What trace, gradcheck and probe look at: a network, one example, and the precision to work in.
struct InspectionOptions: ParsableArguments {
    @OptionGroup(title: "Network") var network: NetworkOptions

    @OptionGroup(title: "Example") var example: ExampleOptions

    @Option(help: "Float or double arithmetic.")
    var precision = Precision.double

    /// The network, in `Scalar`'s precision, and the example checked against its shape.
    func networkAndExample<Scalar: BLASScalar>(_: Scalar.Type = Scalar.self) throws
        -> (network: Network<Scalar>, x: [Scalar], y: [Scalar], name: String) {
        let net: Network<Scalar> = try network.makeNetwork()
        let (x, y, name) = try example.example(for: net)
        return (net, x, y, name)
    }
}
