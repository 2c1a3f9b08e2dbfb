// BackpropKernels: the training hot path for networks whose first layer reads bytes (pixels).
//
// MNIST images are 81% zero pixels, and a zero input adds nothing to a weighted input or to a
// weight's gradient. These kernels keep the first layer's weights transposed (one row of
// outgoing weights per input), so that the forward pass and the BP4 update for that layer touch
// only the rows of the inputs that are not zero; the other layers are small dense products.
// Every layer's width is padded to 16 floats so that each row is whole AVX-512 vectors.
//
// The code is compiled three times (AVX-512, AVX2+FMA, portable) and the best the CPU supports
// is picked at run time; no special compiler flags are needed.
#ifndef BACKPROP_KERNELS_H
#define BACKPROP_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Activation functions the kernels implement (values match Backprop's Activation).
enum bp_activation { BP_SIGMOID = 0, BP_LINEAR = 1, BP_RELU = 2, BP_SOFTMAX = 3 };

/// How BP1 turns the output into δᴸ: a − y (cross-entropy with sigmoid, log-likelihood with
/// softmax) or (a − y) ⊙ σ′(zᴸ) (quadratic cost).
enum bp_output_error { BP_A_MINUS_Y = 0, BP_QUADRATIC = 1 };

/// Instruction sets, best last. `bp_network_create` takes the best the CPU supports up to the
/// one asked for.
enum bp_isa { BP_PORTABLE = 0, BP_AVX2 = 1, BP_AVX512 = 2 };

typedef struct bp_network bp_network;

/// The best instruction set this CPU supports.
int bp_cpu_isa(void);

/// The instruction set named `name` ("avx512", "avx2" or "portable"), or -1 for any other name.
int bp_isa_named(const char *name);

/// The instruction set to use when none is asked for: the best this CPU supports, or a lower
/// one named by the environment variable BACKPROP_ISA (read once, on the first call; a name
/// bp_isa_named does not know is ignored here, and left to the caller to report).
int bp_best_isa(void);

/// A network of `layer_count` layers with `sizes[0]` inputs and `sizes[l + 1]` neurons in layer
/// l, and buffers for mini-batches of up to `capacity` examples; NULL when out of memory.
bp_network *bp_network_create(int layer_count, const int *sizes, const int *activations,
                              int output_error, int capacity, int isa);
void bp_network_destroy(bp_network *network);
/// The instruction set in use.
int bp_network_isa(const bp_network *network);

/// Threads for the first layer of wide networks (1, the default, up to 16). Results do not
/// depend on it: each thread owns a range of neurons.
void bp_network_set_threads(bp_network *network, int threads);

/// Whether BP4 of the first layer may go by input (1, the default) or only by example (0). By
/// input, chosen for wide first layers and large mini-batches, it gives the same weights.
/// Returns whether it can go by input at all in this network.
int bp_network_set_grouping(bp_network *network, int enabled);

/// Copies layer `layer`'s weights (row-major, neurons × inputs) and biases in, or out.
void bp_network_set_layer(bp_network *network, int layer, const float *weights, const float *biases);
void bp_network_get_layer(const bp_network *network, int layer, float *weights, float *biases);

/// The nonzero inputs of a data set of bytes, found once so that every epoch and every evaluation
/// reuses them: for each example, the positions (16 bits) and bytes of its nonzero inputs, 3 bytes
/// per nonzero input (MNIST: 150 per image, 0.45 KB against the image's 0.78 KB).
typedef struct bp_sparse_inputs bp_sparse_inputs;

/// The nonzero inputs of the `count` examples of `n` bytes each at `inputs`, one after another,
/// found with the scan of instruction set `isa` (or the best the CPU has below it); NULL when out
/// of memory or when n is not 1 ... 65,536.
bp_sparse_inputs *bp_sparse_inputs_create(const uint8_t *inputs, int n, ptrdiff_t count, int isa);
void bp_sparse_inputs_destroy(bp_sparse_inputs *inputs);
/// The number of nonzero inputs of all examples together.
ptrdiff_t bp_sparse_inputs_nonzero(const bp_sparse_inputs *inputs);
/// Example e's nonzero inputs: sets `index` and `value` to their positions and bytes, and returns
/// how many there are.
int bp_sparse_inputs_example(const bp_sparse_inputs *inputs, ptrdiff_t e, const uint16_t **index,
                             const uint8_t **value);

/// One step of gradient descent on the `count` examples `examples` (indices into `inputs` and
/// `labels`): a forward and backward pass for each, then w → keep·w + step·Σₓ δˡ(aˡ⁻¹)ᵀ and
/// b → b + step·Σₓ δˡ for every layer. Inputs are the bytes times `input_scale`. The `next_count`
/// examples `next` (those of the next step) are prefetched. Returns 1 when every output was
/// finite, else 0.
int bp_network_train_step(bp_network *network, const bp_sparse_inputs *inputs, const ptrdiff_t *examples,
                          const uint8_t *labels, int count, const ptrdiff_t *next, int next_count,
                          float input_scale, float step, float keep);

/// Feeds examples first ..< first + count of `inputs` forward and writes the output layer's
/// weighted inputs and activations, `count` rows of sizes[layer_count] numbers each.
void bp_network_feedforward(bp_network *network, const bp_sparse_inputs *inputs, ptrdiff_t first, int count,
                            float input_scale, float *z, float *a);

/// z → z + bias, a = σ(z) and σ′(z) = a(1 − a) for n numbers, with the kernels' vector eˣ and
/// the best instruction set the CPU has: the sigmoid layers of the matrix path (Float).
void bp_sigmoid_with_bias(float *z, float bias, float *a, float *sigma_prime, ptrdiff_t n);

/// The convolutional engine's loops around its products (Float). Each takes the instruction set
/// to run (a bp_isa the CPU supports, e.g. bp_best_isa()); every one gives the same bits.
///
/// A stack of images for a batch of examples as the convolutional engine lays it out: value
/// (map d, example e, row y, column x) at d·map + e·example + y·width + x; `kernel` is the
/// convolution's kernel side or the pooling window's.
typedef struct bp_images {
    int depth, height, width, examples, kernel;
    ptrdiff_t map, example;
} bp_images;

/// im2col: row (d·k + p)·k + q, column e·positions + i·width′ + j of `columns` (positions =
/// height′·width′, the output's) gets input (d, i + p, j + q) of example e.
void bp_unfold(int isa, const bp_images *shape, const float *input, float *columns);

/// col2im: zeroes `g` (laid out as the input) and adds each value of `columns` to the input
/// position bp_unfold took it from.
void bp_fold(int isa, const bp_images *shape, const float *columns, float *g);

/// Max-pooling over kernel × kernel windows: each window's largest value (the first in row-major
/// order on a tie) to output (d, e, window) at d·out_map + e·out_example + window·out_position,
/// and its offset in `input` to the same place of `argmax`. With a `bias` (one per map), the
/// windows are of input + bias, and the output is σ of the largest, `activation` BP_RELU or
/// BP_LINEAR, with σ′ there to the output's place of `sigma_prime`: the same as pooling σ(input +
/// bias), since σ does not decrease, but σ runs once per window.
void bp_max_pool(int isa, const bp_images *shape, const float *input, const float *bias, int activation, float *output,
                 ptrdiff_t out_map, ptrdiff_t out_example, ptrdiff_t out_position, int32_t *argmax, float *sigma_prime);

/// Max-pooling's BP2: `g` (laid out as the input) is 0 but at each window's maximum, which gets
/// the window's δ, times `sigma_prime` unless it is NULL: at the output's place if
/// `sigma_at_output`, at the maximum's otherwise.
void bp_max_pool_back(int isa, const bp_images *shape, const float *delta, ptrdiff_t out_map, ptrdiff_t out_example,
                      ptrdiff_t out_position, const int32_t *argmax, const float *sigma_prime, int sigma_at_output,
                      float *g);

/// sums[r] = the sum of row r of a rows × columns matrix (16 running sums, added in a fixed order).
void bp_sum_rows(int isa, const float *matrix, int rows, ptrdiff_t columns, float *sums);

/// C = A·B, or C += A·B with `accumulate`: m × k times k × n, each matrix row-major with its
/// leading dimension. Each element of C adds its k products in the order of k, in fused
/// multiply-adds on AVX2 and AVX-512 (separate ones in the portable copy), so a product gives
/// the same bits on each call and for any split of the rows or columns; it differs from BLAS's
/// in the last bits. For the convolutional engine's shapes, where a general BLAS spends much of
/// its time packing its operands.
void bp_gemm(int isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c,
             ptrdiff_t ldc, int accumulate);

/// bp_gemm with A's transpose: C (+)= Aᵀ·B, A k × m (row-major, leading dimension `lda`).
void bp_gemm_tn(int isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c,
                ptrdiff_t ldc, int accumulate);

/// C (+)= A·Bᵀ, B n × k (row-major): both factors read along their rows, a vector of sums per
/// element of C whose lanes are added at the end in a fixed order (so the same bits on each
/// call, but not bp_gemm's order); for a long k.
void bp_gemm_nt(int isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c,
                ptrdiff_t ldc, int accumulate);

/// C (+)= A·Bᵀ as bp_gemm computes (B·Aᵀ)ᵀ: A copied transposed into `scratch`, its columns
/// padded to whole vectors, B·Aᵀ formed there by bp_gemm, then added into C transposed. Each
/// element of C is bp_gemm's sum in the order of k (plus C's value with `accumulate`); for a
/// few dozen rows of A and a short k, where bp_gemm_nt's sums of lanes cost too much.
/// `scratch` holds at least bp_gemm_nt_scratch(m, n, k) floats.
void bp_gemm_nt_by_transposes(int isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                              float *c, ptrdiff_t ldc, int accumulate, float *scratch);

/// Rows of A that bp_gemm holds in registers at once on instruction set `isa` (4, 6 or 6): a
/// product with at most this many rows reads B once, a few whole rows at a time.
int bp_gemm_block_rows(int isa);

/// Floats bp_gemm_nt_by_transposes needs in `scratch`.
ptrdiff_t bp_gemm_nt_scratch(int m, int n, int k);

/// Two threads for work cut in two, many times a second: the caller and a helper that the team
/// keeps between jobs (spinning for about a millisecond, then asleep). NULL if no thread starts.
typedef struct bp_team bp_team;
bp_team *bp_team_create(void);
/// Runs job(context, 1) on the helper and job(context, 0) on the caller; returns when both have.
void bp_team_run(bp_team *team, void (*job)(void *context, int index), void *context);
/// Stops and joins the helper, then frees the team.
void bp_team_destroy(bp_team *team);

#ifdef __cplusplus
}
#endif

#endif
