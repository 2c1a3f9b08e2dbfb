import ArgumentParser
import Backprop

/// The learning-rate schedule on the command line: `--eta-schedule linear`.
extension EtaSchedule: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        ["linear": "η falls in a straight line to 0 at the end of the last epoch",
         "one-cycle": "η rises from η/10 to η over the first fifth of the run, then falls in a straight line to 0"]
    }
}
