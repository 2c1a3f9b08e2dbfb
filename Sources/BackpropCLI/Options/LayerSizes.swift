import ArgumentParser
import Foundation

/// Neurons per layer as written on the command line: `784,30,10`.
struct LayerSizes: ExpressibleByArgument, CustomStringConvertible {
    var sizes: [Int]

    init(_ sizes: [Int]) {
        self.sizes = sizes
    }

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        let sizes = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard sizes.count >= 2, sizes.allSatisfy({ $0 != nil }) else { return nil }
        self.sizes = sizes.map { $0! }
    }

    var description: String { sizes.map(String.init).joined(separator: ",") }
    var defaultValueDescription: String { description }
}

extension LayerSizes {
    /// Refuses networks whose weights would not fit in this machine's memory (counting the
    /// weights, a copy for checkpoints and momentum, and the gradient of the per-example path),
    /// before anything is allocated.
    func checkFitsInMemory(option: String = "--layers", bytesPerNumber: Int = 4) throws {
        var need = MemoryNeed()
        for (inputs, neurons) in zip(sizes, sizes.dropFirst()) { need.add(parameters: [inputs, neurons], [neurons]) }
        try need.check("\(option) \(self)", bytesPerNumber: bytesPerNumber)
    }
}
