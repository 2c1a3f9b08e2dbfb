import ArgumentParser
import Backprop

/// Choices on the command line are spelled with hyphens ("cross-entropy", "standard-normal").
extension HyphenatedCaseNames where Self: ExpressibleByArgument {
    public init?(argument: String) { self.init(anySpelling: argument) }
    public static var allValueStrings: [String] { allCases.map(\.hyphenatedName) }
    public var defaultValueDescription: String { hyphenatedName }
}
