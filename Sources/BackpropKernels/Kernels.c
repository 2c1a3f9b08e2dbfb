// The kernels for each instruction set: KernelBodies.h compiled three times. The AVX2 and
// AVX-512 copies carry target attributes, so only the copy the CPU supports is ever called
// (Network.c decides) and the package builds without special flags.
#include "Internal.h"

#define NAME(x) x##_portable
#define VW 4
#define TILE 8
#define SPLAT 0, 0, 0, 0
typedef float vf_portable __attribute__((vector_size(16), aligned(4)));
typedef int32_t vi_portable __attribute__((vector_size(16), aligned(4)));
#define VF vf_portable
#define VI vi_portable
#define FMA(a, b, c) ((a) * (b) + (c))
#include "KernelBodies.h"
#undef NAME
#undef VW
#undef SPLAT
#undef VF
#undef VI
#undef FMA

#if defined(__x86_64__)
#include <immintrin.h>

#define FMA(a, b, c) __builtin_elementwise_fma(a, b, c)

/// For each 8-bit mask, the lanes whose bits are set, in order, then the rest: the permutation
/// that packs an AVX2 vector's selected lanes to the front.
static int32_t bp_compress_order[256][8];

__attribute__((constructor)) static void bp_fill_compress_order(void) {
    for (int mask = 0; mask < 256; mask++) {
        int next = 0;
        for (int lane = 0; lane < 8; lane++) if (mask & (1 << lane)) bp_compress_order[mask][next++] = lane;
        for (int lane = 0; lane < 8; lane++) if (!(mask & (1 << lane))) bp_compress_order[mask][next++] = lane;
    }
}

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define NAME(x) x##_avx2
#define BP_SCAN_AVX2
#define VW 8
#define SPLAT 0, 0, 0, 0, 0, 0, 0, 0
typedef float vf_avx2 __attribute__((vector_size(32), aligned(4)));
typedef int32_t vi_avx2 __attribute__((vector_size(32), aligned(4)));
#define VF vf_avx2
#define VI vi_avx2
#include "KernelBodies.h"
#undef NAME
#undef VW
#undef SPLAT
#undef VF
#undef VI
#undef BP_SCAN_AVX2
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,fma"))), apply_to = function)
#define NAME(x) x##_avx512
#define VW 16
#define SPLAT 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define BP_SCAN_AVX2  // the AVX2 scan: AVX-512 adds little to it, and AVX-512F implies AVX2
typedef float vf_avx512 __attribute__((vector_size(64), aligned(4)));
typedef int32_t vi_avx512 __attribute__((vector_size(64), aligned(4)));
#define VF vf_avx512
#define VI vi_avx512
#include "KernelBodies.h"
#undef NAME
#undef VW
#undef SPLAT
#undef VF
#undef VI
#undef BP_SCAN_AVX2
#pragma clang attribute pop
#endif
