import Foundation

/// backprop's own model file: JSON holding the network (layer sizes, activations, cost, weights
/// and biases) and, when it was trained here, the training configuration, history, and all the
/// state needed to resume the run exactly (generators, velocities, schedule).
///
/// ```json
/// {"format": "backprop-model", "version": 1, "layerSizes": [784, 30, 10],
///  "network": {"layers": [{"weights": [[…]], "biases": […], "activation": "sigmoid"}], "cost": "quadratic"},
///  "training": {…}}
/// ```
public struct ModelFile: Codable, Sendable {
    /// The version this program writes, and the newest it reads.
    public static let currentVersion = 1
    static let formatName = "backprop-model"

    public var format: String
    public var version: Int
    /// Neurons per layer, input first: redundant with the weights, and checked against them.
    public var layerSizes: [Int]
    public var network: Network<Float>
    /// How the network was trained and where the run stands, ready to go on; its network is
    /// `network`.
    public var training: TrainingRun<Float>?

    /// A model file for a bare network.
    public init(network: Network<Float>) {
        format = Self.formatName
        version = Self.currentVersion
        layerSizes = network.layerSizes
        self.network = network
    }

    /// A model file for a training run, with everything needed to resume it.
    public init(run: TrainingRun<Float>) {
        self.init(network: run.network)
        training = run
    }

    /// A model file for a training run on the data `data` describes.
    public init(run: TrainingRun<Float>, data: DataSettings) {
        var run = run
        run.data = data
        self.init(run: run)
    }

    /// The training run saved in this file, ready to go on.
    public func resumableRun() -> TrainingRun<Float>? { training }

    private enum CodingKeys: String, CodingKey { case format, version, layerSizes, network, training }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        version = try container.decode(Int.self, forKey: .version)
        layerSizes = try container.decode([Int].self, forKey: .layerSizes)
        network = try container.decode(Network<Float>.self, forKey: .network)
        if container.contains(.training), try !container.decodeNil(forKey: .training) {
            training = try TrainingRun(from: container.superDecoder(forKey: .training), network: network)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(version, forKey: .version)
        try container.encode(layerSizes, forKey: .layerSizes)
        try container.encode(network, forKey: .network)
        try container.encodeIfPresent(training, forKey: .training)
    }
}

/// Which data a run trained on, so that a resumed run uses the same.
public struct DataSettings: Equatable, Codable, Sendable {
    /// Training examples used (the first ones of the training set).
    public var trainingCount: Int
    /// Whether the training set was enlarged with one-pixel shifts.
    public var expanded: Bool
    /// "test", "validation" or "none".
    public var evaluationSet: String

    public init(trainingCount: Int, expanded: Bool, evaluationSet: String) {
        self.trainingCount = trainingCount
        self.expanded = expanded
        self.evaluationSet = evaluationSet
    }
}

extension ModelFile {
    /// Parses backprop's own model file, whose top-level `fields` are already read, and checks
    /// that its parts agree: layer sizes, momentum velocities, the saved order of examples.
    static func decodeBackpropFormat(_ data: Data, fields: [String: Any], path: String) throws(PersistenceError) -> ModelFile {
        guard let version = fields["version"] as? Int else { throw .invalid(path: path, reason: "missing format version") }
        guard version <= currentVersion, version >= 1 else {
            throw .unsupportedVersion(path: path, version: version, supported: currentVersion)
        }
        let model: ModelFile
        do { model = try JSONDecoder().decode(ModelFile.self, from: data) } catch {
            throw .invalid(path: path, reason: PersistenceError.describe(error))
        }
        guard model.layerSizes == model.network.layerSizes else {
            throw .invalid(path: path, reason: "layerSizes \(model.layerSizes) do not match the weights, "
                           + "which make \(model.network.layerSizes)")
        }
        if let velocity = model.training?.optimizer.velocity, velocity.layerSizes != model.layerSizes {
            throw .invalid(path: path, reason: "the momentum velocities do not match the network's shape")
        }
        if let training = model.training {
            guard training.order.count == training.trainingSetSize,
                  Set(training.order) == Set(0..<training.trainingSetSize) else {
                throw .invalid(path: path, reason: "the saved order of training examples is not a permutation of 0..<\(training.trainingSetSize)")
            }
            if let done = training.examplesDoneInEpoch, !(0..<training.trainingSetSize).contains(done) {
                throw .invalid(path: path, reason: "the interrupted epoch's position \(done) is outside the \(training.trainingSetSize) examples")
            }
        }
        return model
    }

    /// Writes the model to `path` atomically: an interrupted save leaves the previous file whole.
    public func save(to path: String) throws(PersistenceError) {
        try AtomicFile.write(try encoded(path: path), to: path)
    }

    /// The file's bytes, as `save(to:)` writes them; `path` names the destination in errors.
    public func encoded(path: String = "the model file") throws(PersistenceError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return try encoder.encode(self) } catch { throw .cannotWrite(path: path, reason: "\(error)") }
    }
}
