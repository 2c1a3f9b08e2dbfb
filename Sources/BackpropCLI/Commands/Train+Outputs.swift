import ArgumentParser
import Backprop
import DataParallel
import Foundation
import Pictures

/// What `backprop train` writes, and how it keeps a trained network when a write fails.
extension Train {
    /// The options a checkpoint does not keep, to give again with --resume (" --threads 2 --save
    /// conv.json"): the threads, the engine, what to do on divergence and the outputs.
    var resumeOutputs: String {
        let given: [(String, String?)] = [("--threads", threads > 1 ? String(threads) : nil),
                                          ("--engine", engineOption.engine == .automatic ? nil : engineOption.engine.rawValue),
                                          ("--on-divergence", onDivergence == .stop ? nil : onDivergence.rawValue),
                                          ("--save", outputs.save), ("--save-network2", outputs.saveNetwork2),
                                          ("--save-safetensors", outputs.saveSafetensors), ("--keep", outputs.keep == .best ? "best" : nil),
                                          ("--history", outputs.history), ("--plot", outputs.plot)]
        return given.compactMap { option, value in value.map { " \(option) \(Self.shellQuoted($0))" } }.joined()
    }

    /// `value` as a shell word: bare when it is made of letters, digits and `._/+:=@%,-` only,
    /// otherwise in single quotes.
    static func shellQuoted(_ value: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+:=@%,-")
        if !value.isEmpty, value.allSatisfy(plain.contains) { return value }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Writes the checkpoint. A failure (a full disk) is reported and training goes on: the
    /// run is still in memory, and the previous checkpoint stays whole.
    @discardableResult
    func writeCheckpoint(_ run: TrainingRun<Float>, settings: DataSettings, to path: String) -> Bool {
        do {
            try ModelFile(run: run, data: settings).save(to: path)
            return true
        } catch {
            warn("could not write the checkpoint: \(error). Training goes on; \(path) holds the last checkpoint written, if any.")
            return false
        }
    }

    /// Writes every requested output: the models from `kept` (the last or the best epoch's
    /// run), the history and curves from `full`.
    /// - Returns: Whether everything went where it was asked to; a model that could not be
    ///   written where asked is written to a fallback file, and the message says where.
    func writeOutputs(kept: TrainingRun<Float>, full: TrainingRun<Float>, settings: DataSettings) -> Bool {
        var written = true
        let which = describeKept(kept, full: full)
        if let save = outputs.save {
            written = writeKeepingWork(save, what: "the network \(which) and its training record") {
                try ModelFile(run: kept, data: settings).save(to: $0)
            } && written
        }
        if let saveNetwork2 = outputs.saveNetwork2 {
            written = writeKeepingWork(saveNetwork2, what: "the network \(which) in network2.py's format") {
                try Network2Format.save(kept.network, to: $0)
            } && written
        }
        if let saveSafetensors = outputs.saveSafetensors {
            written = writeKeepingWork(saveSafetensors, what: "the network \(which) as safetensors") {
                try SafetensorsFormat.save(kept.network, to: $0)
            } && written
        }
        if let history = outputs.history {
            written = writeKeepingWork(history, what: "the history") { try Self.write(full.history, to: $0) } && written
        }
        if let plot = outputs.plot {
            let figure = LearningCurves.svg([("run", full.history)], title: "Learning curves of \(full.network.layerSizes)")
            written = writeKeepingWork(plot, what: "the learning curves") { try writeFigure(figure, to: $0) } && written
        }
        return written
    }

    /// "after epoch 29 (the last; 95.42% on the test images; the best was epoch 24, 95.61%: --keep best saves that one)".
    func describeKept(_ kept: TrainingRun<Float>, full: TrainingRun<Float>) -> String {
        guard let last = kept.history.epochs.last else { return "as initialised (no epoch ran)" }
        let isLast = kept.nextEpoch == full.nextEpoch, isBest = full.history.bestEpoch?.epoch == last.epoch
        var text = "after epoch \(last.epoch) (" + (isLast && isBest ? "the last and the best" : isLast ? "the last" : "the best")
        if let accuracy = last.evaluation?.accuracy { text += ", \(percent(accuracy))" }
        if !isBest, let best = full.history.bestEpoch, let accuracy = best.evaluation?.accuracy {
            text += "; the best was epoch \(best.epoch), \(percent(accuracy))" + (outputs.keep == .last ? ": --keep best saves that one" : "")
        }
        return text + ")"
    }

    /// Calls `write` with `path`; when that fails, with a fallback file beside it, then with one in
    /// the temporary folder, and says where the work went.
    /// - Returns: Whether `path` itself was written.
    func writeKeepingWork(_ path: String, what: String, write: (String) throws -> Void) -> Bool {
        do {
            try write(path)
            printLine("Saved \(what) to \(path)")
            return true
        } catch let failure {
            for fallback in Self.fallbacks(for: path) {
                guard (try? write(fallback)) != nil else { continue }
                warn("could not write \(path): \(failure). Saved \(what) to \(fallback) instead.")
                return false
            }
            warn("could not write \(path): \(failure); nor a copy beside it or in \(NSTemporaryDirectory()): \(what) is lost.")
            return false
        }
    }

    /// "model.unsaved-20261202-213045.json" beside `path`, then the same name in the temporary folder.
    static func fallbacks(for path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let name = url.deletingPathExtension().lastPathComponent + ".unsaved-" + formatter.string(from: Date())
            + (url.pathExtension.isEmpty ? "" : "." + url.pathExtension)
        return [url.deletingLastPathComponent().appendingPathComponent(name).path,
                URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(name).path]
    }

    /// The per-epoch history: CSV when the name ends in .csv, else JSON.
    static func write(_ history: TrainingHistory, to path: String) throws {
        let data: Data
        if path.lowercased().hasSuffix(".csv") {
            data = Data(history.csv().utf8)
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            data = try encoder.encode(history)
        }
        try AtomicFile.write(data, to: path)
    }

    /// An interrupted epoch saves the run and exits 130 or 143; a divergence halves η and goes
    /// on when asked to, else ends the command with the error. In a data-parallel job every process
    /// gets here after the same mini-batch; they wait for the first one's writes before they end,
    /// since mpirun stops the whole job as soon as one process exits with an error.
    func handle(_ error: TrainingError, run: inout TrainingRun<Float>, settings: DataSettings, checkpoint: String?,
                recorder: RunRecorder?, parallel: ShardedStep<Float>? = nil) throws {
        switch error {
        case .interrupted(let epoch, let done, let total):
            let signal = Signals.received ?? SIGINT
            var message = "Interrupted by \(Signals.name(signal)) in epoch \(epoch) after \(grouped(done)) of \(grouped(total)) images"
            if let checkpoint {
                message += writeCheckpoint(run, settings: settings, to: checkpoint)
                    ? "; the run is saved in \(checkpoint): continue with --resume \(Self.shellQuoted(checkpoint))" + resumeOutputs
                    : "; the checkpoint could not be written, so nothing was saved"
            } else {
                message += " (without --checkpoint nothing was saved)"
            }
            printLine(message)
            recorder?.finish(.interrupted, modelPath: nil)
            if let parallel {
                try? parallel.world.barrier()
                try? parallel.world.finalize()
            }
            Foundation.exit(Signals.exitStatus(for: signal))
        case .diverged where onDivergence == .halve && run.optimizer.eta > run.configuration.eta / 1024:
            run.optimizer.halveEta()
            printLine(error.description.replacingOccurrences(of: " Try a smaller learning rate η.", with: "")
                      + " Halving η to \(run.optimizer.eta) and redoing epoch \(run.nextEpoch) from the state before it.")
        default:
            if case .diverged = error { recorder?.finish(.diverged, modelPath: nil) }
            try? parallel?.world.barrier()
            throw error
        }
    }
}
