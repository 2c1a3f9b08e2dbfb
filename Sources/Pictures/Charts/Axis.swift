import Foundation

/// A chart axis: the range shown and where its ticks go.
struct Axis {
    let low: Double
    let high: Double
    let logarithmic: Bool
    let ticks: [Double]

    /// An axis covering `values` with about five "nice" ticks (1, 2 or 5 times a power of ten),
    /// or, when logarithmic, ticks at powers of ten. With `integers` (epochs), ticks fall on
    /// whole numbers only: a three-epoch run is ticked 0, 1, 2, not 0, 0.5, 1, 1.5, 2.
    init(covering values: [Double], logarithmic: Bool, includeZero: Bool = false, integers: Bool = false) {
        self.logarithmic = logarithmic
        let finite = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        if logarithmic {
            let lowest = finite.min() ?? 1, highest = finite.max() ?? 10
            let lowExponent = Foundation.floor(log10(lowest)), highExponent = Foundation.ceil(log10(highest))
            low = pow(10, lowExponent)
            high = pow(10, max(highExponent, lowExponent + 1))
            ticks = stride(from: lowExponent, through: log10(high), by: 1).map { pow(10, $0) }
            return
        }
        var lowest = finite.min() ?? 0, highest = finite.max() ?? 1
        if includeZero { lowest = min(lowest, 0) }
        if highest - lowest < 1e-12 {
            lowest -= 0.5
            highest += 0.5
            if integers, lowest + 0.5 == (lowest + 0.5).rounded() {
                // One whole number: centred, with the one tick it needs.
                (low, high, ticks) = (lowest, highest, [lowest + 0.5])
                return
            }
        }
        var step = Self.niceStep((highest - lowest) / 5)
        if integers { step = max(step, 1) }
        low = Foundation.floor(lowest / step) * step
        high = Foundation.ceil(highest / step) * step
        ticks = stride(from: low, through: high + step / 2, by: step).map { ($0 / step).rounded() * step }
    }

    /// 1, 2 or 5 times a power of ten, near `rough`.
    static func niceStep(_ rough: Double) -> Double {
        let power = pow(10, Foundation.floor(log10(rough)))
        let fraction = rough / power
        return (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * power
    }

    /// Where `value` falls, from 0 (low) to 1 (high).
    func position(_ value: Double) -> Double {
        if logarithmic { return (log10(max(value, low)) - log10(low)) / (log10(high) - log10(low)) }
        return (value - low) / (high - low)
    }

    /// A tick's label.
    func label(_ value: Double) -> String {
        if logarithmic {
            let exponent = Int(log10(value).rounded())
            if (0...3).contains(exponent) { return String(Int(value.rounded())) }
            if (-3 ... -1).contains(exponent) { return "0." + String(repeating: "0", count: -exponent - 1) + "1" }
            return "1e\(exponent)"
        }
        // A typographic minus, as in the axis titles ("epoch (−1: before training)").
        let text = value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : String(format: "%g", value)
        return text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }
}
