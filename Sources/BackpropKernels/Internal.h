// The network's packed layout and the table of per-instruction-set kernels.
#ifndef BACKPROP_KERNELS_INTERNAL_H
#define BACKPROP_KERNELS_INTERNAL_H

#include "BackpropKernels.h"

/// Floats every row is padded to: one AVX-512 vector.
#define BP_PAD 16

struct bp_kernels;
struct bp_groups;

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
    // The nonzero inputs of each example of the mini-batch (capacity each), in a bp_sparse_inputs.
    const uint16_t **nonzero_index;
    const uint8_t **nonzero_value;
    int *nonzero_count;
    // The input each byte stands for (byte × input_scale), for input_scale.
    float byte_value[256];
    float byte_scale;
    // The mini-batch's nonzero inputs grouped by input, for BP4 (Grouping.c); NULL where it does
    // not pay (see BP_GROUP_WIDTH) or memory ran out, and then BP4 goes by example.
    struct bp_groups *groups;
    int grouping;         // whether BP4 may go by input (bp_network_set_grouping)
    float *scaled_delta;  // capacity × width[0]: step·δ of the first layer, with groups
};

/// BP4 by input pays where the first layer is at least BP_GROUP_WIDTH floats wide and the
/// mini-batch has at least BP_GROUP_MIN examples (measured: about 20% faster epochs for 100 and
/// 200 neurons at 50–100 examples, no gain at 32 or for 60 neurons, slower for 30); an entry keeps
/// its example in 8 bits, hence BP_GROUP_MAX.
#define BP_GROUP_WIDTH 96
#define BP_GROUP_MIN 32
#define BP_GROUP_MAX 256

struct bp_groups {
    // used[u] (ascending) is an input nonzero in size[u] examples of the mini-batch; its entries
    // are entry[used[u] · capacity ..< + size[u]], each example << 8 | byte, in example order.
    int used_count, capacity;
    uint16_t *used;
    int32_t *size;
    uint16_t *entry;
    int32_t *count;  // per input, zero between calls
};

struct bp_groups *bp_groups_create(int inputs, int width, int capacity);
void bp_groups_destroy(struct bp_groups *groups);
/// Groups the nonzero inputs of examples 0 ..< m of the mini-batch (placed by `point_at`).
void bp_group_by_input(bp_network *n, int m);

/// Threads at most, and the work (nonzero inputs × first-layer width) below which one is used:
/// starting a thread costs tens of microseconds.
#define BP_MAX_THREADS 16
#define BP_THREAD_WORK 400000L

struct bp_sparse_inputs {
    ptrdiff_t count;
    int inputs;
    int64_t *start;    // example e's nonzero inputs are start[e] ..< start[e + 1]
    uint16_t *index;   // which input, for each nonzero one
    uint8_t *value;    // its byte
};

/// Entries a scan may write past an example's nonzero inputs.
#define BP_SCAN_SLACK 16

/// One thread's share of the first layer: neurons begin ..< end.
struct bp_job {
    bp_network *network;
    int m;
    float step, keep;
    int begin, end;
    int update;
    int grouped;  // BP4 by input (n->groups) rather than by example
};

/// Runs jobs[0] on this thread and the others on threads of their own (or here, if a thread
/// cannot be started), and returns when all are done.
void bp_run_jobs(void *(*run)(void *), struct bp_job *jobs, int count);

struct bp_kernels {
    int (*train_step)(bp_network *, const bp_sparse_inputs *, const ptrdiff_t *, const uint8_t *, int,
                      const ptrdiff_t *, int, float, float, float);
    void (*feedforward)(bp_network *, const bp_sparse_inputs *, ptrdiff_t, int, float, float *, float *);
    /// Writes the positions and bytes of the nonzero ones of n bytes, and up to BP_SCAN_SLACK
    /// entries more; returns how many are nonzero.
    int (*scan)(const uint8_t *x, int n, uint16_t *index, uint8_t *value);
    void (*sigmoid_with_bias)(float *z, float bias, float *a, float *sp, ptrdiff_t n);
};

/// The kernels of instruction set `isa` (a bp_isa the CPU supports).
const struct bp_kernels *bp_kernels_for(int isa);

/// `isa`, or the best instruction set the CPU has when it lacks that one.
int bp_usable_isa(int isa);

extern const struct bp_kernels bp_kernels_portable;
#if defined(__x86_64__)
extern const struct bp_kernels bp_kernels_avx2;
extern const struct bp_kernels bp_kernels_avx512;
#endif

#endif
