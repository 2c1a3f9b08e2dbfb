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

/// Copies layer `layer`'s weights (row-major, neurons × inputs) and biases in, or out.
void bp_network_set_layer(bp_network *network, int layer, const float *weights, const float *biases);
void bp_network_get_layer(const bp_network *network, int layer, float *weights, float *biases);

/// One step of gradient descent on the `count` examples `examples` (indices into `inputs`,
/// which holds one example per `stride` bytes, and into `labels`): a forward and backward pass
/// for each, then w → keep·w + step·Σₓ δˡ(aˡ⁻¹)ᵀ and b → b + step·Σₓ δˡ for every layer.
/// Inputs are the bytes times `input_scale`. The `next_count` examples `next` (those of the next
/// step) are prefetched. Returns 1 when every output was finite, else 0.
int bp_network_train_step(bp_network *network, const uint8_t *inputs, ptrdiff_t stride,
                          const ptrdiff_t *examples, const uint8_t *labels, int count,
                          const ptrdiff_t *next, int next_count, float input_scale, float step, float keep);

/// Feeds examples first ..< first + count forward and writes the output layer's weighted
/// inputs and activations, `count` rows of sizes[layer_count] numbers each.
void bp_network_feedforward(bp_network *network, const uint8_t *inputs, ptrdiff_t stride,
                            ptrdiff_t first, int count, float input_scale, float *z, float *a);

#ifdef __cplusplus
}
#endif

#endif
