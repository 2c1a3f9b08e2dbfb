import Foundation
import Testing

/// Runs `backprop` under a pseudo-terminal (util-linux `script`), so that it sees a TTY on
/// standard output and standard error; returns what the terminal showed.
func runBackpropOnTerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("backprop").path
    let command = ([binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qec", command, "/dev/null"]
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "NO_COLOR")
    env["TERM"] = "xterm"
    env.merge(environment) { $1 }
    process.environment = env
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Suite("Pictures and the terminal, on real MNIST", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct PictureCommandTests {
    static let directory: String = {
        let path = NSTemporaryDirectory() + "backprop-pictures-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()
    static let hasTerminal = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")
    static let hasConverter = FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert")

    /// A small trained model with a history, made once.
    static let model: String = {
        let path = directory + "/model.json"
        _ = try? runBackprop(["train", "--layers", "784,16,10", "--epochs", "3", "--training-size", "5000",
                              "--monitor", "evaluation-accuracy,evaluation-cost,training-accuracy,training-cost",
                              "--learning-speed", "--save", path, "--history", directory + "/history.json",
                              "--plot", directory + "/curves.svg"])
        return path
    }()

    @Test("train --plot, plot, draw and report write well-formed figures")
    func figures() throws {
        let model = Self.model
        let curves = try String(contentsOfFile: Self.directory + "/curves.svg", encoding: .utf8)
        #expect(curves.contains("data-label=\"evaluation\"") && curves.contains("data-label=\"training\""))
        let plot = try runBackprop(["plot", Self.directory + "/history.json", model, "--labels", "file,model",
                                    "-o", Self.directory + "/both.svg"])
        #expect(plot.status == 0, "\(plot.stderr)")
        let both = try String(contentsOfFile: Self.directory + "/both.svg", encoding: .utf8)
        #expect(both.contains("file, evaluation") && both.contains("model, training"))
        let speed = try runBackprop(["plot", model, "--learning-speed", "-o", Self.directory + "/speed.svg"])
        #expect(speed.status == 0, "\(speed.stderr)")
        for kind in ["weights", "mistakes", "confusion"] {
            let result = try runBackprop(["draw", kind, model, "-o", Self.directory + "/\(kind).svg"])
            #expect(result.status == 0, "\(result.stderr)")
            let text = try String(contentsOfFile: Self.directory + "/\(kind).svg", encoding: .utf8)
            #expect(text.hasPrefix("<?xml") && text.hasSuffix("</svg>\n"))
        }
        let report = try runBackprop(["report", model, "-o", Self.directory + "/report.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: Self.directory + "/report.html", encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 == 5)
        let bad = try runBackprop(["draw", "weights", model, "-o", Self.directory + "/weights.gif"])
        #expect(bad.status == 1 && bad.stderr.contains(".svg or .png"))
    }

    @Test("PNG figures through rsvg-convert", .enabled(if: hasConverter))
    func pngFigure() throws {
        let result = try runBackprop(["draw", "confusion", Self.model, "-o", Self.directory + "/confusion.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/confusion.png"))
        #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    @Test("show draws a digit in shade blocks, with colour only on a terminal without NO_COLOR", .enabled(if: hasTerminal))
    func show() throws {
        let plain = try runBackprop(["show", "--index", "0", "--model", Self.model])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("█") && plain.stdout.contains("label 7"))
        #expect(!plain.stdout.contains("\u{1B}["), "no colour in a pipe")
        let terminal = try runBackpropOnTerminal(["show", "--index", "0", "--model", Self.model])
        #expect(terminal.contains("\u{1B}[32m(right)") || terminal.contains("\u{1B}[31m(wrong)"))
        let noColor = try runBackpropOnTerminal(["show", "--index", "0", "--model", Self.model], environment: ["NO_COLOR": "1"])
        #expect(noColor.contains("label 7") && !noColor.contains("\u{1B}[3"))
    }

    @Test("Training shows a progress bar with a sparkline on a terminal, plain lines otherwise", .enabled(if: hasTerminal))
    func progress() throws {
        let arguments = ["train", "--layers", "784,10,10", "--epochs", "3", "--training-size", "2000"]
        let terminal = try runBackpropOnTerminal(arguments)
        #expect(terminal.contains("\r"))
        #expect(terminal.contains("Epoch 2 "))
        #expect(terminal.unicodeScalars.contains { "▁▂▃▄▅▆▇".unicodeScalars.contains($0) }, "a sparkline")
        let piped = try runBackprop(arguments)
        #expect(!piped.stdout.contains("\r") && piped.stderr.isEmpty)
    }
}
