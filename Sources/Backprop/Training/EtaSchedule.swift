/// How η changes over a whole run, mini-batch by mini-batch, as a function of the share of the
/// run's training examples done before the step, t = (examples done)/(epochs · n) in [0, 1).
///
/// A run with a schedule takes its η from the schedule at every step, so that the same seed gives
/// the same run and a run resumed mid-epoch goes on with the η it would have had.
public enum EtaSchedule: String, Codable, CaseIterable, Sendable {
    /// η = η₀(1 − t): falls in a straight line from η₀ to 0 at the end of the last epoch.
    case linear
    /// One cycle: η rises in a straight line from η₀/10 to η₀ over the first fifth of the run,
    /// then falls in a straight line to 0 at its end.
    case oneCycle

    /// The share of the run spent warming up in ``oneCycle``.
    public static let warmUp = 0.2

    /// η at share `t` of the run, for a peak (and starting) learning rate η₀ `eta`.
    public func eta(_ eta: Double, at t: Double) -> Double {
        switch self {
        case .linear: eta * (1 - t)
        case .oneCycle where t < Self.warmUp: eta * (0.1 + 0.9 * t / Self.warmUp)
        case .oneCycle: eta * (1 - t) / (1 - Self.warmUp)
        }
    }
}
