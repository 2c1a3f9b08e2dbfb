import Foundation
import Testing

/// `backprop train` on real MNIST: what it checks before training, what it keeps when a write
/// fails, how it resumes, which network it saves, and what it says while it works.
@Suite("train keeps work", .serialized, .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct TrainKeepsWorkTests {
    let small = ["train", "--layers", "784,10,10", "--training-size", "1000", "--seed", "3"]

    /// The `network` object of a model file, as canonical JSON text.
    func network(_ path: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        return String(decoding: try JSONSerialization.data(withJSONObject: object?["network"] ?? [:], options: .sortedKeys), as: UTF8.self)
    }

    /// The number of epochs recorded in a model file's training history.
    func epochsRecorded(_ path: String) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let history = (object?["training"] as? [String: Any])?["history"] as? [String: Any]
        return (history?["epochs"] as? [Any])?.count ?? -1
    }

    @Test("A network a requested format cannot hold is refused before the first epoch")
    func formatCheckedFirst() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runBackprop(small + ["--activation", "relu", "--save-network2", directory + "/n2.json"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--save-network2"), "\(result.stderr)")
        #expect(!result.stdout.contains("Epoch 0"))
    }

    @Test("When the disk is full at the end, the network goes to a fallback file and the message says where",
          .enabled(if: getuid() == 0))
    func fallbackOnFullDisk() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let full = directory + "/full"
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: false)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=16k", "tmpfs", full]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "cannot mount a small tmpfs to fill")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [full]
            try? umount.run()
            umount.waitUntilExit()
        }
        let result = try runBackprop(small + ["--epochs", "2", "--save", full + "/model.json", "--checkpoint", full + "/checkpoint.json"],
                                     environment: ["TMPDIR": directory + "/"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("Epoch 1:"), "a failed checkpoint must not stop training")
        #expect(result.stderr.contains("could not write the checkpoint"), "\(result.stderr)")
        let saved = try #require(try FileManager.default.contentsOfDirectory(atPath: directory)
            .first { $0.hasPrefix("model.unsaved-") && $0.hasSuffix(".json") })
        #expect(result.stderr.contains("could not write \(full)/model.json"), "\(result.stderr)")
        #expect(result.stderr.contains("to \(directory)/\(saved) instead"), "\(result.stderr)")
        let evaluation = try runBackprop(["evaluate", directory + "/" + saved])
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
    }

    @Test("--resume refuses changed settings, extends with --epochs, and keeps checkpointing to its file")
    func resume() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/checkpoint.json"
        let whole = try runBackprop(small + ["--epochs", "3", "--eta", "2", "--save", directory + "/whole.json"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let part = try runBackprop(small + ["--epochs", "2", "--eta", "2", "--checkpoint", checkpoint])
        #expect(part.status == 0, "\(part.stderr)")

        let changed = try runBackprop(["train", "--resume", checkpoint, "--epochs", "3", "--eta", "0.5", "--momentum", "0.2"])
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("--eta 0.5 (saved: 2.0)"), "\(changed.stderr)")
        #expect(changed.stderr.contains("--momentum 0.2 (saved: 0.0)"), "\(changed.stderr)")
        let shorter = try runBackprop(["train", "--resume", checkpoint, "--epochs", "1"])
        #expect(shorter.status == 2)
        #expect(shorter.stderr.contains("already done 2 epochs"), "\(shorter.stderr)")

        let resumed = try runBackprop(["train", "--resume", checkpoint, "--epochs", "3", "--eta", "2"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("at epoch 2 of 3"))
        #expect(resumed.stdout.contains("seed 3"))
        #expect(try epochsRecorded(checkpoint) == 3)
        #expect(try network(checkpoint) == network(directory + "/whole.json"))
    }

    @Test("A run whose η follows a schedule over its epochs keeps them on --resume and keeps its schedule")
    func resumeScheduled() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/checkpoint.json"
        let run = try runBackprop(small + ["--epochs", "2", "--eta-schedule", "linear", "--checkpoint", checkpoint])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("η schedule linear"), "\(run.stdout)")
        // Its epochs cannot grow, so the end of the run does not suggest it.
        #expect(!run.stdout.contains("with a larger --epochs"), "\(run.stdout)")
        for (options, message) in [(["--epochs", "3"], "sets η by --eta-schedule linear over its 2 epochs"),
                                   (["--eta-schedule", "one-cycle"], "--eta-schedule one-cycle (saved: linear)"),
                                   (["--on-divergence", "halve"], "halving it would change nothing")] {
            let result = try runBackprop(["train", "--resume", checkpoint] + options, environment: ["MNIST_DIR": "/nonexistent"])
            #expect(result.status == 2)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }

    @Test("A resumed run is held to its saved settings before any data is read: --keep best and --plot need its evaluation")
    func resumeChecksSavedRun() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/checkpoint.json"
        let part = try runBackprop(small + ["--epochs", "1", "--evaluate-on", "none", "--checkpoint", checkpoint])
        #expect(part.status == 0, "\(part.stderr)")
        for (options, message) in [(["--keep", "best"], "evaluates on nothing"), (["--plot", directory + "/c.svg"], "nothing to draw")] {
            let result = try runBackprop(["train", "--resume", checkpoint, "--epochs", "2"] + options,
                                         environment: ["MNIST_DIR": "/nonexistent"])
            #expect(result.status == 2)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }

    @Test("--keep best saves the run as it stood after its best epoch, and says which epoch was saved")
    func keepBest() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let common = small + ["--eta", "8"]
        let best = try runBackprop(common + ["--epochs", "6", "--keep", "best", "--save", directory + "/best.json"])
        #expect(best.status == 0, "\(best.stderr)")
        let bestEpoch = try epochsRecorded(directory + "/best.json") - 1
        let line = try #require(best.stdout.split(separator: "\n").first { $0.hasPrefix("Best: epoch ") })
        #expect(line.hasPrefix("Best: epoch \(bestEpoch),"))
        #expect(best.stdout.contains("Saved the network after epoch \(bestEpoch) (the "), "\(best.stdout)")

        let last = try runBackprop(common + ["--epochs", "\(bestEpoch + 1)", "--save", directory + "/last.json"])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(try network(directory + "/best.json") == network(directory + "/last.json"))
    }

    @Test("train reads the test files only when it evaluates on them")
    func onlyTheFilesNeeded() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Absolute, so that the links work from the scratch folder whatever MNIST_DIR is relative to.
        let mnist = URL(fileURLWithPath: ProcessInfo.processInfo.environment["MNIST_DIR"]!).standardizedFileURL.path
        for name in try FileManager.default.contentsOfDirectory(atPath: mnist) where name.hasPrefix("train-") {
            try FileManager.default.createSymbolicLink(atPath: directory + "/" + name, withDestinationPath: mnist + "/" + name)
        }
        let validation = try runBackprop(small + ["--epochs", "1", "--data", directory, "--evaluate-on", "validation"])
        #expect(validation.status == 0, "\(validation.stderr)")
        let test = try runBackprop(small + ["--epochs", "1", "--data", directory])
        #expect(test.status == 1)
        #expect(test.stderr.contains("missing t10k-images-idx3-ubyte"), "\(test.stderr)")
    }

    @Test("Early stopping with a schedule trains with a warning: it may stop before η reaches 0")
    func earlyStoppingWithScheduleWarning() throws {
        let result = try runBackprop(small + ["--epochs", "2", "--eta-schedule", "one-cycle", "--early-stopping", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Warning: --early-stopping 1 may end the run before --eta-schedule one-cycle"), "\(result.stderr)")
    }

    @Test("Log-likelihood with sigmoid outputs trains with a warning")
    func logLikelihoodWarning() throws {
        let result = try runBackprop(small + ["--epochs", "1", "--cost", "log-likelihood", "--evaluate-on", "none"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Warning: log-likelihood with sigmoid outputs"), "\(result.stderr)")
    }

    @Test("A convolutional network without --eta trains with a warning that η is chapter 1's 3.0; with --eta, none")
    func convolutionEtaWarning() throws {
        let conv = ["train", "--layers", "conv:2x5x5,pool:2,softmax:10", "--training-size", "200", "--epochs", "1", "--evaluate-on", "none"]
        let without = try runBackprop(conv)
        #expect(without.status == 0, "\(without.stderr)")
        #expect(without.stderr.contains("Warning: η is 3.0, chapter 1's default"), "\(without.stderr)")
        let with = try runBackprop(conv + ["--eta", "0.1"])
        #expect(with.status == 0 && !with.stderr.contains("η is 3.0"), "\(with.stderr)")
    }

    @Test("Without a terminal, progress lines with each epoch's time left go to standard error")
    func progressLines() throws {
        let result = try runBackprop(["train", "--layers", "784,100,10", "--training-size", "5000", "--epochs", "2"],
                                     environment: ["BACKPROP_PROGRESS_SECONDS": "0.01"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Epoch 0: ") && $0.hasSuffix(" left") }
        #expect(!lines.isEmpty, "\(result.stderr)")
        // The second epoch's time left is its own, not stretched by the first epoch and its evaluation.
        let second = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Epoch 1: ") && $0.hasSuffix(" left") }
        // Each estimate under 10 s (written with two decimals) for an epoch that takes about a second.
        #expect(!second.isEmpty && second.allSatisfy { $0.contains(/about \d\.\d\d s left$/) }, "\(second)")
    }

    @Test("A huge network gets an estimate of its epoch time before training starts")
    func estimate() throws {
        let (process, output) = try startBackprop(["train", "--layers", "784,30000,10", "--epochs", "2", "--evaluate-on", "none"])
        defer { process.terminate(); process.waitUntilExit() }
        let text = readUntil(output, lineStartingWith: "Estimate:")
        #expect(text.hasPrefix("Drawing 23,850,010 initial weights and biases from seed 2"), "\(text)")
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Estimate: about ") }, "\(text)")
        #expect(line.contains(" per epoch, ") && line.contains("for 2 epochs"))
        #expect(!text.contains("Epoch 0"))
    }
}
