import Backprop
import Datasets
import Foundation

/// The page's view of one input: the forward pass, backpropagation's trace, the demon and
/// nudged weights. All of it in Double on the lab's network, as `trace` and `probe` compute.
extension LabAPI {
    /// The input of a request: numbers, a drawing, or an MNIST image by split and index; with
    /// the desired digit when the request names one (or the image's label).
    struct InputRequest: Decodable {
        struct Drawing: Decodable {
            var width: Int
            var height: Int
            var pixels: [Double]
        }
        var input: [Double]?
        var drawing: Drawing?
        var split: String?
        var index: Int?
        var target: Int?
        // The demon and nudged weights.
        var layer: Int?
        var neuron: Int?
        var j: Int?
        var k: Int?
        var dz: Double?
        var dw: Double?
    }

    /// The input x, a name for it, and the label when it is an MNIST image.
    func resolveInput(_ request: InputRequest, network: Network<Double>) throws(LabError) -> (x: [Double], name: String, label: Int?) {
        if let name = request.split {
            guard let index = request.index else { throw .badRequest("missing field \"index\" (with \"split\")") }
            let set = try workspace.split(named: name)
            guard (0..<set.count).contains(index) else {
                throw .badRequest("index \(index) is outside the \(set.count) \(name) images (0 to \(set.count - 1))")
            }
            return (set.input(index, as: Double.self), "\(name) image \(index) (a \(set.labels[index]))", Int(set.labels[index]))
        }
        if let drawing = request.drawing {
            return (try prepare(drawing), "a drawing", nil)
        }
        guard let x = request.input else { throw .badRequest("missing field \"input\" (or \"drawing\", or \"split\" and \"index\")") }
        guard x.count == network.inputSize else {
            throw .badRequest("input has \(x.count) values; the network takes \(network.inputSize)")
        }
        if let bad = x.firstIndex(where: { !$0.isFinite }) { throw .badRequest("input[\(bad)] is not a finite number") }
        return (x, "the given input", nil)
    }

    /// A drawing made into the network's input as MNIST's digits were made.
    private func prepare(_ drawing: InputRequest.Drawing) throws(LabError) -> [Double] {
        guard (1...1024).contains(drawing.width), (1...1024).contains(drawing.height) else {
            throw .badRequest("drawing: width and height must be from 1 to 1024, got \(drawing.width)×\(drawing.height)")
        }
        guard drawing.pixels.count == drawing.width * drawing.height else {
            throw .badRequest("drawing.pixels has \(drawing.pixels.count) values; \(drawing.width)×\(drawing.height) needs "
                              + "\(drawing.width * drawing.height)")
        }
        if let bad = drawing.pixels.firstIndex(where: { !$0.isFinite }) {
            throw .badRequest("drawing.pixels[\(bad)] is not a finite number")
        }
        let image = GreyscaleImage(width: drawing.width, height: drawing.height,
                                   pixels: drawing.pixels.map { min(1, max(0, $0)) })
        do {
            return try DigitPreparation.prepare(image, invert: false, name: "the drawing").pixels
        } catch {
            throw .badRequest("the drawing is blank: draw a digit first")
        }
    }

    /// y: the one-hot vector of the request's target digit, or of the image's label.
    func target(_ request: InputRequest, label: Int?, network: Network<Double>) throws(LabError) -> (digit: Int, y: [Double]) {
        guard let digit = request.target ?? label else {
            throw .badRequest("missing field \"target\": the output wanted, 0 to \(network.outputSize - 1)")
        }
        guard (0..<network.outputSize).contains(digit) else {
            throw .badRequest("target \(digit) is not an output of the network (0 to \(network.outputSize - 1))")
        }
        var y = [Double](repeating: 0, count: network.outputSize)
        y[digit] = 1
        return (digit, y)
    }

    /// A layer in the book's numbering (2…L) as an index into `Network.layers`.
    func layerIndex(_ layer: Int?, network: Network<Double>) throws(LabError) -> Int {
        guard let layer else { throw .badRequest("missing field \"layer\" (2 to \(network.layers.count + 1))") }
        guard (2...network.layers.count + 1).contains(layer) else {
            throw .badRequest("layer \(layer) is not a layer with weights: 2 to \(network.layers.count + 1)")
        }
        return layer - 2
    }

    func index(_ value: Int?, _ field: String, count: Int, of what: String) throws(LabError) -> Int {
        guard let value else { throw .badRequest("missing field \"\(field)\"") }
        guard (0..<count).contains(value) else {
            throw .badRequest("\(field) \(value) is outside \(what) (0 to \(count - 1))")
        }
        return value
    }

    func change(_ value: Double?, _ field: String) throws(LabError) -> Double {
        guard let value else { throw .badRequest("missing field \"\(field)\"") }
        guard value.isFinite, abs(value) <= 1e6 else { throw .badRequest("\(field) must be a finite number of size at most 10⁶") }
        return value
    }

    // MARK: Handlers

    func example(_ request: LabRequest) throws(LabError) -> LabReply {
        let name = request.query["split"] ?? "test"
        _ = try integer(request, "index", in: 0...Int.max)  // a bad index is a 400 even without the images
        let set = try workspace.split(named: name)
        let i = try integer(request, "index", in: 0...(set.count - 1))
        struct Example: Encodable { var split: String; var index, count, label: Int; var input: [Double] }
        return .json(Example(split: name, index: i, count: set.count, label: Int(set.labels[i]), input: set.input(i, as: Double.self)))
    }

    func weights(_ request: LabRequest) throws(LabError) -> LabReply {
        let network = workspace.current
        let l = try integer(request, "layer", in: 2...(network.float.layers.count + 1)) - 2
        let limit = try integer(request, "limit", in: 1...100_000, default: 100)
        return .json(TrainingStatus.WeightRows(network.float, layer: l, limit: limit))
    }

    func forward(_ request: LabRequest) throws(LabError) -> LabReply {
        let network = workspace.current.double
        let body = try JSONBody.decode(InputRequest.self, from: request.body)
        let (x, _, _) = try resolveInput(body, network: network)
        struct Layer: Encodable { var layer: Int; var z, a: [Double] }
        struct Forward: Encodable { var input: [Double]; var layers: [Layer]; var output: [Double]; var prediction: Int }
        var a = x
        var layers: [Layer] = []
        for (l, layer) in network.layers.enumerated() {
            let z = layer.weightedInput(a)
            a = layer.activate(z)
            layers.append(Layer(layer: l + 2, z: z, a: a))
        }
        let prediction = a.indices.max { a[$0] < a[$1] } ?? 0
        return .json(Forward(input: x, layers: layers, output: a, prediction: prediction))
    }

    /// What trace, the demon and nudges start from: the network, the request, its input x (and a
    /// name for it) and the desired output y.
    private func labelledExample(_ request: LabRequest) throws(LabError)
        -> (network: Network<Double>, body: InputRequest, x: [Double], y: [Double], name: String) {
        let network = workspace.current.double
        let body = try JSONBody.decode(InputRequest.self, from: request.body)
        let (x, name, label) = try resolveInput(body, network: network)
        let (_, y) = try target(body, label: label, network: network)
        return (network, body, x, y, name)
    }

    func trace(_ request: LabRequest) throws(LabError) -> LabReply {
        let (network, _, x, y, name) = try labelledExample(request)
        return .json(TraceReport(network: network, pass: network.backpropagate(input: x, target: y), example: name))
    }

    func demon(_ request: LabRequest) throws(LabError) -> LabReply {
        let (network, body, x, y, _) = try labelledExample(request)
        let l = try layerIndex(body.layer, network: network)
        let j = try index(body.neuron, "neuron", count: network.layers[l].neurons, of: "layer \(l + 2)'s neurons")
        let dz = try change(body.dz, "dz")
        return .json(Nudge(network.probe(input: x, target: y, changing: .weightedInput(layer: l, j: j), by: [dz]),
                           gradientName: "delta"))
    }

    func nudge(_ request: LabRequest) throws(LabError) -> LabReply {
        let (network, body, x, y, _) = try labelledExample(request)
        let l = try layerIndex(body.layer, network: network)
        let layer = network.layers[l]
        let j = try index(body.j, "j", count: layer.neurons, of: "layer \(l + 2)'s neurons")
        let dw = try change(body.dw, "dw")
        let what: ProbeTarget
        if let k = body.k {
            what = .weight(layer: l, j: j, k: try index(k, "k", count: layer.inputs, of: "layer \(l + 1)'s neurons"))
        } else {
            what = .bias(layer: l, j: j)
        }
        return .json(Nudge(network.probe(input: x, target: y, changing: what, by: [dw]), gradientName: "gradient"))
    }

    func control(_ request: LabRequest) throws(LabError) -> LabReply {
        struct Control: Decodable { var action: String }
        let body = try JSONBody.decode(Control.self, from: request.body)
        guard let action = Trainer.Action(rawValue: body.action) else {
            throw .badRequest("action \"\(body.action)\" is not one of pause, resume, step-batch, step-epoch, stop")
        }
        return .json(try trainer.control(action))
    }
}

/// The cost before and after a nudge, beside the first-order prediction.
struct Nudge: Encodable {
    var cost, nudgedCost, measured, gradient, predicted: Double
    let gradientName: String

    init(_ report: ProbeReport, gradientName: String) {
        let row = report.rows[0]
        cost = report.cost
        measured = row.measured ?? .nan
        nudgedCost = cost + measured
        gradient = report.gradient
        predicted = row.predicted
        self.gradientName = gradientName
    }

    private enum CodingKeys: String, CodingKey { case cost, nudgedCost, measured, gradient, delta, predicted }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cost, forKey: .cost)
        try c.encode(nudgedCost, forKey: .nudgedCost)
        try c.encode(measured, forKey: .measured)
        try c.encode(gradient, forKey: gradientName == "delta" ? .delta : .gradient)
        try c.encode(predicted, forKey: .predicted)
    }
}
