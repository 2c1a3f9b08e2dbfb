import ArgumentParser
import Backprop

/// A command that inspects one network on one example in either precision: `run()` calls
/// `run(Float.self)` or `run(Double.self)` as `--precision` says.
protocol InspectionCommand: ParsableCommand {
    var inspection: InspectionOptions { get }
    func run<Scalar: BLASScalar>(_: Scalar.Type) throws
}

extension InspectionCommand {
    func run() throws {
        switch inspection.precision {
        case .float: try run(Float.self)
        case .double: try run(Double.self)
        }
    }
}
