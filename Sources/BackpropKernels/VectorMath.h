// Vector helpers over VW floats: loads, stores, sums, eˣ, and the activation functions.
// Part of KernelBodies.h: included once per instruction set, no include guard on purpose.

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

/// The logistic function 1 / (1 + e⁻ᶻ).
static inline VF NAME(sigmoid)(VF z) { return 1.0f / (1.0f + NAME(exp)(-z)); }

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
                av = NAME(sigmoid)(zv);
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

/// z → z + bias, a = σ(z) and σ′ = a(1 − a) over n numbers: the matrix path's sigmoid layers.
static void NAME(sigmoid_with_bias)(float *z, float bias, float *a, float *sp, ptrdiff_t n) {
    const VF b = NAME(splat)(bias);
    ptrdiff_t i = 0;
    for (; i + VW <= n; i += VW) {
        VF zv = NAME(load)(z + i) + b, av = NAME(sigmoid)(zv);
        NAME(store)(z + i, zv);
        NAME(store)(a + i, av);
        NAME(store)(sp + i, av * (1.0f - av));
    }
    if (i < n) {  // the last few through a vector's worth of scratch, so they get the same arithmetic
        float zs[VW] = {0}, as[VW], sps[VW];
        for (ptrdiff_t k = i; k < n; k++) zs[k - i] = z[k];
        NAME(sigmoid_with_bias)(zs, bias, as, sps, VW);
        for (ptrdiff_t k = i; k < n; k++) {
            z[k] = zs[k - i];
            a[k] = as[k - i];
            sp[k] = sps[k - i];
        }
    }
}
