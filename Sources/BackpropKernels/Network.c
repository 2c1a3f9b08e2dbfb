// Creating, filling and reading a packed network, and picking the kernels for this CPU.
#include "Internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int padded(int n) { return (n + BP_PAD - 1) / BP_PAD * BP_PAD; }

/// Zeroed floats on a 64-byte boundary, with one vector of slack.
static void *zeroed(size_t bytes) {
    size_t size = (bytes + 64 + 63) / 64 * 64;
    void *p = aligned_alloc(64, size);
    if (p) memset(p, 0, size);
    return p;
}

int bp_cpu_isa(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) return BP_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return BP_AVX2;
#endif
    return BP_PORTABLE;
}

int bp_isa_named(const char *name) {
    if (!name) return -1;
    if (strcmp(name, "avx512") == 0) return BP_AVX512;
    if (strcmp(name, "avx2") == 0) return BP_AVX2;
    if (strcmp(name, "portable") == 0) return BP_PORTABLE;
    return -1;
}

int bp_best_isa(void) {
    // Found once, so that every network and the matrix path's σ agree for the whole process.
    static int chosen = -1;
    int isa = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (isa < 0) {
        isa = bp_cpu_isa();
        int requested = bp_isa_named(getenv("BACKPROP_ISA"));
        if (requested >= 0 && requested < isa) isa = requested;
        __atomic_store_n(&chosen, isa, __ATOMIC_RELAXED);
    }
    return isa;
}

int bp_usable_isa(int isa) {
    int best = bp_cpu_isa();
    return isa < best ? isa : best;
}

void bp_sigmoid_with_bias(float *z, float bias, float *a, float *sigma_prime, ptrdiff_t n) {
    // Called for every neuron of every mini-batch on the matrix path: the table is found once.
    static const struct bp_kernels *best;
    const struct bp_kernels *kernels = __atomic_load_n(&best, __ATOMIC_RELAXED);
    if (!kernels) {
        kernels = bp_kernels_for(bp_best_isa());
        __atomic_store_n(&best, kernels, __ATOMIC_RELAXED);
    }
    kernels->sigmoid_with_bias(z, bias, a, sigma_prime, n);
}

const struct bp_kernels *bp_kernels_for(int isa) {
#if defined(__x86_64__)
    if (isa == BP_AVX512) return &bp_kernels_avx512;
    if (isa == BP_AVX2) return &bp_kernels_avx2;
#endif
    return &bp_kernels_portable;
}

bp_network *bp_network_create(int layer_count, const int *sizes, const int *activations,
                              int output_error, int capacity, int isa) {
    if (layer_count < 1 || capacity < 1) return NULL;
    bp_network *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->isa = bp_usable_isa(isa);
    n->kernels = bp_kernels_for(n->isa);
    n->layer_count = layer_count;
    n->inputs = sizes[0];
    n->output_error = output_error;
    n->capacity = capacity;
    n->threads = 1;
    n->neurons = calloc(layer_count, sizeof(int));
    n->width = calloc(layer_count, sizeof(int));
    n->activation = calloc(layer_count, sizeof(int));
    n->weights = calloc(layer_count, sizeof(float *));
    n->biases = calloc(layer_count, sizeof(float *));
    n->z = calloc(layer_count, sizeof(float *));
    n->a = calloc(layer_count, sizeof(float *));
    n->sigma_prime = calloc(layer_count, sizeof(float *));
    n->delta = calloc(layer_count, sizeof(float *));
    int ok = n->neurons && n->width && n->activation && n->weights && n->biases && n->z && n->a
        && n->sigma_prime && n->delta;
    for (int l = 0; ok && l < layer_count; l++) {
        n->neurons[l] = sizes[l + 1];
        n->width[l] = padded(sizes[l + 1]);
        n->activation[l] = activations[l];
        size_t rows = l == 0 ? (size_t)sizes[0] : (size_t)sizes[l + 1];
        size_t columns = l == 0 ? (size_t)n->width[0] : (size_t)n->width[l - 1];
        size_t batch = (size_t)capacity * n->width[l] * sizeof(float);
        n->weights[l] = zeroed(rows * columns * sizeof(float));
        n->biases[l] = zeroed(n->width[l] * sizeof(float));
        n->z[l] = zeroed(batch);
        n->a[l] = zeroed(batch);
        n->sigma_prime[l] = zeroed(batch);
        n->delta[l] = zeroed(batch);
        ok = n->weights[l] && n->biases[l] && n->z[l] && n->a[l] && n->sigma_prime[l] && n->delta[l];
    }
    if (ok) {
        n->nonzero_index = zeroed(capacity * sizeof(uint16_t *));
        n->nonzero_value = zeroed(capacity * sizeof(uint8_t *));
        n->nonzero_count = zeroed(capacity * sizeof(int));
        ok = n->nonzero_index && n->nonzero_value && n->nonzero_count;
    }
    n->grouping = 1;
    if (ok && (n->groups = bp_groups_create(n->inputs, n->width[0], capacity))) {
        n->scaled_delta = zeroed((size_t)capacity * n->width[0] * sizeof(float));
        ok = n->scaled_delta != NULL;
    }
    if (!ok) {
        bp_network_destroy(n);
        return NULL;
    }
    return n;
}

void bp_network_destroy(bp_network *n) {
    if (!n) return;
    for (int l = 0; l < n->layer_count; l++) {
        if (n->weights) free(n->weights[l]);
        if (n->biases) free(n->biases[l]);
        if (n->z) free(n->z[l]);
        if (n->a) free(n->a[l]);
        if (n->sigma_prime) free(n->sigma_prime[l]);
        if (n->delta) free(n->delta[l]);
    }
    free(n->neurons); free(n->width); free(n->activation); free(n->weights); free(n->biases);
    free(n->z); free(n->a); free(n->sigma_prime); free(n->delta);
    free((void *)n->nonzero_index); free((void *)n->nonzero_value); free(n->nonzero_count);
    bp_groups_destroy(n->groups); free(n->scaled_delta);
    free(n);
}

int bp_network_isa(const bp_network *n) { return n->isa; }

int bp_network_set_grouping(bp_network *n, int enabled) {
    n->grouping = enabled != 0;
    return n->groups != NULL;
}

void bp_network_set_threads(bp_network *n, int threads) {
    n->threads = threads < 1 ? 1 : threads > BP_MAX_THREADS ? BP_MAX_THREADS : threads;
}

void bp_run_jobs(void *(*run)(void *), struct bp_job *jobs, int count) {
    pthread_t threads[BP_MAX_THREADS];
    int started[BP_MAX_THREADS] = {0};
    for (int j = 1; j < count; j++) started[j] = pthread_create(&threads[j], NULL, run, &jobs[j]) == 0;
    run(&jobs[0]);
    for (int j = 1; j < count; j++) {
        if (started[j]) pthread_join(threads[j], NULL);
        else run(&jobs[j]);
    }
}

/// Where the weight from input k to neuron i of the first layer is kept: row k, column i.
static size_t first_layer_offset(const bp_network *n, int k, int i) {
    return (size_t)k * n->width[0] + i;
}

void bp_network_set_layer(bp_network *n, int l, const float *weights, const float *biases) {
    int rows = n->neurons[l], columns = l == 0 ? n->inputs : n->neurons[l - 1];
    float *w = n->weights[l];
    for (int i = 0; i < rows; i++) {
        for (int k = 0; k < columns; k++) {
            if (l == 0) w[first_layer_offset(n, k, i)] = weights[(size_t)i * columns + k];
            else w[(size_t)i * n->width[l - 1] + k] = weights[(size_t)i * columns + k];
        }
    }
    memcpy(n->biases[l], biases, rows * sizeof(float));
}

void bp_network_get_layer(const bp_network *n, int l, float *weights, float *biases) {
    int rows = n->neurons[l], columns = l == 0 ? n->inputs : n->neurons[l - 1];
    const float *w = n->weights[l];
    for (int i = 0; i < rows; i++) {
        for (int k = 0; k < columns; k++) {
            weights[(size_t)i * columns + k] = l == 0 ? w[first_layer_offset(n, k, i)]
                                                      : w[(size_t)i * n->width[l - 1] + k];
        }
    }
    memcpy(biases, n->biases[l], rows * sizeof(float));
}

// Subnormal floats (below 1.2e-38) appear as training goes on: σ′(z) of saturated neurons, and
// the δ and products made from it. Many x86 cores take a slow microcode path for every operation
// that meets one; on a Sapphire Rapids Xeon the book's network went from 0.04-0.05 s per epoch to
// 0.21-0.23 s by epoch 60. So the kernels run with subnormals flushed to zero (FTZ) and read as
// zero (DAZ), as GPUs and most ML libraries do, and restore the caller's mode when they return.
// Threads they start inherit the mode (pthread_create copies the floating-point environment).
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
static unsigned flush_subnormals(void) {
    unsigned mode = _mm_getcsr();
    _mm_setcsr(mode | 0x8040);  // FTZ (bit 15) and DAZ (bit 6)
    return mode;
}
static void restore_mode(unsigned mode) { _mm_setcsr(mode); }
#else
static unsigned flush_subnormals(void) { return 0; }
static void restore_mode(unsigned mode) { (void)mode; }
#endif

int bp_network_train_step(bp_network *n, const bp_sparse_inputs *inputs, const ptrdiff_t *examples,
                          const uint8_t *labels, int count, const ptrdiff_t *next, int next_count,
                          float input_scale, float step, float keep) {
    unsigned mode = flush_subnormals();
    int finite = n->kernels->train_step(n, inputs, examples, labels, count, next, next_count, input_scale, step, keep);
    restore_mode(mode);
    return finite;
}

void bp_network_feedforward(bp_network *n, const bp_sparse_inputs *inputs, ptrdiff_t first, int count,
                            float input_scale, float *z, float *a) {
    unsigned mode = flush_subnormals();
    n->kernels->feedforward(n, inputs, first, count, input_scale, z, a);
    restore_mode(mode);
}
