// libdeflate, which inflates a whole gzip file in memory about twice as fast as zlib.
#include <libdeflate.h>
