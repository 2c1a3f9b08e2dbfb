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
    env["BACKPROP_RUNS"] = "none"  // tests that want a runs store name one
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
        #expect(bad.status == 2 && bad.stderr.contains(".svg or .png"))
    }

    @Test("plot reads the CSV history that train --history x.csv writes")
    func plotCSV() throws {
        let csv = Self.directory + "/short.csv"
        let train = try runBackprop(["train", "--layers", "784,10,10", "--epochs", "3", "--training-size", "2000",
                                     "--history", csv])
        #expect(train.status == 0, "\(train.stderr)")
        let plot = try runBackprop(["plot", csv, "-o", Self.directory + "/short.svg"])
        #expect(plot.status == 0, "\(plot.stderr)")
        let svg = try String(contentsOfFile: Self.directory + "/short.svg", encoding: .utf8)
        #expect(svg.contains("data-label=\"evaluation\""))
        // Three epochs are ticked 0, 1, 2 and never at half an epoch.
        #expect(svg.contains(">1</text>") && !svg.contains(">0.5</text>") && !svg.contains(">1.5</text>"))

        let broken = Self.directory + "/broken.csv"
        try "epoch,learning_rate\n0,3.0\n1,fast\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let refused = try runBackprop(["plot", broken, "-o", Self.directory + "/broken.svg"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("broken.csv: line 3, column 2 (learning_rate)"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: Self.directory + "/broken.svg"))
    }

    @Test("Only what was recorded is drawn: no cost panel without cost, nothing at all refused")
    func recordedOnly() throws {
        let accuracy = Self.directory + "/accuracy.json"
        _ = try runBackprop(["train", "--layers", "784,10,10", "--epochs", "2", "--training-size", "2000",
                             "--monitor", "evaluation-accuracy", "--history", accuracy])
        let plot = try runBackprop(["plot", accuracy, "-o", Self.directory + "/accuracy.svg"])
        #expect(plot.status == 0, "\(plot.stderr)")
        let svg = try String(contentsOfFile: Self.directory + "/accuracy.svg", encoding: .utf8)
        #expect(svg.contains(">Accuracy</text>") && !svg.contains(">Cost</text>"))

        let none = Self.directory + "/none.json"
        _ = try runBackprop(["train", "--layers", "784,10,10", "--epochs", "1", "--training-size", "2000",
                             "--evaluate-on", "none", "--history", none])
        let empty = try runBackprop(["plot", none, "-o", Self.directory + "/none.svg"])
        #expect(empty.status == 1 && empty.stderr.contains("nothing to draw"), "\(empty.stderr)")
        #expect(!FileManager.default.fileExists(atPath: Self.directory + "/none.svg"))
    }

    @Test("The picture commands refuse, before any work, an output that is an input or has the wrong extension")
    func outputsChecked() throws {
        let model = Self.model
        let original = try Data(contentsOf: URL(fileURLWithPath: model))
        let history = Self.directory + "/history.json"
        let originalHistory = try Data(contentsOf: URL(fileURLWithPath: history))
        // The same file under another name: only its contents say it is a model.
        let disguised = Self.directory + "/model.svg", page = Self.directory + "/model.html"
        try original.write(to: URL(fileURLWithPath: disguised))
        try original.write(to: URL(fileURLWithPath: page))
        let cases: [([String], String)] = [
            (["report", model, "-o", model], "-o \(model): the file name must end in .html"),
            (["report", page, "-o", page], "is the file given as <model>"),
            (["report", page, "--history", history, "-o", Self.directory + "/../" + (Self.directory as NSString).lastPathComponent + "/model.html"],
             "is the file given as <model>"),
            (["draw", "weights", disguised, "-o", disguised], "is the file given as <model>"),
            (["draw", "confusion", model, "-o", Self.directory + "/confusion.html"], ".svg or .png"),
            (["plot", history, "-o", history], "the file name must end in .svg or .png"),
            (["plot", history, disguised, "-o", disguised], "is the file given as <history>"),
            (["draw", "weights", model, "-o", Self.directory + "/no/such/folder/w.svg"], "does not exist"),
        ]
        for (arguments, message) in cases {
            let result = try runBackprop(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == original)
        #expect(try Data(contentsOf: URL(fileURLWithPath: page)) == original)
        #expect(try Data(contentsOf: URL(fileURLWithPath: disguised)) == original)
        #expect(try Data(contentsOf: URL(fileURLWithPath: history)) == originalHistory)
    }

    @Test("The report tells the configuration in the book's words, and the seconds only when it has them")
    func reportWords() throws {
        let model = Self.directory + "/regularized.json", csv = Self.directory + "/regularized.csv"
        let train = try runBackprop(["train", "--layers", "784,10,10", "--epochs", "2", "--training-size", "2000",
                                     "--cost", "cross-entropy", "--lambda", "5", "--eta", "0.5", "--save", model, "--history", csv])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try runBackprop(["report", model, "-o", Self.directory + "/regularized.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: Self.directory + "/regularized.html", encoding: .utf8)
        #expect(html.contains("<td>L2 regularization, λ = 5.0</td>") && html.contains("<td>cross-entropy cost</td>"))
        #expect(!html.contains("l2(lambda"))
        #expect(html.contains("<td>–</td>") && html.contains("model files leave out the time each epoch took"))

        let timed = try runBackprop(["report", model, "--history", csv, "-o", Self.directory + "/timed.html"])
        #expect(timed.status == 0, "\(timed.stderr)")
        let withSeconds = try String(contentsOfFile: Self.directory + "/timed.html", encoding: .utf8)
        let seconds = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")[1].split(separator: ",")[2]
        #expect(withSeconds.contains("<td>" + String(format: "%.3f", Double(seconds)!) + "</td>"))
        #expect(!withSeconds.contains("<caption>"))

        let other = try runBackprop(["report", model, "--history", Self.directory + "/history.json", "-o", Self.directory + "/other.html"])
        #expect(other.status == 1 && other.stderr.contains("another run"), "\(other.stderr)")
    }

    @Test("A 400-neuron layer's weight grid stays well under a megabyte as PNG", .enabled(if: hasConverter))
    func wideWeights() throws {
        let model = Self.directory + "/wide.json"
        let train = try runBackprop(["train", "--layers", "784,400,10", "--epochs", "1", "--training-size", "1000",
                                     "--evaluate-on", "none", "--save", model])
        #expect(train.status == 0, "\(train.stderr)")
        let result = try runBackprop(["draw", "weights", model, "-o", Self.directory + "/wide.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: Self.directory + "/wide.png")[.size] as? Int)
        #expect(size < 1_000_000, "\(size) bytes")
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
