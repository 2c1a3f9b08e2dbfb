import ArgumentParser
import Backprop
import Foundation

/// One training of a sweep: its settings, as options of `backprop train`.
struct SweepRun: Codable, Equatable, Sendable {
    struct Setting: Codable, Equatable, Sendable {
        var key: String
        var value: String
    }

    /// Its place in the sweep, from 0.
    var index: Int
    /// In the spec's order.
    var settings: [Setting]

    /// What identifies the run in its sweep: the settings sorted by key, "eta=0.5 lambda=5 seed=1".
    var key: String {
        settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// The settings as `train`'s command line takes them.
    var arguments: [String] {
        settings.flatMap { setting -> [String] in
            if SweepSpec.flags.contains(setting.key) { return setting.value == "true" ? ["--" + setting.key] : [] }
            return ["--" + setting.key, setting.value]
        }
    }

    /// "eta=0.5 lambda=5", the settings named in `keys` only.
    func describe(_ keys: [String]) -> String {
        let shown = settings.filter { keys.contains($0.key) }
        return shown.isEmpty ? "run \(index + 1)" : shown.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// The value of `key`, if the run sets it.
    func value(of key: String) -> String? { settings.first { $0.key == key }?.value }
}

/// A sweep's runs, drawn from its spec and each checked the way `backprop train` checks its
/// options.
struct SweepPlan {
    /// The most runs one sweep may hold.
    static let maximumRuns = 100_000

    var spec: SweepSpec
    var runs: [SweepRun]

    /// The runs of `spec`: the whole grid, or its samples (without repeats).
    /// - Throws: ``SweepSpecError`` for a grid too large or a run `train` would refuse, naming the
    ///   line of the key the refusal is about when it names one.
    init(_ spec: SweepSpec) throws(SweepSpecError) {
        self.spec = spec
        let settings = if let count = spec.samples { Self.samples(spec, count: count) } else { try Self.grid(spec) }
        runs = settings.enumerated().map { SweepRun(index: $0.offset, settings: $0.element) }
        for run in runs { try check(run) }
    }

    /// Every combination of the lists, the first key varying slowest.
    private static func grid(_ spec: SweepSpec) throws(SweepSpecError) -> [[SweepRun.Setting]] {
        var combinations: [[SweepRun.Setting]] = [[]]
        for axis in spec.axes {
            guard case .list(let values) = axis.values else { continue }  // ranges need samples (SweepSpec.parse)
            guard combinations.count * values.count <= maximumRuns else {
                throw SweepSpecError(file: spec.file, line: axis.line, message: "the grid would hold more than "
                                     + "\(grouped(maximumRuns)) runs; list fewer values, or draw samples: N from it")
            }
            combinations = combinations.flatMap { settings in values.map { settings + [.init(key: axis.key, value: $0)] } }
        }
        return combinations
    }

    /// `count` draws, each value from its list or range; a draw equal to an earlier one is dropped.
    private static func samples(_ spec: SweepSpec, count: Int) -> [[SweepRun.Setting]] {
        var generator = SeededGenerator(seed: spec.samplingSeed)
        var drawn: [[SweepRun.Setting]] = [], keys: Set<String> = []
        for _ in 0..<count {
            let settings = spec.axes.map { SweepRun.Setting(key: $0.key, value: draw($0.values, using: &generator)) }
            if keys.insert(SweepRun(index: 0, settings: settings).key).inserted { drawn.append(settings) }
        }
        return drawn
    }

    /// One value: a list's item, or a number from a range written with three significant digits.
    static func draw(_ values: SweepSpec.Values, using generator: inout SeededGenerator) -> String {
        switch values {
        case .list(let list):
            return list[generator.nextInt(below: list.count)]
        case .range(let low, let high, _, true):
            return "\(Int(low) + generator.nextInt(below: Int(high) - Int(low) + 1))"
        case .range(let low, let high, let logarithmic, false):
            let u = generator.nextUniform()
            let value = logarithmic ? exp(log(low) + u * (log(high) - log(low))) : low + u * (high - low)
            return "\(Double(String(format: "%.3g", value))!)"
        }
    }

    /// Parses `run` as `train` would and refuses it as `train` would.
    private func check(_ run: SweepRun) throws(SweepSpecError) {
        do {
            _ = try Train.parse(run.arguments)
        } catch {
            let message = Train.message(for: error)
            // The line of the option the message names, else the run as a whole.
            if let axis = spec.axes.first(where: { Self.names(message, option: $0.key) }) {
                let value = run.value(of: axis.key).map { " \($0)" } ?? ""
                throw SweepSpecError(file: spec.file, line: axis.line, message: "\(axis.key)\(value): \(message)")
            }
            throw SweepSpecError(file: spec.file, line: nil, message: "run \(run.index + 1) (\(run.key)): \(message)")
        }
    }

    /// Whether `message` names `--option` (and not a longer option that ends or starts with it).
    static func names(_ message: String, option: String) -> Bool {
        let target = "--" + option
        var searchRange = message.startIndex..<message.endIndex
        while let found = message.range(of: target, range: searchRange) {
            let before = found.lowerBound == message.startIndex ? nil : message[message.index(before: found.lowerBound)]
            let after = found.upperBound == message.endIndex ? nil : message[found.upperBound]
            let isPart: (Character?) -> Bool = { $0.map { $0.isLetter || $0.isNumber || $0 == "-" } ?? false }
            if !isPart(before) && !isPart(after) { return true }
            searchRange = found.upperBound..<message.endIndex
        }
        return false
    }
}
