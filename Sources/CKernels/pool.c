/* Fork-join pool: a generation counter announces a region; every thread (caller included)
 * claims parts from a shared counter until none are left; the caller waits for the count of
 * finished parts. Workers spin on the generation for a while before sleeping on a condition
 * variable, so back-to-back regions (one per layer per step) do not pay a wake-up each. */
#include "CKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

enum { SPIN_ITERATIONS = 4000 };

struct rk_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t run_lock;   /* serialises rk_pool_run */
    pthread_mutex_t sleep_lock; /* with wake: sleeping workers */
    pthread_cond_t wake;
    long generation;            /* atomic */
    int sleepers;               /* atomic */
    int stopping;               /* atomic */
    rk_task_fn fn;
    void *context;
    long parts;
    long next_part;             /* atomic */
    long finished;              /* atomic */
};

static void claim_parts(rk_pool *p) {
    for (;;) {
        long part = __atomic_fetch_add(&p->next_part, 1, __ATOMIC_ACQ_REL);
        if (part >= p->parts) return;
        p->fn(p->context, part);
        __atomic_fetch_add(&p->finished, 1, __ATOMIC_RELEASE);
    }
}

static void *worker_main(void *arg) {
    rk_pool *p = arg;
    long seen = 0;
    for (;;) {
        long g;
        int spins = 0;
        while ((g = __atomic_load_n(&p->generation, __ATOMIC_ACQUIRE)) == seen && !__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE)) {
            if (++spins < SPIN_ITERATIONS) {
                CPU_RELAX();
                continue;
            }
            pthread_mutex_lock(&p->sleep_lock);
            __atomic_fetch_add(&p->sleepers, 1, __ATOMIC_ACQ_REL);
            while (__atomic_load_n(&p->generation, __ATOMIC_ACQUIRE) == seen && !__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE))
                pthread_cond_wait(&p->wake, &p->sleep_lock);
            __atomic_fetch_sub(&p->sleepers, 1, __ATOMIC_ACQ_REL);
            pthread_mutex_unlock(&p->sleep_lock);
            spins = 0;
        }
        if (__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE)) return NULL;
        seen = g;
        claim_parts(p);
    }
}

rk_pool *rk_pool_create(int threads) {
    rk_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->threads = threads < 1 ? 1 : threads;
    pthread_mutex_init(&p->run_lock, NULL);
    pthread_mutex_init(&p->sleep_lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    if (p->threads > 1) {
        p->workers = calloc((size_t)p->threads - 1, sizeof(pthread_t));
        for (int i = 0; p->workers && i < p->threads - 1; i++) {
            if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0) {
                p->threads = i + 1; /* run with the workers we have */
                break;
            }
        }
        if (!p->workers) p->threads = 1;
    }
    return p;
}

void rk_pool_destroy(rk_pool *p) {
    if (!p) return;
    __atomic_store_n(&p->stopping, 1, __ATOMIC_RELEASE);
    pthread_mutex_lock(&p->sleep_lock);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->sleep_lock);
    for (int i = 0; i < p->threads - 1; i++) pthread_join(p->workers[i], NULL);
    free(p->workers);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->sleep_lock);
    pthread_mutex_destroy(&p->run_lock);
    free(p);
}

void rk_pool_run(rk_pool *p, long parts, rk_task_fn fn, void *context) {
    if (parts <= 0) return;
    if (!p || p->threads == 1 || parts == 1) {
        for (long i = 0; i < parts; i++) fn(context, i);
        return;
    }
    pthread_mutex_lock(&p->run_lock);
    p->fn = fn;
    p->context = context;
    p->parts = parts;
    __atomic_store_n(&p->finished, 0, __ATOMIC_RELAXED);
    /* Release: a worker that claims a part of this region sees fn, context and parts. */
    __atomic_store_n(&p->next_part, 0, __ATOMIC_RELEASE);
    __atomic_fetch_add(&p->generation, 1, __ATOMIC_ACQ_REL);
    if (__atomic_load_n(&p->sleepers, __ATOMIC_ACQUIRE) > 0) {
        pthread_mutex_lock(&p->sleep_lock);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->sleep_lock);
    }
    claim_parts(p);
    while (__atomic_load_n(&p->finished, __ATOMIC_ACQUIRE) < parts) CPU_RELAX();
    pthread_mutex_unlock(&p->run_lock);
}
