import ArgumentParser

/// Floating-point precision for inspection commands.
enum Precision: String, ExpressibleByArgument, CaseIterable {
    case float, double
    static var allValueDescriptions: [String: String] {
        ["float": "32-bit, as training runs", "double": "64-bit, for exact comparisons"]
    }
}
