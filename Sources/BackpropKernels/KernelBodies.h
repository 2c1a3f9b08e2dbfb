// The kernels, written once over a vector of VW floats. Kernels.c includes this file once per
// instruction set with VW, VF (float vector), VI (int vector), FMA, SPLAT and NAME(x) defined;
// the parts below come in the order they use each other. No include guard on purpose.

#define ZERO ((VF){0})

#include "VectorMath.h"
#include "SparseLayer.h"
#include "DenseLayers.h"
#include "Steps.h"

#undef ZERO
#undef DISPATCH_TILE
