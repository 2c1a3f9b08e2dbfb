import Foundation

/// Where the trainings of a sweep or an ensemble run: threads of this process (``LocalWorkers``),
/// or the ranks of an MPI job (``MPIWorkers``). Each job runs on one thread somewhere; every
/// result comes back to the one thread that called ``run(_:shouldStop:work:deliver:)``, which alone records
/// and prints.
protocol Workers {
    /// Runs `work` for each job and hands each result to `deliver`, one at a time, on the calling
    /// thread, in the order they finish. `work` returns nil for a job it was told to stop.
    ///
    /// Once `shouldStop` says yes no job starts; the calls of `work` running are expected to
    /// return nil soon. After an error (thrown by `work` or `deliver`) no job starts; those
    /// running finish and are delivered, and then the first error is thrown.
    /// - Returns: What was running when it stopped (the jobs, with where they ran), for the
    ///   message that says what was lost.
    func run<Job: Codable & Sendable, Result: Codable & Sendable>(
        _ jobs: [Job], shouldStop: @escaping @Sendable () -> Bool,
        work: @escaping @Sendable (Job) throws -> Result?, deliver: (Job, Result) throws -> Void
    ) throws -> [StoppedJob<Job>]
}

/// A job that was running when the work stopped, and where: "rank 1", or nil for this process.
struct StoppedJob<Job> {
    var job: Job
    var place: String?
}

/// Threads of this process, `count` of them, each taking the next job when it is free.
struct LocalWorkers: Workers {
    let count: Int

    func run<Job: Codable & Sendable, Result: Codable & Sendable>(
        _ jobs: [Job], shouldStop: @escaping @Sendable () -> Bool,
        work: @escaping @Sendable (Job) throws -> Result?, deliver: (Job, Result) throws -> Void
    ) throws -> [StoppedJob<Job>] {
        let queue = JobQueue<Job, Result>(jobs, shouldStop: shouldStop)
        let threads = min(count, jobs.count)
        queue.startThreads(threads, work: work)
        return try queue.drain(producers: threads, deliver: deliver)
    }
}
