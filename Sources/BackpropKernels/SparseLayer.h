// The first layer, whose inputs are mostly zero, example by example: finding the nonzero inputs,
// and the forward pass and BP4 over their weight rows only.
// Part of KernelBodies.h: included once per instruction set, no include guard on purpose.

/// The nonzero ones of the n bytes x: their positions and bytes, with up to BP_SCAN_SLACK entries
/// more written after them. Returns how many.
static int NAME(scan)(const uint8_t *x, int n, uint16_t *index, uint8_t *value) {
    int count = 0, k = 0;
#if defined(BP_SCAN_AVX2)
    // Eight bytes at a time, without branches (zero and nonzero runs alternate unpredictably;
    // skipping all-zero groups with a branch was slower): the nonzero ones are moved to the front
    // by a byte shuffle looked up from their bit mask, and stored with the zeros behind them
    // overwritten next time; the same shuffle, on byte pairs, moves their 16-bit positions.
    const __m128i eight = _mm_set1_epi16(8), one = _mm_set1_epi8(1);
    __m128i at = _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7);
    for (; k + 8 <= n; k += 8, at = _mm_add_epi16(at, eight)) {
        __m128i bytes = _mm_loadl_epi64((const __m128i *)(x + k));
        int nonzero = ~_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_setzero_si128())) & 0xff;
        __m128i order = _mm_loadl_epi64((const __m128i *)bp_compress_order[nonzero]);
        __m128i twice = _mm_add_epi8(order, order);
        __m128i pairs = _mm_unpacklo_epi8(twice, _mm_add_epi8(twice, one));
        _mm_storel_epi64((__m128i *)(value + count), _mm_shuffle_epi8(bytes, order));
        _mm_storeu_si128((__m128i *)(index + count), _mm_shuffle_epi8(at, pairs));
        count += __builtin_popcount(nonzero);
    }
#endif
    for (; k < n; k++) {  // branch-free: write always, advance only past a nonzero
        index[count] = (uint16_t)k;
        value[count] = x[k];
        count += x[k] != 0;
    }
    return count;
}

/// Vectors of neurons a forward tile keeps in registers with one set of partial sums (the
/// splatted input takes a sixteenth register under AVX2).
#define FORWARD_TILE 14

/// Sets of partial sums the forward pass keeps per neuron for a first layer `vectors` vectors
/// wide: enough independent chains of FMAs to hide their latency when a row is short, one set
/// from five vectors on, so that a row of up to FORWARD_TILE vectors is read in one pass per
/// example (for 100 neurons 9% faster than two passes of two sets; the same for 60 and 1,000).
/// It depends on the width alone: every tile of a layer, however its neurons are split between
/// threads, adds up in the same order.
static inline int NAME(forward_sets)(int vectors) { return vectors <= 2 ? 4 : vectors <= 4 ? 2 : 1; }

/// z = b + Σₖ xₖ·w[row k] over `nv` vectors of the row, with `sets` sets of partial sums, input
/// i going to set i mod sets.
static inline __attribute__((always_inline)) void NAME(sparse_forward_tile)(
    const float *w, size_t ld, const float *b, const uint16_t *index, const uint8_t *value,
    const float *byte_value, int count, float *z, const int nv, const int sets) {
    VF acc[4][FORWARD_TILE];
#pragma clang loop unroll(full)
    for (int v = 0; v < nv; v++) {
        acc[0][v] = NAME(load)(b + v * VW);
        acc[1][v] = acc[2][v] = acc[3][v] = ZERO;
    }
    int i = 0;
    for (; i + sets <= count; i += sets) {
#pragma clang loop unroll(full)
        for (int u = 0; u < sets; u++) {
            const float *row = w + (size_t)index[i + u] * ld;
            VF s = NAME(splat)(byte_value[value[i + u]]);
#pragma clang loop unroll(full)
            for (int v = 0; v < nv; v++) acc[u][v] = FMA(s, NAME(load)(row + v * VW), acc[u][v]);
        }
    }
    for (; i < count; i++) {
        const float *row = w + (size_t)index[i] * ld;
        VF s = NAME(splat)(byte_value[value[i]]);
#pragma clang loop unroll(full)
        for (int v = 0; v < nv; v++) acc[0][v] = FMA(s, NAME(load)(row + v * VW), acc[0][v]);
    }
#pragma clang loop unroll(full)
    for (int v = 0; v < nv; v++) NAME(store)(z + v * VW, (acc[0][v] + acc[1][v]) + (acc[2][v] + acc[3][v]));
}

/// w[row k] += (step·xₖ)·δ over `nv` vectors of the rows.
static inline __attribute__((always_inline)) void NAME(sparse_update_tile)(
    float *w, size_t ld, const uint16_t *index, const uint8_t *value, const float *byte_value, int count,
    float step, const float *delta, const int nv) {
    VF d[TILE];
#pragma clang loop unroll(full)
    for (int v = 0; v < nv; v++) d[v] = NAME(load)(delta + v * VW) * step;
    for (int i = 0; i < count; i++) {
        float *row = w + (size_t)index[i] * ld;
        VF s = NAME(splat)(byte_value[value[i]]);
#pragma clang loop unroll(full)
        for (int v = 0; v < nv; v++) NAME(store)(row + v * VW, FMA(s, d[v], NAME(load)(row + v * VW)));
    }
}

#define DISPATCH_TILE(call_with_nv) \
    switch (nv) { \
    case 1: call_with_nv(1); break; case 2: call_with_nv(2); break; \
    case 3: call_with_nv(3); break; case 4: call_with_nv(4); break; \
    case 5: call_with_nv(5); break; case 6: call_with_nv(6); break; \
    case 7: call_with_nv(7); break; default: call_with_nv(8); break; \
    }

/// The first layer's weighted inputs for examples 0 ..< m of the mini-batch, neurons
/// begin ..< end, from their nonzero inputs: z = b + Σₖ xₖ·w[row k], in tiles of as many vectors
/// as the partial sums leave registers for.
static void NAME(sparse_forward)(bp_network *n, int m, int begin, int end) {
    const int width = n->width[0], sets = NAME(forward_sets)(width / VW);
    const int tile = sets == 4 ? 2 : sets == 2 ? 4 : FORWARD_TILE;
    for (int e = 0; e < m; e++) {
        for (int t = begin; t < end; t += tile * VW) {
            int nv = (end - t) / VW < tile ? (end - t) / VW : tile;
#define CALL(NV, SETS) NAME(sparse_forward_tile)(n->weights[0] + t, width, n->biases[0] + t, n->nonzero_index[e], \
                                                 n->nonzero_value[e], n->byte_value, n->nonzero_count[e], \
                                                 n->z[0] + (size_t)e * width + t, NV, SETS)
            if (sets == 4) {
                if (nv == 1) CALL(1, 4); else CALL(2, 4);
            } else if (sets == 2) {
                switch (nv) { case 1: CALL(1, 2); break; case 2: CALL(2, 2); break; case 3: CALL(3, 2); break;
                              default: CALL(4, 2); break; }
            } else {
                switch (nv) {
                case 1: CALL(1, 1); break; case 2: CALL(2, 1); break; case 3: CALL(3, 1); break;
                case 4: CALL(4, 1); break; case 5: CALL(5, 1); break; case 6: CALL(6, 1); break;
                case 7: CALL(7, 1); break; case 8: CALL(8, 1); break; case 9: CALL(9, 1); break;
                case 10: CALL(10, 1); break; case 11: CALL(11, 1); break; case 12: CALL(12, 1); break;
                case 13: CALL(13, 1); break; default: CALL(14, 1); break;
                }
            }
#undef CALL
        }
    }
}

/// L2 weight decay, w → keep·w, over the first layer's neurons begin ..< end of every row.
static void NAME(decay)(bp_network *n, float keep, int begin, int end) {
    if (keep == 1.0f) return;
    const int width = n->width[0];
    for (int k = 0; k < n->inputs; k++) {
        float *row = n->weights[0] + (size_t)k * width;
        for (int j = begin; j < end; j += VW) NAME(store)(row + j, NAME(load)(row + j) * keep);
    }
}

/// L2 decay and BP4 for the first layer's neurons begin ..< end over examples 0 ..< m:
/// w → keep·w, then w[row k] += (step·xₖ)·δ for each nonzero input k.
static void NAME(sparse_update)(bp_network *n, int m, float step, float keep, int begin, int end) {
    const int width = n->width[0];
    NAME(decay)(n, keep, begin, end);
    for (int t = begin; t < end; t += TILE * VW) {
        int nv = (end - t) / VW;
        for (int e = 0; e < m; e++) {
#define CALL(NV) NAME(sparse_update_tile)(n->weights[0] + t, width, n->nonzero_index[e], n->nonzero_value[e], \
                                          n->byte_value, n->nonzero_count[e], step, \
                                          n->delta[0] + (size_t)e * width + t, NV)
            DISPATCH_TILE(CALL)
#undef CALL
        }
    }
}
