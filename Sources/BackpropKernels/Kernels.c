// The kernels for each instruction set: KernelBodies.h compiled three times, each with its name
// suffix, vector width and lane list for splats (and FMA, and the AVX2 scan where there is one). The AVX2 and
// AVX-512 copies carry target attributes, so only the copy the CPU supports is ever called
// (Network.c decides) and the package builds without special flags.
#include "Internal.h"

/// Vectors of a weight row that BP4 updates at a time.
#define TILE 8

#define NAME(x) x##_portable
#define VW 4
#define SPLAT 0, 0, 0, 0
#define FMA(a, b, c) ((a) * (b) + (c))
#include "KernelBodies.h"
#undef FMA

#if defined(__x86_64__)
#include <immintrin.h>

#define FMA(a, b, c) __builtin_elementwise_fma(a, b, c)

/// For each 8-bit mask, the lanes whose bits are set, in order, then the rest: the byte shuffle
/// that packs a group of eight bytes' selected lanes to the front.
static uint8_t bp_compress_order[256][8];

__attribute__((constructor)) static void bp_fill_compress_order(void) {
    for (int mask = 0; mask < 256; mask++) {
        int next = 0;
        for (int lane = 0; lane < 8; lane++) if (mask & (1 << lane)) bp_compress_order[mask][next++] = (uint8_t)lane;
        for (int lane = 0; lane < 8; lane++) if (!(mask & (1 << lane))) bp_compress_order[mask][next++] = (uint8_t)lane;
    }
}

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define NAME(x) x##_avx2
#define VW 8
#define SPLAT 0, 0, 0, 0, 0, 0, 0, 0
#define BP_SCAN_AVX2
#include "KernelBodies.h"
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,fma"))), apply_to = function)
#define NAME(x) x##_avx512
#define VW 16
#define SPLAT 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define BP_SCAN_AVX2  // the AVX2 scan: AVX-512 adds little to it, and AVX-512F implies AVX2
#include "KernelBodies.h"
#pragma clang attribute pop
#endif
