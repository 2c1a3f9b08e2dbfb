// The kernels, written once over a vector of VW floats. Kernels.c includes this file once per
// instruction set with NAME(x), VW, SPLAT and FMA defined (and BP_SCAN_AVX2 where it applies);
// the parts below come in the order they use each other. No include guard on purpose.

// Float and int vectors of VW lanes, loadable from any float's address.
typedef float NAME(vf) __attribute__((vector_size(VW * 4), aligned(4)));
typedef int32_t NAME(vi) __attribute__((vector_size(VW * 4), aligned(4)));
#define VF NAME(vf)
#define VI NAME(vi)
#define ZERO ((VF){0})

#include "VectorMath.h"
#include "SparseLayer.h"
#include "GroupedLayer.h"
#include "FirstLayer.h"
#include "DenseLayers.h"
#include "Steps.h"

#undef ZERO
#undef DISPATCH_TILE
#undef VF
#undef VI
#undef NAME
#undef VW
#undef SPLAT
#undef BP_SCAN_AVX2
