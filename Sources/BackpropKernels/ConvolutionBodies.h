// The convolutional engine's loops, written once: Convolution.c includes this file once per
// instruction set with NAME(x) defined, and the helpers it uses (always inlined) before it.
// No include guard on purpose.

__attribute__((no_builtin("memcpy")))
static void NAME(bp_unfold)(const bp_images *s, const float *restrict input, float *restrict columns) {
#define BP_COPY(n) bp_copy_row(columns + to, input + from, n)
    BP_BY_WIDTH(BP_COPY)
#undef BP_COPY
}

static void NAME(bp_fold)(const bp_images *s, const float *restrict columns, float *restrict g) {
    for (int d = 0; d < s->depth; d++)
        for (int e = 0; e < s->examples; e++)
            for (ptrdiff_t v = 0; v < (ptrdiff_t)s->height * s->width; v++) g[d * s->map + e * s->example + v] = 0;
#define BP_ADD(n) bp_add_row(g + from, columns + to, n)
    BP_BY_WIDTH(BP_ADD)
#undef BP_ADD
}

static void NAME(bp_max_pool)(const bp_images *s, const float *restrict input, const float *restrict bias, int activation,
                 float *restrict output, ptrdiff_t out_map, ptrdiff_t out_example, ptrdiff_t out_position,
                 int32_t *restrict argmax, float *restrict sigma_prime) {
    const int mode = bias ? activation : 0;
    if (s->kernel == 2) {
        if (mode == BP_RELU) return bp_max_pool_2(s, input, bias, BP_RELU, output, out_map, out_example, out_position, argmax, sigma_prime);
        if (mode == BP_LINEAR) return bp_max_pool_2(s, input, bias, BP_LINEAR, output, out_map, out_example, out_position, argmax, sigma_prime);
        return bp_max_pool_2(s, input, NULL, 0, output, out_map, out_example, out_position, argmax, NULL);
    }
    const int size = s->kernel, oh = s->height / size, ow = s->width / size, w = s->width;
    for (int c = 0; c < s->depth; c++)
        for (int e = 0; e < s->examples; e++) {
            const ptrdiff_t base = c * s->map + e * s->example;
            const float *restrict x = input + base;
            const float b = mode ? bias[c] : 0;
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    ptrdiff_t best = (ptrdiff_t)i * size * w + j * size;
                    float top = mode ? x[best] + b : x[best];
                    for (int p = 0; p < size; p++)
                        for (int q = 0; q < size; q++) {
                            ptrdiff_t at = (ptrdiff_t)(i * size + p) * w + j * size + q;
                            float candidate = mode ? x[at] + b : x[at];
                            if (candidate > top) best = at, top = candidate;
                        }
                    ptrdiff_t o = c * out_map + e * out_example + ((ptrdiff_t)i * ow + j) * out_position;
                    output[o] = BP_POOL_VALUE(mode, top);
                    argmax[o] = (int32_t)(base + best);
                    if (mode) sigma_prime[o] = BP_POOL_SLOPE(mode, top);
                }
        }
}

static void NAME(bp_max_pool_back)(const bp_images *s, const float *restrict delta, ptrdiff_t out_map, ptrdiff_t out_example,
                      ptrdiff_t out_position, const int32_t *restrict argmax, const float *restrict sigma_prime,
                      int sigma_at_output, float *restrict g) {
    const int size = s->kernel, oh = s->height / size, ow = s->width / size;
    for (int c = 0; c < s->depth; c++)
        for (int e = 0; e < s->examples; e++) {
            float *x = g + c * s->map + e * s->example;  // not restrict: g[argmax] writes here too
            for (ptrdiff_t v = 0; v < (ptrdiff_t)s->height * s->width; v++) x[v] = 0;
            for (ptrdiff_t window = 0; window < (ptrdiff_t)oh * ow; window++) {
                ptrdiff_t o = c * out_map + e * out_example + window * out_position;
                // As the Swift path: δ added to a zero, then times σ′.
                float value = 0.0f + delta[o];
                if (sigma_prime) value *= sigma_prime[sigma_at_output ? o : argmax[o]];
                g[argmax[o]] = value;
            }
        }
}

static void NAME(bp_sum_rows)(const float *restrict matrix, int rows, ptrdiff_t columns, float *restrict sums) {
    for (int r = 0; r < rows; r++) {
        const float *restrict row = matrix + r * columns;
        bp_f8 low = {0}, high = {0};
        ptrdiff_t j = 0;
        for (; j + 16 <= columns; j += 16) {
            low += *(const bp_f8 *)(row + j);
            high += *(const bp_f8 *)(row + j + 8);
        }
        float sum = 0;
        for (int lane = 0; lane < 8; lane++) sum += low[lane] + high[lane];
        for (; j < columns; j++) sum += row[j];
        sums[r] = sum;
    }
}
