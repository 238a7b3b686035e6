/* par.c — chunks shared by the calling thread and helper threads that join
 * by claiming (see par.h). */
#include "par.h"
#include "fadyn/clock.h"

#include <cblas.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

enum {
    PAR_MAX_HELPERS = 63,
    PAR_MAX_LEVEL = 10, /* longest back-off: PAR_SKIP_BASE << 10 calls */
    PAR_SKIP_BASE = 4,
};

/* A stall: the caller waited on claimed chunks longer than this share of
 * its own time in the loop, plus PAR_STALL_ABS seconds. */
static const double par_stall_share = 0.25, par_stall_abs = 20e-6;

/* The job being shared.  `claim` holds the job's generation (high 32 bits)
 * and the next chunk (low 32 bits): a helper that wakes late, after its
 * job is over, finds another generation and claims nothing, so it never
 * touches a finished caller's data. */
static struct {
    pthread_mutex_t m;
    pthread_cond_t wake;
    atomic_flag busy; /* a caller owns the job */
    int helpers, want;
    uint32_t gen;
    void (*fn)(void *, size_t);
    void *ctx;
    size_t n;
    _Atomic uint64_t claim;
    atomic_size_t done;
    atomic_uint level, skip;
    atomic_ulong shared, helper_chunks, stalls, backed_off;
} pool = {
    .m = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER, .busy = ATOMIC_FLAG_INIT};

/* Claim and run chunks of generation gen until none is left; returns how
 * many this thread ran. */
static size_t work(uint32_t gen, void (*fn)(void *, size_t), void *ctx, size_t n) {
    size_t ran = 0;
    uint64_t c = atomic_load(&pool.claim);
    for (;;) {
        size_t i = (size_t)(c & 0xffffffffu);
        if ((uint32_t)(c >> 32) != gen || i >= n) break;
        if (!atomic_compare_exchange_weak(&pool.claim, &c, c + 1)) continue;
        fn(ctx, i);
        atomic_fetch_add(&pool.done, 1);
        ran++;
        c = atomic_load(&pool.claim);
    }
    return ran;
}

static void *helper(void *arg) {
    int id = (int)(intptr_t)arg;
    uint32_t seen = 0;
    pthread_mutex_lock(&pool.m);
    for (;;) {
        while (pool.gen == seen)
            pthread_cond_wait(&pool.wake, &pool.m);
        seen = pool.gen;
        if (id >= pool.want) continue;
        void (*fn)(void *, size_t) = pool.fn;
        void *ctx = pool.ctx;
        size_t n = pool.n;
        pthread_mutex_unlock(&pool.m);
        size_t ran = work(seen, fn, ctx, n);
        atomic_fetch_add(&pool.helper_chunks, ran);
        pthread_mutex_lock(&pool.m);
    }
    return NULL;
}

/* Start helpers up to `want` (under pool.m); fewer if the system refuses. */
static void start_helpers(int want) {
    if (want > PAR_MAX_HELPERS) want = PAR_MAX_HELPERS;
    while (pool.helpers < want) {
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &at, helper, (void *)(intptr_t)pool.helpers);
        pthread_attr_destroy(&at);
        if (rc != 0) break;
        pool.helpers++;
    }
}

static void inline_loop(size_t n, void (*fn)(void *, size_t), void *ctx) {
    for (size_t i = 0; i < n; i++)
        fn(ctx, i);
}

void fadyn_par_for(size_t n, int threads, void (*fn)(void *ctx, size_t i), void *ctx) {
    if (threads <= 1 || n <= 1 || n > 0xffffffffu || omp_in_parallel()) {
        inline_loop(n, fn, ctx);
        return;
    }
    unsigned skip = atomic_load(&pool.skip);
    if (skip > 0) { /* backing off after a stall */
        atomic_compare_exchange_strong(&pool.skip, &skip, skip - 1);
        atomic_fetch_add(&pool.backed_off, 1);
        inline_loop(n, fn, ctx);
        return;
    }
    if (atomic_flag_test_and_set(&pool.busy)) { /* another caller has the helpers */
        inline_loop(n, fn, ctx);
        return;
    }
    pthread_mutex_lock(&pool.m);
    start_helpers(threads - 1);
    if (pool.helpers == 0) {
        pthread_mutex_unlock(&pool.m);
        atomic_flag_clear(&pool.busy);
        inline_loop(n, fn, ctx);
        return;
    }
    uint32_t gen = ++pool.gen;
    if (gen == 0) gen = ++pool.gen; /* 0 is what a new helper has seen */
    pool.want = threads - 1;
    pool.fn = fn, pool.ctx = ctx, pool.n = n;
    atomic_store(&pool.done, 0);
    atomic_store(&pool.claim, (uint64_t)gen << 32);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.m);

    double t0 = fadyn_wall_seconds();
    work(gen, fn, ctx, n);
    double t1 = fadyn_wall_seconds();
    for (unsigned spins = 0; atomic_load(&pool.done) < n; spins++)
        if (spins > 1000) sched_yield(); /* a claimed chunk still running */
    double waited = fadyn_wall_seconds() - t1;

    atomic_fetch_add(&pool.shared, 1);
    unsigned level = atomic_load(&pool.level);
    if (waited > par_stall_share * (t1 - t0) + par_stall_abs) {
        atomic_fetch_add(&pool.stalls, 1);
        if (level < PAR_MAX_LEVEL) level++;
        atomic_store(&pool.skip, (unsigned)PAR_SKIP_BASE << level);
    } else if (level > 0) {
        level--;
    }
    atomic_store(&pool.level, level);
    atomic_flag_clear(&pool.busy);
}

int fadyn_par_threads(void) {
    return openblas_get_num_threads();
}

fadyn_par_stats fadyn_par_stats_get(void) {
    fadyn_par_stats s = {atomic_load(&pool.shared), atomic_load(&pool.helper_chunks),
                         atomic_load(&pool.stalls), atomic_load(&pool.backed_off)};
    return s;
}
