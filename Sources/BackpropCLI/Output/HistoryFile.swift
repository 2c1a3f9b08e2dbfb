import Backprop
import Foundation

/// A training history from a history file (`train --history FILE`, CSV or JSON) or a model file
/// with a training record. A file is read as CSV when its name ends in .csv or it starts with
/// the CSV header's first column; otherwise as JSON.
func loadHistory(_ path: String) throws -> TrainingHistory {
    let data = try ModelFile.readBytes(path)
    let start = String(decoding: data.prefix(16), as: UTF8.self).drop { $0 == "\u{FEFF}" || $0.isWhitespace }
    if path.lowercased().hasSuffix(".csv") || start.hasPrefix(TrainingHistory.csvColumns[0] + ",") {
        return try TrainingHistory(csv: String(decoding: data, as: UTF8.self), path: path)
    }
    if let history = try? JSONDecoder().decode(TrainingHistory.self, from: data) { return history }
    let model = try ModelFile.decode(data, path: path)
    guard let history = model.training?.history else { throw CLIError("\(path): the model file holds no training history") }
    return history
}
