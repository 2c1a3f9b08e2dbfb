/// Backpropagation's gradient for one example beside finite differences, layer by layer, with
/// what each method cost: the measurement behind the book's section "In what sense is
/// backpropagation a fast algorithm?".
public struct GradientCheckReport: Codable, Sendable {
    /// Agreement over one layer's checked parameters.
    /// The error fields are nil for a layer none of whose parameters were checked (a small
    /// `sampleSize` can miss a layer): nothing was measured there, which is not an error of 0.
    public struct LayerAgreement: Codable, Sendable {
        /// The book's layer number l (2 for the first layer of weights).
        public var layer: Int
        /// Weights and biases compared.
        public var checked: Int
        /// Parameters in the layer.
        public var total: Int
        public var maxRelativeError: Double?
        public var meanRelativeError: Double?
        /// The largest |backprop − finite difference|.
        public var maxAbsoluteError: Double?
        /// ‖g − g̃‖ / max(‖g‖, ‖g̃‖) over the layer's checked parameters, where g is backprop's
        /// gradient and g̃ the finite differences': one number for the whole layer, dominated by
        /// its large entries, so tiny gradients below the differences' resolution do not swamp it.
        /// The check's verdict compares it with the tolerance.
        public var normRelativeError: Double?

        /// Whether the layer was checked and its ‖g − g̃‖ / max(‖g‖, ‖g̃‖) is at most `tolerance`
        /// (a NaN error fails); nil when none of its parameters were checked.
        public func passes(tolerance: Double) -> Bool? {
            normRelativeError.map { $0 <= tolerance }
        }
    }

    public var layers: [LayerAgreement]
    public var method: FiniteDifference
    public var epsilon: Double
    /// Denominators of relative errors are at least this: |a − b| / max(|a|, |b|, floor).
    public var relativeErrorFloor: Double
    /// Parameters compared, and all there are.
    public var checkedParameters: Int
    public var totalParameters: Int
    /// Backpropagation: one forward and one backward pass for every parameter at once.
    public var backpropSeconds: Double
    /// One forward pass by ``Network/feedforward(_:)``, timed the way backpropagation is (the
    /// finite differences' passes reuse their buffers, so they are no measure of it).
    public var forwardPassSeconds: Double
    /// Forward passes finite differences made for the checked parameters.
    public var finiteDifferenceForwardPasses: Int
    public var finiteDifferenceSeconds: Double
    /// The largest layer relative error ‖g − g̃‖ / max(‖g‖, ‖g̃‖) the check accepts.
    public var tolerance: Double
    /// The verdict: every checked layer's relative error is at most `tolerance`.
    public var passed: Bool

    /// Whether only a sample of the parameters was checked, so that the full finite-difference
    /// cost is an extrapolation.
    public var isSampled: Bool { checkedParameters < totalParameters }
    /// Forward passes finite differences need for every parameter.
    public var fullFiniteDifferenceForwardPasses: Int { totalParameters * method.forwardPassesPerParameter }
    /// Seconds finite differences need for every parameter (measured, or extrapolated from the sample).
    public var fullFiniteDifferenceSeconds: Double {
        finiteDifferenceSeconds * Double(totalParameters) / Double(max(checkedParameters, 1))
    }
    /// How many times longer finite differences take than backpropagation, for the whole gradient.
    public var speedRatio: Double { fullFiniteDifferenceSeconds / backpropSeconds }
    /// The largest per-parameter relative error in any checked layer (NaN if any is NaN).
    public var maxRelativeError: Double { largest(layers.compactMap(\.maxRelativeError)) }
    /// The largest per-layer relative error ‖g − g̃‖ / ‖g‖ over the checked layers (NaN if any is NaN).
    public var maxNormRelativeError: Double { largest(layers.compactMap(\.normRelativeError)) }

    /// The largest of `values`, where NaN wins, so that a check that broke down never looks small.
    private func largest(_ values: [Double]) -> Double {
        values.contains(where: \.isNaN) ? .nan : values.max() ?? 0
    }

    /// The default `tolerance` for a check in `Scalar` arithmetic with the default ε: well above
    /// the layer relative errors that a correct gradient shows, so that rounding does not fail a
    /// right gradient, and in Double far below those of a wrong one (10⁻³ and more).
    ///
    /// Measured with `backprop gradcheck` and central differences, over [784, 30, 10] on MNIST's
    /// training image 0 and [6, 5, 4, 3] with sigmoid, tanh, ReLU and linear neurons (seeds 1–3):
    /// the largest layer error was 1.4·10⁻⁹ in Double (against 10⁻⁶) and 7.6·10⁻⁴ in Float
    /// (against 10⁻²).
    public static func defaultTolerance<Scalar: BLASScalar>(for _: Scalar.Type) -> Double {
        Scalar.significandBitCount > Float.significandBitCount ? 1e-6 : 1e-2
    }
}

/// Where a parameter sits: layer index (into `Network.layers`), and its index among the layer's
/// weights (row by row) or biases.
public enum ParameterLocation: Hashable, Codable, Sendable {
    case weight(layer: Int, index: Int)
    case bias(layer: Int, index: Int)
}

extension Network {
    /// Checks backpropagation's gradient for one example against finite differences.
    ///
    /// - Parameters:
    ///   - x: The input.
    ///   - y: The desired output.
    ///   - epsilon: ε for the finite differences.
    ///   - method: The difference formula.
    ///   - sampleSize: Check this many parameters drawn at random (without replacement), or all
    ///     when nil or at least the parameter count.
    ///   - relativeErrorFloor: The smallest denominator of a relative error, so that gradients
    ///     that are zero or far below the finite differences' resolution compare absolutely.
    ///   - tolerance: The largest layer relative error that passes; nil for
    ///     ``GradientCheckReport/defaultTolerance(for:)``.
    ///   - generator: Draws the sample.
    ///   - progress: Called after each checked parameter with the number done and the number to
    ///     check, so that a long check can show how far it has got.
    @_specialize(where Scalar == Double, G == SeededGenerator)
    @_specialize(where Scalar == Float, G == SeededGenerator)
    public func checkGradient<G: RandomNumberGenerator>(
        input x: [Scalar], target y: [Scalar], epsilon: Scalar, method: FiniteDifference = .central,
        sampleSize: Int? = nil, relativeErrorFloor: Double = 1e-8, tolerance: Double? = nil,
        using generator: inout G, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) -> GradientCheckReport {
        let clock = ContinuousClock()
        // Backpropagation is fast enough that one call is below the clock's resolution to trust:
        // time enough repeats to fill about 50 ms.
        var pass = backpropagate(input: x, target: y)
        var repeats = 0
        let start = clock.now
        repeat {
            pass = backpropagate(input: x, target: y)
            repeats += 1
        } while clock.now - start < .milliseconds(50)
        let backpropSeconds = (clock.now - start).inSeconds / Double(repeats)
        var output = feedforward(x)
        var forwardRepeats = 0
        let forwardStart = clock.now
        repeat {
            output = feedforward(x)
            forwardRepeats += 1
        } while clock.now - forwardStart < .milliseconds(50)
        let forwardPassSeconds = output.isEmpty ? 0 : (clock.now - forwardStart).inSeconds / Double(forwardRepeats)

        var locations: [ParameterLocation] = []
        for (l, layer) in layers.enumerated() {
            locations += layer.weights.elements.indices.map { .weight(layer: l, index: $0) }
            locations += layer.biases.indices.map { .bias(layer: l, index: $0) }
        }
        let total = locations.count
        if let sampleSize, sampleSize < total {
            var order = Array(locations.indices)
            generator.shuffle(&order)
            locations = order.prefix(max(sampleSize, 0)).sorted().map { locations[$0] }
        }

        var errors = [[Double]](repeating: [], count: layers.count)
        var absolute = [Double](repeating: 0, count: layers.count)
        var squares = [(difference: Double, analytic: Double, numerical: Double)](repeating: (0, 0, 0), count: layers.count)
        let fdStart = clock.now
        var probe = self
        for (done, location) in locations.enumerated() {
            defer { progress?(done + 1, locations.count) }
            let numerical = probe.finiteDifference(at: location, input: x, target: y, epsilon: epsilon, method: method)
            let (l, analytic): (Int, Scalar) = switch location {
            case .weight(let l, let i): (l, pass.nablaW[l].elements[i])
            case .bias(let l, let j): (l, pass.nablaB[l][j])
            }
            let a = Double(analytic), b = Double(numerical)
            errors[l].append(abs(a - b) / max(abs(a), abs(b), relativeErrorFloor))
            absolute[l] = max(absolute[l], abs(a - b))
            squares[l].difference += (a - b) * (a - b)
            squares[l].analytic += a * a
            squares[l].numerical += b * b
        }
        let fdSeconds = (clock.now - fdStart).inSeconds

        let agreements = layers.indices.map { l in
            let checked = !errors[l].isEmpty
            return GradientCheckReport.LayerAgreement(
                layer: l + 2, checked: errors[l].count, total: layers[l].parameterCount,
                maxRelativeError: checked ? errors[l].max() : nil,
                meanRelativeError: checked ? errors[l].reduce(0, +) / Double(errors[l].count) : nil,
                maxAbsoluteError: checked ? absolute[l] : nil,
                normRelativeError: checked ? squares[l].difference.squareRoot()
                    / max(squares[l].analytic.squareRoot(), squares[l].numerical.squareRoot(), .leastNormalMagnitude) : nil)
        }
        let tolerance = tolerance ?? GradientCheckReport.defaultTolerance(for: Scalar.self)
        return GradientCheckReport(
            layers: agreements, method: method, epsilon: Double(epsilon), relativeErrorFloor: relativeErrorFloor,
            checkedParameters: locations.count, totalParameters: total, backpropSeconds: backpropSeconds,
            forwardPassSeconds: forwardPassSeconds,
            finiteDifferenceForwardPasses: locations.count * method.forwardPassesPerParameter,
            finiteDifferenceSeconds: fdSeconds, tolerance: tolerance,
            passed: agreements.allSatisfy { $0.passes(tolerance: tolerance) ?? true })
    }

    /// ∂C/∂p for one parameter by finite differences; the network is restored afterwards.
    mutating func finiteDifference(at location: ParameterLocation, input x: [Scalar], target y: [Scalar],
                                   epsilon: Scalar, method: FiniteDifference) -> Scalar {
        let original = self[location]
        defer { self[location] = original }
        return method.derivative(epsilon: epsilon) { step in
            self[location] = original + step
            return cost(input: x, target: y)
        }
    }

    /// One weight or bias, read and written in place. Writing through a key path to the same
    /// element instead made finite differences about three times slower for [784, 100, 10] in a
    /// debug build (`backprop gradcheck --layers 784,100,10 --sample 3000`: 1.24 against 0.42 ms
    /// per forward pass, medians of five interleaved runs).
    subscript(location: ParameterLocation) -> Scalar {
        get {
            switch location {
            case .weight(let l, let i): layers[l].weights.elements[i]
            case .bias(let l, let j): layers[l].biases[j]
            }
        }
        set {
            switch location {
            case .weight(let l, let i): layers[l].weights.elements[i] = newValue
            case .bias(let l, let j): layers[l].biases[j] = newValue
            }
        }
    }
}
