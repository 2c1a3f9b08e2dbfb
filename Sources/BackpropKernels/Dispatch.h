// Calling the copy of a loop compiled for an instruction set: Convolution.c's and Products.c's.
#ifndef BACKPROP_KERNELS_DISPATCH_H
#define BACKPROP_KERNELS_DISPATCH_H

#include "BackpropKernels.h"

#if defined(__x86_64__)
/// Calls (and returns) the copy of `name` for instruction set `isa` (one the CPU supports).
#define BP_DISPATCH(isa, name, ...)                                                                 \
    do {                                                                                            \
        if ((isa) == BP_AVX512) return name##_avx512(__VA_ARGS__);                                  \
        if ((isa) == BP_AVX2) return name##_avx2(__VA_ARGS__);                                      \
        return name##_portable(__VA_ARGS__);                                                        \
    } while (0)
#else
#define BP_DISPATCH(isa, name, ...) return name##_portable(__VA_ARGS__)
#endif

#endif
