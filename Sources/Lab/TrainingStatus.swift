import Backprop
import Foundation

/// What the page is told about the lab's training: `GET /api/train/status`, and each message of
/// the live WebSocket.
struct TrainingStatus: Encodable, Sendable {
    enum State: String, Encodable, Sendable {
        case idle, running, paused, finished, stopped, failed
    }

    /// One finished epoch, flattened for plotting.
    struct EpochPoint: Encodable, Equatable, Sendable {
        var epoch: Int
        /// On the evaluation images.
        var accuracy: Double?
        var cost: Double?
        var trainingSeconds: Double
        var eta: Double?

        init(_ record: EpochRecord) {
            epoch = record.epoch
            accuracy = record.evaluation?.accuracy
            cost = record.evaluation?.cost
            trainingSeconds = record.trainingSeconds
            eta = record.eta
        }
    }

    /// Some neurons' incoming weights, one row per neuron.
    struct WeightRows: Encodable, Sendable {
        /// The same JSON as `encode(to:)` gives, written directly: about ten times faster than
        /// JSONEncoder for the thousands of numbers the live view gets four times a second.
        var json: String {
            let rowsText = weights.map { row in
                "[" + row.map { $0.isFinite ? $0.description : "null" }.joined(separator: ",") + "]"
            }
            return #"{"columns":\#(columns),"layer":\#(layer),"rows":\#(rows),"weights":["#
                + rowsText.joined(separator: ",") + "]}"
        }

        var layer: Int
        var rows: Int
        var columns: Int
        var weights: [[Float]]

        /// The first `limit` rows of layer `l` (an index into `Network.layers`).
        init(_ network: Network<Float>, layer l: Int, limit: Int) {
            let weights = network.layers[l].weights
            layer = l + 2
            rows = min(limit, weights.rows)
            columns = weights.columns
            self.weights = (0..<rows).map { weights.row($0) }
        }
    }

    var state = State.idle
    var message = "Nothing has trained in this lab yet."
    var run: Int64?
    var settings: TrainingSettings?
    var epoch = 0
    var epochs = 0
    var examplesDone = 0
    var examplesTotal = 0
    var miniBatches = 0
    var history: [EpochPoint] = []
    var learningSpeed: LearningSpeed?
    var firstLayer: WeightRows?
    /// Seconds the training thread has worked: training, evaluation and the lab's snapshots
    /// (time spent paused is not counted).
    var seconds = 0.0
    /// Where the run's model file is saved (after each epoch and when it ends).
    var model: String?
    /// Goes up with every change, so that a watcher can tell whether anything is new.
    var version = 0

    /// The status as JSON: what `JSONBody.encode` would give, with the first layer's weights
    /// written by ``WeightRows/json``.
    var json: Data {
        var rest = self
        rest.firstLayer = nil
        var data = JSONBody.encode(rest)
        if let firstLayer, data.last == UInt8(ascii: "}") {
            data.removeLast()
            data.append(contentsOf: Array((#","firstLayer":"# + firstLayer.json + "}").utf8))
        }
        return data
    }
}
