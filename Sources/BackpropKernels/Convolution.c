// The convolutional engine's loops around its BLAS products, in Float: im2col, col2im,
// max-pooling forward and back, and BP3's sums. Each does the operations of ConvolutionBatch's
// Swift loop in the same order, so the two give the same bits. Short rows go in vectors of 8
// floats; the loops (ConvolutionBodies.h) are compiled for each instruction set, the caller
// naming which.
#include "Dispatch.h"

// Every operation here is a plain add, multiply or compare, never fused: the same bits on every
// instruction set.
#pragma clang fp contract(off)

typedef float bp_f8 __attribute__((vector_size(32), aligned(4)));

/// target[j] = source[j] for j < n, without a call to memcpy for rows of a few floats.
__attribute__((no_builtin("memcpy"), always_inline))
static inline void bp_copy_row(float *restrict target, const float *restrict source, int n) {
    int j = 0;
    for (; j + 8 <= n; j += 8) *(bp_f8 *)(target + j) = *(const bp_f8 *)(source + j);
    for (; j < n; j++) target[j] = source[j];
}

/// target[j] += source[j] for j < n.
__attribute__((always_inline))
static inline void bp_add_row(float *restrict target, const float *restrict source, int n) {
    int j = 0;
    for (; j + 8 <= n; j += 8) *(bp_f8 *)(target + j) += *(const bp_f8 *)(source + j);
    for (; j < n; j++) target[j] += source[j];
}

/// Calls ROW(input offset, column offset) for every row of `ow` values that im2col moves: input
/// (d, i + p, q ..< q + ow) of example e, and its place in row (d·k + p)·k + q of the columns,
/// column e·positions + i·ow.
#define BP_FOR_EACH_UNFOLDED_ROW(ROW)                                                              \
    const int oh = s->height - s->kernel + 1, ow = s->width - s->kernel + 1, k = s->kernel;        \
    const ptrdiff_t positions = (ptrdiff_t)oh * ow, n = positions * s->examples;                   \
    for (int d = 0; d < s->depth; d++)                                                             \
        for (int p = 0; p < k; p++)                                                                \
            for (int q = 0; q < k; q++)                                                            \
                for (int e = 0; e < s->examples; e++)                                              \
                    for (int i = 0; i < oh; i++) {                                                 \
                        ptrdiff_t from = d * s->map + e * s->example + (ptrdiff_t)(i + p) * s->width + q; \
                        ptrdiff_t to = ((ptrdiff_t)(d * k + p) * k + q) * n + e * positions + (ptrdiff_t)i * ow; \
                        ROW;                                                                       \
                    }

/// Runs ROW(n) with n the constant output width where it is 8 or 24, chapter 6's (rows of whole
/// vectors: no loop left in a row's copy), and with n = the width otherwise.
#define BP_BY_WIDTH(ROW)                                                                           \
    switch (s->width - s->kernel + 1) {                                                            \
        case 8: { BP_FOR_EACH_UNFOLDED_ROW(ROW(8)) } break;                                        \
        case 24: { BP_FOR_EACH_UNFOLDED_ROW(ROW(24)) } break;                                      \
        default: { BP_FOR_EACH_UNFOLDED_ROW(ROW(ow)) }                                             \
    }

typedef int32_t bp_i8 __attribute__((vector_size(32), aligned(4)));

/// Lanes of `when` where `mask` is set, of `otherwise` elsewhere (a macro: a function taking
/// 32-byte vectors would warn of its ABI where AVX is off).
#define BP_SELECT(mask, when, otherwise) ((bp_f8)(((mask) & (bp_i8)(when)) | (~(mask) & (bp_i8)(otherwise))))

/// σ of a window's largest value v for `mode` (0: v itself, no bias; else a bp_activation, ReLU
/// or linear), as Activation.apply computes it, and σ′ there.
#define BP_POOL_VALUE(mode, v) ((mode) == BP_RELU ? (0 >= (v) ? 0 : (v)) : (v))
#define BP_POOL_SLOPE(mode, v) ((mode) == BP_RELU ? ((v) > 0 ? 1.0f : 0.0f) : 1.0f)

/// Max-pooling over 2 × 2 windows, eight windows of a row at a time as vectors (the last eight
/// again where the row's count is not a multiple), a row's windows one by one where it has fewer
/// than eight. Inlined for each constant `mode`.
__attribute__((always_inline))
static inline void bp_max_pool_2(const bp_images *s, const float *restrict input, const float *restrict bias, int mode,
                                 float *restrict output, ptrdiff_t out_map, ptrdiff_t out_example, ptrdiff_t out_position,
                                 int32_t *restrict argmax, float *restrict sigma_prime) {
    const int oh = s->height / 2, ow = s->width / 2, w = s->width;
    const bp_i8 lanes = {0, 2, 4, 6, 8, 10, 12, 14};
    const bp_f8 ones = {1, 1, 1, 1, 1, 1, 1, 1}, zeros = {0};
    for (int c = 0; c < s->depth; c++)
        for (int e = 0; e < s->examples; e++) {
            const ptrdiff_t base = c * s->map + e * s->example;
            const float b = mode ? bias[c] : 0;
            for (int i = 0; i < oh; i++) {
                const float *restrict r0 = input + base + (ptrdiff_t)2 * i * w, *restrict r1 = r0 + w;
                const ptrdiff_t first = c * out_map + e * out_example + (ptrdiff_t)i * ow * out_position;
                const int32_t row = (int32_t)(base + (ptrdiff_t)2 * i * w);
                for (int j = 0; ow >= 8 && j < ow; j += 8) {
                    if (j + 8 > ow) j = ow - 8;
                    bp_f8 a0 = *(const bp_f8 *)(r0 + 2 * j), a1 = *(const bp_f8 *)(r0 + 2 * j + 8);
                    bp_f8 b0 = *(const bp_f8 *)(r1 + 2 * j), b1 = *(const bp_f8 *)(r1 + 2 * j + 8);
                    bp_f8 v[4] = {__builtin_shufflevector(a0, a1, 0, 2, 4, 6, 8, 10, 12, 14),
                                  __builtin_shufflevector(a0, a1, 1, 3, 5, 7, 9, 11, 13, 15),
                                  __builtin_shufflevector(b0, b1, 0, 2, 4, 6, 8, 10, 12, 14),
                                  __builtin_shufflevector(b0, b1, 1, 3, 5, 7, 9, 11, 13, 15)};
                    bp_f8 top = mode ? v[0] + b : v[0];
                    bp_i8 which = {0};
                    for (int k = 1; k < 4; k++) {
                        bp_f8 candidate = mode ? v[k] + b : v[k];
                        bp_i8 larger = candidate > top;
                        top = BP_SELECT(larger, candidate, top);
                        which = (larger & k) | (~larger & which);
                    }
                    bp_i8 at = row + 2 * j + lanes + (which & 1) + (which >> 1) * w;
                    bp_f8 value = mode == BP_RELU ? BP_SELECT(top <= 0, zeros, top) : top;
                    bp_f8 slope = mode == BP_RELU ? BP_SELECT(top > 0, ones, zeros) : ones;
                    if (out_position == 1) {
                        *(bp_f8 *)(output + first + j) = value;
                        *(bp_i8 *)(argmax + first + j) = at;
                        if (mode) *(bp_f8 *)(sigma_prime + first + j) = slope;
                    } else {
                        for (int lane = 0; lane < 8; lane++) {
                            ptrdiff_t o = first + (ptrdiff_t)(j + lane) * out_position;
                            output[o] = value[lane], argmax[o] = at[lane];
                            if (mode) sigma_prime[o] = slope[lane];
                        }
                    }
                }
                for (int j = 0; ow < 8 && j < ow; j++) {
                    float v[4] = {r0[2 * j], r0[2 * j + 1], r1[2 * j], r1[2 * j + 1]}, top = mode ? v[0] + b : v[0];
                    int which = 0;
                    for (int k = 1; k < 4; k++) {
                        float candidate = mode ? v[k] + b : v[k];
                        if (candidate > top) top = candidate, which = k;
                    }
                    ptrdiff_t o = first + (ptrdiff_t)j * out_position;
                    output[o] = BP_POOL_VALUE(mode, top);
                    argmax[o] = row + 2 * j + (which & 1) + (which >> 1) * w;
                    if (mode) sigma_prime[o] = BP_POOL_SLOPE(mode, top);
                }
            }
        }
}

#define NAME(x) x##_portable
#include "ConvolutionBodies.h"
#undef NAME

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define NAME(x) x##_avx2
#include "ConvolutionBodies.h"
#undef NAME
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl"))), apply_to = function)
#define NAME(x) x##_avx512
#include "ConvolutionBodies.h"
#undef NAME
#pragma clang attribute pop
#endif

void bp_unfold(int isa, const bp_images *s, const float *input, float *columns) {
    BP_DISPATCH(isa, bp_unfold, s, input, columns);
}

void bp_fold(int isa, const bp_images *s, const float *columns, float *g) {
    BP_DISPATCH(isa, bp_fold, s, columns, g);
}

void bp_max_pool(int isa, const bp_images *s, const float *input, const float *bias, int activation, float *output,
                 ptrdiff_t out_map, ptrdiff_t out_example, ptrdiff_t out_position, int32_t *argmax, float *sigma_prime) {
    BP_DISPATCH(isa, bp_max_pool, s, input, bias, activation, output, out_map, out_example, out_position, argmax, sigma_prime);
}

void bp_max_pool_back(int isa, const bp_images *s, const float *delta, ptrdiff_t out_map, ptrdiff_t out_example,
                      ptrdiff_t out_position, const int32_t *argmax, const float *sigma_prime, int sigma_at_output, float *g) {
    BP_DISPATCH(isa, bp_max_pool_back, s, delta, out_map, out_example, out_position, argmax, sigma_prime, sigma_at_output, g);
}

void bp_sum_rows(int isa, const float *matrix, int rows, ptrdiff_t columns, float *sums) {
    BP_DISPATCH(isa, bp_sum_rows, matrix, rows, columns, sums);
}
