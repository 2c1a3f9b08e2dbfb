// Seconds per MPI_Allgather of one block of floats per process, from 1 float to 4M (16 MB),
// best of several repetitions after a warm-up: the latency L and bandwidth B of the data-parallel
// model in docs/scale-out.md. Built and run by Benchmarks/data-parallel.sh:
//   mpicc -O2 -o allgather_rate allgather_rate.c && mpirun -np 2 ./allgather_rate
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int largest = 1 << 22;
    float *block = calloc(largest, sizeof(float)), *all = calloc((size_t)largest * size, sizeof(float));
    if (rank == 0) printf("| floats per process | bytes per process | seconds per all-gather | GB/s received per process |\n|---|---|---|---|\n");
    for (int count = 1; count <= largest; count *= 8) {
        int repetitions = count < 4096 ? 1000 : count < 262144 ? 100 : 20;
        double best = 1e9;
        for (int round = 0; round < 3; round++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double start = MPI_Wtime();
            for (int i = 0; i < repetitions; i++) MPI_Allgather(block, count, MPI_FLOAT, all, count, MPI_FLOAT, MPI_COMM_WORLD);
            double seconds = (MPI_Wtime() - start) / repetitions;
            MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
            if (seconds < best) best = seconds;
        }
        if (rank == 0) printf("| %d | %zu | %.3g | %.2f |\n", count, count * sizeof(float), best,
                              (double)(size - 1) * count * sizeof(float) / best / 1e9);
    }
    free(block);
    free(all);
    MPI_Finalize();
    return 0;
}
