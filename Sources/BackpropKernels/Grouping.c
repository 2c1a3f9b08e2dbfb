// A mini-batch's nonzero inputs regrouped by input, for BP4 of a wide first layer. A hundred MNIST
// images have 15,000 nonzero pixels between them but only about 520 different ones: by input, BP4
// reads and writes each of those weight rows once per mini-batch instead of once per example.
#include "Internal.h"

#include <stdlib.h>
#include <string.h>

struct bp_groups *bp_groups_create(int inputs, int width, int capacity) {
    if (width < BP_GROUP_WIDTH || capacity < BP_GROUP_MIN || capacity > BP_GROUP_MAX) return NULL;
    struct bp_groups *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->count = calloc(inputs, sizeof(int32_t));
    g->used = malloc(inputs * sizeof(uint16_t));
    g->start = malloc((inputs + 1) * sizeof(int32_t));
    g->entry = malloc((size_t)capacity * inputs * sizeof(uint16_t));
    if (!(g->count && g->used && g->start && g->entry)) {
        bp_groups_destroy(g);
        return NULL;
    }
    return g;
}

void bp_groups_destroy(struct bp_groups *g) {
    if (!g) return;
    free(g->count);
    free(g->used);
    free(g->start);
    free(g->entry);
    free(g);
}

void bp_group_by_input(bp_network *n, int m) {
    struct bp_groups *g = n->groups;
    int32_t *restrict count = g->count, *restrict start = g->start;  // count is zero between calls
    uint16_t *restrict used = g->used, *restrict entry = g->entry;
    for (int e = 0; e < m; e++) {
        const uint16_t *index = n->nonzero_index[e];
        for (int i = 0, c = n->nonzero_count[e]; i < c; i++) count[index[i]]++;
    }
    // The inputs some example has, in order, and where each one's entries start; count[k] becomes
    // where input k's next entry goes.
    int u = 0;
    int32_t total = 0;
    for (int k = 0; k < n->inputs; k++) {
        int32_t c = count[k];
        used[u] = (uint16_t)k;
        start[u] = total;
        count[k] = total;
        total += c;
        u += c != 0;
    }
    start[u] = total;
    g->used_count = u;
    // Each input's entries in example order, which is the order BP4 by example applies them in.
    for (int e = 0; e < m; e++) {
        const uint16_t *index = n->nonzero_index[e];
        const uint8_t *value = n->nonzero_value[e];
        for (int i = 0, c = n->nonzero_count[e]; i < c; i++) entry[count[index[i]]++] = (uint16_t)(e << 8 | value[i]);
    }
    memset(count, 0, n->inputs * sizeof(int32_t));
}
