// The layers after the first: small dense products per example, and BP3/BP4 over the mini-batch.
// Part of KernelBodies.h: included once per instruction set, no include guard on purpose.

/// z[i] = b[i] + w[i]·input for a dense layer (rows × ld, row-major).
static void NAME(dense_forward)(const float *w, int rows, int ld, const float *b, const float *input, float *z) {
    for (int i = 0; i < rows; i++) {
        const float *row = w + (size_t)i * ld;
        VF s0 = ZERO, s1 = ZERO;
        int k = 0;
        for (; k + 2 * VW <= ld; k += 2 * VW) {
            s0 = FMA(NAME(load)(row + k), NAME(load)(input + k), s0);
            s1 = FMA(NAME(load)(row + k + VW), NAME(load)(input + k + VW), s1);
        }
        if (k < ld) s0 = FMA(NAME(load)(row + k), NAME(load)(input + k), s0);
        z[i] = b[i] + NAME(sum)(s0 + s1);
    }
}

/// BP2: out = (wᵀδ) ⊙ σ′ for a dense layer (rows × ld).
static void NAME(dense_backward)(const float *w, int rows, int ld, const float *delta, const float *sp, float *out) {
    for (int k = 0; k < ld; k += VW) {
        VF s0 = ZERO, s1 = ZERO;
        int i = 0;
        for (; i + 2 <= rows; i += 2) {
            s0 = FMA(NAME(splat)(delta[i]), NAME(load)(w + (size_t)i * ld + k), s0);
            s1 = FMA(NAME(splat)(delta[i + 1]), NAME(load)(w + (size_t)(i + 1) * ld + k), s1);
        }
        if (i < rows) s0 = FMA(NAME(splat)(delta[i]), NAME(load)(w + (size_t)i * ld + k), s0);
        NAME(store)(out + k, (s0 + s1) * NAME(load)(sp + k));
    }
}

/// BP4 for a dense layer: w = keep·w + Σₑ (step·δₑ[i])·inputₑ, rows of width ld.
static void NAME(dense_update)(float *w, int rows, int ld, float keep, const float *deltas, int delta_ld,
                               const float *inputs, int m, float step) {
    for (int i = 0; i < rows; i++) {
        float *row = w + (size_t)i * ld;
        for (int k = 0; k < ld; k += VW) {
            VF acc = NAME(load)(row + k);
            if (keep != 1.0f) acc = acc * keep;
            for (int e = 0; e < m; e++) {
                acc = FMA(NAME(splat)(step * deltas[(size_t)e * delta_ld + i]),
                          NAME(load)(inputs + (size_t)e * ld + k), acc);
            }
            NAME(store)(row + k, acc);
        }
    }
}

/// BP3: b += step·Σₑ δₑ.
static void NAME(bias_update)(float *b, int width, const float *deltas, int m, float step) {
    for (int j = 0; j < width; j += VW) {
        VF s = ZERO;
        for (int e = 0; e < m; e++) s += NAME(load)(deltas + (size_t)e * width + j);
        NAME(store)(b + j, FMA(NAME(splat)(step), s, NAME(load)(b + j)));
    }
}
