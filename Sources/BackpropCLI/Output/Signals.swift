#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The last SIGINT or SIGTERM received, or 0. Written only by the signal handler, read between
/// mini-batches.
nonisolated(unsafe) private var receivedSignal: Int32 = 0

/// Catches SIGINT (Ctrl-C) and SIGTERM so that training can finish the current mini-batch, save
/// a checkpoint and say where it stopped, instead of dying mid-write.
enum Signals {
    static func catchInterruptions() {
        signal(SIGINT) { receivedSignal = $0 }
        signal(SIGTERM) { receivedSignal = $0 }
        // A parent may have started us with these signals blocked (some test runners do), which
        // would leave them pending forever; unblock them.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The signal received since `catchInterruptions()`, or nil.
    static var received: Int32? { receivedSignal == 0 ? nil : receivedSignal }

    /// The conventional exit status for a process ended by `signal`: 128 + its number
    /// (130 for SIGINT, 143 for SIGTERM).
    static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }

    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }
}
