import Foundation

/// The formats a model file can be in, told apart by their contents.
enum ModelFormat {
    /// backprop's own JSON, `{"format": "backprop-model", …}` (``ModelFile``).
    case backprop
    /// network2.py's JSON, `{"sizes", "weights", "biases", "cost"}` (``Network2Format``).
    case network2
    /// A bare network, `{"layers": [{"weights", "biases", "activation"}], "cost"}`.
    case bareNetwork
    /// safetensors (``SafetensorsFormat``), known by its header whatever the file's name.
    case safetensors

    /// The format of `data`, and its top-level JSON fields when it is JSON.
    static func of(_ data: Data, path: String) throws(PersistenceError) -> (format: ModelFormat, fields: [String: Any]) {
        if SafetensorsFormat.looksLikeSafetensors(data) || path.lowercased().hasSuffix(".safetensors") {
            return (.safetensors, [:])
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            let error = error as NSError
            throw .malformedJSON(path: path, reason: error.userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription)
        }
        guard let fields = object as? [String: Any] else { throw .notAModel(path: path) }
        if let format = fields["format"] {
            guard format as? String == ModelFile.formatName else { throw .notAModel(path: path) }
            return (.backprop, fields)
        }
        if fields["sizes"] != nil { return (.network2, fields) }
        if fields["layers"] != nil { return (.bareNetwork, fields) }
        throw .notAModel(path: path)
    }
}

/// The network of backprop's model file, read alone (at any precision).
private struct NetworkField<Scalar: BLASScalar>: Decodable {
    var network: Network<Scalar>
}

extension ModelFile {
    /// Reads a model from `path`: backprop's model file, network2.py's JSON, a bare
    /// `{"layers", "cost"}` network, or safetensors.
    ///
    /// A model file is data only: it names activations and costs from a closed list and is
    /// checked (shapes, finite numbers, known names, format version) before anything uses it.
    /// Only backprop's own format holds a training record; the others give a network alone.
    /// - Throws: ``PersistenceError`` naming the file and what is wrong, a missing file or a
    ///   folder included.
    public static func load(from path: String) throws(PersistenceError) -> ModelFile {
        try decode(try readBytes(path), path: path)
    }

    /// Parses a model file's bytes, in any of the formats ``load(from:)`` reads; `path` names it
    /// in errors.
    public static func decode(_ data: Data, path: String) throws(PersistenceError) -> ModelFile {
        let (format, fields) = try ModelFormat.of(data, path: path)
        switch format {
        case .backprop: return try decodeBackpropFormat(data, fields: fields, path: path)
        case .network2: return ModelFile(network: try Network2Format.decode(data, path: path))
        case .bareNetwork: return ModelFile(network: try decodeBareNetwork(data, path: path))
        case .safetensors: return ModelFile(network: try SafetensorsFormat.decode(data, path: path))
        }
    }

    /// The network in the model file at `path`, read at `Scalar` precision straight from the
    /// file: network2.py's and bare JSON from their decimal text, safetensors F64 from its bits,
    /// so that a float64 network loads into `Network<Double>` without passing through Float.
    /// - Throws: ``PersistenceError`` naming the file and what is wrong.
    public static func loadNetwork<Scalar: BLASScalar>(from path: String, as _: Scalar.Type = Scalar.self) throws(PersistenceError) -> Network<Scalar> {
        try decodeNetwork(try readBytes(path), path: path)
    }

    /// The network in a model file's bytes, at `Scalar` precision; see ``loadNetwork(from:as:)``.
    public static func decodeNetwork<Scalar: BLASScalar>(_ data: Data, path: String, as _: Scalar.Type = Scalar.self) throws(PersistenceError) -> Network<Scalar> {
        let (format, fields) = try ModelFormat.of(data, path: path)
        switch format {
        case .backprop:
            // Checked whole as the Float file it is, then its numbers read again at Scalar's
            // precision, each the decimal the file holds.
            let model = try decodeBackpropFormat(data, fields: fields, path: path)
            if Scalar.self == Float.self { return model.network.converted() }
            do { return try JSONDecoder().decode(NetworkField<Scalar>.self, from: data).network } catch {
                throw .invalid(path: path, reason: PersistenceError.describe(error))
            }
        case .network2: return try Network2Format.decode(data, path: path)
        case .bareNetwork: return try decodeBareNetwork(data, path: path)
        case .safetensors: return try SafetensorsFormat.decode(data, path: path)
        }
    }

    /// A bare `{"layers", "cost"}` network.
    private static func decodeBareNetwork<Scalar: BLASScalar>(_ data: Data, path: String) throws(PersistenceError) -> Network<Scalar> {
        do { return try JSONDecoder().decode(Network<Scalar>.self, from: data) } catch {
            throw .invalid(path: path, reason: PersistenceError.describe(error))
        }
    }

    /// The bytes of the file at `path`, with errors in words: no such file, a folder, or what the
    /// system said.
    public static func readBytes(_ path: String) throws(PersistenceError) -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .missing(path: path) }
        if isFolder.boolValue { throw .folder(path: path) }
        guard FileManager.default.isReadableFile(atPath: path) else { throw .cannotRead(path: path, reason: "permission denied") }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .cannotRead(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
