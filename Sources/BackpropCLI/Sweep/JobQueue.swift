import Foundation

/// The jobs not yet started and the results not yet delivered, shared by the threads that work
/// (or, under MPI, stand for other ranks) and the one that delivers.
final class JobQueue<Job: Sendable, Result: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// The jobs, which the rest of the queue names by index.
    let jobs: [Job]
    private var pending: Range<Int>
    private var results: [(index: Int, Result?, place: String?)] = []
    private var error: Error?
    private var producersEnded = 0
    let shouldStop: @Sendable () -> Bool

    init(_ jobs: [Job], shouldStop: @escaping @Sendable () -> Bool) {
        self.jobs = jobs
        pending = jobs.indices
        self.shouldStop = shouldStop
    }

    /// Starts `count` threads of this process that take jobs until none is left; `place` names
    /// this process in what they report ("rank 0"), nil for a process alone.
    func startThreads(_ count: Int, place: String? = nil, work: @escaping @Sendable (Job) throws -> Result?) {
        for _ in 0..<count {
            let thread = Thread {
                while let index = self.next() {
                    do { self.finished(index, try work(self.jobs[index]), place: place) } catch { self.failed(error) }
                }
                self.producerEnded()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
    }

    /// The index of the next job, or nil when none is left or the work stops.
    func next() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard error == nil, !shouldStop() else { return nil }
        return pending.popFirst()
    }

    /// Job `index`'s result, or nil when it was stopped; `place` says where it ran.
    func finished(_ index: Int, _ result: Result?, place: String? = nil) { update { $0.results.append((index, result, place)) } }

    func failed(_ error: Error) { update { if $0.error == nil { $0.error = error } } }

    /// A thread (or a rank's stand-in) will deliver nothing more.
    func producerEnded() { update { $0.producersEnded += 1 } }

    private func update(_ change: (JobQueue) -> Void) {
        condition.lock()
        change(self)
        condition.signal()
        condition.unlock()
    }

    /// Delivers results as they come until all `producers` have ended, or, once the work stops,
    /// until the `waitFor` first of them (this process's threads) have: other ranks that will
    /// not answer any more must not keep the results here from being delivered.
    /// - Parameter inFlight: What other producers still hold when the wait ends early.
    /// - Returns: The jobs that were stopped.
    func drain(producers: Int, waitFor: Int? = nil, inFlight: () -> [StoppedJob<Job>] = { [] },
               deliver: (Job, Result) throws -> Void) throws -> [StoppedJob<Job>] {
        var stopped: [StoppedJob<Job>] = []
        while true {
            condition.lock()
            while results.isEmpty && producersEnded < producers
                    && !(shouldStop() && producersEnded >= (waitFor ?? producers)) {
                _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
            }
            let batch = results
            results = []
            let ended = producersEnded >= producers || (shouldStop() && producersEnded >= (waitFor ?? producers))
            condition.unlock()
            for (index, result, place) in batch {
                guard let result else { stopped.append(StoppedJob(job: jobs[index], place: place)); continue }
                do { try deliver(jobs[index], result) } catch { failed(error) }
            }
            if ended && batch.isEmpty { break }
        }
        condition.lock()
        defer { condition.unlock() }
        if let error { throw error }
        return producersEnded >= producers ? stopped : stopped + inFlight()
    }
}
