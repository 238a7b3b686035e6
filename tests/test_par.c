/* test_par.c — the threading layer of fadyn's own loops (src/core/par.c):
 * every chunk once, inline where it must be, and a helper stalled in the
 * middle of a chunk makes the following calls run alone. */
#include "../src/core/par.h"
#include "fadyn/clock.h"

#include <criterion/criterion.h>
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
    atomic_int *hits;
    pthread_t caller;
    atomic_int others; /* chunks run by another thread */
    int sleep_other_ms;
    int spin_us;
} job;

static void spin(int us) {
    double t0 = fadyn_wall_seconds();
    while (fadyn_wall_seconds() - t0 < 1e-6 * us)
        ;
}

static void chunk(void *ctx, size_t i) {
    job *j = ctx;
    atomic_fetch_add(&j->hits[i], 1);
    if (!pthread_equal(pthread_self(), j->caller)) {
        atomic_fetch_add(&j->others, 1);
        if (j->sleep_other_ms) {
            struct timespec ts = {0, j->sleep_other_ms * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    if (j->spin_us) spin(j->spin_us);
}

static job make_job(size_t n) {
    job j = {calloc(n, sizeof(atomic_int)), pthread_self(), 0, 0, 0};
    cr_assert_not_null(j.hits);
    return j;
}

Test(par, every_chunk_runs_once) {
    enum { N = 5000 };
    job j = make_job(N);
    for (int rep = 0; rep < 100; rep++) {
        fadyn_par_for(N, 2, chunk, &j);
        for (size_t i = 0; i < N; i++)
            cr_assert_eq(atomic_load(&j.hits[i]), rep + 1, "chunk %zu ran %d times after %d calls",
                         i, atomic_load(&j.hits[i]), rep + 1);
    }
    free(j.hits);
}

Test(par, one_thread_and_parallel_regions_run_inline) {
    enum { N = 64 };
    job j = make_job(N);
    fadyn_par_for(N, 1, chunk, &j);
    cr_expect_eq(atomic_load(&j.others), 0);
#pragma omp parallel num_threads(2)
    {
#pragma omp single
        {
            job k = make_job(N);
            fadyn_par_for(N, 2, chunk, &k);
            cr_expect_eq(atomic_load(&k.others), 0, "inside a parallel region: on the caller");
            for (size_t i = 0; i < N; i++)
                cr_expect_eq(atomic_load(&k.hits[i]), 1);
            free(k.hits);
        }
    }
    free(j.hits);
}

/* The caller's chunks take 20 ms in all, so a helper has time to wake and
 * take some; each of the helper's chunks sleeps 30 ms, so the caller waits
 * for it: a stall, and the next calls run on the caller alone. */
Test(par, a_stalled_helper_makes_the_next_calls_run_alone) {
    enum { N = 100 };
    job j = make_job(N);
    j.spin_us = 200;
    j.sleep_other_ms = 30;
    fadyn_par_stats s0 = fadyn_par_stats_get();
    int tries = 0;
    while (fadyn_par_stats_get().stalls == s0.stalls && tries++ < 20)
        fadyn_par_for(N, 2, chunk, &j);
    fadyn_par_stats s1 = fadyn_par_stats_get();
    cr_assert_gt(s1.stalls, s0.stalls, "no stall seen in %d calls (helper chunks %lu)", tries,
                 s1.helper_chunks - s0.helper_chunks);
    int before = atomic_load(&j.others);
    j.sleep_other_ms = 0;
    fadyn_par_for(N, 2, chunk, &j);
    fadyn_par_stats s2 = fadyn_par_stats_get();
    cr_expect_eq(s2.backed_off, s1.backed_off + 1, "the call after a stall runs alone");
    cr_expect_eq(atomic_load(&j.others), before);
    for (size_t i = 0; i < N; i++)
        cr_expect_eq(atomic_load(&j.hits[i]), tries + 1);
    free(j.hits);
}
