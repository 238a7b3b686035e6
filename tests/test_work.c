/* test_work.c — work items (src/core/work.c) in one process: every item
 * once into its own record, workspaces per thread, the lowest failing
 * item's error whatever the threads' timing, nested maps inline.  The
 * distribution over MPI ranks is tests/mpi.sh's (make check-mpi). */
#include "fadyn/work.h"

#include <criterion/criterion.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    atomic_int calls[200];
    atomic_int ws_live, ws_made;
    size_t fail_a, fail_b; /* items that fail (n: none) */
    int inner;             /* each item runs a map of its own */
} ctx_t;

typedef struct {
    size_t i;
    double sq;
    int thread_ws; /* the workspace's serial number */
} rec_t;

static void *ws_alloc(void *v, fadyn_err *err) {
    (void)err;
    ctx_t *c = v;
    int *w = malloc(sizeof *w);
    *w = atomic_fetch_add(&c->ws_made, 1);
    atomic_fetch_add(&c->ws_live, 1);
    return w;
}

static void ws_free(void *v, void *ws) {
    ctx_t *c = v;
    atomic_fetch_sub(&c->ws_live, 1);
    free(ws);
}

static int inner_item(void *v, void *ws, size_t i, void *rec, fadyn_err *err) {
    (void)v, (void)ws, (void)err;
    *(size_t *)rec = 10 * i;
    return FADYN_OK;
}

static int item(void *v, void *ws, size_t i, void *rec, fadyn_err *err) {
    ctx_t *c = v;
    rec_t *r = rec;
    atomic_fetch_add(&c->calls[i], 1);
    r->i = i;
    r->sq = (double)i * (double)i;
    r->thread_ws = ws ? *(int *)ws : -1;
    if (i == c->fail_a || i == c->fail_b)
        return fadyn_err_set(err, FADYN_EINVAL, "item %zu failed", i);
    if (c->inner) { /* a map inside an item runs in that thread alone */
        size_t out[3] = {0, 0, 0};
        fadyn_work_job in = {.n = 3, .size = sizeof(size_t), .rec = out, .run = inner_item};
        int rc = fadyn_work_map(&in, err);
        if (rc || out[0] != 0 || out[1] != 10 || out[2] != 20)
            return fadyn_err_set(err, FADYN_EINVAL, "inner map wrong");
    }
    return FADYN_OK;
}

static int map(ctx_t *c, rec_t *rec, size_t n, int threads, fadyn_err *err) {
    fadyn_work_job job = {.n = n,
                          .size = sizeof *rec,
                          .rec = rec,
                          .ctx = c,
                          .threads = threads,
                          .ws_alloc = ws_alloc,
                          .ws_free = ws_free,
                          .run = item};
    return fadyn_work_map(&job, err);
}

Test(work, one_process_is_rank_0_of_1) {
    cr_expect_eq(fadyn_work_rank(), 0);
    cr_expect_eq(fadyn_work_ranks(), 1);
}

Test(work, every_item_once_into_its_record) {
    static ctx_t c;
    memset(&c, 0, sizeof c);
    c.fail_a = c.fail_b = 1000;
    rec_t rec[200];
    memset(rec, 0xff, sizeof rec);
    fadyn_err err;
    fadyn_err_clear(&err);
    cr_assert_eq(map(&c, rec, 200, 3, &err), FADYN_OK);
    for (size_t i = 0; i < 200; i++) {
        cr_expect_eq(atomic_load(&c.calls[i]), 1, "item %zu ran %d times", i,
                     atomic_load(&c.calls[i]));
        cr_expect_eq(rec[i].i, i);
        cr_expect_eq(rec[i].sq, (double)(i * i));
        cr_expect(rec[i].thread_ws >= 0 && rec[i].thread_ws < 3);
    }
    cr_expect_leq(atomic_load(&c.ws_made), 3, "one workspace per thread");
    cr_expect_eq(atomic_load(&c.ws_live), 0, "every workspace freed");
}

Test(work, the_lowest_failing_item_is_reported) {
    for (int rep = 0; rep < 20; rep++) {
        static ctx_t c;
        memset(&c, 0, sizeof c);
        c.fail_a = 17, c.fail_b = 5; /* 5 first in index, whichever thread meets which first */
        rec_t rec[40];
        fadyn_err err;
        fadyn_err_clear(&err);
        int rc = map(&c, rec, 40, 4, &err);
        cr_assert_eq(rc, FADYN_EINVAL);
        cr_expect_eq(err.code, FADYN_EINVAL);
        /* item 5 is handed out before 17, so it runs even if 17 fails first */
        cr_expect_eq(atomic_load(&c.calls[5]), 1);
        cr_expect_str_eq(err.msg, "item 5 failed");
        cr_expect_eq(atomic_load(&c.ws_live), 0);
    }
}

Test(work, one_thread_stops_at_the_first_error) {
    static ctx_t c;
    memset(&c, 0, sizeof c);
    c.fail_a = 7, c.fail_b = 1000;
    rec_t rec[30];
    fadyn_err err;
    fadyn_err_clear(&err);
    cr_assert_eq(map(&c, rec, 30, 1, &err), FADYN_EINVAL);
    cr_expect_str_eq(err.msg, "item 7 failed");
    for (size_t i = 0; i < 30; i++)
        cr_expect_eq(atomic_load(&c.calls[i]), i <= 7 ? 1 : 0, "item %zu", i);
}

Test(work, a_map_inside_an_item_runs_inline) {
    static ctx_t c;
    memset(&c, 0, sizeof c);
    c.fail_a = c.fail_b = 1000;
    c.inner = 1;
    rec_t rec[16];
    fadyn_err err;
    fadyn_err_clear(&err);
    cr_expect_eq(map(&c, rec, 16, 2, &err), FADYN_OK, "%s", err.msg);
    for (size_t i = 0; i < 16; i++)
        cr_expect_eq(atomic_load(&c.calls[i]), 1);
}

Test(work, no_items_no_calls) {
    static ctx_t c;
    memset(&c, 0, sizeof c);
    fadyn_err err;
    fadyn_err_clear(&err);
    cr_expect_eq(map(&c, NULL, 0, 2, &err), FADYN_OK);
    cr_expect_eq(atomic_load(&c.ws_made), 0);
}

/* fadyn_work_hash is FNV-1a (64 bits): the published test vectors, and
 * one hash in two pieces equal to the hash of the whole; in one process
 * the agreement calls return what they are given. */
Test(work, the_hash_is_fnv1a_and_one_process_agrees_with_itself) {
    cr_expect_eq(fadyn_work_hash(0, "", 0), 0xcbf29ce484222325ULL);
    cr_expect_eq(fadyn_work_hash(0, "a", 1), 0xaf63dc4c8601ec8cULL);
    cr_expect_eq(fadyn_work_hash(0, "foobar", 6), 0x85944171f73967e8ULL);
    cr_expect_eq(fadyn_work_hash(fadyn_work_hash(0, "foo", 3), "bar", 3),
                 fadyn_work_hash(0, "foobar", 6));
    fadyn_err err;
    fadyn_err_clear(&err);
    cr_expect_eq(fadyn_work_agree(FADYN_EINVAL, &err), FADYN_EINVAL);
    cr_expect_eq(fadyn_work_agree(FADYN_OK, &err), FADYN_OK);
    cr_expect_eq(fadyn_work_same(42), 1);
}
