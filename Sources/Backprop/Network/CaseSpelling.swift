/// Names of the closed sets (``Cost``, ``Activation``, ``WeightInitializer``, ``EtaSchedule``) as people write them.
///
/// backprop's model files hold the Swift case name ("crossEntropy"); the command line and the
/// safetensors metadata spell the same case with hyphens ("cross-entropy"). Costs and
/// activations in a file may use either, so a network written by hand reads the way the command
/// line does.
public protocol HyphenatedCaseNames: RawRepresentable, CaseIterable where RawValue == String {}

extension Cost: HyphenatedCaseNames {}
extension Activation: HyphenatedCaseNames {}
extension WeightInitializer: HyphenatedCaseNames {}
extension EtaSchedule: HyphenatedCaseNames {}

extension HyphenatedCaseNames {
    /// The case name with each capital letter turned into a hyphen and the lower-case letter:
    /// "crossEntropy" → "cross-entropy", "sigmoid" → "sigmoid".
    public var hyphenatedName: String {
        var name = ""
        for character in rawValue {
            if character.isUppercase {
                name += "-" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name
    }

    /// The case named `name`, in either spelling.
    public init?(anySpelling name: String) {
        guard let value = Self(rawValue: name) ?? Self.allCases.first(where: { $0.hyphenatedName == name }) else {
            return nil
        }
        self = value
    }

    /// Decodes one string in either spelling; the error names the value and the choices.
    init(decodingAnySpelling decoder: Decoder, kind: String) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let value = Self(anySpelling: name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown \(kind) \"\(name)\"; choose from "
                    + Self.allCases.map(\.hyphenatedName).joined(separator: ", "))
        }
        self = value
    }
}
