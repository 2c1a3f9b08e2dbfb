import Foundation

/// A sweep spec file, read line by line (docs/sweeps.md describes the format):
///
/// ```
/// # η and λ on a grid, three seeds each
/// name: eta-lambda
/// eta: 0.025, 0.25, 2.5
/// lambda: 0 5
/// seed: 1 2 3
/// training-size: 1000
/// ```
///
/// Every other key is an option of `backprop train`, without its dashes, and means exactly what
/// it means there. A key with several values is an axis of the grid; with `samples: N`, N runs
/// are drawn instead, each value from its list or its range (`eta: 0.01..10 log`).
struct SweepSpec: Equatable {
    /// One key and its values, with the line that gave them.
    struct Axis: Equatable {
        var key: String
        var line: Int
        var values: Values
    }

    enum Values: Equatable {
        /// Values as written.
        case list([String])
        /// A range to draw from: uniformly, or uniformly in log when `logarithmic`; whole
        /// numbers only when both ends are written as whole numbers.
        case range(low: Double, high: Double, logarithmic: Bool, whole: Bool)
    }

    /// Names the sweep in the runs store; with the settings it identifies each run.
    var name: String
    /// Random search: how many runs to draw; nil for the whole grid.
    var samples: Int?
    /// The seed for drawing the samples.
    var samplingSeed: UInt64
    var axes: [Axis]
    /// The file, for messages.
    var file: String

    /// Keys of the spec itself, not of `train`.
    static let ownKeys = ["name", "samples", "sampling-seed"]
    /// `train`'s flags: options without a value, written `true` or `false` in a spec.
    static let flags = ["expand"]
    /// `train`'s options that write files.
    static let outputKeys = ["save", "save-network2", "save-safetensors", "keep", "checkpoint", "history", "plot"]
    /// `train` options a sweep does not take, and why.
    static let refusedKeys: [String: String] = {
        let outputs = "a sweep records its runs in the runs store and saves no files; train the run you want to keep with backprop train"
        var refused = Dictionary(uniqueKeysWithValues: outputKeys.map { ($0, outputs) })
        refused["resume"] = "a sweep starts its runs afresh and skips those the runs store holds as done"
        refused["threads"] = "each training of a sweep runs on one thread; backprop sweep --jobs says how many run at once"
        refused["data"] = "give the MNIST folder to the sweep itself: backprop sweep --data DIR"
        for key in ["data-parallel", "shards"] {
            refused[key] = "a sweep shares its runs among the ranks, one training each; split one training with backprop train --data-parallel"
        }
        for key in ["learning-speed", "learning-speed-sample", "saturation-threshold"] {
            refused[key] = "the learning-speed report is train's; the runs store does not keep it"
        }
        return refused
    }()

    /// The axes with more than one value (or a range): the settings that differ between runs.
    var varyingKeys: [String] {
        axes.filter { if case .list(let values) = $0.values { values.count > 1 } else { true } }.map(\.key)
    }

    /// The line of `key`, if the spec has it.
    func line(of key: String) -> Int? { axes.first { $0.key == key }?.line }

    /// Reads a spec.
    /// - Parameters:
    ///   - file: The file's name, for messages.
    ///   - defaultName: The sweep's name when the spec gives none (the file's base name).
    /// - Throws: ``SweepSpecError`` naming the line and what is wrong with it.
    static func parse(_ text: String, file: String, defaultName: String) throws(SweepSpecError) -> SweepSpec {
        var spec = SweepSpec(name: defaultName, samples: nil, samplingSeed: 1, axes: [], file: file)
        var seen: [String: Int] = [:]
        for (offset, raw) in text.components(separatedBy: "\n").enumerated() {
            let number = offset + 1
            func fail(_ message: String) -> SweepSpecError { SweepSpecError(file: file, line: number, message: message) }
            let line = (raw.firstIndex(of: "#").map { String(raw[..<$0]) } ?? raw).trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw fail("expected \"key: values\", e.g. \"eta: 0.1, 0.5\", got \"\(line)\"")
            }
            var key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("--") { key.removeFirst(2) }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw fail("\"\(key)\" is not a key: use an option of backprop train without its dashes, e.g. eta or mini-batch-size")
            }
            if let earlier = seen[key] { throw fail("\(key) is given again (first on line \(earlier)); list all its values on one line") }
            seen[key] = number
            guard !value.isEmpty else { throw fail("\(key): no value given") }
            if let reason = refusedKeys[key] { throw fail("\(key): \(reason)") }
            switch key {
            case "name":
                guard value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw fail("name \"\(value)\": use letters, digits, - _ and . only")
                }
                spec.name = value
            case "samples":
                guard let count = Int(value), (1...100_000).contains(count) else {
                    throw fail("samples: give the number of runs to draw, from 1 to 100,000, got \"\(value)\"")
                }
                spec.samples = count
            case "sampling-seed":
                guard let seed = UInt64(value) else { throw fail("sampling-seed: give a whole number of 0 or more, got \"\(value)\"") }
                spec.samplingSeed = seed
            default:
                spec.axes.append(Axis(key: key, line: number, values: try values(value, key: key, fail: fail)))
            }
        }
        guard !spec.axes.isEmpty else {
            throw SweepSpecError(file: file, line: nil, message: "no settings: give at least one option of backprop train, e.g. \"eta: 0.1, 0.5, 3\"")
        }
        if spec.samples == nil, let range = spec.axes.first(where: { if case .range = $0.values { true } else { false } }) {
            throw SweepSpecError(file: file, line: range.line, message: "\(range.key): a range is drawn from in a random search; "
                                 + "add \"samples: N\", or list the values for a grid")
        }
        return spec
    }

    /// The values of one line: a range "low..high" (with "log" after it for a log-uniform draw), or
    /// values separated by spaces or ", ".
    private static func values(_ text: String, key: String, fail: (String) -> SweepSpecError) throws(SweepSpecError) -> Values {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        if let first = words.first, first.contains("..") {
            let ends = first.components(separatedBy: "..")
            guard ends.count == 2, let low = Double(ends[0]), let high = Double(ends[1]), low.isFinite, high.isFinite, low < high,
                  words.count == 1 || (words.count == 2 && words[1] == "log") else {
                throw fail("\(key): a range is written low..high, low below high, with \"log\" after it to draw evenly in log, got \"\(text)\"")
            }
            let logarithmic = words.count == 2
            if logarithmic, low <= 0 { throw fail("\(key): a log range needs a low end above 0, got \(ends[0])") }
            if flags.contains(key) { throw fail("\(key) is a flag: give true, false or both, not a range") }
            // Whole ends are drawn as Int: keep high − low + 1 within it.
            if !logarithmic, let a = Int(ends[0]), let b = Int(ends[1]), a.magnitude > 1 << 52 || b.magnitude > 1 << 52 {
                throw fail("\(key): a range of whole numbers must lie within ±2^52, got \"\(first)\"")
            }
            return .range(low: low, high: high, logarithmic: logarithmic,
                          whole: Int(ends[0]) != nil && Int(ends[1]) != nil && !logarithmic)
        }
        var list: [String] = []
        for word in words {
            var value = word
            if value.hasSuffix(",") { value.removeLast() }
            guard !value.isEmpty else { throw fail("\(key): an empty value in \"\(text)\"") }
            if flags.contains(key), value != "true", value != "false" {
                throw fail("\(key) is a flag: give true, false or both, got \"\(value)\"")
            }
            if list.contains(value) { throw fail("\(key): \(value) is listed twice") }
            list.append(value)
        }
        return .list(list)
    }
}

/// A spec that cannot be read: where, and what is wrong.
struct SweepSpecError: Error, CustomStringConvertible {
    var file: String
    /// Nil when the mistake is in the file as a whole.
    var line: Int?
    var message: String
    var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
