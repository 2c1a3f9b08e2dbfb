// One core's bandwidth from its caches: reading a buffer over and over with vector loads, and
// reading and writing it back (w += c, as BP4 updates a weight row), for a buffer that fits in
// L1, ones the size of [784, 30, 10]'s and [784, 100, 10]'s first-layer weights (100 and 352 KB,
// in L2 here) and one in L3. Benchmarks/run.sh builds and runs it; it prints one line of JSON
// per buffer size, in GB/s (for read-and-write, the bytes read per second, as many are written).
//
//   clang -O3 -march=native -o memory_bandwidth Benchmarks/tools/memory_bandwidth.c && ./memory_bandwidth
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef float vf __attribute__((vector_size(32)));

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/// Reads the n floats at p `passes` times into eight independent sums; returns GB/s.
static double read_rate(const float *p, size_t n, int passes, float *sink) {
    vf s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, s4 = {0}, s5 = {0}, s6 = {0}, s7 = {0};
    const vf *v = (const vf *)p;
    double start = now();
    for (int pass = 0; pass < passes; pass++) {
        for (size_t i = 0; i < n / 8; i += 8) {
            s0 += v[i]; s1 += v[i + 1]; s2 += v[i + 2]; s3 += v[i + 3];
            s4 += v[i + 4]; s5 += v[i + 5]; s6 += v[i + 6]; s7 += v[i + 7];
        }
    }
    double seconds = now() - start;
    vf s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    *sink += s[0];
    return (double)n * 4 * passes / seconds / 1e9;
}

/// Adds a constant to the n floats at p in place, `passes` times; returns GB/s read.
static double update_rate(float *p, size_t n, int passes) {
    vf *v = (vf *)p, c = {1e-9f, 1e-9f, 1e-9f, 1e-9f, 1e-9f, 1e-9f, 1e-9f, 1e-9f};
    double start = now();
    for (int pass = 0; pass < passes; pass++) {
        for (size_t i = 0; i < n / 8; i++) v[i] += c;
    }
    return (double)n * 4 * passes / (now() - start) / 1e9;
}

int main(void) {
    const size_t kilobytes[] = {16, 100, 352, 8192};
    float sink = 0;
    for (size_t k = 0; k < sizeof kilobytes / sizeof kilobytes[0]; k++) {
        size_t n = kilobytes[k] * 1024 / 4;
        float *p = aligned_alloc(64, n * 4);
        if (!p) return 1;
        for (size_t i = 0; i < n; i++) p[i] = 1;
        int passes = (int)(8e9 / (n * 4)) + 1;
        read_rate(p, n, passes / 10 + 1, &sink);  // warm-up
        double best_read = 0, best_update = 0;
        for (int round = 0; round < 3; round++) {  // the best of three: other work only slows it
            double r = read_rate(p, n, passes, &sink), u = update_rate(p, n, passes / 2 + 1);
            if (r > best_read) best_read = r;
            if (u > best_update) best_update = u;
        }
        printf("{\"impl\":\"bandwidth\",\"kilobytes\":%zu,\"read_gbs\":%.1f,\"update_gbs\":%.1f}\n", kilobytes[k],
               best_read, best_update);
        free(p);
    }
    return sink == 12345 ? 2 : 0;  // keeps the sums from being optimized away
}
