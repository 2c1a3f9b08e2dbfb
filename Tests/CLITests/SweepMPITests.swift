import Foundation
import Testing

/// `backprop sweep` and `backprop ensemble` as the ranks of an MPI job (skipped, with the reason
/// printed, where mpirun or the MPI build is missing).
@Suite("Sweeps and ensembles under mpirun", .serialized,
       .enabled(if: mpiSkipReason == nil && ProcessInfo.processInfo.environment["MNIST_DIR"] != nil,
                "needs mpirun, a build with MPI and MNIST_DIR"))
struct SweepMPITests {
    func folder(_ spec: String) throws -> String {
        let directory = try scratchDirectory()
        try Data(spec.utf8).write(to: URL(fileURLWithPath: directory + "/s.sweep"))
        return directory
    }

    /// The sweep's runs in `store`: "settings key → best accuracy".
    func recorded(_ store: String) throws -> [String: Double] {
        let report = try runBackprop(["sweep", "--report", "s", "--json", "--store", store])
        try #require(report.status == 0, "\(report.stderr)")
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: runs.map { run in
            let settings = (run["settings"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return (settings.joined(separator: " "), run["bestAccuracy"] as? Double ?? -1)
        })
    }

    @Test("Two ranks share a sweep; rank 0 alone prints and records each run once, as one process would")
    func sharedSweep() throws {
        let directory = try folder("eta: 0.5, 3\nseed: 1 2\nlayers: 784,10,10\ntraining-size: 300\nepochs: 2\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = directory + "/mpi.sqlite"
        let result = try runUnderMPI(ranks: 2, "backprop", ["sweep", directory + "/s.sweep", "--store", store])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.components(separatedBy: "Sweep s: 4 runs;").count == 2, "printed once: \(result.stdout)")
        #expect(result.stdout.contains("on 2 MPI ranks") && result.stdout.contains("[4/4]"), "\(result.stdout)")
        let shared = try recorded(store)
        #expect(shared.count == 4)

        let again = try runUnderMPI(ranks: 2, "backprop", ["sweep", directory + "/s.sweep", "--store", store])
        #expect(again.status == 0 && again.stdout.contains("Nothing to train"), "\(again.stdout) \(again.stderr)")
        #expect(try recorded(store).count == 4)

        let alone = directory + "/alone.sqlite"
        #expect(try runBackprop(["sweep", directory + "/s.sweep", "--jobs", "1", "--store", alone]).status == 0)
        #expect(try recorded(alone) == shared)
    }

    @Test("A spec with a mistake ends every rank, and rank 0 says why, once")
    func refusedSpec() throws {
        let directory = try folder("eta: 0.5, -1\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runUnderMPI(ranks: 2, "backprop", ["sweep", directory + "/s.sweep", "--store", directory + "/r.sqlite"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "s.sweep:1: eta -1:").count == 2, "\(result.stderr)")
    }

    @Test("A rank that dies loses only the run it held, and rank 0's message names it",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/environ"), "finds rank 1 through /proc (Linux)"))
    func rankDies() throws {
        let directory = try folder("layers: 784,30,10\ntraining-size: 20000\nepochs: 2\nseed: 1 2 3 4 5 6 7 8\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = directory + "/r.sqlite"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(mpirunPath))
        let backprop = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("backprop")
        process.arguments = ["-np", "2", "--oversubscribe", "--allow-run-as-root", backprop.path, "sweep", directory + "/s.sweep",
                             "--store", store]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        _ = readUntil(output, lineStartingWith: "[1/8]")
        // Both ranks finish their first runs at about the same time; a moment later each holds its
        // next (a run takes about a second), so that rank 1 dies holding one.
        usleep(300_000)
        let rank1 = try #require(Self.process(withRank: 1, below: process.processIdentifier), "rank 1's process")
        kill(rank1, SIGKILL)
        let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let lost = try #require(rest.split(separator: "\n").first { $0.hasPrefix("Interrupted by SIGTERM") }, "\(rest)")
        #expect(lost.contains("(rank 1)"), "\(lost)")
        let runs = try recorded(store)
        #expect(runs.count >= 1 && runs.count < 8)
        let resumed = try runBackprop(["sweep", directory + "/s.sweep", "--store", store])
        #expect(resumed.status == 0 && resumed.stdout.contains("\(runs.count) done before"), "\(resumed.stdout)")
        #expect(try recorded(store).count == 8)
    }

    /// The process under `parent` (at any depth) that MPI started as `rank`, from its environment.
    static func process(withRank rank: Int, below parent: Int32) -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for pid in entries.compactMap(Int32.init) where pid != parent {
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                  let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  status.contains("Name:\tbackprop") else { continue }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)"), descends(pid, from: parent) { return pid }
        }
        return nil
    }

    static func descends(_ pid: Int32, from ancestor: Int32) -> Bool {
        var current = pid
        while current > 1 {
            guard let stat = try? String(contentsOfFile: "/proc/\(current)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = Int32(fields[1]) else { return false }
            if parent == ancestor { return true }
            current = parent
        }
        return false
    }

    @Test("An ensemble under two ranks reports every member and the vote once")
    func ensemble() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = ["ensemble", "--members", "3", "--layers", "784,10,10", "--training-size", "500", "--epochs", "1"]
        let shared = try runUnderMPI(ranks: 2, "backprop", arguments + ["--save-members", directory + "/m-{seed}.json"])
        #expect(shared.status == 0, "\(shared.stderr)")
        let alone = try runBackprop(arguments + ["--jobs", "1"])
        func vote(_ text: String) -> String? { text.split(separator: "\n").first { $0.hasPrefix("Vote of 3:") }.map(String.init) }
        #expect(vote(shared.stdout) != nil && vote(shared.stdout) == vote(alone.stdout), "\(shared.stdout)\n\(alone.stdout)")
        #expect(shared.stdout.components(separatedBy: "Member seed 2:").count == 2)
        for seed in 1...3 { #expect(FileManager.default.fileExists(atPath: directory + "/m-\(seed).json")) }
    }
}
