/* test_compare.c — the discrete trainer converges to its expected ODE as
 * η → 0 and K → ∞ (docs/theory.md §2), and `fadyn compare`'s bad input. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void trend_for(const fadyn_rule_type *rule, unsigned long seed, size_t depth,
                      const size_t *sz, double sigma2) {
    fadyn_problem p;
    th_problem(&p, depth, sz, rule, seed, 0.01);
    if (sigma2 != 1.0) { /* anisotropic inputs: the ODE's Σ and the trainer's samples agree */
        double s[16];
        for (size_t i = 0; i < sz[0]; i++)
            s[i] = sigma2 * (1.0 + 0.1 * (double)i);
        cr_assert_eq(fadyn_problem_set_sigma(&p, s, NULL), FADYN_OK);
    }
    fadyn_compare_params cp = fadyn_compare_params_default();
    cp.t_end = 4.0;
    cp.repeats = 2;
    double etas[] = {0.04, 0.01};
    size_t batches[] = {10, 1000};
    fadyn_compare_row rows[4];
    fadyn_err err;
    cr_assert_eq(fadyn_compare_grid(&p, &cp, etas, 2, batches, 2, seed, rows, &err), FADYN_OK, "%s",
                 err.msg);
    /* rows: (0.04,10) (0.04,1000) (0.01,10) (0.01,1000) */
    for (int c = 0; c < 4; c++) {
        cr_assert_eq(rows[c].status, FADYN_OK);
        cr_assert_float_eq(rows[c].t, etas[c / 2] * (double)rows[c].steps, 1e-12);
        cr_assert(rows[c].t >= cp.t_end);
    }
    const char *rn = rule->name;
    /* Euler's error: smaller η at large K (first order: a factor 4 expected) */
    cr_assert(rows[3].deviation < 0.6 * rows[1].deviation, "%s eta: %g vs %g", rn,
              rows[3].deviation, rows[1].deviation);
    /* sampling noise: larger K at small η */
    cr_assert(rows[3].deviation < 0.6 * rows[2].deviation, "%s K: %g vs %g", rn, rows[3].deviation,
              rows[2].deviation);
    cr_assert(rows[3].deviation < 0.3 * rows[0].deviation, "%s both", rn);
    cr_assert(rows[3].loss_deviation < rows[0].loss_deviation, "%s loss", rn);
    cr_assert(rows[3].deviation < 0.02, "%s: trainer at eta 0.01, K 1000 is %g away", rn,
              rows[3].deviation);
    fadyn_problem_free(&p);
}

static const size_t SMALL[] = {8, 6, 4}, DEEP[] = {10, 8, 6, 4};

Test(compare, deviation_shrinks_as_eta_falls_and_batch_grows_fa) {
    trend_for(th_rule("fa"), 2, 2, SMALL, 1.0);
}
Test(compare, deviation_shrinks_as_eta_falls_and_batch_grows_bp) {
    trend_for(th_rule("bp"), 3, 2, SMALL, 1.0);
}
Test(compare, the_trend_holds_for_a_deep_fa_chain_and_anisotropic_inputs) {
    trend_for(th_rule("fa"), 5, 3, DEEP, 1.5);
}

Test(compare, shallow_with_zero_hidden_motion_matches) {
    /* shallow: A never moves in either engine */
    fadyn_problem p;
    size_t sz[] = {5, 4, 3};
    th_problem(&p, 2, sz, th_rule("shallow"), 4, 0.3);
    fadyn_compare_params cp = fadyn_compare_params_default();
    cp.t_end = 2.0;
    fadyn_compare_row row;
    cr_assert_eq(fadyn_compare_one(&p, &cp, 0.01, 2000, 1, &row, NULL), FADYN_OK);
    cr_assert(row.deviation < 0.02, "%g", row.deviation);
    fadyn_compare_params bad = cp;
    bad.samples = 1;
    fadyn_err e;
    cr_assert_eq(fadyn_compare_params_check(&bad, &e), FADYN_EINVAL);
    bad = cp;
    bad.repeats = 0;
    cr_assert_eq(fadyn_compare_params_check(&bad, &e), FADYN_EINVAL);
    bad = cp;
    bad.t_end = -1;
    cr_assert_eq(fadyn_compare_params_check(&bad, &e), FADYN_EINVAL);
    fadyn_problem_free(&p);
}

Test(compare_cli, bad_input_exit_2_and_json_rows) {
    const char *bad[] = {"compare --etas 0.01,0",
                         "compare --batches 0",
                         "compare --rule np",
                         "compare --samples 1",
                         "compare --repeats 0",
                         "compare --sizes 30,10",
                         "compare --out /nonexistent/x.tsv",
                         "compare --t-end -1",
                         "compare --sigma 1,2"};
    char line[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(th_run(bad[i], line, sizeof line), 2, "%s", bad[i]);
        cr_assert(strncmp(line, "fadyn compare: ", 15) == 0, "%s: %s", bad[i], line);
    }
    char dir[256], cmd[1024];
    th_tmpdir(dir, sizeof dir);
    snprintf(
        cmd, sizeof cmd,
        "compare --sizes 6,5,3 --t-end 1 --etas 0.05,0.02 --batches 10,100 --summary %s/c.json",
        dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(cmd, sizeof cmd, "%s/c.json", dir);
    json_t *j = json_load_file(cmd, 0, NULL);
    cr_assert_not_null(j);
    json_t *rows = json_object_get(j, "rows");
    cr_assert_eq(json_array_size(rows), 4);
    for (size_t i = 0; i < 4; i++) {
        json_t *r = json_array_get(rows, i);
        cr_assert(json_is_number(json_object_get(r, "eta")));
        cr_assert(json_is_integer(json_object_get(r, "batch")));
        cr_assert(json_real_value(json_object_get(r, "deviation")) > 0);
    }
    json_decref(j);
}

/* The trend compares the cells at the extreme η and K wherever they are in
 * the given order, and the TSV groups the rows by batch. */
Test(compare, trend_and_table_follow_the_extreme_cells) {
    double etas[3] = {0.003, 0.01, 0.001};
    size_t batches[2] = {100, 10};
    fadyn_compare_row rows[6];
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++) /* a deviation falling with η and with K */
            rows[i * 2 + j] = (fadyn_compare_row){.eta = etas[i],
                                                  .batch = batches[j],
                                                  .deviation = etas[i] / sqrt((double)batches[j])};
    fadyn_compare_table t = {rows, etas, 3, batches, 2};
    int eta_ok, batch_ok;
    fadyn_compare_trend(&t, &eta_ok, &batch_ok);
    cr_expect(eta_ok && batch_ok);
    rows[2 * 2 + 0].deviation = 1.0; /* smallest η at the largest K no longer the smallest */
    fadyn_compare_trend(&t, &eta_ok, &batch_ok);
    cr_expect(!eta_ok && !batch_ok);
    char dir[64], path[128], line[256];
    th_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/c.tsv", dir);
    cr_assert_eq(fadyn_compare_write(path, &t, NULL), FADYN_OK);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(line, sizeof line, f)); /* header */
    for (size_t j = 0; j < 2; j++)
        for (size_t i = 0; i < 3; i++) {
            double eta, batch;
            cr_assert_not_null(fgets(line, sizeof line, f));
            cr_assert_eq(sscanf(line, "%lf\t%lf", &eta, &batch), 2);
            cr_expect(eta == etas[i] && batch == (double)batches[j], "row %zu,%zu: %s", i, j, line);
        }
    fclose(f);
    remove(path);
    remove(dir);
}
