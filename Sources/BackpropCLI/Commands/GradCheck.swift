import ArgumentParser
import Backprop

/// `backprop gradcheck`: backpropagation's gradient against finite differences, a verdict, and
/// what each method costs.
struct GradCheck: InspectionCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check backpropagation's gradient against finite differences, and time both.",
        discussion: """
            For one example, compares every ∂C/∂w and ∂C/∂b from backpropagation (one forward and \
            one backward pass) with finite differences (two forward passes per parameter for \
            central differences), layer by layer, and measures the book's claim that \
            backpropagation is the fast way: the ratio of the two methods' times. With --sample \
            only that many parameters are checked and the full cost is extrapolated.

            The check passes when every checked layer's relative error ‖g − g̃‖ / max(‖g‖, ‖g̃‖) \
            (g backpropagation's gradient, g̃ the finite differences') is at most the tolerance; \
            it ends with PASS or FAIL and exits with status 1 when it fails. A check estimated to \
            take more than 3 seconds says so first and shows its progress on standard error.
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case central, fivePoint = "five-point"
        var value: FiniteDifference { self == .central ? .central : .fivePoint }
        static var allValueDescriptions: [String: String] {
            ["central": "(C(p+ε) − C(p−ε))/2ε: two forward passes per parameter, error O(ε²)",
             "five-point": "four forward passes per parameter, error O(ε⁴)"]
        }
    }

    @OptionGroup var inspection: InspectionOptions

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "ε, the finite-difference step (default: 1e-5 in double, 1e-2 in float; with five-point 1e-3 and 1e-1).",
        valueName: "ε"))
    var epsilon: Double?

    @Option(help: "How the finite differences are taken.")
    var method = Method.central

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Pass when every checked layer's relative error ‖g − g̃‖/max(‖g‖, ‖g̃‖) is at most this (default: 1e-6 in double, 1e-2 in float).",
        valueName: "error"))
    var tolerance: Double?

    @Option(parsing: .unconditional, help: "Check this many parameters drawn at random instead of all of them.")
    var sample: Int?

    @Option(parsing: .unconditional, help: "Relative errors divide by max(|backprop|, |finite difference|, this), so that zero and tiny gradients compare absolutely.")
    var floor = 1e-8

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if let epsilon { guard epsilon > 0, epsilon.isFinite else { throw ValidationError("--epsilon must be positive, got \(epsilon)") } }
        if let tolerance {
            guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be positive, got \(tolerance)") }
        }
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1, got \(sample)") }
        guard floor >= 0 else { throw ValidationError("--floor must not be negative, got \(floor)") }
    }

    func run<Scalar: BLASScalar>(_: Scalar.Type) throws {
        let (net, x, y, name) = try inspection.networkAndExample(Scalar.self)
        let epsilon = self.epsilon ?? method.value.defaultEpsilon(for: Scalar.self)
        let tolerance = self.tolerance ?? GradientCheckReport.defaultTolerance(for: Scalar.self)
        let progress = finiteDifferenceProgress(of: net, input: x, target: y)
        var generator = SeededGenerator(seed: inspection.network.seed)
        let report = net.checkGradient(input: x, target: y, epsilon: Scalar(epsilon), method: method.value,
                                       sampleSize: sample, relativeErrorFloor: floor, tolerance: tolerance,
                                       using: &generator, progress: { done, _ in progress.update(done: done) })
        progress.finish()
        if json {
            try printJSON(report)
        } else {
            printText(report, network: net, example: name)
        }
        if !report.passed { throw ExitCode.failure }
    }

    /// Times a few forward passes and estimates from them what the finite differences will take,
    /// announcing the estimate when the check is long.
    func finiteDifferenceProgress<Scalar: BLASScalar>(of net: Network<Scalar>, input x: [Scalar], target y: [Scalar])
        -> EstimatedProgress {
        let parameters = min(sample ?? .max, net.parameterCount)
        let passes = parameters * method.value.forwardPassesPerParameter
        // The first passes run with cold caches and take up to twice as long: warm up, then take
        // the median of at least five passes (more for small networks, to fill 20 ms).
        let clock = ContinuousClock()
        for _ in 0..<2 { _ = net.cost(input: x, target: y) }
        var times: [Double] = []
        let start = clock.now
        while times.count < 5 || (clock.now - start < .milliseconds(20) && times.count < 1000) {
            let passStart = clock.now
            _ = net.cost(input: x, target: y)
            times.append((clock.now - passStart).inSeconds)
        }
        let forwardPass = times.sorted()[times.count / 2]
        let progress = EstimatedProgress(label: "Finite differences", total: parameters,
                                         estimatedSeconds: Double(passes) * forwardPass)
        progress.announce("\(grouped(parameters)) parameters, \(grouped(passes)) forward passes of about \(duration(forwardPass))")
        return progress
    }

    func printText<Scalar: BLASScalar>(_ report: GradientCheckReport, network net: Network<Scalar>, example name: String) {
        printLine("Gradient check of \(LayerList.naming(net)) (cost \(net.cost.hyphenatedName)) in \(inspection.precision.rawValue) on \(name): "
                  + "\(method.rawValue) differences, ε = \(significant(report.epsilon, 6))")
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
        printLine("only where |g| is near the finite differences' resolution (max |g − g̃|), which rounding sets.")
        if report.layers.contains(where: { $0.checked == 0 && $0.total > 0 }) {
            printLine("–: no parameter of the layer was in the sample, so nothing was measured there.")
        }
        if report.layers.contains(where: { $0.total == 0 }) {
            printLine("A layer of 0 parameters (pooling) has nothing to check; its BP2 is checked through the layers before it.")
        }
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
        let forwardPass = report.forwardPassSeconds
        printLine("  one forward pass takes \(duration(forwardPass)), so backpropagation costs as much as "
                  + "\(fixed(report.backpropSeconds / forwardPass, places: 1)) forward passes (the book: about two)")
        printLine("")
        printVerdict(report, network: net)
    }

    /// The tolerance and where it came from, then PASS with the largest error or FAIL with the
    /// layers over the tolerance.
    func printVerdict<Scalar: BLASScalar>(_ report: GradientCheckReport, network net: Network<Scalar>) {
        let source = self.tolerance == nil ? "the default in \(inspection.precision.rawValue); set it with --tolerance" : "--tolerance"
        printLine("Tolerance: each checked layer's ‖g − g̃‖/max(‖g‖, ‖g̃‖) at most \(scientific(report.tolerance)) (\(source))")
        let checked = report.layers.filter { $0.checked > 0 }
        if report.passed {
            let worst = checked.max { ($0.normRelativeError ?? 0) < ($1.normRelativeError ?? 0) }
            printLine(Terminal.colored("PASS", 32) + ": the largest layer relative error is "
                      + "\(scientific(report.maxNormRelativeError))\(worst.map { " (layer \($0.layer))" } ?? ""), "
                      + "within \(scientific(report.tolerance))")
        } else {
            let failing = checked.filter { $0.passes(tolerance: report.tolerance) == false }
                .map { "layer \($0.layer) (\(scientific($0.normRelativeError)))" }
            printLine(Terminal.colored("FAIL", 31) + ": " + failing.joined(separator: ", ")
                      + " above the tolerance \(scientific(report.tolerance))")
            let kinked = net.layers.contains { $0.activation == .relu || $0 is MaxPoolingLayer<Scalar> }
            if inspection.precision == .float, kinked {
                printLine("In float, ε = \(significant(report.epsilon, 3)) is wide enough to step across a kink of the cost: a ReLU's z "
                          + "passing 0, or a max-pooling window whose maximum changes, where C has no derivative, so a correct "
                          + "gradient can fail here. Check in double (the default), whose ε = 1e-5 seldom meets one.")
            }
        }
        let silent = checked.filter { $0.maxAbsoluteError == 0 }.map { "\($0.layer)" }
        if !silent.isEmpty {
            printLine("Layer\(silent.count > 1 ? "s" : "") \(silent.joined(separator: ", ")): every checked gradient is the same in both, as "
                      + "happens only where both are 0: C does not change with these parameters for this example (its ReLUs or "
                      + "those after it all off, say, or its inputs 0), so the check says nothing about them; try another --index.")
        }
    }
}
