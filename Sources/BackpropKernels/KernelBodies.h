// The kernels, written once over a vector of VW floats. Kernels.c includes this file once per
// instruction set with VW, VF (float vector), VI (int vector), FMA and NAME(x) defined.
// No include guard on purpose.

#define ZERO ((VF){0})

static inline VF NAME(splat)(float s) { VF v = {s}; return __builtin_shufflevector(v, v, SPLAT); }
static inline VF NAME(load)(const float *p) { return *(const VF *)p; }
static inline void NAME(store)(float *p, VF v) { *(VF *)p = v; }

static inline float NAME(sum)(VF x) {
    float s[VW];
    NAME(store)(s, x);
    float total = 0;
#pragma clang loop unroll(full)
    for (int i = 0; i < VW; i++) total += s[i];
    return total;
}

/// eˣ to within about one unit in the last place (Cephes' expf), for x in [−87, 88]; clamped
/// outside, where no activation here can tell the difference.
static inline VF NAME(exp)(VF x) {
    x = __builtin_elementwise_min(__builtin_elementwise_max(x, NAME(splat)(-87.0f)), NAME(splat)(88.0f));
    VF n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // rounded to nearest (1.5·2²³ trick)
    VF r = FMA(n, NAME(splat)(-0.693359375f), x);
    r = FMA(n, NAME(splat)(2.12194440e-4f), r);
    VF p = NAME(splat)(1.9875691500e-4f);
    p = FMA(p, r, NAME(splat)(1.3981999507e-3f));
    p = FMA(p, r, NAME(splat)(8.3334519073e-3f));
    p = FMA(p, r, NAME(splat)(4.1665795894e-2f));
    p = FMA(p, r, NAME(splat)(1.6666665459e-1f));
    p = FMA(p, r, NAME(splat)(5.0000001201e-1f));
    p = FMA(p, r * r, r + 1.0f);
    VI power = (__builtin_convertvector(n, VI) + 127) << 23;
    return p * (VF)power;
}

/// a = σ(z) and σ′(z) for a row of `width` lanes, of which the first `neurons` are neurons and
/// the rest padding, which stays zero.
static void NAME(activate)(int kind, const float *z, float *a, float *sp, int neurons, int width) {
    if (kind == BP_SOFTMAX) {
        float top = z[0];
        for (int j = 1; j < neurons; j++) top = z[j] > top ? z[j] : top;
        float total = 0;
        for (int j = 0; j < width; j += VW) NAME(store)(a + j, NAME(exp)(NAME(load)(z + j) - top));
        for (int j = 0; j < neurons; j++) total += a[j];
        for (int j = 0; j < neurons; j++) {
            a[j] /= total;
            sp[j] = a[j] * (1 - a[j]);
        }
    } else {
        for (int j = 0; j < width; j += VW) {
            VF zv = NAME(load)(z + j), av, sv;
            if (kind == BP_SIGMOID) {
                av = 1.0f / (1.0f + NAME(exp)(-zv));
                sv = av * (1.0f - av);
            } else if (kind == BP_RELU) {
                VI positive = zv > 0.0f;
                av = (VF)(positive & (VI)zv);
                sv = (VF)(positive & (VI)NAME(splat)(1.0f));
            } else {
                av = zv;
                sv = NAME(splat)(1.0f);
            }
            NAME(store)(a + j, av);
            NAME(store)(sp + j, sv);
        }
    }
    for (int j = neurons; j < width; j++) a[j] = sp[j] = 0;
}

/// The nonzero inputs of one example: their indices and values (byte × scale). Returns how
/// many. `index` and `value` have room for n + 16.
static int NAME(scan)(const uint8_t *x, int n, float scale, int32_t *index, float *value) {
    int count = 0, k = 0;
#if defined(BP_SCAN_AVX2)
    // Eight inputs at a time, without branches (zero and nonzero runs alternate unpredictably;
    // skipping all-zero groups with a branch took 260 ns per MNIST image against 160):
    // the nonzero ones are moved to the front by a permutation looked up from their bit mask,
    // and stored with the zeros behind them overwritten next time.
    const __m256 factor = _mm256_set1_ps(scale);
    const __m256i step = _mm256_set1_epi32(8);
    __m256i at = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (; k + 8 <= n; k += 8, at = _mm256_add_epi32(at, step)) {
        __m256i wide = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(x + k)));
        int nonzero = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(wide, _mm256_setzero_si256())));
        __m256i order = _mm256_loadu_si256((const __m256i *)bp_compress_order[nonzero]);
        __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(wide), factor);
        _mm256_storeu_si256((__m256i *)(index + count), _mm256_permutevar8x32_epi32(at, order));
        _mm256_storeu_ps(value + count, _mm256_permutevar8x32_ps(v, order));
        count += __builtin_popcount(nonzero);
    }
#endif
    for (; k < n; k++) {  // branch-free: write always, advance only past a nonzero
        index[count] = k;
        value[count] = (float)x[k] * scale;
        count += x[k] != 0;
    }
    return count;
}

/// z = b + Σₖ xₖ·w[row k] over `nv` vectors of the row, with independent partial sums.
static inline __attribute__((always_inline)) void NAME(sparse_forward_tile)(
    const float *w, size_t ld, const float *b, const int32_t *index, const float *value, int count,
    float *z, const int nv) {
    const int unroll = nv <= 2 ? 4 : 2;
    VF acc[4][TILE];
#pragma clang loop unroll(full)
    for (int v = 0; v < nv; v++) {
        acc[0][v] = NAME(load)(b + v * VW);
        acc[1][v] = acc[2][v] = acc[3][v] = ZERO;
    }
    int i = 0;
    for (; i + unroll <= count; i += unroll) {
#pragma clang loop unroll(full)
        for (int u = 0; u < unroll; u++) {
            const float *row = w + (size_t)index[i + u] * ld;
            VF s = NAME(splat)(value[i + u]);
#pragma clang loop unroll(full)
            for (int v = 0; v < nv; v++) acc[u][v] = FMA(s, NAME(load)(row + v * VW), acc[u][v]);
        }
    }
    for (; i < count; i++) {
        const float *row = w + (size_t)index[i] * ld;
        VF s = NAME(splat)(value[i]);
#pragma clang loop unroll(full)
        for (int v = 0; v < nv; v++) acc[0][v] = FMA(s, NAME(load)(row + v * VW), acc[0][v]);
    }
#pragma clang loop unroll(full)
    for (int v = 0; v < nv; v++) NAME(store)(z + v * VW, (acc[0][v] + acc[1][v]) + (acc[2][v] + acc[3][v]));
}

/// w[row k] += (step·xₖ)·δ over `nv` vectors of the rows.
static inline __attribute__((always_inline)) void NAME(sparse_update_tile)(
    float *w, size_t ld, const int32_t *index, const float *value, int count, float step,
    const float *delta, const int nv) {
    VF d[TILE];
#pragma clang loop unroll(full)
    for (int v = 0; v < nv; v++) d[v] = NAME(load)(delta + v * VW) * step;
    for (int i = 0; i < count; i++) {
        float *row = w + (size_t)index[i] * ld;
        VF s = NAME(splat)(value[i]);
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

/// The first layer's weighted inputs for examples 0 ..< m of the mini-batch, from their nonzero
/// inputs: z = b + Σₖ xₖ·w[row k], up to TILE vectors of each row at a time.
static void NAME(sparse_forward)(bp_network *n, int m, int begin, int end) {
    const int width = n->width[0];
    const size_t slots = (size_t)n->inputs + BP_PAD;
    for (int e = 0; e < m; e++) {
        for (int t = begin; t < end; t += TILE * VW) {
            int nv = (end - t) / VW;
#define CALL(NV) NAME(sparse_forward_tile)(n->weights[0] + t, width, n->biases[0] + t, n->nonzero_index + e * slots, \
                                           n->nonzero_value + e * slots, n->nonzero_count[e], \
                                           n->z[0] + (size_t)e * width + t, NV)
            DISPATCH_TILE(CALL)
#undef CALL
        }
    }
}

/// BP4 for the first layer over examples 0 ..< m: w[row k] += (step·xₖ)·δ for each nonzero input k.
static void NAME(sparse_update)(bp_network *n, int m, float step, int begin, int end) {
    const int width = n->width[0];
    const size_t slots = (size_t)n->inputs + BP_PAD;
    for (int t = begin; t < end; t += TILE * VW) {
        int nv = (end - t) / VW;
        for (int e = 0; e < m; e++) {
#define CALL(NV) NAME(sparse_update_tile)(n->weights[0] + t, width, n->nonzero_index + e * slots, \
                                          n->nonzero_value + e * slots, n->nonzero_count[e], step, \
                                          n->delta[0] + (size_t)e * width + t, NV)
            DISPATCH_TILE(CALL)
#undef CALL
        }
    }
}

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

static void *NAME(first_layer_job)(void *argument) {
    struct bp_job *job = argument;
    if (job->update) NAME(sparse_update)(job->network, job->m, job->step, job->begin, job->end);
    else NAME(sparse_forward)(job->network, job->m, job->begin, job->end);
    return NULL;
}

/// The first layer's sparse forward pass (update = 0) or BP4 (update = 1) over examples 0 ..< m,
/// its neurons split between threads when the network has them and the work is large enough.
static void NAME(first_layer)(bp_network *n, int m, float step, int update) {
    const int width = n->width[0], tile = TILE * VW, tiles = (width + tile - 1) / tile;
    long work = 0;
    for (int e = 0; e < m; e++) work += n->nonzero_count[e];
    int threads = n->threads < tiles ? n->threads : tiles;
    if (work * width < BP_THREAD_WORK) threads = 1;
    struct bp_job jobs[BP_MAX_THREADS];
    for (int j = 0; j < threads; j++) {
        int begin = tiles * j / threads * tile, end = tiles * (j + 1) / threads * tile;
        jobs[j] = (struct bp_job){ n, m, step, begin, end < width ? end : width, update };
    }
    bp_run_jobs(NAME(first_layer_job), jobs, threads);
}

/// The forward pass of examples 0 ..< m, whose bytes start at `x[e]`.
static void NAME(forward)(bp_network *n, int m, const uint8_t *const *x, float scale) {
    const size_t slots = (size_t)n->inputs + BP_PAD;
    for (int e = 0; e < m; e++) {
        if (e + BP_PREFETCH_AHEAD < m) {  // in case the prefetch a step ahead did not reach this far
            for (int offset = 0; offset < n->inputs; offset += 64) __builtin_prefetch(x[e + BP_PREFETCH_AHEAD] + offset);
        }
        n->nonzero_count[e] = NAME(scan)(x[e], n->inputs, scale, n->nonzero_index + e * slots,
                                         n->nonzero_value + e * slots);
    }
    NAME(first_layer)(n, m, 0, 0);
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

static int NAME(train_step)(bp_network *n, const uint8_t *inputs, ptrdiff_t stride, const ptrdiff_t *examples,
                            const uint8_t *labels, int m, const ptrdiff_t *next, int next_count, float scale,
                            float step, float keep) {
    const int last = n->layer_count - 1;
    const int outputs = n->neurons[last];
    for (int e = 0; e < m; e++) n->example_bytes[e] = inputs + examples[e] * stride;
    // The next mini-batch's examples are scattered over a large data set: ask for them into L2
    // now, so that they have arrived by the time its forward pass reads them.
    for (int e = 0; e < next_count; e++) {
        const uint8_t *bytes = inputs + next[e] * stride;
        for (int offset = 0; offset < n->inputs; offset += 64) __builtin_prefetch(bytes + offset, 0, 2);
    }
    NAME(forward)(n, m, n->example_bytes, scale);
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
    if (keep != 1.0f) {
        float *w = n->weights[0];
        size_t total = (size_t)n->inputs * n->width[0];
        for (size_t i = 0; i < total; i += VW) NAME(store)(w + i, NAME(load)(w + i) * keep);
    }
    NAME(first_layer)(n, m, step, 1);
    NAME(bias_update)(n->biases[0], n->width[0], n->delta[0], m, step);
    return check == 0;
}

static void NAME(feedforward)(bp_network *n, const uint8_t *inputs, ptrdiff_t stride, ptrdiff_t first, int count,
                              float scale, float *z, float *a) {
    const int last = n->layer_count - 1, outputs = n->neurons[last], width = n->width[last];
    for (int done = 0; done < count; done += n->capacity) {
        int m = count - done < n->capacity ? count - done : n->capacity;
        for (int e = 0; e < m; e++) n->example_bytes[e] = inputs + (first + done + e) * stride;
        NAME(forward)(n, m, n->example_bytes, scale);
        for (int e = 0; e < m; e++) {
            for (int j = 0; j < outputs; j++) {
                z[(size_t)(done + e) * outputs + j] = n->z[last][(size_t)e * width + j];
                a[(size_t)(done + e) * outputs + j] = n->a[last][(size_t)e * width + j];
            }
        }
    }
}

const struct bp_kernels NAME(bp_kernels) = { NAME(train_step), NAME(feedforward) };

#undef ZERO
#undef DISPATCH_TILE
