import Foundation

/// safetensors, the tensor file of Hugging Face's `safetensors` package, which PyTorch, JAX,
/// numpy and most model tools read and write.
///
/// A file is 8 bytes holding N, the header's length, as a little-endian UInt64; N bytes of JSON
/// header; then the tensors' bytes, little-endian, each tensor row-major. The header maps each
/// tensor's name to `{"dtype": "F32", "shape": [30, 784], "data_offsets": [begin, end]}`, byte
/// offsets into the data after the header, and may hold `"__metadata__"`, a map of strings.
///
/// A network's layers l = 2 … L (the book's numbering) are stored, with i = l − 2, as
/// - `layers.i.weight`: wˡ, shape [neurons, inputs]; row j holds neuron j's incoming weights;
/// - `layers.i.bias`: bˡ, shape [neurons];
///
/// and the metadata says the rest:
/// - `format`: "backprop-network" and `format_version`: "1";
/// - `layer_sizes`: neurons per layer, input first, as JSON: "[784, 30, 10]";
/// - `activations`: σ of each layer after the input, as JSON: "[\"sigmoid\", \"softmax\"]";
/// - `cost`: "quadratic", "cross-entropy" or "log-likelihood";
/// - `layers.i.neuron_activations`: only for a layer with neurons of their own function, JSON
///   from neuron to function: "{\"3\": \"relu\"}".
///
/// `Network<Float>` is written as F32 and `Network<Double>` as F64, each bit for bit; either
/// dtype reads into either precision (F64 into `Network<Double>` unrounded). A file without the
/// metadata, such as one written from numpy, reads as sigmoid layers with the quadratic cost.
/// No training state is stored: resuming a run needs backprop's own model file.
public enum SafetensorsFormat {
    /// The version this program writes, and the newest it reads.
    public static let currentVersion = 1
    static let formatName = "backprop-network"
    /// The longest header read: the safetensors package's own limit, 100 MB.
    static let maximumHeaderLength = 100_000_000

    /// The element types read and written.
    enum DType: String {
        case f32 = "F32", f64 = "F64"
        var size: Int { self == .f32 ? 4 : 8 }
    }

    /// One tensor's entry in the header.
    struct TensorEntry: Codable {
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]
        enum CodingKeys: String, CodingKey { case dtype, shape, dataOffsets = "data_offsets" }
    }

    /// The JSON header: tensors by name, and the optional `__metadata__` map.
    struct Header: Codable {
        var metadata: [String: String] = [:]
        var tensors: [String: TensorEntry] = [:]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        static let metadataKey = "__metadata__"

        init(metadata: [String: String], tensors: [String: TensorEntry]) {
            self.metadata = metadata
            self.tensors = tensors
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                if key.stringValue == Self.metadataKey {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    tensors[key.stringValue] = try container.decode(TensorEntry.self, forKey: key)
                }
            }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            if !metadata.isEmpty { try container.encode(metadata, forKey: Key(stringValue: Self.metadataKey)) }
            for (name, entry) in tensors { try container.encode(entry, forKey: Key(stringValue: name)) }
        }
    }

    // MARK: Writing

    /// Why `network` cannot be written in this layout, or nil when it can.
    public static func problem<Scalar: BLASScalar>(storing network: Network<Scalar>) -> String? {
        network.denseLayers == nil ? "the safetensors layout holds dense layers only" : nil
    }

    /// The safetensors bytes of `network`: F32 for `Network<Float>`, F64 for `Network<Double>`.
    public static func encode<Scalar: BLASScalar>(_ network: Network<Scalar>) throws(PersistenceError) -> Data {
        if let problem = problem(storing: network) { throw .unsupported(problem) }
        let dense = network.denseLayers!
        let dtype: DType = MemoryLayout<Scalar>.size == 4 ? .f32 : .f64
        var body: [UInt8] = []
        body.reserveCapacity(network.parameterCount * dtype.size)
        var tensors: [String: TensorEntry] = [:]
        func append(_ name: String, _ values: [Scalar], shape: [Int]) {
            let begin = body.count
            switch dtype {
            case .f32: values.map { Float($0).bitPattern.littleEndian }.withUnsafeBytes { body.append(contentsOf: $0) }
            case .f64: values.map { Double($0).bitPattern.littleEndian }.withUnsafeBytes { body.append(contentsOf: $0) }
            }
            tensors[name] = TensorEntry(dtype: dtype.rawValue, shape: shape, dataOffsets: [begin, body.count])
        }
        var metadata = [
            "format": formatName,
            "format_version": "\(currentVersion)",
            "layer_sizes": "[" + network.layerSizes.map(String.init).joined(separator: ", ") + "]",
            "activations": "[" + network.layers.map { "\"\($0.activation.hyphenatedName)\"" }.joined(separator: ", ") + "]",
            "cost": network.cost.hyphenatedName,
        ]
        for (i, layer) in dense.enumerated() {
            append("layers.\(i).weight", layer.weights.elements, shape: [layer.neurons, layer.inputs])
            append("layers.\(i).bias", layer.biases, shape: [layer.neurons])
            if !layer.neuronActivations.isEmpty {
                metadata["layers.\(i).neuron_activations"] = "{"
                    + layer.neuronActivations.sorted { $0.key < $1.key }
                        .map { "\"\($0.key)\": \"\($0.value.hyphenatedName)\"" }.joined(separator: ", ")
                    + "}"
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var header: Data
        do { header = try encoder.encode(Header(metadata: metadata, tensors: tensors)) } catch {
            throw .unsupported("cannot write the safetensors header: \(error)")
        }
        // Spaces pad the header so that the data starts 8-byte aligned, as the safetensors
        // package's own writer does.
        header.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8))
        var file = Data(capacity: 8 + header.count + body.count)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        file.append(contentsOf: body)
        return file
    }

    /// Writes `network` to `path` as safetensors, atomically: an interrupted save leaves any
    /// previous file whole.
    public static func save<Scalar: BLASScalar>(_ network: Network<Scalar>, to path: String) throws(PersistenceError) {
        try AtomicFile.write(try encode(network), to: path)
    }

    // MARK: Reading

    /// Whether `data` starts as a safetensors file does: a header length that fits in the file,
    /// then `{`. JSON text never does, since its first eight bytes make a length beyond 2⁵⁶.
    static func looksLikeSafetensors(_ data: Data) -> Bool {
        guard data.count >= 10 else { return false }
        let length = data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return length <= UInt64(data.count - 8) && data[data.startIndex + 8] == UInt8(ascii: "{")
    }

    /// The network in a safetensors file's bytes, at `Scalar` precision; `path` names the file
    /// in errors.
    /// - Throws: ``PersistenceError/invalid(path:reason:)`` for anything amiss: a header length
    ///   past the file, a header that is not JSON, an unknown dtype, offsets that overlap, leave
    ///   gaps or run past the data, shapes that do not chain or match the metadata, a missing or
    ///   unexpected tensor, a value that is not finite, an unknown activation or cost.
    public static func decode<Scalar: BLASScalar>(_ data: Data, path: String) throws(PersistenceError) -> Network<Scalar> {
        let bytes = [UInt8](data)
        func invalid(_ reason: String) -> PersistenceError { .invalid(path: path, reason: "safetensors: " + reason) }

        guard bytes.count >= 8 else { throw invalid("the file has \(bytes.count) bytes, fewer than the 8 of the header length") }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw invalid("the header length \(headerLength) is above the format's limit of \(maximumHeaderLength) bytes")
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw invalid("the header length \(headerLength) runs past the end of the file's \(bytes.count) bytes")
        }
        let dataStart = 8 + Int(headerLength)
        guard headerLength > 0, bytes[8] == UInt8(ascii: "{") else { throw invalid("the header is not a JSON object") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(bytes[8..<dataStart])) } catch {
            throw invalid("the header is not valid: " + PersistenceError.describe(error))
        }
        let dtypes = try checkLayout(header.tensors, dataLength: bytes.count - dataStart, invalid)
        let layout = try NetworkLayout(header: header, invalid)

        var layers: [DenseLayer<Scalar>] = []
        for i in 0..<layout.layerCount {
            func tensor(_ name: String) throws(PersistenceError) -> [Scalar] {
                let entry = header.tensors[name]!
                let values: [Scalar] = read(bytes, from: dataStart + entry.dataOffsets[0],
                                            count: entry.dataOffsets[1] - entry.dataOffsets[0], dtype: dtypes[name]!)
                if let bad = values.firstIndex(where: { !$0.isFinite }) {
                    let place = entry.shape.count == 2 ? "[\(bad / entry.shape[1]), \(bad % entry.shape[1])]" : "[\(bad)]"
                    throw invalid("\(name)\(place) is \(values[bad]), not a finite number")
                }
                return values
            }
            let (neurons, inputs) = (layout.layerSizes[i + 1], layout.layerSizes[i])
            layers.append(DenseLayer(weights: Matrix(rows: neurons, columns: inputs, elements: try tensor("layers.\(i).weight")),
                                biases: try tensor("layers.\(i).bias"), activation: layout.activations[i],
                                neuronActivations: layout.neuronActivations[i]))
        }
        if let problem = Network<Scalar>.problem(layers: layers, cost: layout.cost) { throw invalid(problem) }
        return Network(layers: layers, cost: layout.cost)
    }

    /// Checks every tensor's dtype and byte range: each holds exactly its shape's bytes, and
    /// together they tile the data section with no overlap, gap or overrun, as the safetensors
    /// package requires. Returns each tensor's dtype.
    private static func checkLayout(
        _ tensors: [String: TensorEntry], dataLength: Int, _ invalid: (String) -> PersistenceError
    ) throws(PersistenceError) -> [String: DType] {
        var dtypes: [String: DType] = [:]
        for (name, entry) in tensors.sorted(by: { $0.key < $1.key }) {
            guard let dtype = DType(rawValue: entry.dtype) else {
                throw invalid("tensor \"\(name)\" has dtype \(entry.dtype); backprop reads F32 and F64")
            }
            guard entry.shape.allSatisfy({ $0 >= 0 }) else { throw invalid("tensor \"\(name)\" has shape \(entry.shape)") }
            var bytes = dtype.size
            for dimension in entry.shape {
                let (product, overflow) = bytes.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw invalid("tensor \"\(name)\" has shape \(entry.shape), too large to hold") }
                bytes = product
            }
            let offsets = entry.dataOffsets
            guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw invalid("tensor \"\(name)\" has data_offsets \(offsets), not [begin, end] with begin ≤ end")
            }
            guard offsets[1] - offsets[0] == bytes else {
                throw invalid("tensor \"\(name)\" of shape \(entry.shape) in \(dtype.rawValue) needs \(bytes) bytes, "
                              + "but its data_offsets \(offsets) hold \(offsets[1] - offsets[0])")
            }
            dtypes[name] = dtype
        }
        var end = 0
        for (name, entry) in tensors.sorted(by: { ($0.value.dataOffsets[0], $0.key) < ($1.value.dataOffsets[0], $1.key) }) {
            let offsets = entry.dataOffsets
            if offsets[0] < end { throw invalid("tensor \"\(name)\"'s data_offsets \(offsets) overlap another tensor's") }
            if offsets[0] > end { throw invalid("bytes \(end)..<\(offsets[0]) of the data belong to no tensor") }
            end = offsets[1]
        }
        guard end <= dataLength else {
            throw invalid("the tensors need \(end) bytes of data, but the file has \(dataLength) after the header")
        }
        guard end == dataLength else { throw invalid("the file has \(dataLength - end) bytes after the last tensor") }
        return dtypes
    }

    /// `byteCount` bytes of little-endian `dtype` values from `start`, as `Scalar`s.
    private static func read<Scalar: BLASScalar>(_ bytes: [UInt8], from start: Int, count byteCount: Int, dtype: DType) -> [Scalar] {
        bytes.withUnsafeBytes { raw in
            switch dtype {
            case .f32:
                return (0..<byteCount / 4).map {
                    Scalar(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self))))
                }
            case .f64:
                return (0..<byteCount / 8).map {
                    Scalar(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * $0, as: UInt64.self))))
                }
            }
        }
    }
}

/// A network's shape and functions as a safetensors header gives them: from the tensor names
/// and shapes, checked against the metadata where it is present.
private struct NetworkLayout {
    var layerCount: Int
    var layerSizes: [Int]
    var activations: [Activation]
    var neuronActivations: [[Int: Activation]]
    var cost: Cost

    init(header: SafetensorsFormat.Header, _ invalid: (String) -> PersistenceError) throws(PersistenceError) {
        let metadata = header.metadata
        if metadata["format"] == SafetensorsFormat.formatName {
            guard let text = metadata["format_version"], let version = Int(text), version >= 1 else {
                throw invalid("the metadata's format_version is missing or not a positive whole number")
            }
            guard version <= SafetensorsFormat.currentVersion else {
                throw invalid("format_version \(version) is newer than this program reads (up to \(SafetensorsFormat.currentVersion)); use a newer backprop")
            }
        }
        // The tensors: layers.<i>.weight and layers.<i>.bias for i = 0, 1, …, nothing else.
        var indices = Set<Int>()
        for name in header.tensors.keys {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "layers", let i = Int(parts[1]), i >= 0, String(i) == parts[1],
                  parts[2] == "weight" || parts[2] == "bias" else {
                throw invalid("unexpected tensor \"\(name)\"; a network's tensors are layers.<i>.weight and layers.<i>.bias")
            }
            indices.insert(i)
        }
        layerCount = (indices.max() ?? -1) + 1
        guard layerCount > 0 else { throw invalid("the file holds no tensors") }
        var sizes: [Int] = []
        for i in 0..<layerCount {
            guard let weight = header.tensors["layers.\(i).weight"] else { throw invalid("tensor \"layers.\(i).weight\" is missing") }
            guard let bias = header.tensors["layers.\(i).bias"] else { throw invalid("tensor \"layers.\(i).bias\" is missing") }
            guard weight.shape.count == 2, weight.shape.allSatisfy({ $0 > 0 }) else {
                throw invalid("layers.\(i).weight has shape \(weight.shape), not [neurons, inputs]")
            }
            if i == 0 { sizes.append(weight.shape[1]) }
            guard weight.shape[1] == sizes[i] else {
                throw invalid("layers.\(i).weight has shape \(weight.shape), but the layer before has \(sizes[i]) neurons")
            }
            guard bias.shape == [weight.shape[0]] else {
                throw invalid("layers.\(i).bias has shape \(bias.shape), but layers.\(i).weight has \(weight.shape[0]) neurons")
            }
            sizes.append(weight.shape[0])
        }
        layerSizes = sizes
        if let text = metadata["layer_sizes"] {
            let stated: [Int] = try Self.parse(text, "layer_sizes", invalid)
            guard stated == sizes else { throw invalid("the metadata's layer_sizes \(stated) do not match the tensors, which make \(sizes)") }
        }

        if let text = metadata["activations"] {
            let names: [String] = try Self.parse(text, "activations", invalid)
            guard names.count == layerCount else {
                throw invalid("the metadata names \(names.count) activations for \(layerCount) layers")
            }
            activations = try names.map { (name) throws(PersistenceError) in try Self.activation(name, invalid) }
        } else {
            activations = Array(repeating: .sigmoid, count: layerCount)
        }
        neuronActivations = []
        for i in 0..<layerCount {
            var modified: [Int: Activation] = [:]
            if let text = metadata["layers.\(i).neuron_activations"] {
                let named: [String: String] = try Self.parse(text, "layers.\(i).neuron_activations", invalid)
                for (key, name) in named {
                    guard let j = Int(key), (0..<sizes[i + 1]).contains(j) else {
                        throw invalid("layers.\(i).neuron_activations names neuron \"\(key)\" of a layer with \(sizes[i + 1]) neurons")
                    }
                    modified[j] = try Self.activation(name, invalid)
                }
            }
            neuronActivations.append(modified)
        }
        if let name = metadata["cost"] {
            guard let cost = Cost(anySpelling: name) else {
                throw invalid("unknown cost \"\(name)\"; choose from \(Cost.allCases.map(\.hyphenatedName).joined(separator: ", "))")
            }
            self.cost = cost
        } else {
            cost = .quadratic
        }
    }

    private static func activation(_ name: String, _ invalid: (String) -> PersistenceError) throws(PersistenceError) -> Activation {
        guard let activation = Activation(anySpelling: name) else {
            throw invalid("unknown activation \"\(name)\"; choose from \(Activation.allCases.map(\.hyphenatedName).joined(separator: ", "))")
        }
        return activation
    }

    /// A metadata value that holds JSON.
    private static func parse<T: Decodable>(_ text: String, _ key: String, _ invalid: (String) -> PersistenceError) throws(PersistenceError) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw invalid("the metadata's \(key) \"\(text)\" is not valid: " + PersistenceError.describe(error))
        }
    }
}
