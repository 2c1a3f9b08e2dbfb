import ArgumentParser
import Foundation

/// How many trainings a sweep or an ensemble runs at once in this process: `--jobs`.
struct JobsOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Trainings at once in this process, one thread each (default: the cores, \(ProcessInfo.processInfo.activeProcessorCount) here; 1 for each rank under mpirun).",
        valueName: "N"))
    var jobs: Int?

    func validate() throws {
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs must be from 1 to 1,024, got \(jobs)") }
    }

    /// The threads: --jobs, else every core for a process alone and one for a rank of an MPI job.
    func threads(_ part: Participation) -> Int {
        jobs ?? (part.world == nil ? ProcessInfo.processInfo.activeProcessorCount : 1)
    }
}
