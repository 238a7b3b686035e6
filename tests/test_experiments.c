/* test_experiments.c — the paper's experiments called as a library, at
 * small settings: each recipe runs and writes its files, each result has the
 * shape its header promises, and one mathematical fact per figure, checked
 * against a computation of our own from the result's raw data. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <gsl/gsl_statistics_double.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

Test(experiments, every_recipe_runs_and_writes_its_files, .timeout = 120) {
    char dir[64], path[256];
    th_tmpdir(dir, sizeof dir);
    setenv("PATH", "/nonexistent", 1); /* no images: the data, scripts and summaries */
    char mnist[64];
    th_tmpdir(mnist, sizeof mnist); /* the Task 2 figures on a small synthetic set */
    th_fake_mnist(mnist, 300, 100, 1);
    size_t n = 0;
    for (const fadyn_recipe *const *r = fadyn_recipes; *r; r++, n++) {
        fadyn_recipe_options o = fadyn_recipe_options_default();
        o.set.data_dir = mnist;
        o.set.runs = (*r)->minimum.runs;         /* 0 where the figure has none */
        o.set.examples = (*r)->minimum.examples; /* 0: its quick value */
        void *res;
        fadyn_err err;
        fadyn_err_clear(&err);
        int rc = fadyn_recipe_run(*r, &o, &res, &err);
        cr_assert(rc == FADYN_OK || rc == FADYN_DIVERGED, "%s: %d %s", (*r)->name, rc, err.msg);
        cr_assert_not_null(res);
        cr_expect_eq(fadyn_recipe_write(*r, &o, res, dir, &err), FADYN_NOPLOT, "%s: %s", (*r)->name,
                     err.msg);
        fadyn_recipe_free(*r, res);
        snprintf(path, sizeof path, "%s/%s.gp", dir, (*r)->name);
        cr_expect(exists(path), "%s missing", path);
        snprintf(path, sizeof path, "%s/%s.json", dir, (*r)->name);
        json_t *j = json_load_file(path, 0, NULL);
        cr_assert_not_null(j, "%s", path);
        cr_expect_str_eq(json_string_value(json_object_get(j, "figure")), (*r)->name);
        cr_expect_str_eq(json_string_value(json_object_get(j, "mode")), "quick");
        cr_expect(json_is_integer(json_object_get(j, "diverged_runs")), "%s", path);
        json_decref(j);
        cr_expect_eq(fadyn_recipe_find((*r)->name), *r);
    }
    cr_expect_eq(n, fadyn_recipe_count());
    cr_expect_null(fadyn_recipe_find("fig9"));
    /* every data file the scripts read */
    const char *data[] = {"fig1d-shallow.tsv", "fig1d-np.tsv", "fig1d-bp.tsv",
                          "fig1d-fa.tsv",      "fig1e.tsv",    "fig2d.tsv",
                          "fig3b.tsv",         "fig4-w0.tsv",  "fig4-w8.tsv",
                          "fig2a-bp.tsv",      "fig2a-fa.tsv", "fig2a-sparse-fa.tsv",
                          "fig2a-shallow.tsv", "fig2b.tsv",    "figS1.tsv"};
    for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, data[i]);
        cr_expect(exists(path), "%s missing", path);
    }
    char cmd[160];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf %s %s", dir, mnist);
    cr_assert_eq(system(cmd), 0);
}

Test(experiments, settings_below_a_recipes_minimum_name_the_field) {
    fadyn_recipe_options o = fadyn_recipe_options_default();
    fadyn_fig_settings s;
    fadyn_err err;
    o.set.runs = 1;
    cr_expect_eq(fadyn_recipe_settings(fadyn_recipe_find("fig2d"), &o, &s, &err), FADYN_EINVAL);
    cr_expect(strstr(err.msg, "runs 1") != NULL, "'%s'", err.msg);
    /* fig4 has no runs: the value is ignored, its examples are the quick scale's */
    cr_expect_eq(fadyn_recipe_settings(fadyn_recipe_find("fig4"), &o, &s, &err), FADYN_OK);
    cr_expect_eq(s.runs, 0);
    cr_expect_eq(s.examples, fadyn_recipe_find("fig4")->quick.examples);
    o.full = 1;
    o.set.runs = 0;
    o.set.examples = 199;
    cr_expect_eq(fadyn_recipe_settings(fadyn_recipe_find("fig1e"), &o, &s, &err), FADYN_EINVAL);
    cr_expect(strstr(err.msg, "examples 199") != NULL, "'%s'", err.msg);
    o.set.examples = 0;
    cr_expect_eq(fadyn_recipe_settings(fadyn_recipe_find("fig1d"), &o, &s, &err), FADYN_OK);
    cr_expect_eq(s.runs, fadyn_recipe_find("fig1d")->full.runs);
    fadyn_fig1d_params p = fadyn_fig1d_params_default();
    p.set.runs = 1;
    fadyn_fig1d_result r;
    cr_expect_eq(fadyn_fig1d_run(&p, &r, &err), FADYN_EINVAL);
    cr_expect(strstr(err.msg, "runs") != NULL, "'%s'", err.msg);
}

/* Each recipe's estimated work (fadyn/cost.h), counted here by hand from
 * the figure's runs: the paper's scale of every figure is within
 * FADYN_FIGURE_WORK_LIMIT, and fig3b (fixed, small) has none. */
Test(experiments, recipe_work_counts_each_figures_runs) {
    fadyn_recipe_options o = fadyn_recipe_options_default();
    o.full = 1;
    fadyn_fig_settings s;
    fadyn_err err;
    /* fig2a --full: 4 rules x 20 runs of 9e5 examples on 784-1000-10
     * (794000 weights), 21 evaluations on 10000 test images */
    const fadyn_recipe *r = fadyn_recipe_find("fig2a");
    cr_assert_eq(fadyn_recipe_settings(r, &o, &s, &err), FADYN_OK);
    double w = 794000.0, want = 80 * (6 * w * 9e5 + 2 * w * 10000 * 21);
    cr_assert_float_eq(r->work(&s), want, 1e-9 * want, "fig2a: %g flop, not %g", r->work(&s), want);
    /* fig1d --full: 4 rules x 20 runs of 20000 examples on 30-20-10 (800
     * weights), 201 evaluations on 1000 points */
    r = fadyn_recipe_find("fig1d");
    cr_assert_eq(fadyn_recipe_settings(r, &o, &s, &err), FADYN_OK);
    want = 80 * (6 * 800.0 * 20000 + 2 * 800.0 * 1000 * 201);
    cr_assert_float_eq(r->work(&s), want, 1e-9 * want);
    for (size_t k = 0; fadyn_recipes[k]; k++) {
        r = fadyn_recipes[k];
        cr_assert_eq(fadyn_recipe_settings(r, &o, &s, &err), FADYN_OK, "%s", r->name);
        if (strcmp(r->name, "fig3b") == 0) {
            cr_expect_null(r->work);
            continue;
        }
        cr_assert_not_null(r->work, "%s", r->name);
        double f = r->work(&s);
        cr_expect(f > 1e9 && f < FADYN_FIGURE_WORK_LIMIT, "%s --full: %g flop", r->name, f);
    }
}

/* Fig. 1d: bp and fa learn Task 1 far below where shallow learning can go. */
Test(experiments, fig1d_bp_and_fa_fall_below_the_shallow_floor, .timeout = 60) {
    fadyn_fig1d_params p = fadyn_fig1d_params_default();
    p.set.runs = 3;
    p.set.examples = 1000;
    fadyn_fig1d_result r;
    fadyn_err err;
    cr_assert_eq(fadyn_fig1d_run(&p, &r, &err), FADYN_OK, "%s", err.msg);
    cr_assert_eq(r.par.nrules, 4);
    const fadyn_fig1d_curve *shallow = NULL;
    for (size_t i = 0; i < 4; i++) {
        const fadyn_fig1d_curve *c = &r.curves[i];
        cr_assert_str_eq(c->rule, p.rules[i]);
        if (strcmp(c->rule, "shallow") == 0) shallow = c;
        size_t nrows = c->runs[0].nrows;
        cr_expect_eq(nrows, 1000 / 5 + 1, "%s: %zu evaluations", c->rule, nrows);
        /* examples to 1 %: our own mean over the runs, evaluation by evaluation */
        double first = NAN;
        for (size_t k = 0; k < nrows && isnan(first); k++) {
            double m = 0.0;
            for (size_t run = 0; run < 3; run++)
                m += c->runs[run].rows[k * c->runs[run].ncols + 1] / 3.0;
            if (m < 0.01) first = c->runs[0].rows[k * c->runs[0].ncols];
        }
        cr_expect(isnan(first) ? isnan(c->examples_to_1pct) : first == c->examples_to_1pct,
                  "%s: %g vs %g", c->rule, first, c->examples_to_1pct);
    }
    cr_assert_not_null(shallow);
    /* Shallow learning fits T with the last layer on 20 fixed hidden units of
     * 30 inputs: its NSE cannot fall below about 1 − 20/30 (the part of T off
     * the hidden layer's row space); bp and fa train the hidden layer too. */
    for (size_t run = 0; run < 3; run++)
        for (size_t k = 0; k < shallow->runs[run].nrows; k++)
            cr_expect(shallow->runs[run].rows[k * shallow->runs[run].ncols + 1] > 0.2);
    for (size_t i = 0; i < 4; i++)
        if (strcmp(r.curves[i].rule, "bp") == 0 || strcmp(r.curves[i].rule, "fa") == 0)
            cr_expect(r.curves[i].final_nse_mean < 0.01 * shallow->final_nse_mean, "%s: %g vs %g",
                      r.curves[i].rule, r.curves[i].final_nse_mean, shallow->final_nse_mean);
    fadyn_fig1d_result_free(&r);
}

/* Fig. 1e: the band is the window's mean and sample sd, computed directly. */
Test(experiments, fig1e_window_statistics_are_the_windows_mean_and_sd, .timeout = 60) {
    fadyn_fig1e_params p = fadyn_fig1e_params_default();
    p.set.examples = 300;
    p.window = 7;
    fadyn_fig1e_result r;
    fadyn_err err;
    cr_assert_eq(fadyn_fig1e_run(&p, &r, &err), FADYN_OK, "%s", err.msg);
    const fadyn_train_result *run = &r.run;
    cr_assert_eq(run->nrows, 301, "one evaluation per example, and at 0");
    cr_assert_eq(r.n, run->nrows - 7 + 1);
    double x[7];
    size_t finite = 0;
    for (size_t i = 0; i < r.n; i++) {
        for (size_t k = 0; k < 7; k++)
            x[k] = run->rows[(i + k) * run->ncols + 3];
        cr_assert_eq(r.example[i], run->rows[(i + 6) * run->ncols]);
        cr_assert_eq(r.angle[i], x[6]);
        if (!isfinite(r.mean[i])) continue;
        finite++;
        double mu = gsl_stats_mean(x, 1, 7), sd = gsl_stats_sd(x, 1, 7);
        cr_expect(fabs(r.mean[i] - mu) <= 1e-12 * fabs(mu), "window %zu: %g vs %g", i, r.mean[i],
                  mu);
        cr_expect(fabs(r.sd[i] - sd) <= 1e-9 * (sd + 1e-12), "window %zu: %g vs %g", i, r.sd[i],
                  sd);
    }
    cr_expect(finite > r.n / 2);
    cr_expect_eq(r.first, r.mean[0]);
    cr_expect(r.first > 60.0 && r.last < r.first, "the angle starts near 90: %g -> %g", r.first,
              r.last);
    fadyn_fig1e_result_free(&r);
}

/* Fig. 2d's conditions, in the paper's order (its caption's colours). */
static const struct {
    const char *rule;
    size_t layers;
} FIG2D_CONDITIONS[] = {{"shallow", 3}, {"bp", 3}, {"fa", 3}, {"bp", 4}, {"fa", 4}};

static size_t fig2d_condition(const char *rule, size_t layers) {
    for (size_t c = 0; c < 5; c++)
        if (strcmp(FIG2D_CONDITIONS[c].rule, rule) == 0 && FIG2D_CONDITIONS[c].layers == layers)
            return c;
    return 5;
}

/* Fig. 2d: the five conditions; the t statistic is Welch's of the groups'
 * final NSE; the two TSVs have these columns and words, fig2d.tsv holds
 * each run's final NSE and fig2d-curves.tsv, row by row, the mean and sd
 * over the runs of their NSE at that evaluation (computed here). */
Test(experiments, fig2d_five_conditions_welch_and_the_curves_are_the_runs_means, .timeout = 300) {
    fadyn_fig2d_params p = fadyn_fig2d_params_default();
    p.set.runs = 3;
    p.set.examples = 2000;
    fadyn_fig2d_result r;
    fadyn_err err;
    cr_assert_eq(fadyn_fig2d_run(&p, &r, &err), FADYN_OK, "%s", err.msg);
    cr_assert_eq(r.ngroups, 5);
    for (size_t g = 0; g < 5; g++) {
        cr_assert_str_eq(r.groups[g].rule, FIG2D_CONDITIONS[g].rule);
        cr_assert_eq(r.groups[g].layers, FIG2D_CONDITIONS[g].layers);
        cr_assert_eq(r.groups[g].finished, 3);
    }
    cr_assert_eq(r.par.nrules, 3);
    cr_expect(isnan(r.welch[0].p), "shallow has no 4-layer student, no t-test");
    for (size_t k = 1; k < 3; k++) {
        const fadyn_fig2d_group *a = &r.groups[k], *b = &r.groups[k + 2];
        cr_assert_str_eq(a->rule, p.rules[k]);
        cr_assert_str_eq(b->rule, p.rules[k]);
        for (size_t i = 0; i < 3; i++)
            cr_assert_eq(a->nse[i], a->runs[i].final_nse);
        double ma = gsl_stats_mean(a->nse, 1, 3), mb = gsl_stats_mean(b->nse, 1, 3);
        double va = gsl_stats_variance(a->nse, 1, 3), vb = gsl_stats_variance(b->nse, 1, 3);
        double t = (ma - mb) / sqrt(va / 3 + vb / 3);
        double df = (va / 3 + vb / 3) * (va / 3 + vb / 3) /
                    ((va / 3) * (va / 3) / 2 + (vb / 3) * (vb / 3) / 2);
        const fadyn_welch *w = &r.welch[k];
        cr_expect(fabs(w->t - t) <= 1e-10 * fabs(t), "%s: t %g vs %g", a->rule, w->t, t);
        cr_expect(fabs(w->df - df) <= 1e-10 * df, "%s: df %g vs %g", a->rule, w->df, df);
        cr_expect(w->p >= 0.0 && w->p <= 1.0);
        cr_expect(fabs(a->mean - ma) <= 1e-14 * ma);
    }
    /* the files, without gnuplot */
    char dir[64], path[256], rule[32];
    th_tmpdir(dir, sizeof dir);
    setenv("PATH", "/nonexistent", 1);
    fadyn_plot_target tg;
    snprintf(path, sizeof path, "%s/fig2d.png", dir);
    cr_assert_eq(fadyn_plot_target_parse(&tg, path, 0, 0, &err), FADYN_OK, "%s", err.msg);
    cr_assert_eq(fadyn_fig2d_plot(&r, &tg, &err), FADYN_NOPLOT, "%s", err.msg);
    /* fig2d.tsv: one row per run, its final NSE and its condition's mean */
    snprintf(path, sizeof path, "%s/fig2d.tsv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[512];
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "rule\tlayers\trun\tnse\tmean\tsd\n");
    size_t rows = 0, layers, run, n;
    double nse, mean, sd, example;
    while (fgets(line, sizeof line, f)) {
        cr_assert_eq(sscanf(line, "%31[a-z]\t%zu\t%zu\t%lf\t%lf\t%lf", rule, &layers, &run, &nse,
                            &mean, &sd),
                     6, "%s", line);
        size_t c = fig2d_condition(rule, layers);
        cr_assert(c < 5 && run < 3, "%s", line);
        cr_expect(fabs(nse - r.groups[c].runs[run].final_nse) <= 1e-9 * nse, "%s", line);
        cr_expect(fabs(mean - gsl_stats_mean(r.groups[c].nse, 1, 3)) <= 1e-9 * mean, "%s", line);
        rows++;
    }
    fclose(f);
    cr_expect_eq(rows, 5 * 3);
    /* fig2d-curves.tsv: one row per condition and evaluation */
    snprintf(path, sizeof path, "%s/fig2d-curves.tsv", dir);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "rule\tlayers\texample\tnse_mean\tnse_sd\tn\n");
    size_t seen[5] = {0};
    while (fgets(line, sizeof line, f)) {
        cr_assert_eq(sscanf(line, "%31[a-z]\t%zu\t%lf\t%lf\t%lf\t%zu", rule, &layers, &example,
                            &mean, &sd, &n),
                     6, "%s", line);
        size_t c = fig2d_condition(rule, layers);
        cr_assert(c < 5, "%s", line);
        const fadyn_train_result *runs = r.groups[c].runs;
        size_t i = seen[c]++, nc = runs[0].ncols;
        cr_assert(i < runs[0].nrows, "%s", line);
        double v[3];
        for (size_t k = 0; k < 3; k++) {
            cr_assert_eq(runs[k].rows[i * nc], example, "%s", line);
            v[k] = runs[k].rows[i * nc + 1];
        }
        double m = (v[0] + v[1] + v[2]) / 3.0;
        double s = sqrt(
            ((v[0] - m) * (v[0] - m) + (v[1] - m) * (v[1] - m) + (v[2] - m) * (v[2] - m)) / 2.0);
        cr_expect(fabs(mean - m) <= 1e-9 * m, "%s: mean %.12g, the runs' %.12g", line, mean, m);
        cr_expect(fabs(sd - s) <= 1e-9 * s + 1e-300, "%s: sd %.12g, the runs' %.12g", line, sd, s);
        cr_expect_eq(n, 3);
    }
    fclose(f);
    for (size_t c = 0; c < 5; c++) {
        const fadyn_train_result *run0 = &r.groups[c].runs[0];
        cr_expect_eq(seen[c], run0->nrows, "condition %zu: %zu rows", c, seen[c]);
        /* log-spaced: 0, 1, 2, ..., ten a decade, and the end */
        cr_expect_eq(run0->rows[0], 0.0);
        cr_expect_eq(run0->rows[(run0->nrows - 1) * run0->ncols], 2000.0);
        cr_expect(run0->nrows > 30 && run0->nrows < 40, "%zu evaluations", run0->nrows);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    fadyn_fig2d_result_free(&r);
}

/* Fig. 2d at the quick default: 4-layer fa has converged, its mean final
 * NSE within a factor 1.5 of the full run's 0.021 (docs/figures.md; the
 * 50 000 examples the quick default had gave 0.089). */
Test(experiments, fig2d_quick_default_lets_4_layer_fa_converge, .timeout = 900) {
    static const char *const fa[] = {"fa"};
    fadyn_fig2d_params p = fadyn_fig2d_params_default();
    p.rules = fa;
    p.nrules = 1;
    cr_assert_eq(p.set.runs, 20);
    fadyn_fig2d_result r;
    fadyn_err err;
    cr_assert_eq(fadyn_fig2d_run(&p, &r, &err), FADYN_OK, "%s", err.msg);
    cr_assert_eq(r.ngroups, 2);
    const fadyn_fig2d_group *deep = &r.groups[1];
    cr_assert_eq(deep->layers, 4);
    cr_assert_eq(deep->finished, 20);
    cr_expect(deep->mean < 1.5 * 0.021, "4-layer fa at the quick default: %.4f +- %.4f", deep->mean,
              deep->sd);
    cr_expect(deep->mean < 0.5 * r.groups[0].mean, "4 layers %.4f, 3 layers %.4f", deep->mean,
              r.groups[0].mean);
    fadyn_fig2d_result_free(&r);
}

/* Fig. 3b: every trajectory keeps C = 2 b w − a² (eq 14) and ends where the
 * analytic basin says, forward; backward too (fadyn_phase_predict_dir). */
Test(experiments, fig3b_trajectories_conserve_C, .timeout = 60) {
    fadyn_fig3b_params p = fadyn_fig3b_params_default();
    p.b = 0.7;
    p.t = -1.3;
    p.ga = p.gw = 5;
    p.ba = p.bw = 21;
    fadyn_phase_start from[] = {
        {-2.5, 1.0, 0}, {-1.0, -2.5, 0}, {2.0, -2.0, 0}, {2.5, 2.5, 0}, {1.0, -2.0, 1}};
    p.from = from;
    p.nfrom = 5;
    fadyn_fig3b_result r;
    fadyn_err err;
    cr_assert_eq(fadyn_fig3b_run(&p, &r, &err), FADYN_OK, "%s", err.msg);
    const fadyn_portrait *q = &r.p;
    cr_assert_eq(q->ntraj, 6, "(0, 0) first, then the five starts");
    cr_expect(q->nfield > 0 && q->nfield <= 25);
    cr_expect_eq(q->bst.n, 21 * 21);
    cr_expect_eq(q->cst.mismatch, 0);
    size_t samples = 0;
    for (size_t k = 0; k < q->ntraj; k++) {
        const fadyn_portrait_traj *tr = &q->traj[k];
        double C0 = 2.0 * p.b * tr->w[0] - tr->a[0] * tr->a[0];
        cr_expect_eq(tr->t[0], 0.0);
        for (size_t i = 1; i < tr->n; i++, samples++) {
            double C = 2.0 * p.b * tr->w[i] - tr->a[i] * tr->a[i];
            cr_expect(fabs(C - C0) <= 1e-6 * (1.0 + fabs(C0)),
                      "trajectory %zu at t = %g: C %g vs %g", k, tr->t[i], C, C0);
        }
        const fadyn_basin_point *e = &tr->end;
        cr_expect_eq(e->cls, fadyn_phase_predict_dir(p.b, p.t, tr->start.backward, e->a0, e->w0),
                     "trajectory %zu: %s", k, fadyn_phase_class_name(e->cls));
        if (e->cls != FADYN_PHASE_DIVERGED)
            cr_expect(fabs(e->a * e->w - p.t) < 1e-5, "ends on a w = t: %g", e->a * e->w);
    }
    cr_expect(samples > 4 * (FADYN_PORTRAIT_NTRAJ / 2));
    cr_expect_eq(q->traj[0].start.a, 0.0);
    cr_expect_eq(q->traj[5].start.backward, 1);
    fadyn_fig3b_result_free(&r);
}

/* Fig. 4: from small weights fa's hidden update comes to follow pbp's
 * (docs/theory.md); from large ones it stays far from it. */
Test(experiments, fig4_small_starts_follow_the_pseudoinverse, .timeout = 60) {
    static const double omegas[] = {1e-4, 0.25};
    fadyn_fig4_params p = fadyn_fig4_params_default();
    p.set.examples = 4000;
    p.omegas = omegas;
    p.nomegas = 2;
    fadyn_fig4_result r;
    fadyn_err err;
    cr_assert_eq(fadyn_fig4_run(&p, &r, &err), FADYN_OK, "%s", err.msg);
    double late[2]; /* mean angle to pbp over the second half of the evaluations */
    for (size_t i = 0; i < 2; i++) {
        const fadyn_train_result *run = &r.runs[i];
        cr_assert_eq(run->nrows, 201);
        cr_expect_eq(r.last[i][0], 4000.0);
        cr_expect_eq(r.last[i][2], run->rows[200 * run->ncols + 4]);
        late[i] = 0.0;
        for (size_t k = 101; k < 201; k++)
            late[i] += run->rows[k * run->ncols + 4] / 100.0;
    }
    cr_expect(late[0] < 30.0, "small start: %g degrees to pbp", late[0]);
    cr_expect(late[1] > 2.0 * late[0], "large start: %g vs %g degrees to pbp", late[1], late[0]);
    fadyn_fig4_result_free(&r);
}

/* Figs. 2a, 2b and S1 on a learnable synthetic set: every rule starts from
 * the same network (sparse fa's output layer thinned), bp and fa learn it,
 * fa's update turns towards bp's, and the fields move from one start. */
Test(experiments, mnist_figures_on_a_learnable_set, .timeout = 120) {
    char mnist[64];
    th_tmpdir(mnist, sizeof mnist);
    th_fake_mnist(mnist, 600, 200, 2);
    fadyn_err err;
    fadyn_fig2a_params a = fadyn_fig2a_params_default();
    a.set.data_dir = mnist;
    a.set.runs = 2;
    a.set.examples = 3000;
    a.evaluations = 5;
    /* the default settings (docs/figures.md) learn this set */
    a.train.hidden = 200;
    fadyn_fig2a_result ra;
    cr_assert_eq(fadyn_fig2a_run(&a, &ra, &err), FADYN_OK, "%s", err.msg);
    const double *first[4];
    for (size_t i = 0; i < 4; i++) {
        first[i] = ra.curves[i].runs[0].rows;
        cr_expect_eq(ra.curves[i].finished, 2);
    }
    /* bp, fa and shallow share W0 and W at the start: the same first evaluation */
    cr_expect_eq(first[0][FADYN_MNIST_COL_TEST_ERROR], first[1][FADYN_MNIST_COL_TEST_ERROR]);
    cr_expect_eq(first[0][FADYN_MNIST_COL_TEST_LOSS], first[3][FADYN_MNIST_COL_TEST_LOSS]);
    for (size_t i = 0; i < 2; i++) /* bp and fa learn the classes (chance: 90 %) */
        cr_expect_lt(ra.curves[i].final_mean, 20.0, "%s: %g %%", ra.curves[i].rule->name,
                     ra.curves[i].final_mean);
    fadyn_fig2a_result_free(&ra);

    fadyn_fig2b_params b = fadyn_fig2b_params_default();
    b.set.data_dir = mnist;
    b.set.examples = 3000;
    b.evaluations = 6;
    b.train.hidden = 200;
    fadyn_fig2b_result rb;
    cr_assert_eq(fadyn_fig2b_run(&b, &rb, &err), FADYN_OK, "%s", err.msg);
    cr_assert_eq(rb.n, 6);
    for (size_t i = 0; i < rb.n; i++)
        cr_expect(rb.mean[i] > 0 && rb.mean[i] < 180 && rb.sd[i] >= 0);
    cr_expect_lt(rb.last, 90.0, "fa's update stays orthogonal to bp's: %g", rb.last);
    fadyn_fig2b_result_free(&rb);

    fadyn_figS1_params s = fadyn_figS1_params_default();
    s.set.data_dir = mnist;
    s.set.examples = 1000;
    s.units = 9;
    s.train.hidden = 200;
    fadyn_figS1_result rs;
    cr_assert_eq(fadyn_figS1_run(&s, &rs, &err), FADYN_OK, "%s", err.msg);
    for (int k = 0; k < FADYN_FIGS1_RULES; k++)
        cr_expect(rs.change[k] > 0 && rs.change[k] < 100, "rule %d: %g", k, rs.change[k]);
    for (size_t i = 1; i < s.units; i++)
        cr_expect_gt(rs.unit[i], rs.unit[i - 1]); /* distinct units */
    fadyn_figS1_result_free(&rs);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf %s", mnist);
    cr_assert_eq(system(cmd), 0);
}

/* Issue 10: a threshold never reached reads "never", not "after nan examples". */
Test(experiments, reports_say_never) {
    fadyn_fig1e_result e;
    memset(&e, 0, sizeof e);
    e.first = 80.0, e.last = 60.0, e.below45 = NAN;
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_fig1e_report(&e, &b, NULL);
    cr_expect(strstr(b.s, "below 45 deg never") && !strstr(b.s, "nan"), "%s", b.s);
    fadyn_strbuf_free(&b);
    fadyn_fig1d_curve c;
    memset(&c, 0, sizeof c);
    c.rule = "shallow", c.final_nse_mean = 0.5, c.examples_to_1pct = NAN;
    fadyn_fig1d_result d;
    memset(&d, 0, sizeof d);
    d.par.nrules = 1, d.curves = &c;
    fadyn_strbuf_init(&b);
    fadyn_fig1d_report(&d, &b, NULL);
    cr_expect(strstr(b.s, "NSE < 1% never") && !strstr(b.s, "nan"), "%s", b.s);
    fadyn_strbuf_free(&b);
    c.examples_to_1pct = 1200;
    fadyn_fig1d_report(&d, &b, NULL);
    cr_expect(strstr(b.s, "NSE < 1% after 1200 examples"), "%s", b.s);
    fadyn_strbuf_free(&b);
}
