import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `backprop lab` running as a process, spoken to over real sockets.
final class RunningLab {
    let process = Process()
    let port: Int
    let folder: String
    private let output = Pipe()

    init(_ arguments: [String] = []) throws {
        folder = NSTemporaryDirectory() + "backprop-lab-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("backprop")
        process.arguments = ["lab", "--port", "0", "--models", folder + "/models"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BACKPROP_RUNS"] = folder + "/runs.sqlite"
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var text = ""
        while !text.contains("\n"), process.isRunning || output.fileHandleForReading.availableData.count > 0 {
            text += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        guard let range = text.range(of: #"http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression),
              let port = Int(text[range].dropFirst("http://127.0.0.1:".count).dropLast()) else {
            throw LabProcessError("the lab did not say where it listens: \(text)")
        }
        self.port = port
    }

    /// The rest of what the lab printed, once it has exited.
    func remainingOutput() -> String {
        String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    deinit { if process.isRunning { process.terminate() } }

    /// Sends raw bytes and returns everything the server answers until it closes the connection.
    func exchange(_ request: String) throws -> String {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw LabProcessError("cannot connect to the lab on port \(port)") }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        // Until the server closes the connection, or a whole response (headers and
        // Content-Length bytes) has come: a refused request's connection may stay open.
        while !Self.isComplete(answer) {
            let n = recv(socket, &buffer, buffer.count, 0)
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    private static func isComplete(_ answer: [UInt8]) -> Bool {
        let text = String(decoding: answer, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n"),
              let field = text[..<end.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
              let length = Int(field.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
        return text[end.upperBound...].utf8.count >= length
    }

    /// A well-formed request; the answer's status and body.
    func request(_ method: String, _ path: String, body: String = "", headers: [String: String] = [:]) throws -> (status: Int, body: String) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let answer = try exchange(head + "\r\n" + body)
        let status = Int(answer.split(separator: " ").dropFirst().first ?? "") ?? 0
        let text = answer.range(of: "\r\n\r\n").map { String(answer[$0.upperBound...]) } ?? ""
        return (status, text)
    }
}

struct LabProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite("backprop lab over HTTP", .serialized)
struct LabCommandTests {
    @Test("Foreign Host or Origin, oversized or broken requests are refused; the lab goes on serving")
    func refusals() throws {
        let lab = try RunningLab()
        #expect(try lab.request("GET", "/api/network").status == 200)
        // The page built into the package, found beside the executable.
        let page = try lab.request("GET", "/")
        #expect(page.status == 200)
        #expect(page.body.contains("<title>Backprop lab</title>"))
        #expect(try lab.request("GET", "/lab.js").status == 200)
        let rebinding = try lab.exchange("GET /api/network HTTP/1.1\r\nHost: attacker.example:\(lab.port)\r\nConnection: close\r\n\r\n")
        #expect(rebinding.hasPrefix("HTTP/1.1 403"))
        #expect(rebinding.contains("is not this lab's address"))
        let origin = try lab.request("POST", "/api/forward", body: "{}", headers: ["Origin": "http://attacker.example"])
        #expect(origin.status == 403)
        let large = try lab.exchange("POST /api/forward HTTP/1.1\r\nHost: 127.0.0.1:\(lab.port)\r\nContent-Length: 5000000\r\n\r\n{")
        #expect(large.hasPrefix("HTTP/1.1 413"))
        let chunked = try lab.exchange("POST /api/forward HTTP/1.1\r\nHost: 127.0.0.1:\(lab.port)\r\nTransfer-Encoding: chunked\r\n\r\n"
                                       + "100000\r\n" + String(repeating: "a", count: 0x100000) + "\r\n10\r\n" + String(repeating: "a", count: 16) + "\r\n0\r\n\r\n")
        #expect(chunked.hasPrefix("HTTP/1.1 413"))
        // Broken framing: the connection is closed; the server is not.
        _ = try lab.exchange("GARBAGE\r\n\r\n")
        _ = try lab.exchange("POST /api/forward HTTP/1.1\r\nContent-Length: -5\r\n\r\n")
        _ = try lab.exchange("\u{0}\u{1}\u{2}\r\n\r\n")
        let bad = try lab.request("POST", "/api/forward", body: "{\"input\": [1, 2]}")
        #expect(bad.status == 400)
        #expect(bad.body.contains("input has 2 values"))
        #expect(try lab.request("GET", "/api/network").status == 200)
        #expect(lab.process.isRunning)
    }

    @Test("The lab's trace is trace --json's, number for number", .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
    func traceMatchesCommand() throws {
        let folder = NSTemporaryDirectory() + "backprop-lab-model-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let model = folder + "/model.json"
        let trained = try runBackprop(["train", "--epochs", "1", "--training-size", "1000", "--save", model])
        #expect(trained.status == 0, "\(trained.stderr)")
        let lab = try RunningLab(["--model", model])
        let served = try lab.request("POST", "/api/trace", body: #"{"split": "test", "index": 5}"#)
        #expect(served.status == 200)
        let printed = try runBackprop(["trace", "--json", "--network", model, "--split", "test", "--index", "5"])
        #expect(printed.status == 0, "\(printed.stderr)")
        let fromLab = try JSONSerialization.jsonObject(with: Data(served.body.utf8)) as! NSDictionary
        let fromCommand = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as! NSDictionary
        #expect(fromLab == fromCommand)
    }

    @Test("Ctrl-C stops the lab cleanly and saves a running training's model", .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
    func interruptSavesTraining() throws {
        let lab = try RunningLab()
        let started = try lab.request("POST", "/api/train", body: #"{"epochs": 1000, "trainingSize": 50000}"#)
        #expect(started.status == 202, "\(started.body)")
        var status = ""
        for _ in 0..<200 {
            status = try lab.request("GET", "/api/train/status").body
            if status.contains("\"history\":[{") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(lab.process.processIdentifier, SIGINT)
        lab.process.waitUntilExit()
        #expect(lab.process.terminationStatus == 0)
        let printed = lab.remainingOutput()
        #expect(printed.contains("Stopped."), "\(printed)")
        #expect(printed.contains("Stopped run 1 in epoch"), "\(printed)")
        #expect(printed.contains("backprop train --resume \(lab.folder)/models/run-1.json"), "\(printed)")
        let model = lab.folder + "/models/run-1.json"
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as! [String: Any]
        #expect(saved["training"] != nil)
        let resumed = try runBackprop(["evaluate", model])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }
}
