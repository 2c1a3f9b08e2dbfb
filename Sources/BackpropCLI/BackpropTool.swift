import ArgumentParser
import Backprop
import Foundation

/// The `backprop` command: a thin shell over the Backprop and Datasets libraries.
@main
struct BackpropTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop",
        abstract: "Neural networks that learn by gradient descent, with gradients by backpropagation.",
        discussion: """
            The system of chapters 1–2 of Michael Nielsen's "Neural Networks and Deep Learning". \
            `backprop train` with no options trains the book's first network, [784, 30, 10], on MNIST.
            """,
        version: backpropVersion,
        subcommands: [Train.self, Evaluate.self, Predict.self, Reproduce.self, Trace.self, GradCheck.self, Probe.self, Plot.self, Draw.self, Report.self, Show.self, RunsCommand.self, Sweep.self, Ensemble.self, LabCommand.self, Download.self])

    /// Parses and runs a subcommand. Unlike ArgumentParser's default, a usage error (an unknown
    /// option, a value out of range) exits with status 2, as command-line tools conventionally do.
    static func main() async {
        var parsed: ParsableCommand.Type = Self.self
        do {
            var command = try parseAsRoot()
            parsed = type(of: command)
            // A misspelt BACKPROP_ISA would otherwise be ignored, and figures credited to the
            // wrong instruction set.
            do { _ = try Engine.requested() } catch { throw ValidationError(error.description) }
            // One BLAS thread unless a command asks for more (train --threads): sums then run in
            // one order, so every command's numbers are the same on any machine, and the lab's
            // equal trace's to the last bit.
            BLASBackend.threadCount = 1
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                // With the usage of the subcommand that refused, when one was parsed: named as
                // it is typed, since the subcommand alone does not know the tool's name.
                var message = parsed.fullMessage(for: error)
                if parsed != Self.self {
                    let name = parsed._commandName
                    message = message.replacingOccurrences(of: "Usage: \(name) ", with: "Usage: backprop \(name) ")
                        .replacingOccurrences(of: "'\(name) --help'", with: "'backprop \(name) --help'")
                }
                FileHandle.standardError.write(Data((message + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
