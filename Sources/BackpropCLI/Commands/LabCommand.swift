import ArgumentParser
import Backprop
import Datasets
import Foundation
import Lab
import Runs

/// `backprop lab`: the local web page where backpropagation can be watched and poked.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Open the lab: a local web page to draw digits, step through BP1–BP4, play the demon and train live.",
        discussion: """
            Starts a web server on this computer and prints the page's address; open it in a \
            browser. It works offline. The server answers only pages of its own address (it \
            checks Host and Origin), and listens on 127.0.0.1 unless --host says otherwise. \
            Trainings started in the page are recorded in the runs store (`backprop runs`) and \
            their models saved under --models; Ctrl-C stops the server, saving a running \
            training's model so that `backprop train --resume FILE` continues it. The page's \
            interface is described in docs/lab-api.md.
            """)

    @Option(help: ArgumentHelp("The model file to open (default: a new network of the book's shape, untrained).", valueName: "file"))
    var model: String?

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(help: ArgumentHelp(
        "The address to listen on.",
        discussion: "Anything but 127.0.0.1 or ::1 lets other computers reach the lab (and train on this one): the command warns."))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Where trainings started in the lab save their models (default: beside the runs store, or ./lab-models).", valueName: "dir"))
    var models: String?

    @Option(help: ArgumentHelp("Serve the page's files from this folder instead of the built-in ones (to edit the page).", valueName: "dir"))
    var page: String?

    @OptionGroup var data: DataOptions

    @OptionGroup var engineOption: EngineOption

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
        if let model, !FileManager.default.fileExists(atPath: model) {
            throw ValidationError("--model \(model): no such file")
        }
    }

    func run() async throws {
        let runsPath = RunsStore.defaultPath()
        let modelsDirectory = models ?? runsPath.map { ($0 as NSString).deletingLastPathComponent + "/models" } ?? "lab-models"
        let settings = LabSettings(host: host, port: UInt16(port), modelPath: model, pageDirectory: page,
                                   mnistDirectory: data.resolvedDirectory, runsStorePath: runsPath,
                                   modelsDirectory: modelsDirectory, engine: engineOption.engine)
        let server: LabServer
        do { server = try LabServer(settings: settings) } catch { throw CLIError(error.message) }
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            warn("listening on \(host): other computers that can reach this one can use the lab, and train on it")
        }
        let address: String
        do { address = try await server.start() } catch {
            throw CLIError("cannot listen on \(host) port \(port): \(error); try another --port (0 picks a free one)")
        }
        Signals.catchInterruptions()
        printLine("Lab: \(address)")
        printLine("Open it in a browser. Runs: \(runsPath ?? "not recorded"); models: \(modelsDirectory). Ctrl-C stops.")
        while Signals.received == nil {
            try? await Task.sleep(for: .milliseconds(100))
        }
        printLine("Stopping the lab…")
        if let stopped = await server.stop() { printLine(stopped) }
        printLine("Stopped.")
    }
}
