import Foundation

/// Where the trainings of a sweep or an ensemble run: threads of this process (``LocalWorkers``),
/// or the ranks of an MPI job. Each job runs on one thread somewhere; every result comes back to
/// the one thread that called ``run(_:work:deliver:)``, which alone records and prints.
protocol Workers {
    /// Runs `work` for each job and hands each result to `deliver`, one at a time, on the calling
    /// thread, in the order they finish. `work` returns nil for a job it was told to stop.
    ///
    /// After an error (thrown by `work` or `deliver`) no job starts; those running finish and are
    /// delivered, and then the first error is thrown.
    /// - Returns: The jobs that ran but delivered nothing (stopped), with where they ran.
    func run<Job: Codable & Sendable, Result: Codable & Sendable>(
        _ jobs: [Job], work: @escaping @Sendable (Job) throws -> Result?, deliver: (Job, Result) throws -> Void
    ) throws -> [Job]
}

/// Threads of this process, `count` of them, each taking the next job when it is free.
struct LocalWorkers: Workers {
    let count: Int

    func run<Job: Codable & Sendable, Result: Codable & Sendable>(
        _ jobs: [Job], work: @escaping @Sendable (Job) throws -> Result?, deliver: (Job, Result) throws -> Void
    ) throws -> [Job] {
        let queue = JobQueue<Job, Result>(jobs)
        for _ in 0..<min(count, jobs.count) {
            let thread = Thread {
                while let job = queue.next() {
                    do { queue.finished(job, try work(job)) } catch { queue.failed(job, error) }
                }
                queue.threadEnded()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        return try queue.drain(threads: min(count, jobs.count), deliver: deliver)
    }
}

/// The jobs not yet started and the results not yet delivered, shared by the worker threads and
/// the one that delivers.
final class JobQueue<Job: Sendable, Result: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: ArraySlice<Job>
    private var results: [(Job, Result?)] = []
    private var error: Error?
    private var threadsEnded = 0

    init(_ jobs: [Job]) { pending = jobs[...] }

    /// The next job, or nil when none is left or an error stopped the work.
    func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        guard error == nil else { return nil }
        return pending.popFirst()
    }

    func finished(_ job: Job, _ result: Result?) { update { $0.results.append((job, result)) } }

    func failed(_ job: Job, _ error: Error) { update { if $0.error == nil { $0.error = error } } }

    func threadEnded() { update { $0.threadsEnded += 1 } }

    private func update(_ change: (JobQueue) -> Void) {
        condition.lock()
        change(self)
        condition.signal()
        condition.unlock()
    }

    /// Delivers results as they come until all `threads` have ended.
    /// - Returns: The jobs that were stopped.
    func drain(threads: Int, deliver: (Job, Result) throws -> Void) throws -> [Job] {
        var stopped: [Job] = []
        while true {
            condition.lock()
            while results.isEmpty && threadsEnded < threads { condition.wait() }
            let batch = results
            results = []
            let done = threadsEnded == threads
            condition.unlock()
            for (job, result) in batch {
                guard let result else { stopped.append(job); continue }
                do { try deliver(job, result) } catch { failed(job, error) }
            }
            if done && batch.isEmpty { break }
        }
        if let error { throw error }
        return stopped
    }
}
