// A mini-batch's nonzero inputs regrouped by input, for BP4 of a wide first layer. A hundred MNIST
// images have 15,000 nonzero pixels between them but only about 520 different ones: by input, BP4
// reads and writes each of those weight rows once per mini-batch instead of once per example.
#include "Internal.h"

#include <stdlib.h>

struct bp_groups *bp_groups_create(int inputs, int width, int capacity) {
    if (width < BP_GROUP_WIDTH || capacity < BP_GROUP_MIN || capacity > BP_GROUP_MAX) return NULL;
    struct bp_groups *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->capacity = capacity;
    g->count = calloc(inputs, sizeof(int32_t));
    g->used = malloc(inputs * sizeof(uint16_t));
    g->size = malloc(inputs * sizeof(int32_t));
    g->entry = malloc((size_t)capacity * inputs * sizeof(uint16_t));
    if (!(g->count && g->used && g->size && g->entry)) {
        bp_groups_destroy(g);
        return NULL;
    }
    return g;
}

void bp_groups_destroy(struct bp_groups *g) {
    if (!g) return;
    free(g->count);
    free(g->used);
    free(g->size);
    free(g->entry);
    free(g);
}

void bp_group_by_input(bp_network *n, int m) {
    struct bp_groups *g = n->groups;
    int32_t *restrict count = g->count, *restrict size = g->size;  // count is zero between calls
    uint16_t *restrict used = g->used, *restrict entry = g->entry;
    const int capacity = g->capacity;
    // One pass: each input's entries go to its own slots, in example order (the order BP4 by
    // example applies them in). Counting first, to pack them, made the grouping twice as slow.
    for (int e = 0; e < m; e++) {
        const uint16_t *index = n->nonzero_index[e];
        const uint8_t *value = n->nonzero_value[e];
        for (int i = 0, c = n->nonzero_count[e]; i < c; i++) {
            int k = index[i];
            entry[k * capacity + count[k]++] = (uint16_t)(e << 8 | value[i]);
        }
    }
    // The inputs some example has, in order, and how many each has.
    int u = 0;
    for (int k = 0; k < n->inputs; k++) {
        used[u] = (uint16_t)k;
        size[u] = count[k];
        u += count[k] != 0;
        count[k] = 0;
    }
    g->used_count = u;
}
