// The network's packed layout and the table of per-instruction-set kernels.
#ifndef BACKPROP_KERNELS_INTERNAL_H
#define BACKPROP_KERNELS_INTERNAL_H

#include "BackpropKernels.h"

/// Floats every row is padded to: one AVX-512 vector.
#define BP_PAD 16

struct bp_kernels;

struct bp_network {
    int layer_count;
    int inputs;          // sizes[0]
    int *neurons;        // neurons[l], layer l's size
    int *width;          // width[l], neurons[l] padded to BP_PAD
    int *activation;
    int output_error;
    int capacity;
    int isa;
    int threads;
    const struct bp_kernels *kernels;
    // Layer 0: inputs × width[0], transposed (row k holds the weights out of input k).
    // Layer l > 0: neurons[l] × width[l - 1], row-major. Padding is zero.
    float **weights;
    float **biases;      // width[l] each, padding zero
    // Per example e of a mini-batch, row e of capacity × width[l] each.
    float **z, **a, **sigma_prime, **delta;
    // The nonzero inputs of each example: capacity × (inputs + BP_PAD) each.
    int32_t *nonzero_index;
    float *nonzero_value;
    int *nonzero_count;
    const uint8_t **example_bytes;  // capacity
};

/// Threads at most, and the work (nonzero inputs × first-layer width) below which one is used:
/// starting a thread costs tens of microseconds.
#define BP_MAX_THREADS 16
#define BP_THREAD_WORK 400000L

/// Examples ahead of the one being scanned whose bytes are prefetched.
#define BP_PREFETCH_AHEAD 8

/// One thread's share of the first layer: neurons begin ..< end.
struct bp_job {
    bp_network *network;
    int m;
    float step, keep;
    int begin, end;
    int update;
};

/// Runs jobs[0] on this thread and the others on threads of their own (or here, if a thread
/// cannot be started), and returns when all are done.
void bp_run_jobs(void *(*run)(void *), struct bp_job *jobs, int count);

struct bp_kernels {
    int (*train_step)(bp_network *, const uint8_t *, ptrdiff_t, const ptrdiff_t *, const uint8_t *, int,
                      const ptrdiff_t *, int, float, float, float);
    void (*feedforward)(bp_network *, const uint8_t *, ptrdiff_t, ptrdiff_t, int, float, float *, float *);
};

extern const struct bp_kernels bp_kernels_portable;
#if defined(__x86_64__)
extern const struct bp_kernels bp_kernels_avx2;
extern const struct bp_kernels bp_kernels_avx512;
#endif

#endif
