// Counts calls to malloc in a process (LD_PRELOAD=count_malloc.so) and prints the total at exit;
// Benchmarks/allocations.sh uses it to show that training allocates nothing per mini-batch.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long count;
static void *(*real_malloc)(size_t);

void *malloc(size_t size) {
    if (!real_malloc) real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    count++;
    return real_malloc(size);
}

__attribute__((destructor)) static void report(void) {
    fprintf(stderr, "mallocs: %lu\n", count);
}
