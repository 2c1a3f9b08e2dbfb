// The convolutional engine's matrix products, written once: Products.c includes this file once
// per instruction set with NAME(x), VW (floats per vector), MR (rows per block), NV (vectors
// per row of a block), NB (rows of B per block of bp_gemm_nt) and FMA defined, and undefines
// all but FMA at its end. No include guard on purpose.

typedef float NAME(pv) __attribute__((vector_size(VW * 4), aligned(4)));

/// C[0 ..< mr][0 ..< nv·VW] (+)= A[0 ..< mr][0 ..< kc] · B[0 ..< kc][0 ..< nv·VW]: mr·nv vectors of
/// sums held in registers while k runs, each element's products added in the order of k.
/// Inlined for each constant mr and nv.
__attribute__((always_inline))
static inline void NAME(bp_block)(int mr, int nv, int kc, const float *restrict a, ptrdiff_t ra, ptrdiff_t ka,
                                  const float *restrict b, ptrdiff_t ldb, float *restrict c, ptrdiff_t ldc, int load) {
    NAME(pv) sums[MR][NV];
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < nv; v++) sums[r][v] = load ? *(const NAME(pv) *)(c + r * ldc + v * VW) : (NAME(pv)){0};
    for (int k = 0; k < kc; k++) {
        NAME(pv) row[NV];
        for (int v = 0; v < nv; v++) row[v] = *(const NAME(pv) *)(b + k * ldb + v * VW);
        for (int r = 0; r < mr; r++) {
            const float x = a[r * ra + k * ka];
            for (int v = 0; v < nv; v++) sums[r][v] = FMA((NAME(pv))(x - (NAME(pv)){0}), row[v], sums[r][v]);
        }
    }
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < nv; v++) *(NAME(pv) *)(c + r * ldc + v * VW) = sums[r][v];
}

/// bp_block for a run-time mr ≤ MR and nv ≤ NV, each pair its own inlined copy.
static void NAME(bp_any_block)(int mr, int nv, int kc, const float *restrict a, ptrdiff_t ra, ptrdiff_t ka,
                               const float *restrict b, ptrdiff_t ldb, float *restrict c, ptrdiff_t ldc, int load) {
#define BP_BLOCK_ROWS(r)                                                                           \
    case r:                                                                                        \
        if (nv == NV) return NAME(bp_block)(r < MR ? r : MR, NV, kc, a, ra, ka, b, ldb, c, ldc, load);             \
        if (NV > 1 && nv == 1) return NAME(bp_block)(r < MR ? r : MR, 1, kc, a, ra, ka, b, ldb, c, ldc, load);     \
        if (NV > 2 && nv == 2) return NAME(bp_block)(r < MR ? r : MR, 2, kc, a, ra, ka, b, ldb, c, ldc, load);     \
        if (NV > 3 && nv == 3) return NAME(bp_block)(r < MR ? r : MR, 3, kc, a, ra, ka, b, ldb, c, ldc, load);     \
        return;
    switch (mr) {
        BP_BLOCK_ROWS(1) BP_BLOCK_ROWS(2) BP_BLOCK_ROWS(3) BP_BLOCK_ROWS(4) BP_BLOCK_ROWS(5) BP_BLOCK_ROWS(6)
    }
#undef BP_BLOCK_ROWS
}

/// C (+)= A·B, A's element (i, p) at a[i·ra + p·ka] (ka = 1 for A itself, ra = 1 for the
/// transpose of a matrix), B and C row-major.
static void NAME(bp_gemm)(int m, int n, int k, const float *restrict a, ptrdiff_t ra, ptrdiff_t ka, const float *restrict b,
                          ptrdiff_t ldb, float *restrict c, ptrdiff_t ldc, int accumulate) {
    const int whole = n - n % VW;
    if (m <= MR) {
        // One block of rows (a dense layer's few examples): B read once, BP_KR whole rows at a
        // time, each in the order of its addresses, while C stays in the L1 cache; the strips
        // of columns below would walk B a page a row, beyond what the prefetchers follow.
        for (int k0 = 0; k0 < k || k0 == 0; k0 += BP_KR) {
            const int kc = k - k0 < BP_KR ? k - k0 : BP_KR, load = accumulate || k0 > 0;
            for (int j = 0; j < whole; j += NV * VW)
                NAME(bp_any_block)(m, (whole - j) / VW < NV ? (whole - j) / VW : NV, kc, a + k0 * ka, ra, ka,
                                   b + (ptrdiff_t)k0 * ldb + j, ldb, c + j, ldc, load);
            for (int i = 0; i < m; i++)
                for (int j = whole; j < n; j++) {
                    float sum = load ? c[(ptrdiff_t)i * ldc + j] : 0;
                    for (int p = k0; p < k0 + kc; p++) sum = FMA(a[i * ra + p * ka], b[(ptrdiff_t)p * ldb + j], sum);
                    c[(ptrdiff_t)i * ldc + j] = sum;
                }
        }
        return;
    }
    for (int j = 0; j < whole; j += NV * VW) {
        const int nv = (whole - j) / VW < NV ? (whole - j) / VW : NV;
        // K in pieces whose rows of B (BP_KC × nv·VW floats) stay in the L1 cache across the row blocks.
        for (int k0 = 0; k0 < k || k0 == 0; k0 += BP_KC) {
            const int kc = k - k0 < BP_KC ? k - k0 : BP_KC;
            for (int i = 0; i < m; i += MR)
                NAME(bp_any_block)(m - i < MR ? m - i : MR, nv, kc, a + i * ra + k0 * ka, ra, ka, b + (ptrdiff_t)k0 * ldb + j,
                                   ldb, c + (ptrdiff_t)i * ldc + j, ldc, accumulate || k0 > 0);
        }
    }
    // Columns past the last whole vector, one by one, in the same order of k.
    for (int i = 0; i < m; i++)
        for (int j = whole; j < n; j++) {
            float sum = accumulate ? c[(ptrdiff_t)i * ldc + j] : 0;
            for (int p = 0; p < k; p++) sum = FMA(a[i * ra + p * ka], b[(ptrdiff_t)p * ldb + j], sum);
            c[(ptrdiff_t)i * ldc + j] = sum;
        }
}

/// C[i][j] (+)= Σₚ A[i][p]·B[j][p] for a block of mr rows of A and nb rows of B, both read along
/// their rows: one vector of sums per pair while p runs, VW products apart, then each vector's
/// lanes added in a fixed order and the products past the last whole vector after them.
__attribute__((always_inline))
static inline void NAME(bp_dot_block)(int mr, int nb, int k, const float *restrict a, ptrdiff_t lda, const float *restrict b,
                                      ptrdiff_t ldb, float *restrict c, ptrdiff_t ldc, int accumulate) {
    NAME(pv) sums[MR][NB];
    for (int r = 0; r < mr; r++)
        for (int s = 0; s < nb; s++) sums[r][s] = (NAME(pv)){0};
    const int whole = k - k % VW;
    for (int p = 0; p < whole; p += VW) {
        NAME(pv) row[NB];
        for (int s = 0; s < nb; s++) row[s] = *(const NAME(pv) *)(b + s * ldb + p);
        for (int r = 0; r < mr; r++) {
            const NAME(pv) x = *(const NAME(pv) *)(a + r * lda + p);
            for (int s = 0; s < nb; s++) sums[r][s] = FMA(x, row[s], sums[r][s]);
        }
    }
    for (int r = 0; r < mr; r++)
        for (int s = 0; s < nb; s++) {
            float sum = 0;
            for (int lane = 0; lane < VW; lane++) sum += sums[r][s][lane];
            for (int p = whole; p < k; p++) sum = FMA(a[r * lda + p], b[s * ldb + p], sum);
            c[r * ldc + s] = accumulate ? c[r * ldc + s] + sum : sum;
        }
}

/// C (+)= A·Bᵀ: m × k times the transpose of n × k, all row-major; for a long k, where the
/// lane sums at the end of each block cost little.
static void NAME(bp_gemm_nt)(int m, int n, int k, const float *restrict a, ptrdiff_t lda, const float *restrict b, ptrdiff_t ldb,
                             float *restrict c, ptrdiff_t ldc, int accumulate) {
    for (int i = 0; i < m; i += MR)
        for (int j = 0; j < n; j += NB) {
            const int mr = m - i < MR ? m - i : MR, nb = n - j < NB ? n - j : NB;
            const float *ai = a + (ptrdiff_t)i * lda, *bj = b + (ptrdiff_t)j * ldb;
            float *cij = c + (ptrdiff_t)i * ldc + j;
            // Each count of rows its own inlined copy where the block has all NB rows of B.
            switch (nb == NB ? mr : 0) {
#define BP_DOT_ROWS(r)                                                                             \
    case r: NAME(bp_dot_block)(r < MR ? r : MR, NB, k, ai, lda, bj, ldb, cij, ldc, accumulate); break;
                BP_DOT_ROWS(1) BP_DOT_ROWS(2) BP_DOT_ROWS(3) BP_DOT_ROWS(4) BP_DOT_ROWS(5) BP_DOT_ROWS(6)
#undef BP_DOT_ROWS
                default: NAME(bp_dot_block)(mr, nb, k, ai, lda, bj, ldb, cij, ldc, accumulate);
            }
        }
}

#undef NAME
#undef VW
#undef MR
#undef NV
#undef NB
