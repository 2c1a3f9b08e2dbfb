import BackpropKernels

/// Two threads for a job cut in two, many times a second: the caller and a helper thread the
/// team keeps between jobs (`bp_team`), which spins for about a millisecond after each job
/// before it sleeps. `DispatchQueue.concurrentPerform` wakes a pool thread for each call, which
/// on a virtual machine took as long as the convolutional engine's half-batch (see
/// Benchmarks/RESULTS.md), so two threads were far from twice as fast as one.
final class WorkerTeam {
    private let team: OpaquePointer

    /// Nil when the helper thread cannot be started.
    init?() {
        guard let team = bp_team_create() else { return nil }
        self.team = team
    }

    deinit { bp_team_destroy(team) }

    /// Runs `body(1)` on the helper and `body(0)` on this thread; returns when both have.
    func run(_ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            var job = body
            withUnsafeMutablePointer(to: &job) { pointer in
                bp_team_run(team, { context, index in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(index))
                }, pointer)
            }
        }
    }
}
