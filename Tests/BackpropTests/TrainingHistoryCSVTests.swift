@testable import Backprop
import Testing

@Suite("Training history as CSV: written and read back")
struct TrainingHistoryCSVTests {
    /// A history like a real run's: evaluation on 10,000 images every epoch, training data on
    /// 50,000 some epochs, a learning rate that halves.
    static let history = TrainingHistory(epochs: [
        EpochRecord(epoch: 0, trainingSeconds: 0.031_25, evaluation: Evaluation(correct: 9098, count: 10_000, cost: 0.015_1),
                    evaluationSeconds: 0.01, training: Evaluation(correct: 45_391, count: 50_000, cost: 0.2), eta: 3),
        EpochRecord(epoch: 1, trainingSeconds: 1e-5, evaluation: Evaluation(correct: 9608, count: 10_000, cost: 1.5e-7),
                    evaluationSeconds: 0, eta: 1.5),
        EpochRecord(epoch: 2, trainingSeconds: 12.5, evaluation: Evaluation(correct: 0, count: 10_000, cost: .infinity),
                    evaluationSeconds: 0),
        EpochRecord(epoch: 3, trainingSeconds: 0, evaluation: nil, evaluationSeconds: 0,
                    training: Evaluation(correct: 50_000, count: 50_000, cost: 0)),
    ])

    @Test("What csv() writes reads back to the same CSV, accuracies and costs to the bit")
    func roundTrip() throws {
        let text = Self.history.csv()
        let read = try TrainingHistory(csv: text, path: "h.csv")
        #expect(read.csv() == text)
        #expect(read.epochs.map(\.epoch) == [0, 1, 2, 3])
        #expect(read.epochs.map(\.evaluation?.accuracy) == Self.history.epochs.map(\.evaluation?.accuracy))
        #expect(read.epochs.map(\.training?.cost) == Self.history.epochs.map(\.training?.cost))
        #expect(read.epochs.map(\.eta) == [3, 1.5, nil, nil])
        #expect(read.epochs[1].evaluation == Evaluation(correct: 1201, count: 1250, cost: 1.5e-7))
        #expect(try TrainingHistory(csv: TrainingHistory().csv(), path: "empty.csv").epochs.isEmpty)
    }

    @Test("Windows line ends, a byte-order mark and columns in another order are read too")
    func tolerated() throws {
        let text = "\u{FEFF}evaluation_cost,epoch,evaluation_accuracy\r\n0.5,0,0.25\r\n0.25,1,0.5\r\n"
        let read = try TrainingHistory(csv: text, path: "h.csv")
        #expect(read.epochs.map(\.evaluation) == [Evaluation(correct: 1, count: 4, cost: 0.5), Evaluation(correct: 1, count: 2, cost: 0.25)])
    }

    @Test("Every accuracy k/n with n up to 60,000 comes back as exactly the same Double")
    func fractions() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...60_000, using: &generator), correct = Int.random(in: 0...count, using: &generator)
            let share = Double(correct) / Double(count)
            let fraction = TrainingHistory.fraction(share)
            #expect(Double(fraction.correct) / Double(fraction.count) == share, "\(correct)/\(count)")
            #expect(fraction.count <= count)
        }
        #expect(TrainingHistory.fraction(0.9608) == (1201, 1250))
        #expect(TrainingHistory.fraction(1) == (1, 1))
        #expect(TrainingHistory.fraction(0) == (0, 1))
    }

    @Test("Malformed CSV is refused with the file, the line and the column", arguments: [
        ("", "h.csv: empty"),
        ("{\"epochs\": []}", "h.csv: line 1, column 1: \"{\"epochs\": []}\" is not a history column"),
        ("epoch,accuracy\n", "line 1, column 2: \"accuracy\" is not a history column"),
        ("epoch,epoch\n", "line 1, column 2: \"epoch\" appears twice"),
        ("learning_rate\n3.0\n", "line 1: no \"epoch\" column"),
        ("epoch,evaluation_accuracy\n0,0.5\n", "line 1: evaluation_accuracy and evaluation_cost come together"),
        ("epoch,learning_rate\n0,3.0\n1\n", "line 3 has 1 cell, but the header names 2"),
        ("epoch,learning_rate\n0,3.0\n1,fast\n", "line 3, column 2 (learning_rate): \"fast\" is not a positive learning rate"),
        ("epoch,learning_rate\n0,3.0\n1,-1\n", "line 3, column 2 (learning_rate): \"-1\" is not a positive learning rate"),
        ("epoch,training_seconds\n0.5,1\n", "line 2, column 1 (epoch): \"0.5\" is not an epoch number"),
        ("epoch,training_seconds\n,1\n", "line 2, column 1 (epoch): \"\" is not an epoch number"),
        ("epoch\n0\n2\n1\n", "line 4, column 1 (epoch): epoch 1 follows epoch 2; epochs must increase"),
        ("epoch,evaluation_accuracy,evaluation_cost\n0,95.5,0.1\n", "line 2, column 2 (evaluation_accuracy): \"95.5\" is not an accuracy from 0 to 1"),
        ("epoch,evaluation_accuracy,evaluation_cost\n0,0.9,\n", "line 2, column 3 (evaluation_cost): empty, but evaluation_accuracy is given"),
        ("epoch,training_cost,training_accuracy\n0,0.1,\n", "line 2, column 3 (training_accuracy): empty, but training_cost is given"),
        ("epoch,training_seconds\n0,1\n\n1,2\n", "line 3 is empty"),
    ])
    func malformed(text: String, message: String) {
        #expect {
            try TrainingHistory(csv: text, path: "h.csv")
        } throws: { error in
            "\(error)".hasPrefix("h.csv: ") && "\(error)".contains(message)
        }
    }
}
