// Matrix products for the convolutional engine's shapes (a few dozen rows by a few hundred
// columns): blocks of C held in registers while k runs, reading A and B where they lie instead
// of packing them as a general BLAS does. ProductsBody.h is compiled for each instruction set.
#include "Dispatch.h"

// The portable copy multiplies and adds apart; the others fuse them through FMA explicitly.
#pragma clang fp contract(off)

/// Rows of B one pass over K reads before the row blocks move on.
#define BP_KC 128
/// Rows of B read side by side when one block of rows of A is all there is.
#define BP_KR 8

#define NAME(x) x##_portable
#define VW 4
#define MR 4
#define NV 2
#define NB 2
#define FMA(a, b, c) ((a) * (b) + (c))
#include "ProductsBody.h"
#undef FMA

#if defined(__x86_64__)
#define FMA(a, b, c) __builtin_elementwise_fma(a, b, c)

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define NAME(x) x##_avx2
#define VW 8
#define MR 6
#define NV 2
#define NB 2
#include "ProductsBody.h"
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,fma"))), apply_to = function)
#define NAME(x) x##_avx512
#define VW 16
#define MR 6
#define NV 4
#define NB 4
#include "ProductsBody.h"
#pragma clang attribute pop
#endif

void bp_gemm(int isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c,
             ptrdiff_t ldc, int accumulate) {
    BP_DISPATCH(isa, bp_gemm, m, n, k, a, lda, 1, b, ldb, c, ldc, accumulate);
}

void bp_gemm_tn(int isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c,
                ptrdiff_t ldc, int accumulate) {
    BP_DISPATCH(isa, bp_gemm, m, n, k, a, 1, lda, b, ldb, c, ldc, accumulate);
}

void bp_gemm_nt(int isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c,
                ptrdiff_t ldc, int accumulate) {
    BP_DISPATCH(isa, bp_gemm_nt, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

int bp_gemm_block_rows(int isa) {
#if defined(__x86_64__)
    if (isa == BP_AVX512 || isa == BP_AVX2) return 6;
#endif
    (void)isa;
    return 4;
}

/// A's rows padded to a whole number of the widest vectors (16 floats).
static int bp_padded(int m) { return (m + 15) / 16 * 16; }

ptrdiff_t bp_gemm_nt_scratch(int m, int n, int k) { return (ptrdiff_t)bp_padded(m) * ((ptrdiff_t)k + n); }

void bp_gemm_nt_by_transposes(int isa, int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                              float *c, ptrdiff_t ldc, int accumulate, float *scratch) {
    const int mp = bp_padded(m);
    float *at = scratch, *ct = scratch + (ptrdiff_t)k * mp;
    for (int p = 0; p < k; p++) {
        for (int i = 0; i < m; i++) at[(ptrdiff_t)p * mp + i] = a[(ptrdiff_t)i * lda + p];
        for (int i = m; i < mp; i++) at[(ptrdiff_t)p * mp + i] = 0;
    }
    bp_gemm(isa, n, mp, k, b, ldb, at, mp, ct, mp, 0);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            const float sum = ct[(ptrdiff_t)j * mp + i];
            c[(ptrdiff_t)i * ldc + j] = accumulate ? c[(ptrdiff_t)i * ldc + j] + sum : sum;
        }
}
