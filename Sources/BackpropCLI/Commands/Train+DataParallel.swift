import ArgumentParser
import Backprop
import BackpropMPI
import DataParallel
import Foundation

/// `backprop train --data-parallel`: the processes of an MPI job, each taking shards of every
/// mini-batch (docs/scale-out.md).
extension Train {
    /// Options a data-parallel run cannot honour, refused before any work.
    func validateDataParallel(dropout: Double) throws {
        guard parallel.dataParallel else { return }
        if dropout > 0 {
            throw ValidationError("--data-parallel: dropout draws its masks in each process, which would make the result depend "
                                  + "on the number of processes; train without --dropout (or without --data-parallel)")
        }
        if ![.automatic, .blas, .reference].contains(engineOption.engine) {
            throw ValidationError("--data-parallel: the \(engineOption.engine.rawValue) kernels update the weights in the same pass "
                                  + "as the gradient; use --engine automatic, blas or reference")
        }
    }

    /// Joins the MPI job (a job of one without mpirun) and checks that its size fits --shards;
    /// quiets standard output in every process but the first. Nil without --data-parallel.
    func startDataParallel() throws -> ShardedStep<Float>? {
        guard parallel.dataParallel else {
            if Communicator.isLaunchedByMPI {
                warn("started by mpirun without --data-parallel: every process trains the whole run on its own")
            }
            return nil
        }
        let world = try Communicator.world()
        let step: ShardedStep<Float>
        do {
            step = try ShardedStep(world: world, shards: parallel.shardCount) { Signals.received != nil }
        } catch {
            throw ValidationError(error.description)
        }
        if world.rank > 0 {
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, STDOUT_FILENO) }
        }
        return step
    }

    /// "Data-parallel over 2 processes, 4 shards per mini-batch (2 each); …"
    static func describe(_ step: ShardedStep<Float>) -> String {
        let processes = step.world.size
        return "Data-parallel over \(processes) process\(processes == 1 ? "" : "es"), \(step.shards) shards per mini-batch "
            + "(\(step.shards / processes) each), the same result for any number of processes up to \(step.shards)"
    }

    /// Where the time of the steps went, said by the first process; then MPI ends.
    func finishDataParallel(_ step: ShardedStep<Float>) throws {
        let t = step.timing
        let total = t.computing + t.exchanging + t.combining
        if step.world.rank == 0, t.steps > 0 {
            func share(_ seconds: Double) -> String { "\(fixed(seconds, places: 2)) s (\(fixed(100 * seconds / max(total, 1e-9), places: 0))%)" }
            printLine("Data-parallel steps: \(grouped(t.steps)) in \(fixed(total, places: 2)) s: computing gradient sums "
                      + share(t.computing) + ", exchanging them " + share(t.exchanging)
                      + " (\(significant(Double(t.bytesSent) / Double(t.steps) / 1e6, 3)) MB sent per step), "
                      + "adding them and updating " + share(t.combining))
        }
        try step.world.finalize()
    }
}
