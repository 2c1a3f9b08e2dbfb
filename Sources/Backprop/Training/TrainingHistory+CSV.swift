/// A training history as CSV, for spreadsheets and pandas, and back: a header naming the
/// columns, then one row per epoch, with an empty cell where nothing was measured.
///
/// ```
/// epoch,learning_rate,training_seconds,evaluation_accuracy,evaluation_cost,training_accuracy,training_cost
/// 0,3.0,0.031,0.9098,0.0151,,
/// ```
extension TrainingHistory {
    /// The columns `csv()` writes, in order.
    public static let csvColumns = ["epoch", "learning_rate", "training_seconds", "evaluation_accuracy",
                                    "evaluation_cost", "training_accuracy", "training_cost"]

    /// The history as CSV, one row per epoch; empty cells where nothing was measured.
    public func csv() -> String {
        func cell(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        var lines = [Self.csvColumns.joined(separator: ",")]
        for record in epochs {
            lines.append([
                "\(record.epoch)", cell(record.eta), cell(record.trainingSeconds),
                cell(record.evaluation?.accuracy), cell(record.evaluation?.cost),
                cell(record.training?.accuracy), cell(record.training?.cost),
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a history from CSV as `csv()` writes it, so that `TrainingHistory(csv: h.csv(), …).csv()`
    /// is `h.csv()` again.
    ///
    /// The CSV holds less than the JSON history: each accuracy comes back as the fraction
    /// correct/count with the smallest count that gives exactly that accuracy (0.9608 as
    /// 1201/1250), evaluation seconds as 0, and no learning-speed records or list of what was
    /// monitored. Columns may come in any order; only `epoch` is required, and an accuracy
    /// column needs its cost column, since one evaluation measures both.
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - path: The file's name, for error messages.
    /// - Throws: ``PersistenceError/invalid(path:reason:)`` naming the line, the column and what
    ///   is wrong there.
    public init(csv text: String, path: String) throws(PersistenceError) {
        // Swift reads "\r\n" as one character, so Windows line ends need naming.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        while lines.last?.isEmpty == true { lines.removeLast() }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        guard let header = lines.first else {
            throw .invalid(path: path, reason: "empty; a CSV history starts with the header line "
                           + Self.csvColumns.joined(separator: ","))
        }
        let columns = try Self.csvHeader(header, path: path)
        var records: [EpochRecord] = []
        for (offset, line) in lines.enumerated().dropFirst() {
            let record = try Self.csvRecord(line, lineNumber: offset + 1, columns: columns, path: path)
            if let previous = records.last, record.epoch <= previous.epoch {
                throw .invalid(path: path, reason: "line \(offset + 1), column \(columns["epoch"]! + 1) (epoch): "
                               + "epoch \(record.epoch) follows epoch \(previous.epoch); epochs must increase")
            }
            records.append(record)
        }
        self.init(epochs: records)
    }

    /// Each known column's position in the header line.
    private static func csvHeader(_ line: Substring, path: String) throws(PersistenceError) -> [String: Int] {
        var columns: [String: Int] = [:]
        for (i, cell) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let name = String(cell)
            guard csvColumns.contains(name) else {
                throw .invalid(path: path, reason: "line 1, column \(i + 1): \"\(name)\" is not a history column; "
                               + "the columns are " + csvColumns.joined(separator: ", "))
            }
            guard columns[name] == nil else {
                throw .invalid(path: path, reason: "line 1, column \(i + 1): \"\(name)\" appears twice")
            }
            columns[name] = i
        }
        guard columns["epoch"] != nil else {
            throw .invalid(path: path, reason: "line 1: no \"epoch\" column; the header is "
                           + csvColumns.joined(separator: ","))
        }
        for set in ["evaluation", "training"] where (columns["\(set)_accuracy"] == nil) != (columns["\(set)_cost"] == nil) {
            throw .invalid(path: path, reason: "line 1: \(set)_accuracy and \(set)_cost come together, "
                           + "since one evaluation measures both")
        }
        return columns
    }

    /// One row: an epoch's record.
    private static func csvRecord(_ line: Substring, lineNumber: Int, columns: [String: Int],
                                  path: String) throws(PersistenceError) -> EpochRecord {
        guard !line.isEmpty else { throw .invalid(path: path, reason: "line \(lineNumber) is empty; each epoch is one line") }
        let cells = line.split(separator: ",", omittingEmptySubsequences: false)
        guard cells.count == columns.count else {
            throw .invalid(path: path, reason: "line \(lineNumber) has \(cells.count) cell\(cells.count == 1 ? "" : "s"), "
                           + "but the header names \(columns.count)")
        }
        func fail(_ name: String, _ problem: String) -> PersistenceError {
            .invalid(path: path, reason: "line \(lineNumber), column \(columns[name]! + 1) (\(name)): \(problem)")
        }
        /// The number in column `name`, nil when the column is absent or the cell empty.
        func number(_ name: String, _ valid: (Double) -> Bool, _ expected: String) throws(PersistenceError) -> Double? {
            guard let i = columns[name], !cells[i].isEmpty else { return nil }
            guard let value = Double(cells[i]), valid(value) else {
                throw fail(name, "\"\(cells[i])\" is not \(expected)")
            }
            return value
        }
        func evaluation(_ set: String) throws(PersistenceError) -> Evaluation? {
            let accuracy = try number("\(set)_accuracy", { (0...1).contains($0) }, "an accuracy from 0 to 1")
            let cost = try number("\(set)_cost", { !$0.isNaN }, "a number")
            switch (accuracy, cost) {
            case (nil, nil): return nil
            case (let accuracy?, let cost?):
                let share = fraction(accuracy)
                return Evaluation(correct: share.correct, count: share.count, cost: cost)
            case (nil, _): throw fail("\(set)_accuracy", "empty, but \(set)_cost is given; one evaluation measures both")
            case (_, nil): throw fail("\(set)_cost", "empty, but \(set)_accuracy is given; one evaluation measures both")
            }
        }
        let epochCell = cells[columns["epoch"]!]
        guard let epoch = Int(epochCell), epoch >= 0 else { throw fail("epoch", "\"\(epochCell)\" is not an epoch number (0, 1, 2, …)") }
        return EpochRecord(
            epoch: epoch,
            trainingSeconds: try number("training_seconds", { $0 >= 0 && $0.isFinite }, "a number of seconds") ?? 0,
            evaluation: try evaluation("evaluation"), evaluationSeconds: 0,
            training: try evaluation("training"),
            eta: try number("learning_rate", { $0 > 0 && $0.isFinite }, "a positive learning rate"))
    }

    /// The fraction correct/count with the smallest count whose quotient, as a Double, is `share`:
    /// 0.9608 → 1201/1250.
    ///
    /// Every fraction p/q within 1/(2q²) of `share` is one of its continued fraction's convergents
    /// (Legendre), and a Double quotient is that close for any count below about 10⁷, so an
    /// accuracy printed from a real evaluation comes back exactly. Anything else (a share typed
    /// by hand with many digits) gets the nearest convergent with a count below 2⁴⁰.
    /// `share` is from 0 to 1.
    static func fraction(_ share: Double) -> (correct: Int, count: Int) {
        var (h1, h2, k1, k2) = (1, 0, 0, 1)  // the last two convergents, h/k
        var best = (correct: Int(share.rounded()), count: 1)
        var x = share
        for _ in 0..<64 {
            let term = x.rounded(.down)
            guard term * Double(k1) + Double(k2) < 0x1p40 else { break }
            let a = Int(term)
            let (h, k) = (a * h1 + h2, a * k1 + k2)
            best = (h, k)
            if Double(h) / Double(k) == share { break }
            let rest = x - Double(a)
            guard rest > 0 else { break }
            x = 1 / rest
            (h1, h2, k1, k2) = (h, h1, k, k1)
        }
        return best
    }
}
