import ArgumentParser
import Backprop

/// Which code runs the network: `--engine`.
struct EngineOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Which code trains and evaluates.",
        discussion: "Each falls back to the next that applies: kernels → blas → reference. The header line of train says which runs."))
    var engine: Engine = .automatic
}
