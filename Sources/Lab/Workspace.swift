import Backprop
import Datasets
import Foundation

/// The network the lab shows: Float for training and saving, Double for inspection (as `trace`,
/// `probe` and `gradcheck` compute by default).
struct LabNetwork: Sendable {
    var float: Network<Float>
    /// The network as a float64 file held it; nil when Float holds it exactly.
    private var exactDouble: Network<Double>?
    /// Where it came from, in words: "model file mnist.json", "run 12, epoch 3", …
    var source: String
    /// The runs-store id of the run that made it, if any.
    var run: Int64?

    init(_ network: Network<Float>, source: String, run: Int64? = nil) {
        float = network
        self.source = source
        self.run = run
    }

    /// A model file's network, read in the file's own precision for inspection.
    init(contentsOf path: String, run: Int64? = nil) throws(PersistenceError) {
        float = try ModelFile.loadNetwork(from: path, as: Float.self)
        let double = try ModelFile.loadNetwork(from: path, as: Double.self)
        exactDouble = double == float.converted(to: Double.self) ? nil : double
        source = "model file \((path as NSString).lastPathComponent)"
        self.run = run
    }

    /// The network in Double, converted when asked (so that a training's snapshots cost nothing).
    var double: Network<Double> { exactDouble ?? float.converted(to: Double.self) }
}

/// What every request shares: the current network and the MNIST images, read once when first
/// needed. Safe to use from any thread.
final class Workspace: @unchecked Sendable {
    private let lock = NSLock()
    private var network: LabNetwork
    private var mnist: MNIST?
    let mnistDirectory: String

    init(network: LabNetwork, mnistDirectory: String) {
        self.network = network
        self.mnistDirectory = mnistDirectory
    }

    var current: LabNetwork { lock.withLock { network } }

    func replace(with new: LabNetwork) { lock.withLock { network = new } }

    /// The MNIST images; the first call reads the files.
    /// - Throws: 503 when they are missing or unreadable, saying how to get them.
    func data() throws(LabError) -> MNIST {
        let result: Result<MNIST, LabError> = lock.withLock {
            if let mnist { return .success(mnist) }
            do {
                let loaded = try MNIST(directory: mnistDirectory)
                mnist = loaded
                return .success(loaded)
            } catch {
                return .failure(.unavailable("the MNIST images are not available: \(error)"))
            }
        }
        return try result.get()
    }

    /// One split's images.
    func split(named name: String) throws(LabError) -> LabelledData {
        guard let split = MNIST.Split(rawValue: name) else {
            throw .badRequest("split \"\(name)\" is not one of "
                              + MNIST.Split.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return try data()[split]
    }
}
