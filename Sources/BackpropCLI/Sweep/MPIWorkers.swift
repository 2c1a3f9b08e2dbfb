import BackpropMPI
import Foundation

/// The ranks of an MPI job, each training one job at a time (rank 0 on `threads` threads of its
/// own besides). Rank 0 hands out the jobs, one to each rank that asks, and receives every
/// result; the other ranks return from ``run(_:shouldStop:work:deliver:)`` with nothing to
/// deliver once rank 0 has no job left for them.
///
/// Every rank must call it with the same jobs, in the same order: a job travels as its index.
/// A rank that dies loses the one job it holds; rank 0 names it (``StoppedJob``).
struct MPIWorkers: Workers {
    let world: Communicator
    /// Training threads on rank 0.
    let threads: Int

    /// Tags of the two kinds of message: a rank's report (its result, or that it is ready), and
    /// rank 0's answer (the next job's index, or −1 for none).
    static let reportTag = 1, assignmentTag = 2

    /// What a rank tells rank 0 after each job, and before the first.
    struct Report<Result: Codable>: Codable {
        /// The job it ran; nil in the first report.
        var index: Int?
        var result: Result?
        /// Why the job failed (`work` threw).
        var failure: String?
        /// The rank was told to stop (a signal) and takes no more jobs.
        var leaving = false
    }

    func run<Job: Codable & Sendable, Result: Codable & Sendable>(
        _ jobs: [Job], shouldStop: @escaping @Sendable () -> Bool,
        work: @escaping @Sendable (Job) throws -> Result?, deliver: (Job, Result) throws -> Void
    ) throws -> [StoppedJob<Job>] {
        guard world.rank == 0 else {
            try serve(jobs, shouldStop: shouldStop, work: work)
            return []
        }
        let queue = JobQueue<Job, Result>(jobs, shouldStop: shouldStop)
        let local = min(threads, jobs.count)
        queue.startThreads(local, place: "rank 0", work: work)
        let dispatcher = Dispatcher<Job, Result>(world: world, jobs: jobs, queue: queue)
        let thread = Thread { dispatcher.serveOtherRanks() }
        thread.start()
        return try queue.drain(producers: local + 1, waitFor: local, inFlight: dispatcher.inFlight, deliver: deliver)
    }

    /// A rank other than 0: asks for a job, runs it, reports, until rank 0 has none left.
    private func serve<Job: Codable & Sendable, Result: Codable & Sendable>(
        _ jobs: [Job], shouldStop: () -> Bool, work: (Job) throws -> Result?
    ) throws {
        var report = Report<Result>()
        while true {
            report.leaving = shouldStop()
            try world.send(try JSONEncoder().encode(report).bytes, to: 0, tag: Self.reportTag)
            let answer = try world.receive(from: 0, tag: Self.assignmentTag)
            let index = try JSONDecoder().decode(Int.self, from: Data(answer.bytes))
            guard jobs.indices.contains(index), !report.leaving else { return }
            report = Report(index: index)
            do { report.result = try work(jobs[index]) } catch { report.failure = "\(error)" }
        }
    }
}

/// Rank 0's thread that answers the other ranks: records what each reports, hands it the next
/// job, and remembers which job each holds.
final class Dispatcher<Job: Codable & Sendable, Result: Codable & Sendable>: @unchecked Sendable {
    let world: Communicator
    let jobs: [Job]
    let queue: JobQueue<Job, Result>
    private let lock = NSLock()
    /// The job each rank holds, by rank.
    private var holding: [Int: Int] = [:]

    init(world: Communicator, jobs: [Job], queue: JobQueue<Job, Result>) {
        (self.world, self.jobs, self.queue) = (world, jobs, queue)
    }

    /// The jobs the other ranks hold, each with its rank.
    func inFlight() -> [StoppedJob<Job>] {
        lock.lock()
        defer { lock.unlock() }
        return holding.sorted { $0.key < $1.key }.map { StoppedJob(job: jobs[$0.value], place: "rank \($0.key)") }
    }

    func serveOtherRanks() {
        var active = world.size - 1
        do {
            while active > 0 {
                let message = try world.receive(tag: MPIWorkers.reportTag)
                let rank = message.source
                let report = try JSONDecoder().decode(MPIWorkers.Report<Result>.self, from: Data(message.bytes))
                if let index = report.index, jobs.indices.contains(index) {
                    hold(nil, rank: rank)
                    if let failure = report.failure {
                        queue.failed(CLIError("rank \(rank): \(failure)"))
                    } else {
                        queue.finished(index, report.result, place: "rank \(rank)")
                    }
                }
                let next = report.leaving ? nil : queue.next()
                hold(next, rank: rank)
                try world.send(try JSONEncoder().encode(next ?? -1).bytes, to: rank, tag: MPIWorkers.assignmentTag)
                if next == nil { active -= 1 }
            }
        } catch {
            world.abort("sweep: rank 0 lost touch with the other ranks: \(error)")
        }
        queue.producerEnded()
    }

    private func hold(_ index: Int?, rank: Int) {
        lock.lock()
        holding[rank] = index
        lock.unlock()
    }
}

extension Data {
    var bytes: [UInt8] { [UInt8](self) }
}
