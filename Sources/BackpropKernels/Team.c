// A team of two threads, the caller and one helper that lives as long as the team, for work cut
// in two halves many times a second (a mini-batch of the convolutional engine each millisecond
// or so). Between jobs the helper spins for a while before it sleeps, so that a job starts on
// it in well under a microsecond; waking a sleeping thread (a pool's, or a new one) costs tens
// to hundreds of microseconds on a virtual machine, as much as a half-batch's work.
#include "BackpropKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BP_RELAX() _mm_pause()
#else
#define BP_RELAX() ((void)0)
#endif

/// Spins, each a pause of the core, before the helper sleeps: about a millisecond.
#define BP_SPINS 20000

struct bp_team {
    pthread_t helper;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    /// Bumped for each job; the helper runs a job when it sees a new value.
    atomic_long generation;
    /// The generation of the last job the helper finished.
    atomic_long finished;
    atomic_int sleeping, stop;
    void (*job)(void *context, int index);
    void *context;
};

static void *bp_team_helper(void *argument) {
    bp_team *team = argument;
    long seen = 0;
    for (;;) {
        long now = atomic_load(&team->generation);
        for (int spins = 0; now == seen && spins < BP_SPINS; spins++) {
            BP_RELAX();
            now = atomic_load(&team->generation);
        }
        if (now == seen) {
            // `sleeping` is set before `generation` is read again, and bp_team_run sets
            // `generation` before it reads `sleeping`: one of the two sees the other's store.
            pthread_mutex_lock(&team->lock);
            atomic_store(&team->sleeping, 1);
            while ((now = atomic_load(&team->generation)) == seen) pthread_cond_wait(&team->wake, &team->lock);
            atomic_store(&team->sleeping, 0);
            pthread_mutex_unlock(&team->lock);
        }
        seen = now;
        if (atomic_load(&team->stop)) return NULL;
        team->job(team->context, 1);
        atomic_store(&team->finished, now);
    }
}

bp_team *bp_team_create(void) {
    bp_team *team = calloc(1, sizeof *team);
    if (!team) return NULL;
    pthread_mutex_init(&team->lock, NULL);
    pthread_cond_init(&team->wake, NULL);
    if (pthread_create(&team->helper, NULL, bp_team_helper, team) != 0) {
        pthread_cond_destroy(&team->wake);
        pthread_mutex_destroy(&team->lock);
        free(team);
        return NULL;
    }
    return team;
}

/// Bumps the generation and wakes the helper if it sleeps.
static long bp_team_start(bp_team *team) {
    long generation = atomic_load(&team->generation) + 1;
    atomic_store(&team->generation, generation);
    if (atomic_load(&team->sleeping)) {
        pthread_mutex_lock(&team->lock);
        pthread_cond_signal(&team->wake);
        pthread_mutex_unlock(&team->lock);
    }
    return generation;
}

void bp_team_run(bp_team *team, void (*job)(void *context, int index), void *context) {
    team->job = job;
    team->context = context;
    long generation = bp_team_start(team);
    job(context, 0);
    for (long spins = 0; atomic_load(&team->finished) != generation; spins++) {
        if (spins < BP_SPINS) BP_RELAX();
        else sched_yield();
    }
}

void bp_team_destroy(bp_team *team) {
    if (!team) return;
    atomic_store(&team->stop, 1);
    bp_team_start(team);
    pthread_join(team->helper, NULL);
    pthread_cond_destroy(&team->wake);
    pthread_mutex_destroy(&team->lock);
    free(team);
}
