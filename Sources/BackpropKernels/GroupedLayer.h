// BP4 of the first layer by input, once Grouping.c has grouped the mini-batch's nonzero inputs:
// each weight row is read and written once per mini-batch, not once per example.
// Part of KernelBodies.h: included once per instruction set, no include guard on purpose.

/// w[row k] += (step·xₖ)·δₑ for each example e with input k, in example order, over `nv` vectors
/// of the rows: the products and the order of BP4 by example, so the same weights to the bit.
static inline __attribute__((always_inline)) void NAME(grouped_update_tile)(
    float *w, size_t ld, const struct bp_groups *g, const float *byte_value, const float *scaled_delta,
    size_t delta_ld, const int nv) {
    for (int u = 0; u < g->used_count; u++) {
        const int k = g->used[u];
        float *row = w + (size_t)k * ld;
        VF r[TILE];
#pragma clang loop unroll(full)
        for (int v = 0; v < nv; v++) r[v] = NAME(load)(row + v * VW);
        for (int j = k * g->capacity, end = j + g->size[u]; j < end; j++) {
            VF s = NAME(splat)(byte_value[g->entry[j] & 255]);
            const float *d = scaled_delta + (size_t)(g->entry[j] >> 8) * delta_ld;
#pragma clang loop unroll(full)
            for (int v = 0; v < nv; v++) r[v] = FMA(s, NAME(load)(d + v * VW), r[v]);
        }
#pragma clang loop unroll(full)
        for (int v = 0; v < nv; v++) NAME(store)(row + v * VW, r[v]);
    }
}

/// L2 decay and BP4 for the first layer's neurons begin ..< end over examples 0 ..< m, by input.
static void NAME(grouped_update)(bp_network *n, int m, float step, float keep, int begin, int end) {
    const int width = n->width[0];
    NAME(decay)(n, keep, begin, end);
    for (int e = 0; e < m; e++) {
        const float *delta = n->delta[0] + (size_t)e * width;
        float *scaled = n->scaled_delta + (size_t)e * width;
        for (int j = begin; j < end; j += VW) NAME(store)(scaled + j, NAME(load)(delta + j) * step);
    }
    for (int t = begin; t < end; t += TILE * VW) {
        int nv = (end - t) / VW;
#define CALL(NV) NAME(grouped_update_tile)(n->weights[0] + t, width, n->groups, n->byte_value, \
                                           n->scaled_delta + t, width, NV)
        DISPATCH_TILE(CALL)
#undef CALL
    }
}
