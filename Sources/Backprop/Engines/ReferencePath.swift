/// The reference path: each example of a mini-batch backpropagated on its own by
/// ``Network/backpropagate(input:target:)``, the code that reads like the book, and the summed
/// gradient handed to the ``Optimizer``. Runs every kind of layer; slow, and the standard the
/// other engines are tested against. Dropout needs the matrix path's masks, so it is not offered here.
final class ReferencePath<Scalar: BLASScalar>: PreparedNetwork {
    let engine = Engine.reference
    private var network: Network<Scalar>

    init(_ network: Network<Scalar>, optimizer _: Optimizer<Scalar>?) {
        self.network = network
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func step(on data: LabelledData, indices: ArraySlice<Int>, next _: ArraySlice<Int>,
              optimizer: inout Optimizer<Scalar>) -> Bool {
        var gradient = [Scalar](repeating: 0, count: parameterCount)
        return gradient.withUnsafeMutableBufferPointer {
            let finite = gradientSum(on: data, indices: indices, into: $0.baseAddress!)
            step(gradientSum: $0.baseAddress!, examples: indices.count, optimizer: &optimizer)
            return finite
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func evaluate(on data: LabelledData) -> Evaluation {
        var correct = 0, totalCost = 0.0
        let output = network.layers[network.layers.count - 1]
        for example in 0..<data.count {
            let (z, a) = network.outputLayer(for: data.input(example))
            if largestIndex(a) == Int(data.labels[example]) { correct += 1 }
            totalCost += Double(network.cost.value(output: a, weightedInput: z, target: data.target(example), layer: output))
        }
        return Evaluation(correct: correct, count: data.count, cost: data.count == 0 ? 0 : totalCost / Double(data.count))
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func predictions(on data: LabelledData) -> [Int] {
        (0..<data.count).map { largestIndex(network.feedforward(data.input($0))) }
    }

    func store(into network: inout Network<Scalar>, optimizer _: inout Optimizer<Scalar>) {
        network = self.network
    }

    private func largestIndex(_ values: [Scalar]) -> Int {
        values.withUnsafeBufferPointer { largest(of: $0.baseAddress!, count: $0.count, stride: 1) }
    }
}

extension ReferencePath: GradientSumming {
    var parameterCount: Int { network.parameterCount }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gradientSum(on data: LabelledData, indices: ArraySlice<Int>, into gradient: UnsafeMutablePointer<Scalar>) -> Bool {
        gradient.update(repeating: 0, count: parameterCount)
        var finite = true
        for example in indices {
            let pass = network.backpropagate(input: data.input(example), target: data.target(example))
            if pass.output.contains(where: { !$0.isFinite }) { finite = false }
            var g = gradient
            for l in network.layers.indices {
                for value in pass.nablaW[l].elements + pass.nablaB[l] {
                    g.pointee += value
                    g += 1
                }
            }
        }
        return finite
    }

    func step(gradientSum gradient: UnsafeMutablePointer<Scalar>, examples: Int, optimizer: inout Optimizer<Scalar>) {
        var nablaW: [Matrix<Scalar>] = [], nablaB: [[Scalar]] = [], g = gradient
        for layer in network.layers {
            let weights = layer.weights
            nablaW.append(Matrix(rows: weights.rows, columns: weights.columns,
                                 elements: Array(UnsafeBufferPointer(start: g, count: weights.elements.count))))
            nablaB.append(Array(UnsafeBufferPointer(start: g + weights.elements.count, count: layer.biases.count)))
            g += weights.elements.count + layer.biases.count
        }
        optimizer.update(&network, nablaW: nablaW, nablaB: nablaB, examples: examples)
    }
}
