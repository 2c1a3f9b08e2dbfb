import ArgumentParser
import Backprop

/// `backprop probe`: nudge one weight, bias or weighted input and watch the cost respond.
struct Probe: InspectionCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change one weight, bias or weighted input and compare the cost's change with the gradient's prediction.",
        discussion: """
            ∂C/∂w says how much the cost changes when w changes: ΔC ≈ ∂C/∂w · Δw (the book's \
            eq. 47). For each Δ given, this changes one quantity by Δ, runs the network again, \
            and prints the measured ΔC beside the predicted one. With --demon l,j, Δ is added to \
            neuron j's weighted input z (the chapter's demon) and the prediction is δˡⱼ·Δz. Where \
            the two agree the network responds linearly; their difference grows like Δ².
            """)

    @OptionGroup var inspection: InspectionOptions

    @Option(help: ArgumentHelp("Change w[j][k] of layer l.", valueName: "l,j,k"))
    var weight: String?

    @Option(help: ArgumentHelp("Change b[j] of layer l.", valueName: "l,j"))
    var bias: String?

    @Option(help: ArgumentHelp("Add Δz to the weighted input of neuron j in layer l.", valueName: "l,j"))
    var demon: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The changes Δ to try, comma-separated.", valueName: "values"))
    var changes = "1,0.1,0.01,0.001,0.0001"

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard [weight, bias, demon].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --weight, --bias and --demon")
        }
        let deltas = try ExampleOptions.numbers(changes, "--changes")
        guard !deltas.isEmpty, !deltas.contains(0) else { throw ValidationError("--changes needs non-zero numbers") }
    }

    func run<Scalar: BLASScalar>(_: Scalar.Type) throws {
        let (net, x, y, name) = try inspection.networkAndExample(Scalar.self)
        let target = try probeTarget(in: net)
        let deltas = try ExampleOptions.numbers(changes, "--changes").map { Scalar($0) }
        let report = net.probe(input: x, target: y, changing: target, by: deltas)
        if json { return try printJSON(report) }

        let (what, gradient): (String, String) = switch target {
        case .weight(let l, let j, let k): ("weight w[\(j)][\(k)] of layer \(l + 2)", "∂C/∂w")
        case .bias(let l, let j): ("bias b[\(j)] of layer \(l + 2)", "∂C/∂b")
        case .weightedInput(let l, let j): ("weighted input z[\(j)] of layer \(l + 2) (the demon)", "δ = ∂C/∂z")
        }
        printLine("Probe of the \(what) in \(LayerList.naming(net)) (cost \(net.cost.hyphenatedName)) in \(inspection.precision.rawValue) on \(name)")
        printLine("C = \(significant(report.cost, 10)), \(gradient) = \(significant(report.gradient, 10))")
        printLine("")
        printLine("           Δ     predicted ΔC      measured ΔC    |difference|   difference/Δ²")
        for row in report.rows {
            printLine(pad(significant(row.change, 4), 12) + pad(significant(row.predicted, 6), 17)
                      + pad(row.measured.map { significant($0, 6) } ?? "–", 17) + pad(scientific(row.discrepancy), 16)
                      + pad(row.discrepancy.map { significant($0 / (row.change * row.change), 4) } ?? "–", 16))
        }
        printLine("predicted ΔC = \(gradient) · Δ; a steady difference/Δ² marks the linear regime, where the first-order prediction holds")
        if report.rows.contains(where: { $0.measured == nil }) {
            printLine("–: adding Δ leaves the value unchanged in \(inspection.precision.rawValue) (Δ is below its rounding), so nothing was measured")
        }
    }

    func probeTarget<Scalar>(in net: Network<Scalar>) throws -> ProbeTarget {
        func parse(_ text: String, _ count: Int, _ option: String) throws -> [Int] {
            let values = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == count, net.layers.indices.contains(values[0] - 2) else {
                throw ValidationError("\(option) \(text) is not in a network with layer sizes \(net.layerSizes) "
                                      + "(layers from 2, neurons from 0)")
            }
            // A dense layer's weights are neurons × inputs; a convolution's, kernels × kernel
            // weights with a bias per kernel; pooling has none.
            let layer = net.layers[values[0] - 2], kind = type(of: layer).kindName
            let (rows, columns) = option == "--demon" ? (layer.neurons, 1)
                : option == "--bias" ? (layer.biases.count, 1) : (layer.weights.rows, layer.weights.columns)
            guard rows > 0 else { throw ValidationError("\(option) \(text): layer \(values[0]) (\(kind)) has no weights or biases") }
            guard (0..<rows).contains(values[1]), count == 2 || (0..<columns).contains(values[2]) else {
                let what = count == 2 ? "\(option == "--demon" ? "neurons" : "biases") 0 to \(rows - 1)"
                    : "weights [0 to \(rows - 1)][0 to \(columns - 1)]"
                throw ValidationError("\(option) \(text): layer \(values[0]) (\(kind)) has \(what)")
            }
            return values
        }
        if let weight {
            let v = try parse(weight, 3, "--weight")
            return .weight(layer: v[0] - 2, j: v[1], k: v[2])
        }
        if let bias {
            let v = try parse(bias, 2, "--bias")
            return .bias(layer: v[0] - 2, j: v[1])
        }
        let v = try parse(demon!, 2, "--demon")
        return .weightedInput(layer: v[0] - 2, j: v[1])
    }
}
