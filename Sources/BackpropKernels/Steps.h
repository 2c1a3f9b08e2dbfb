// Whole steps: the forward pass of a mini-batch, a gradient-descent step, evaluation, and the
// table of this instruction set's entry points.
// Part of KernelBodies.h: included once per instruction set, no include guard on purpose.

/// Points example e of the mini-batch at example `example` of `inputs`.
static inline void NAME(point_at)(bp_network *n, int e, const bp_sparse_inputs *inputs, ptrdiff_t example) {
    int64_t start = inputs->start[example];
    n->nonzero_index[e] = inputs->index + start;
    n->nonzero_value[e] = inputs->value + start;
    n->nonzero_count[e] = (int)(inputs->start[example + 1] - start);
}

/// Sets the input each byte stands for, when `scale` differs from the last one.
static void NAME(set_scale)(bp_network *n, float scale) {
    if (n->byte_scale == scale) return;
    for (int b = 0; b < 256; b++) n->byte_value[b] = (float)b * scale;
    n->byte_scale = scale;
}

/// The forward pass of examples 0 ..< m, once `point_at` has placed them.
static void NAME(forward)(bp_network *n, int m) {
    NAME(first_layer)(n, m, 0, 1, 0);
    for (int e = 0; e < m; e++) {
        for (int l = 0; l < n->layer_count; l++) {
            size_t at = (size_t)e * n->width[l];
            float *z = n->z[l] + at;
            if (l > 0) {
                const float *input = n->a[l - 1] + (size_t)e * n->width[l - 1];
                NAME(dense_forward)(n->weights[l], n->neurons[l], n->width[l - 1], n->biases[l], input, z);
            }
            NAME(activate)(n->activation[l], z, n->a[l] + at, n->sigma_prime[l] + at, n->neurons[l], n->width[l]);
        }
    }
}

static int NAME(train_step)(bp_network *n, const bp_sparse_inputs *inputs, const ptrdiff_t *examples,
                            const uint8_t *labels, int m, const ptrdiff_t *next, int next_count, float scale,
                            float step, float keep) {
    const int last = n->layer_count - 1;
    const int outputs = n->neurons[last];
    NAME(set_scale)(n, scale);
    for (int e = 0; e < m; e++) NAME(point_at)(n, e, inputs, examples[e]);
    // The next mini-batch's examples are scattered over a large data set: ask for their nonzero
    // inputs into L2 now, so that they have arrived by the time its forward pass reads them.
    for (int e = 0; e < next_count; e++) {
        int64_t start = inputs->start[next[e]], end = inputs->start[next[e] + 1];
        const char *index = (const char *)(inputs->index + start), *value = (const char *)(inputs->value + start);
        for (int64_t offset = 0; offset < (end - start) * 2; offset += 64) __builtin_prefetch(index + offset, 0, 2);
        for (int64_t offset = 0; offset < end - start; offset += 64) __builtin_prefetch(value + offset, 0, 2);
    }
    NAME(forward)(n, m);
    float check = 0;
    for (int e = 0; e < m; e++) {
        // BP1: δᴸ = a − y, or (a − y) ⊙ σ′(zᴸ) for the quadratic cost.
        size_t at = (size_t)e * n->width[last];
        const float *a = n->a[last] + at, *sp = n->sigma_prime[last] + at;
        float *delta = n->delta[last] + at;
        int label = labels[examples[e]];
        for (int j = 0; j < outputs; j++) {
            float difference = a[j] - (j == label ? 1.0f : 0.0f);
            delta[j] = n->output_error == BP_QUADRATIC ? difference * sp[j] : difference;
            check += a[j] * 0.0f;  // NaN or ±infinity makes this NaN
        }
        // BP2, back to the first layer.
        for (int l = last; l >= 1; l--) {
            size_t below = (size_t)e * n->width[l - 1];
            NAME(dense_backward)(n->weights[l], n->neurons[l], n->width[l - 1], n->delta[l] + (size_t)e * n->width[l],
                                 n->sigma_prime[l - 1] + below, n->delta[l - 1] + below);
        }
    }
    // BP3 and BP4, layer by layer (BP2 has read every weight it needs).
    for (int l = last; l >= 1; l--) {
        NAME(dense_update)(n->weights[l], n->neurons[l], n->width[l - 1], keep, n->delta[l], n->width[l],
                           n->a[l - 1], m, step);
        NAME(bias_update)(n->biases[l], n->width[l], n->delta[l], m, step);
    }
    NAME(first_layer)(n, m, step, keep, 1);
    NAME(bias_update)(n->biases[0], n->width[0], n->delta[0], m, step);
    return check == 0;
}

static void NAME(feedforward)(bp_network *n, const bp_sparse_inputs *inputs, ptrdiff_t first, int count,
                              float scale, float *z, float *a) {
    const int last = n->layer_count - 1, outputs = n->neurons[last], width = n->width[last];
    NAME(set_scale)(n, scale);
    for (int done = 0; done < count; done += n->capacity) {
        int m = count - done < n->capacity ? count - done : n->capacity;
        for (int e = 0; e < m; e++) NAME(point_at)(n, e, inputs, first + done + e);
        NAME(forward)(n, m);
        for (int e = 0; e < m; e++) {
            for (int j = 0; j < outputs; j++) {
                z[(size_t)(done + e) * outputs + j] = n->z[last][(size_t)e * width + j];
                a[(size_t)(done + e) * outputs + j] = n->a[last][(size_t)e * width + j];
            }
        }
    }
}

const struct bp_kernels NAME(bp_kernels) = { NAME(train_step), NAME(feedforward), NAME(scan),
                                             NAME(sigmoid_with_bias) };
