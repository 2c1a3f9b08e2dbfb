import ArgumentParser
import Foundation

/// What a network's numbers need, counted without overflow: its weights and biases (held four
/// times over: the weights, a copy for checkpoints and momentum, and a gradient) and the values
/// one example holds in the engines' buffers (z, a, σ′, δ, a convolution's unfolded input), of
/// which an evaluation chunk holds 100.
struct MemoryNeed {
    private(set) var parameters = 0, values = 0, overflow = false

    /// Adds the products of `terms`' lists to the weights and biases.
    mutating func add(parameters terms: [Int]...) { for term in terms { parameters = sum(parameters, term) } }
    /// Adds the products of `terms`' lists to the values an example holds.
    mutating func add(values terms: [Int]...) { for term in terms { values = sum(values, term) } }

    /// total + the product of `factors`, noting an overflow (and leaving total) where there is one.
    private mutating func sum(_ total: Int, _ factors: [Int]) -> Int {
        var product = 1, over = false
        for factor in factors where !over { (product, over) = product.multipliedReportingOverflow(by: factor) }
        let (result, overSum) = total.addingReportingOverflow(product)
        if over || overSum { overflow = true; return total }
        return result
    }

    /// Throws when the numbers cannot be counted or would need more than half of this machine's
    /// memory.
    func check(_ what: String, bytesPerNumber: Int = 4) throws {
        guard !overflow else { throw ValidationError("\(what): the network has too many weights to count") }
        let needed = (Double(parameters) * 4 + Double(values) * 100) * Double(bytesPerNumber)
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        guard needed < available / 2 else {
            let buffers = values > 0 ? " and their neurons' buffers" : ""
            throw ValidationError("\(what): \(parameters) weights and biases\(buffers) need about "
                                  + "\(Int(needed / 1e9)) GB, more than half of this machine's \(Int(available / 1e9)) GB of memory")
        }
    }
}
