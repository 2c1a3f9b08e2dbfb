// The first layer's forward pass and BP4: by example or by input, split between threads.
// Part of KernelBodies.h: included once per instruction set, no include guard on purpose.

static void *NAME(first_layer_job)(void *argument) {
    struct bp_job *job = argument;
    bp_network *n = job->network;
    if (job->update && job->grouped) NAME(grouped_update)(n, job->m, job->step, job->keep, job->begin, job->end);
    else if (job->update) NAME(sparse_update)(n, job->m, job->step, job->keep, job->begin, job->end);
    else NAME(sparse_forward)(n, job->m, job->begin, job->end);
    return NULL;
}

/// The first layer's forward pass (update = 0) or L2 decay and BP4 (update = 1) over examples
/// 0 ..< m (BP4 by input where that pays), its neurons split between threads, a range of
/// vectors each, when the network has them and the work is large enough.
static void NAME(first_layer)(bp_network *n, int m, float step, float keep, int update) {
    int grouped = update && n->groups && n->grouping && m >= BP_GROUP_MIN;
    if (grouped) bp_group_by_input(n, m);
    const int width = n->width[0], vectors = width / VW;
    int threads = n->threads < vectors ? n->threads : vectors;
    if (threads > 1) {  // worth starting threads for?
        long work = 0;
        for (int e = 0; e < m; e++) work += n->nonzero_count[e];
        if (work * width < BP_THREAD_WORK) threads = 1;
    }
    struct bp_job jobs[BP_MAX_THREADS];
    for (int j = 0; j < threads; j++) {
        int begin = vectors * j / threads * VW, end = vectors * (j + 1) / threads * VW;
        jobs[j] = (struct bp_job){ n, m, step, keep, begin, end, update, grouped };
    }
    bp_run_jobs(NAME(first_layer_job), jobs, threads);
}
