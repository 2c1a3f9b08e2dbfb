// CBLAS from OpenBLAS (Debian: libopenblas-dev), which also declares openblas_get_corename()
// and openblas_set_num_threads(). Apple platforms use Accelerate instead of this module.
#include <cblas.h>
