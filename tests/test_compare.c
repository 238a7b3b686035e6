/* test_compare.c — the discrete trainer converges to its expected ODE as
 * η → 0 and K → ∞ (docs/theory.md §2), and `fadyn compare`'s bad input. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

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
    fadyn_compare_rows_free(rows, 4);
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
    fadyn_compare_rows_free(&row, 1);
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

/* deviation is the mean over repeats of the end value, deviation_max the
 * mean over repeats of each repeat's largest value over the samples,
 * deviation_worst the largest of those: repeat 0 alone (repeats = 1) gives
 * m0, so repeats = 2 must give the mean (m0 + m1)/2 and the worst max(m0, m1). */
Test(compare, deviation_max_is_a_mean_over_repeats_and_worst_the_largest) {
    fadyn_problem p;
    th_problem(&p, 2, SMALL, th_rule("fa"), 7, 0.01);
    fadyn_compare_params cp = fadyn_compare_params_default();
    cp.t_end = 1.0;
    fadyn_compare_row one, two;
    cr_assert_eq(fadyn_compare_one(&p, &cp, 0.02, 5, 3, &one, NULL), FADYN_OK);
    cp.repeats = 2;
    cr_assert_eq(fadyn_compare_one(&p, &cp, 0.02, 5, 3, &two, NULL), FADYN_OK);
    double m0 = one.deviation_max, m1 = 2.0 * two.deviation_max - m0;
    cr_assert_float_eq(one.deviation_worst, m0, 1e-15 * m0);
    cr_assert(fabs(m1 - m0) > 1e-3 * m0, "the two streams differ: %g %g", m0, m1);
    cr_assert_float_eq(two.deviation_worst, fmax(m0, m1), 1e-12 * m0);
    cr_assert(two.deviation_max < two.deviation_worst, "mean %g, worst %g", two.deviation_max,
              two.deviation_worst);
    /* the NSE(t) curves: S samples from t = 0 to t, the ends the reported values */
    cr_assert_eq(two.samples, cp.samples);
    cr_assert_float_eq(two.t_at[0], 0.0, 1e-15);
    cr_assert_float_eq(two.t_at[two.samples - 1], two.t, 1e-12);
    cr_assert_float_eq(two.nse_train_at[two.samples - 1], two.nse_train, 1e-15);
    cr_assert_float_eq(two.nse_ode_at[two.samples - 1], two.nse_ode, 1e-15);
    cr_assert_float_eq(two.nse_ode_at[0], one.nse_ode_at[0], 1e-15);
    cr_assert_float_eq(two.nse_ode_at[0], two.nse_train_at[0], 1e-12); /* same start */
    fadyn_compare_rows_free(&one, 1);
    fadyn_compare_rows_free(&two, 1);
    fadyn_problem_free(&p);
}

/* The trend is judged on the finite cells: with the cells the old rule
 * compared diverged, the next finite ones decide; an axis without two
 * finite cells is n/a.  Every failed cell is listed. */
Test(compare, trend_on_the_finite_cells_and_every_diverged_cell_listed) {
    double etas[3] = {0.1, 0.01, 0.001};
    size_t batches[2] = {10, 1000};
    fadyn_compare_row rows[6];
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++)
            rows[i * 2 + j] = (fadyn_compare_row){.eta = etas[i],
                                                  .batch = batches[j],
                                                  .deviation = etas[i] / sqrt((double)batches[j])};
    for (size_t c = 0; c < 6; c += 5) { /* (0.1, 10) and (0.001, 1000) */
        rows[c].status = FADYN_DIVERGED;
        rows[c].deviation = NAN;
        snprintf(rows[c].err.msg, sizeof rows[c].err.msg, "cell %zu went", c);
    }
    fadyn_compare_table t = {rows, etas, 3, batches, 2};
    int eta_ok, batch_ok;
    cr_assert_eq(fadyn_compare_trend(&t, &eta_ok, &batch_ok), 4);
    cr_expect_eq(eta_ok, 1);   /* K = 1000: 0.01 against 0.1 */
    cr_expect_eq(batch_ok, 1); /* η = 0.01: 1000 against 10 */
    rows[3].deviation = 1.0;   /* (0.01, 1000) now above (0.1, 1000) */
    fadyn_compare_trend(&t, &eta_ok, &batch_ok);
    cr_expect_eq(eta_ok, 0);
    cr_expect_eq(batch_ok, 0);
    for (size_t c = 0; c < 6; c += 2) /* K = 10 all gone: no η falls to judge K at */
        rows[c].status = FADYN_DIVERGED;
    cr_assert_eq(fadyn_compare_trend(&t, &eta_ok, &batch_ok), 2);
    cr_expect_eq(batch_ok, -1);
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    cr_assert_eq(fadyn_compare_failed(&t, &b), 4);
    cr_expect(strstr(b.s, "eta 0.1, K 10: cell 0 went\n") != NULL, "%s", b.s);
    cr_expect(strstr(b.s, "eta 0.001, K 1000: cell 5 went\n") != NULL, "%s", b.s);
    fadyn_strbuf_free(&b);
    fadyn_strbuf_init(&b);
    fadyn_compare_report(&t, &b);
    cr_expect(strstr(b.s, "as K -> infinity: n/a (fewer than two finite cells)") != NULL, "%s",
              b.s);
    cr_expect(strstr(b.s, "the trend on the 2 finite cells of 6 only; 4 diverged") != NULL, "%s",
              b.s);
    fadyn_strbuf_free(&b);
}

/* Every diverged cell reaches stderr, the TSV (status), the JSON (diverged)
 * and the plot (a mark); the NSE(t) file has the ODE's and trainer's curves. */
Test(compare_cli, every_diverged_cell_reported_and_marked) {
    char dir[256], cmd[2048], path[512], line[512];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "%s compare --sizes 6,5,3 --t-end 1 --etas 0.5,0.02 --batches 1,2,50 --out %s/c.tsv "
             "--nse %s/n.tsv --summary %s/c.json --plot %s/c.png --quiet 2>%s/err.txt",
             getenv("FADYN_BIN") ? getenv("FADYN_BIN") : "build/fadyn", dir, dir, dir, dir, dir);
    int st = system(cmd);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3, "%s", cmd);
    snprintf(path, sizeof path, "%s/err.txt", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t n = 0;
    while (fgets(line, sizeof line, f))
        n += strncmp(line, "fadyn compare: eta 0.5, K ", 26) == 0 && strstr(line, "diverged");
    fclose(f);
    cr_expect_eq(n, 3, "%zu stderr lines for the 3 diverged cells", n);
    snprintf(path, sizeof path, "%s/c.tsv", dir);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t div = 0, ok = 0;
    while (fgets(line, sizeof line, f)) {
        div += strstr(line, "\tdiverged\n") != NULL;
        ok += strstr(line, "\tok\n") != NULL;
    }
    fclose(f);
    cr_expect(div == 3 && ok == 3, "tsv: %zu diverged, %zu ok", div, ok);
    snprintf(path, sizeof path, "%s/c.json", dir);
    json_t *j = json_load_file(path, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_eq(json_array_size(json_object_get(j, "diverged")), 3);
    json_t *tr = json_object_get(j, "trend");
    cr_expect(json_is_null(json_object_get(tr, "shrinks_with_eta"))); /* one finite η per K */
    cr_expect(json_is_true(json_object_get(tr, "shrinks_with_batch")));
    cr_expect_eq(json_integer_value(json_object_get(tr, "cells_finite")), 3);
    json_decref(j);
    snprintf(path, sizeof path, "%s/c.gp", dir);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t marks = 0;
    while (fgets(line, sizeof line, f))
        marks += strstr(line, "strcol('status') eq 'ok' ? NaN") != NULL;
    fclose(f);
    cr_expect_eq(marks, 2, "the diverged cells marked in both deviation panels");
    snprintf(path, sizeof path, "%s/n.tsv", dir);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "cell\teta\tbatch\tt\tnse_train\tnse_ode\n");
    size_t rowsn = 0;
    while (fgets(line, sizeof line, f))
        rowsn += line[0] != '\n';
    fclose(f);
    cr_expect_eq(rowsn, 6 * 21, "21 samples for each of the 6 cells");
}
