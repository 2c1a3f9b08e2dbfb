@testable import Backprop
import Foundation
import Testing

/// The two-thread team of the convolutional engine: every job runs both halves, once each, on
/// two threads, whether the helper was spinning or asleep.
@Suite("Worker team")
struct WorkerTeamTests {
    @Test("Each of 20,000 jobs runs index 0 here and index 1 on another thread, once each")
    func manyJobs() throws {
        let team = try #require(WorkerTeam())
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        counts.initialize(repeating: 0, count: 2)
        defer { counts.deallocate() }
        let caller = pthread_self()
        var helperThreads = Set<UInt>()
        for job in 0..<20_000 {
            var helper: pthread_t? = nil
            team.run { index in
                #expect(counts[index] == job, "index \(index) ran \(counts[index]) times before job \(job)")
                counts[index] += 1
                if index == 1 { helper = pthread_self() } else { #expect(pthread_equal(pthread_self(), caller) != 0) }
            }
            #expect(counts[0] == job + 1 && counts[1] == job + 1)
            if let helper { helperThreads.insert(UInt(helper)) }
        }
        #expect(helperThreads.count == 1)
        #expect(helperThreads.first != UInt(caller))
    }

    @Test("A helper asleep after a pause still runs the next job; teams start and stop cleanly")
    func sleepsAndStops() throws {
        let team = try #require(WorkerTeam())
        for pause in [0, 20_000, 50_000] {
            usleep(useconds_t(pause))
            let sums = UnsafeMutablePointer<Int>.allocate(capacity: 2)
            sums.initialize(repeating: 0, count: 2)
            team.run { index in sums[index] = (1...1000).reduce(index, +) }
            #expect(sums[0] == 500_500 && sums[1] == 500_501)
            sums.deallocate()
        }
        for _ in 0..<50 {
            let short = try #require(WorkerTeam())
            let ran = UnsafeMutablePointer<Bool>.allocate(capacity: 2)
            ran.initialize(repeating: false, count: 2)
            short.run { ran[$0] = true }
            #expect(ran[0] && ran[1])
            ran.deallocate()
        }
    }
}
