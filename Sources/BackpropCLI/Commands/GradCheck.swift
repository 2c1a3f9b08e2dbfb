import ArgumentParser
import Backprop

/// `backprop gradcheck`: backpropagation's gradient against finite differences, and what each costs.
struct GradCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check backpropagation's gradient against finite differences, in Double, and time both.",
        discussion: """
            For one example, compares every ∂C/∂w and ∂C/∂b from backpropagation (one forward and \
            one backward pass) with finite differences (two forward passes per parameter for \
            central differences), layer by layer, and measures the book's claim that \
            backpropagation is the fast way: the ratio of the two methods' times. With --sample \
            only that many parameters are checked and the full cost is extrapolated.
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case central, fivePoint = "five-point"
        var value: FiniteDifference { self == .central ? .central : .fivePoint }
    }

    @OptionGroup(title: "Network") var network: NetworkOptions
    @OptionGroup(title: "Example") var example: ExampleOptions

    @Option(help: "ε, the finite-difference step.")
    var epsilon = 1e-5

    @Option(help: "central: (C(p+ε) − C(p−ε))/2ε, two forward passes per parameter; five-point: error O(ε⁴), four.")
    var method = Method.central

    @Option(help: "Check this many parameters drawn at random instead of all of them.")
    var sample: Int?

    @Option(help: "Relative errors divide by max(|backprop|, |finite difference|, this), so that zero and tiny gradients compare absolutely.")
    var floor = 1e-8

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard epsilon > 0, epsilon.isFinite else { throw ValidationError("--epsilon must be positive, got \(epsilon)") }
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1, got \(sample)") }
        guard floor >= 0 else { throw ValidationError("--floor must not be negative") }
    }

    func run() throws {
        let net: Network<Double> = try network.makeNetwork()
        let (x, y, name) = try example.example(for: net)
        var generator = SeededGenerator(seed: network.seed)
        let report = net.checkGradient(input: x, target: y, epsilon: epsilon, method: method.value,
                                       sampleSize: sample, relativeErrorFloor: floor, using: &generator)
        if json { return try printJSON(report) }

        printLine("Gradient check of \(net.layerSizes) in Double on \(name): \(method.rawValue) differences, ε = \(epsilon)")
        printLine("")
        printLine("                                 relative error        per-parameter relative error")
        printLine("layer   parameters     checked   ‖g − g̃‖/‖g‖         max        mean     max |g − g̃|")
        for layer in report.layers {
            printLine(pad("\(layer.layer)", 5) + pad(grouped(layer.total), 13) + pad(grouped(layer.checked), 12)
                      + pad(scientific(layer.normRelativeError), 15) + pad(scientific(layer.maxRelativeError), 15)
                      + pad(scientific(layer.meanRelativeError), 12) + pad(scientific(layer.maxAbsoluteError), 16))
        }
        printLine("g: backpropagation's gradient, g̃: finite differences'. Relative error of a layer: the norm of the")
        printLine("difference over the norm of the gradient. Per parameter: |g − g̃| / max(|g|, |g̃|, \(floor)); it is large")
        printLine("only where |g| is near the finite differences' resolution (max |g − g̃|), which rounding in Double sets.")
        printLine("Max relative error (layers): \(scientific(report.maxNormRelativeError))")
        printLine("")
        printLine("What the whole gradient (\(grouped(report.totalParameters)) parameters) costs:")
        printLine("  backpropagation:     1 forward + 1 backward pass          \(duration(report.backpropSeconds))")
        let label = report.isSampled
            ? "   (extrapolated from \(grouped(report.checkedParameters)) sampled parameters: \(duration(report.finiteDifferenceSeconds)))"
            : ""
        printLine("  finite differences:  \(grouped(report.fullFiniteDifferenceForwardPasses)) forward passes"
                  + String(repeating: " ", count: max(1, 19 - grouped(report.fullFiniteDifferenceForwardPasses).count))
                  + duration(report.fullFiniteDifferenceSeconds) + label)
        printLine("  finite differences take \(grouped(Int(report.speedRatio.rounded())))× as long as backpropagation")
        let forwardPass = report.finiteDifferenceSeconds / Double(report.finiteDifferenceForwardPasses)
        printLine("  one forward pass takes \(duration(forwardPass)), so backpropagation costs as much as "
                  + "\(fixed(report.backpropSeconds / forwardPass, places: 1)) forward passes (the book: about two)")
    }
}

/// `text` right-aligned in `width` columns.
func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}
