import BackpropMPI
import Foundation
import Testing

/// Where `mpirun` is, when Open MPI is installed and this build has it.
let mpirunPath: String? = {
    guard Communicator.isBuiltWithMPI else { return nil }
    return ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Why the tests that start MPI jobs are skipped, printed once, or nil when they run.
let mpiSkipReason: String? = {
    guard mpirunPath == nil else { return nil }
    let reason = Communicator.isBuiltWithMPI
        ? "mpirun is not installed (scripts/install-dependencies --mpi installs Open MPI)"
        : "this build has no MPI (libopenmpi-dev was missing, or BACKPROP_MPI=0, when it was built)"
    print("Skipping the MPI job tests: \(reason)")
    return reason
}()

/// Runs `program` (an executable beside the test binary) as `ranks` processes under `mpirun`,
/// allowed as root and on more processes than cores.
func runUnderMPI(ranks: Int, _ program: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return try runProgram(URL(fileURLWithPath: try #require(mpirunPath)),
                          ["-np", "\(ranks)", "--oversubscribe", "--allow-run-as-root", "-x", "BACKPROP_RUNS",
                           directory.appendingPathComponent(program).path] + arguments)
}

/// BackpropMPI's calls between real processes (Tests/MPICheck checks each on every rank).
@Suite(.enabled(if: mpiSkipReason == nil, "needs mpirun and a build with MPI"))
struct MPIJobTests {
    @Test("Every Communicator call works across ranks", arguments: [2, 3])
    func everyCall(ranks: Int) throws {
        let result = try runUnderMPI(ranks: ranks, "MPICheck", [])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "ok\n")
    }

    @Test("abort ends every rank with its code and a message naming the rank")
    func abortEndsTheJob() throws {
        let result = try runUnderMPI(ranks: 2, "MPICheck", ["--abort"])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("rank 1 of 2: stopping the job on purpose"))
        #expect(!result.stdout.contains("ok"))
    }
}
