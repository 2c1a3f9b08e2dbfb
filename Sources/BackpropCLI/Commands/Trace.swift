import ArgumentParser
import Backprop

/// `backprop trace`: one example through the network, every number of backpropagation shown.
struct Trace: InspectionCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow one training example through the network and back, equation by equation.",
        discussion: """
            Shows, layer by layer, the weighted inputs z = wa + b, activations a = σ(z) and σ′(z) \
            of the forward pass, then the errors δ and the gradients ∂C/∂b and ∂C/∂w of the \
            backward pass, each labelled by the equation that produced it: BP1 at the output, BP2 \
            going back, BP3 for ∂C/∂b, BP4 for ∂C/∂w. Small layers are printed in full; large ones \
            as summaries (norm and largest entries), unless --full. Layers are numbered as in the \
            book (2 is the first after the input); neurons from 0.
            """)

    @OptionGroup var inspection: InspectionOptions

    @Flag(help: "Print every vector and matrix in full, however large.")
    var full = false

    @Option(help: ArgumentHelp("Show one neuron's numbers: layer l, neuron j.", valueName: "l,j"))
    var neuron: String?

    @Option(help: ArgumentHelp("Show one weight's numbers, w[j][k] of layer l, and how BP4 makes its gradient.", valueName: "l,j,k"))
    var weight: String?

    @Option(help: ArgumentHelp("Compute ∂C/∂w for w[j][k] of layer l as eq. 53's sum over paths, beside backpropagation's.", valueName: "l,j,k"))
    var pathSum: String?

    @Option(parsing: .unconditional, help: "Significant digits of printed numbers.")
    var digits = 6

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard (1...17).contains(digits) else { throw ValidationError("--digits must be from 1 to 17") }
        if let neuron { _ = try indices(neuron, count: 2, option: "--neuron") }
        if let weight { _ = try indices(weight, count: 3, option: "--weight") }
        if let pathSum { _ = try indices(pathSum, count: 3, option: "--path-sum") }
    }

    func run<Scalar: BLASScalar>(_: Scalar.Type) throws {
        let (net, x, y, name) = try inspection.networkAndExample(Scalar.self)
        let pass = net.backpropagate(input: x, target: y)
        var sum: PathSum? = nil
        var sumLocation: [Int]? = nil
        if let pathSum {
            let at = try indices(pathSum, count: 3, option: "--path-sum")
            do {
                sum = try net.pathSum(input: x, target: y, layer: at[0] - 2, j: at[1], k: at[2])
            } catch { throw ValidationError("--path-sum \(pathSum): \(error)") }
            sumLocation = at
        }
        if json {
            return try printJSON(TraceReport(network: net, pass: pass, example: name, pathSum: sum, pathSumWeight: sumLocation))
        }
        let printer = TracePrinter(network: net, pass: pass, digits: digits, full: full)
        printLine("Trace of \(name) through \(LayerList.naming(net)) (\(inspection.precision.rawValue)), cost \(net.cost.hyphenatedName)")
        if let neuron {
            let at = try indices(neuron, count: 2, option: "--neuron")
            try printer.neuron(layer: at[0], j: at[1])
        } else if let weight {
            let at = try indices(weight, count: 3, option: "--weight")
            try printer.weight(layer: at[0], j: at[1], k: at[2])
        } else {
            printer.everything()
        }
        if let sum, let at = sumLocation {
            let backprop = Double(pass.nablaW[at[0] - 2][at[1], at[2]])
            printLine("")
            printLine("Path sum (eq. 53) for ∂C/∂w[\(at[1])][\(at[2])] of layer \(at[0]): \(grouped(sum.pathCount)) paths, "
                      + "sum \(significant(sum.value, 17)); backpropagation (BP4): \(significant(backprop, 17))")
        }
    }

    /// "2,5" → [2, 5], with the layer checked to be one after the input.
    func indices(_ text: String, count: Int, option: String) throws -> [Int] {
        let values = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == count, values[0] >= 2, values.dropFirst().allSatisfy({ $0 >= 0 }) else {
            throw ValidationError("\(option) wants \(count) whole numbers, the layer (2 or more) first, got \"\(text)\"")
        }
        return values
    }
}
