import ArgumentParser

/// How `backprop train` splits its mini-batches across the processes of an MPI job:
/// `--data-parallel` and `--shards`.
struct DataParallelOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Split each mini-batch across the processes of an MPI job and add their gradients before every step (mpirun -np N backprop train --data-parallel …).",
        discussion: "Every process reads the data and keeps the whole network; each adds up the gradients of its shards of each mini-batch, an all-gather brings every process's sum to every process, and all add the sums in the same fixed order and take the same step. The same seed gives the same model file, byte for byte, for 1, 2, 4, … processes up to --shards (it may differ in the last bits from a run without --data-parallel, which adds in another order). Only the first process prints and writes files. Without mpirun it runs as one process. Dropout and the kernels' --engine choices are refused. See docs/scale-out.md."))
    var dataParallel = false

    @Option(help: ArgumentHelp(
        "Pieces each mini-batch is cut into for --data-parallel: a power of two, at least the number of processes (default: 4).",
        discussion: "The result depends on it, not on the number of processes."))
    var shards: Int?

    /// S, the pieces each mini-batch is cut into.
    var shardCount: Int { shards ?? 4 }

    func validate() throws {
        if shards != nil, !dataParallel { throw ValidationError("--shards: only --data-parallel cuts mini-batches into shards") }
        guard (1...1024).contains(shardCount), shardCount & (shardCount - 1) == 0 else {
            throw ValidationError("--shards must be a power of two from 1 to 1024, got \(shardCount)")
        }
    }
}
