/* test_core.c — the core utilities: splitmix64 against its published
 * sequence, the stream seeds derived from it, and a problem's digest. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* The first outputs of splitmix64 from state 0 (Vigna's reference
 * splitmix64.c): the state advances by γ before each output. */
Test(seed, splitmix64_reference_sequence) {
    const uint64_t gamma = 0x9e3779b97f4a7c15ULL;
    const uint64_t want[4] = {0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL, 0x06c45d188009454fULL,
                              0xf88bb8a8724c81ecULL};
    for (uint64_t k = 0; k < 4; k++)
        cr_expect_eq(fadyn_splitmix64(k * gamma), want[k], "output %lu", (unsigned long)k);
}

/* A stream seed is the low 32 bits of the finaliser at state
 * seed·γ + stream + 1: seed 1, stream −1 is state γ, the reference's first
 * output.  Distinct (seed, stream) pairs give distinct seeds here. */
Test(seed, stream_seeds_are_32_bit_and_distinct) {
    cr_expect_eq(fadyn_seed_mix(1, (unsigned long)-1), 0x7b1dcdafUL);
    unsigned long seen[64];
    size_t n = 0;
    for (unsigned long seed = 1; seed <= 8; seed++)
        for (unsigned long stream = 0; stream < 8; stream++) {
            unsigned long s = fadyn_seed_mix(seed, stream);
            cr_expect_leq(s, 0xffffffffUL);
            for (size_t i = 0; i < n; i++)
                cr_expect_neq(s, seen[i], "seed %lu stream %lu repeats", seed, stream);
            seen[n++] = s;
        }
}

/* Sizes with an overflow check (fadyn/size.h, issue 13): products and sums
 * at the edge of size_t, and an allocation whose size would wrap. */
Test(size, products_and_sums_report_overflow_at_the_edge) {
    size_t r = 7;
    cr_expect_eq(fadyn_mul_size_overflow(SIZE_MAX, 1, &r), 0);
    cr_expect_eq(r, SIZE_MAX);
    cr_expect_eq(fadyn_mul_size_overflow(SIZE_MAX / 2, 2, &r), 0);
    cr_expect_eq(r, SIZE_MAX - 1);
    r = 7;
    cr_expect_eq(fadyn_mul_size_overflow(SIZE_MAX / 2 + 1, 2, &r), 1);
    cr_expect_eq(r, 7, "untouched on overflow");
    cr_expect_eq(fadyn_mul_size_overflow((size_t)1 << 32, (size_t)1 << 32, &r), 1);
    cr_expect_eq(fadyn_mul_size_overflow(0, SIZE_MAX, &r), 0);
    cr_expect_eq(r, 0);
    cr_expect_eq(fadyn_add_size_overflow(SIZE_MAX - 3, 3, &r), 0);
    cr_expect_eq(r, SIZE_MAX);
    cr_expect_eq(fadyn_add_size_overflow(SIZE_MAX, 3, &r), 1, "SIZE_MAX + 3 would wrap to 2");
    /* 2^62 x 4 x 8 wraps to 0 in size_t: refused, not a 0-byte block */
    cr_expect_null(fadyn_malloc_n((size_t)1 << 62, 4, sizeof(double)));
    void *p = fadyn_malloc_n(3, 4, sizeof(double));
    cr_expect_not_null(p);
    free(p);
}

/* The row count of a training run from examples / eval_every + 3 wrapped
 * for examples = SIZE_MAX (a heap overflow): now an error, nothing run. */
Test(size, a_training_run_of_size_max_examples_is_refused) {
    fadyn_task_params tp = fadyn_task_params_default(FADYN_TASK_LINEAR);
    tp.inputs = 3, tp.outputs = 2, tp.n_test = 10;
    fadyn_task task;
    fadyn_err err;
    cr_assert_eq(fadyn_task_alloc(&task, &tp, &err), FADYN_OK, "%s", err.msg);
    size_t sizes[] = {3, 2, 2};
    fadyn_net_spec spec = fadyn_net_spec_make(2, sizes, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    fadyn_train_params par = fadyn_train_params_default();
    par.examples = SIZE_MAX;
    par.eval_every = 1;
    fadyn_train_result res;
    cr_expect_lt(fadyn_train_run(&task, &spec, th_rule("fa"), &par, 1, &res), 0);
    cr_expect_eq(res.nrows, 0);
    cr_expect_null(res.rows);
    fadyn_train_result_free(&res);
    fadyn_task_free(&task);
}

/* fadyn/cost.h: the counts of docs/figures.md ("Speed"), 6 flops per weight
 * per example learned and 2 per weight per held-out point evaluated. */
Test(cost, training_flops_are_six_per_weight_and_example_plus_the_evaluations) {
    /* 800 weights, 1000 examples, 3 runs, 11 evaluations on 100 points:
     * 3 (6 800 1000 + 2 800 100 11) = 3 (4.8e6 + 1.76e6) = 1.968e7 */
    cr_assert_eq(fadyn_cost_training(800, 1000, 3, 11, 100), 1.968e7);
    cr_assert_eq(fadyn_cost_evaluations(1000, 100), 11.0); /* at 0, 100, ..., 1000 */
    cr_assert_eq(fadyn_cost_evaluations(1001, 100), 12.0); /* the last one at the end */
    cr_assert_eq(fadyn_cost_evaluations(1000, 0), 2.0);    /* start and end */
    /* no count overflows: 1e3 runs x 1e10 examples x 1e8 weights */
    cr_assert_float_eq(fadyn_cost_training(1e8, 1e10, 1e3, 0, 0), 6e21, 1e7);
}

Test(cost, durations_read_as_the_messages_say) {
    char d[64];
    const struct {
        double s;
        const char *text;
    } cases[] = {{12, "12 s"},
                 {2400, "40 min"},
                 {3600, "an hour"},
                 {5 * 3600, "5 hours"},
                 {4 * 86400, "4 days"},
                 {600 * 365.25 * 86400, "600 years"},
                 {NAN, "an unknown time"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fadyn_cost_duration(cases[i].s, d, sizeof d);
        cr_expect_str_eq(d, cases[i].text, "%g s", cases[i].s);
    }
    /* the limits' times: FADYN_WORK_LIMIT an hour at FADYN_WORK_RATE */
    fadyn_cost_duration(FADYN_WORK_LIMIT / FADYN_WORK_RATE, d, sizeof d);
    cr_expect_str_eq(d, "an hour");
}

/* fadyn_problem_hash tells problems apart by every part the ranks must
 * share — T, B, the weights, Σ — and two equal problems hash alike. */
Test(problem, the_hash_changes_with_each_part) {
    const size_t sz[] = {3, 2, 2};
    fadyn_problem p, q;
    cr_assert_eq(fadyn_problem_alloc(&p, 2, sz, fadyn_rule_type_find("fa"), NULL), FADYN_OK);
    cr_assert_eq(fadyn_problem_alloc(&q, 2, sz, fadyn_rule_type_find("fa"), NULL), FADYN_OK);
    unsigned long long h = fadyn_problem_hash(&p);
    cr_expect_eq(fadyn_problem_hash(&q), h);
    double *part[3] = {q.T, q.B[0], q.w0 + q.dim - 1};
    for (int k = 0; k < 3; k++) {
        *part[k] = 0.25;
        cr_expect_neq(fadyn_problem_hash(&q), h, "part %d changed, the hash did not", k);
        *part[k] = 0.0;
        cr_expect_eq(fadyn_problem_hash(&q), h);
    }
    const double sigma[3] = {1.0, 2.0, 3.0};
    cr_assert_eq(fadyn_problem_set_sigma(&q, sigma, NULL), FADYN_OK);
    cr_expect_neq(fadyn_problem_hash(&q), h, "sigma set, the hash did not change");
    fadyn_problem_free(&p);
    fadyn_problem_free(&q);
}
