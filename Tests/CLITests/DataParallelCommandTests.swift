import Foundation
import Testing

/// Whether the real MNIST files are there (MNIST_DIR), for the data-parallel runs.
private let mnistDirectory = ProcessInfo.processInfo.environment["MNIST_DIR"]

/// `backprop train --data-parallel` refusing what it cannot do, before any work; no MPI needed.
@Suite("train --data-parallel refuses what it cannot split")
struct DataParallelRefusalTests {
    @Test("Dropout, the kernels' engines, --shards alone and shard counts that are no power of two exit 2 with a message", arguments: [
        (["--data-parallel", "--dropout", "0.2"], "dropout draws its masks in each process"),
        (["--data-parallel", "--engine", "avx2"], "--engine automatic, blas or reference"),
        (["--shards", "8"], "only --data-parallel cuts mini-batches"),
        (["--data-parallel", "--shards", "6"], "power of two"),
        (["--data-parallel", "--shards", "0"], "power of two"),
    ] as [([String], String)])
    func refuses(arguments: [String], message: String) throws {
        let result = try runBackprop(["train", "--layers", "784,10,10"] + arguments, environment: ["MNIST_DIR": "/nonexistent"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}

/// `mpirun -np N backprop train --data-parallel` on real MNIST: the same model file for every N,
/// a clear end when a process dies, and a checkpoint that survives it.
@Suite("train --data-parallel under mpirun", .serialized,
       .enabled(if: mpiSkipReason == nil, "needs mpirun and a build with MPI"),
       .enabled(if: mnistDirectory != nil, "needs the MNIST files in MNIST_DIR"))
struct DataParallelCommandTests {
    var small: [String] {
        ["train", "--data", mnistDirectory!, "--training-size", "600", "--epochs", "2", "--mini-batch-size", "20",
         "--seed", "5", "--data-parallel"]
    }

    /// Trains `arguments` on `ranks` processes (1: without mpirun) and returns the model file's bytes.
    func model(_ arguments: [String], ranks: Int, in directory: String) throws -> Data {
        let path = directory + "/model-\(ranks).json"
        let result = ranks == 1 ? try runBackprop(arguments + ["--save", path])
            : try runUnderMPI(ranks: ranks, "backprop", arguments + ["--save", path])
        #expect(result.status == 0, "\(ranks) processes: \(result.stderr)")
        #expect(result.stdout.components(separatedBy: "Saved the network").count == 2, "only the first process saves and speaks")
        #expect(result.stdout.contains("Data-parallel over \(ranks) process"))
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test("A dense network's model file is the same, byte for byte, on 1, 2 and 4 processes")
    func denseIsTheSameForAnyN() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = small + ["--layers", "784,30,10", "--momentum", "0.5", "--lambda", "2", "--cost", "cross-entropy", "--eta", "0.5"]
        let one = try model(arguments, ranks: 1, in: directory)
        #expect(try model(arguments, ranks: 2, in: directory) == one)
        #expect(try model(arguments, ranks: 4, in: directory) == one)
    }

    @Test("A convolutional network's model file is the same on 1 and 2 processes")
    func convolutionalIsTheSameForAnyN() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = small + ["--layers", "conv:4x5x5,pool:2,fc:20,softmax:10", "--eta", "0.1", "--epochs", "1",
                                 "--evaluate-on", "none"]
        #expect(try model(arguments, ranks: 2, in: directory) == model(arguments, ranks: 1, in: directory))
    }

    @Test("More processes than a power of two dividing --shards are refused with the reason")
    func processesMustDivideShards() throws {
        let result = try runUnderMPI(ranks: 3, "backprop", small + ["--layers", "784,10,10"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("power of two of processes (1, 2, 4, 8, …), not 3"), "\(result.stderr)")
        #expect(!result.stdout.contains("Epoch 0"))
    }

    @Test("A killed process ends the job with a message naming it; the checkpoint resumes to the uninterrupted model")
    func killedProcess() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = small + ["--layers", "784,30,10", "--epochs", "12", "--evaluate-on", "none"]
        let checkpoint = directory + "/checkpoint.json"

        let job = Process()
        job.executableURL = URL(fileURLWithPath: try #require(mpirunPath))
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("backprop")
        job.arguments = ["-np", "2", "--oversubscribe", "--allow-run-as-root", binary.path] + arguments + ["--checkpoint", checkpoint]
        let err = Pipe()
        job.standardError = err
        job.standardOutput = FileHandle.nullDevice
        try job.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint), job.isRunning, Date() < deadline { usleep(20_000) }
        let victim = try #require(Self.rank(1, of: job.processIdentifier), "rank 1 was not found among mpirun's children")
        kill(victim, SIGKILL)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        job.waitUntilExit()
        #expect(job.terminationStatus != 0)
        #expect(stderr.contains("rank 1"), "\(stderr)")

        // The checkpoint is whole, and resuming it (here in one process) finishes the same run.
        let resumed = try runBackprop(["train", "--data", mnistDirectory!, "--resume", checkpoint, "--data-parallel",
                                       "--save", directory + "/resumed.json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/resumed.json")) == model(arguments, ranks: 1, in: directory))
    }

    /// The child of `parent` (mpirun) that runs as MPI rank `rank`, by its environment.
    static func rank(_ rank: Int, of parent: Int32) -> Int32? {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        return processes.first { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let fields = stat.split(separator: ")").last?.split(separator: " "), fields.count > 2,
                  Int32(fields[1]) == parent,
                  let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "OMPI_COMM_WORLD_RANK=\(rank)" }
        }
    }
}
