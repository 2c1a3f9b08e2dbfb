/// The trace as JSON: the network's shape and every value of the backward pass, per layer in
/// the book's numbering. `backprop trace --json` prints it and the lab serves it, so both show
/// the same numbers.
public struct TraceReport<Scalar: BLASScalar>: Encodable {
    public struct LayerValues: Encodable {
        var layer: Int
        var activation: Activation
        var z, a, sigmaPrime, delta, nablaB: [Scalar]
        var nablaW: Matrix<Scalar>
    }
    var layerSizes: [Int]
    var example: String
    var input: [Scalar]
    var target: [Scalar]
    var cost: Scalar
    var layers: [LayerValues]
    var pathSum: PathSum?
    var pathSumWeight: [Int]?

    public init(network: Network<Scalar>, pass: BackwardPass<Scalar>, example: String, pathSum: PathSum? = nil,
                pathSumWeight: [Int]? = nil) {
        layerSizes = network.layerSizes
        self.example = example
        input = pass.input
        target = pass.target
        cost = pass.cost
        layers = network.layers.indices.map { l in
            LayerValues(layer: l + 2, activation: network.layers[l].activation, z: pass.z[l], a: pass.a[l],
                        sigmaPrime: pass.sigmaPrime[l], delta: pass.delta[l], nablaB: pass.nablaB[l],
                        nablaW: pass.nablaW[l])
        }
        self.pathSum = pathSum
        self.pathSumWeight = pathSumWeight
    }
}
