import ArgumentParser
import Datasets

/// The images `backprop train` evaluates on after each epoch: MNIST's test or validation images,
/// or none.
///
/// A model file stores it by ``name`` (``DataSettings/evaluationSet``), so a saved run is read
/// back with ``init(name:)``.
enum EvaluationSet: Hashable, CaseIterable, ExpressibleByArgument {
    case images(MNIST.Split)
    case none

    /// The training images are what the network learns from, so they are not among the choices.
    static let allCases: [EvaluationSet] = [.images(.test), .images(.validation), .none]

    /// "test", "validation" or "none": the spelling on the command line and in the model file.
    var name: String {
        switch self {
        case .images(let split): split.rawValue
        case .none: "none"
        }
    }

    /// The split to evaluate on; nil for none.
    var split: MNIST.Split? {
        switch self {
        case .images(let split): split
        case .none: nil
        }
    }

    /// The set named `name`, as ``name`` spells it; nil for any other name.
    init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    init?(argument: String) { self.init(name: argument) }

    var defaultValueDescription: String { name }

    static var allValueStrings: [String] { allCases.map(\.name) }

    static var allValueDescriptions: [String: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0.split?.summary ?? "no evaluation (fastest)") })
    }
}
