// A data set's nonzero inputs, found once with the best scan the CPU has.
#include "Internal.h"

#include <stdlib.h>

bp_sparse_inputs *bp_sparse_inputs_create(const uint8_t *inputs, int n, ptrdiff_t count, int isa) {
    if (n < 1 || n > 65536 || count < 0) return NULL;
    bp_sparse_inputs *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->count = count;
    s->inputs = n;
    s->start = malloc((size_t)(count + 1) * sizeof(int64_t));
    if (!s->start) {
        bp_sparse_inputs_destroy(s);
        return NULL;
    }
    // Count first, so that the positions and bytes take exactly the room they need.
    int64_t total = 0;
    for (ptrdiff_t e = 0; e < count; e++) {
        s->start[e] = total;
        const uint8_t *x = inputs + e * n;
        int nonzero = 0;
        for (int k = 0; k < n; k++) nonzero += x[k] != 0;
        total += nonzero;
    }
    s->start[count] = total;
    s->index = malloc((size_t)(total + BP_SCAN_SLACK) * sizeof(uint16_t));
    s->value = malloc((size_t)(total + BP_SCAN_SLACK));
    if (!s->index || !s->value) {
        bp_sparse_inputs_destroy(s);
        return NULL;
    }
    // In order: the entries a scan writes past an example's end are overwritten by the next one.
    const struct bp_kernels *kernels = bp_kernels_for(bp_usable_isa(isa));
    for (ptrdiff_t e = 0; e < count; e++) {
        kernels->scan(inputs + e * n, n, s->index + s->start[e], s->value + s->start[e]);
    }
    return s;
}

void bp_sparse_inputs_destroy(bp_sparse_inputs *s) {
    if (!s) return;
    free(s->start);
    free(s->index);
    free(s->value);
    free(s);
}

ptrdiff_t bp_sparse_inputs_nonzero(const bp_sparse_inputs *s) { return (ptrdiff_t)s->start[s->count]; }

int bp_sparse_inputs_example(const bp_sparse_inputs *s, ptrdiff_t e, const uint16_t **index, const uint8_t **value) {
    *index = s->index + s->start[e];
    *value = s->value + s->start[e];
    return (int)(s->start[e + 1] - s->start[e]);
}
