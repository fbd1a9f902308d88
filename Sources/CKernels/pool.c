/* Fork-join pool. A region is announced by publishing a 64-bit ticket that packs the region's
 * generation, its number of parts and the next unclaimed part. Every thread (caller included)
 * claims parts with a compare-and-swap on the ticket, so a claim can never mix two regions: a
 * thread that wakes late finds a newer generation and backs off. The caller returns once every
 * part of its region has finished. Workers spin on the ticket for 200 us (measured by the clock,
 * not by iterations: a PAUSE takes 10 to 150 cycles depending on the CPU) before sleeping on a
 * condition variable, so back-to-back regions (one per layer per step) do not pay a wake-up each.
 *
 * Background items (rk_pool_background_*): work the caller needs by a later point, not now (the
 * next minibatch's perturbed images). Workers run them one at a time only while no region is
 * waiting, so they fill the gaps a step leaves (its serial parts) instead of competing with the
 * step for a core; the caller runs whatever is left when it needs the results. They are claimed
 * with a ticket of the same kind as regions'. */
#include "CKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

enum { YIELD_EVERY = 1024, CLOCK_EVERY = 256 };
static const long SPIN_NANOSECONDS = 200000;

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* ticket = generation (24 bits) | parts (20 bits) | next part (20 bits) */
#define TICKET(gen, parts, next) (((uint64_t)(gen) << 40) | ((uint64_t)(parts) << 20) | (uint64_t)(next))
#define GEN(t) ((t) >> 40)
#define PARTS(t) (((t) >> 20) & 0xFFFFF)
#define NEXT(t) ((t) & 0xFFFFF)
#define MAX_PARTS 0xFFFFF

struct rk_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t run_lock;   /* serialises rk_pool_run */
    pthread_mutex_t sleep_lock; /* with wake: sleeping workers */
    pthread_cond_t wake;
    uint64_t ticket;            /* atomic */
    int sleepers;               /* atomic */
    int stopping;               /* atomic */
    rk_task_fn fn;              /* of the current region; written before its ticket is published */
    void *context;
    long finished;              /* atomic: parts of the current region done */
    int background_busy;        /* atomic: a background batch is between start and finish */
    uint64_t background;        /* atomic: the background batch's ticket */
    rk_background_fn background_fn;
    void *background_context;
    long background_done;       /* atomic: items of the batch finished */
};

/* Claims and runs one item of the background batch as thread `thread`; 0 when none is left. */
static int run_background_item(rk_pool *p, int thread) {
    uint64_t t = __atomic_load_n(&p->background, __ATOMIC_ACQUIRE);
    for (;;) {
        if (NEXT(t) >= PARTS(t)) return 0;
        if (__atomic_compare_exchange_n(&p->background, &t, t + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) break;
    }
    /* The batch cannot finish before this item does, so fn and context are still its own. */
    p->background_fn(p->background_context, (long)NEXT(t), thread);
    __atomic_fetch_add(&p->background_done, 1, __ATOMIC_RELEASE);
    return 1;
}

static int background_waiting(rk_pool *p) {
    uint64_t t = __atomic_load_n(&p->background, __ATOMIC_ACQUIRE);
    return NEXT(t) < PARTS(t);
}

/* Claims and runs parts of region `gen` until none is left (or a newer region started). */
static void claim_parts(rk_pool *p, uint64_t gen) {
    uint64_t t = __atomic_load_n(&p->ticket, __ATOMIC_ACQUIRE);
    for (;;) {
        if (GEN(t) != gen || NEXT(t) >= PARTS(t)) return;
        if (!__atomic_compare_exchange_n(&p->ticket, &t, t + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) continue;
        /* The region cannot end before this part finishes, so fn and context are still its own. */
        p->fn(p->context, (long)NEXT(t));
        __atomic_fetch_add(&p->finished, 1, __ATOMIC_RELEASE);
        t = __atomic_load_n(&p->ticket, __ATOMIC_ACQUIRE);
    }
}

struct worker_start {
    rk_pool *pool;
    int thread;
};

static void *worker_main(void *arg) {
    struct worker_start start = *(struct worker_start *)arg;
    free(arg);
    rk_pool *p = start.pool;
    uint64_t seen = 0;
    for (;;) {
        uint64_t t;
        long spins = 0, spin_start = now_ns();
        while (GEN(t = __atomic_load_n(&p->ticket, __ATOMIC_ACQUIRE)) == seen && !__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE)) {
            if (run_background_item(p, start.thread)) {
                spins = 0;
                spin_start = now_ns();
                continue;
            }
            if (++spins % CLOCK_EVERY != 0 || now_ns() - spin_start < SPIN_NANOSECONDS) {
                CPU_RELAX();
                continue;
            }
            pthread_mutex_lock(&p->sleep_lock);
            __atomic_fetch_add(&p->sleepers, 1, __ATOMIC_ACQ_REL);
            while (GEN(__atomic_load_n(&p->ticket, __ATOMIC_ACQUIRE)) == seen && !__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE)
                   && !background_waiting(p))
                pthread_cond_wait(&p->wake, &p->sleep_lock);
            __atomic_fetch_sub(&p->sleepers, 1, __ATOMIC_ACQ_REL);
            pthread_mutex_unlock(&p->sleep_lock);
            spins = 0;
            spin_start = now_ns();
        }
        if (__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE)) return NULL;
        seen = GEN(t);
        claim_parts(p, seen);
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
            struct worker_start *start = malloc(sizeof *start);
            if (start) *start = (struct worker_start){p, i + 1};
            if (!start || pthread_create(&p->workers[i], NULL, worker_main, start) != 0) {
                free(start);
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
    if (!p || p->threads == 1 || parts == 1 || parts > MAX_PARTS) {
        for (long i = 0; i < parts; i++) fn(context, i);
        return;
    }
    pthread_mutex_lock(&p->run_lock);
    p->fn = fn;
    p->context = context;
    __atomic_store_n(&p->finished, 0, __ATOMIC_RELAXED);
    uint64_t gen = (GEN(__atomic_load_n(&p->ticket, __ATOMIC_RELAXED)) + 1) & 0xFFFFFF;
    if (gen == 0) gen = 1; /* 0 is the workers' initial "seen" */
    /* Release: whoever acquires this ticket sees fn, context and the reset counter. */
    __atomic_store_n(&p->ticket, TICKET(gen, parts, 0), __ATOMIC_RELEASE);
    if (__atomic_load_n(&p->sleepers, __ATOMIC_ACQUIRE) > 0) {
        pthread_mutex_lock(&p->sleep_lock);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->sleep_lock);
    }
    claim_parts(p, gen);
    for (long spins = 1; __atomic_load_n(&p->finished, __ATOMIC_ACQUIRE) < parts; spins++) {
        /* On an oversubscribed machine the thread holding the last part may be descheduled. */
        if (spins % YIELD_EVERY == 0) sched_yield(); else CPU_RELAX();
    }
    pthread_mutex_unlock(&p->run_lock);
}

int rk_pool_background_start(rk_pool *p, long items, rk_background_fn fn, void *context) {
    if (!p || p->threads == 1 || items <= 0 || items > MAX_PARTS) {
        for (long i = 0; i < items; i++) fn(context, i, 0);
        return 0;
    }
    /* One batch at a time per pool (pools are shared by thread count): wait for another
       caller's batch to be finished. */
    for (long spins = 1;; spins++) {
        int idle = 0;
        if (__atomic_compare_exchange_n(&p->background_busy, &idle, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) break;
        if (spins % YIELD_EVERY == 0) sched_yield(); else CPU_RELAX();
    }
    p->background_fn = fn;
    p->background_context = context;
    __atomic_store_n(&p->background_done, 0, __ATOMIC_RELAXED);
    uint64_t gen = (GEN(__atomic_load_n(&p->background, __ATOMIC_RELAXED)) + 1) & 0xFFFFFF;
    __atomic_store_n(&p->background, TICKET(gen, items, 0), __ATOMIC_RELEASE);
    if (__atomic_load_n(&p->sleepers, __ATOMIC_ACQUIRE) > 0) {
        pthread_mutex_lock(&p->sleep_lock);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->sleep_lock);
    }
    return 1;
}

void rk_pool_background_finish(rk_pool *p) {
    if (!p || p->threads == 1) return;
    while (run_background_item(p, 0)) {}
    long items = (long)PARTS(__atomic_load_n(&p->background, __ATOMIC_ACQUIRE));
    for (long spins = 1; __atomic_load_n(&p->background_done, __ATOMIC_ACQUIRE) < items; spins++) {
        if (spins % YIELD_EVERY == 0) sched_yield(); else CPU_RELAX();
    }
    __atomic_store_n(&p->background_busy, 0, __ATOMIC_RELEASE);
}
