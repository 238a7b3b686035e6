/* fig1e.c — Fig. 1e: one fa run on Task 1, the angle between its hidden
 * update and bp's on every example, with the mean and sample sd over a
 * sliding window (the paper's ± 2 sd band). */
#include "experiments_impl.h"
#include "fadyn/json.h"
#include "fadyn/size.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUICK                                                                                      \
    { 0, 2000 }
#define FULL                                                                                       \
    { 0, 5000 }
#define MINIMUM                                                                                    \
    { 0, 200 }
#define ANGLE 3 /* column of the angle to bp in the rows (fadyn_train_col_name) */

fadyn_fig1e_params fadyn_fig1e_params_default(void) {
    fadyn_fig1e_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)QUICK);
    p.window = 10;
    return p;
}

/* The window statistics of the angles x[k * stride], k = 0 .. n-1: mean and
 * sample sd of the `window` values ending at each k >= window − 1. */
static void sliding(const double *x, size_t stride, size_t n, size_t window, double *mean,
                    double *sd) {
    for (size_t i = window - 1; i < n; i++) {
        double s = 0, s2 = 0;
        for (size_t k = i + 1 - window; k <= i; k++)
            s += x[k * stride];
        double mu = s / (double)window;
        for (size_t k = i + 1 - window; k <= i; k++)
            s2 += (x[k * stride] - mu) * (x[k * stride] - mu);
        mean[i + 1 - window] = mu;
        sd[i + 1 - window] = sqrt(s2 / (double)(window - 1));
    }
}

int fadyn_fig1e_run(const fadyn_fig1e_params *p, fadyn_fig1e_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->par = *p;
    r->first = r->last = r->below45 = NAN;
    int rc = fadyn_exp_check("fig1e", &p->set, (fadyn_recipe_scale)MINIMUM, err);
    if (rc == FADYN_OK && p->window < 2)
        rc = fadyn_err_set(err, FADYN_EINVAL, "fig1e: window %zu: at least 2 (the sd)", p->window);
    if (rc) return rc;
    fadyn_task task;
    fadyn_net_spec spec;
    if ((rc = fadyn_exp_task1(p->set.seed, &task, &spec, err))) return rc;
    const fadyn_rule_type *fa = fadyn_rule_type_find("fa");
    fadyn_train_params tp = fadyn_train_params_default();
    r->eta = tp.eta = fadyn_train_default_eta(FADYN_TASK_LINEAR, fa);
    tp.examples = p->set.examples;
    tp.eval_every = 1;
    tp.angle = p->set.angle;
    rc = fadyn_train_run(&task, &spec, fa, &tp, fadyn_train_run_seed(p->set.seed, 0), &r->run);
    fadyn_task_free(&task);
    if (p->set.progress) p->set.progress(p->set.progress_ctx, 1.0);
    if (rc < 0) {
        if (err) *err = r->run.err;
        fadyn_fig1e_result_free(r);
        return rc;
    }
    r->diverged = rc == FADYN_DIVERGED;
    size_t nrows = r->run.nrows, nc = r->run.ncols, w = p->window;
    r->n = nrows >= w ? nrows - w + 1 : 0;
    double *block = fadyn_malloc_n(4, r->n ? r->n : 1, sizeof(double));
    if (!block) {
        fadyn_fig1e_result_free(r);
        return fadyn_err_set(err, FADYN_ENOMEM, "fig1e: out of memory");
    }
    r->example = block, r->angle = block + r->n, r->mean = block + 2 * r->n,
    r->sd = block + 3 * r->n;
    sliding(r->run.rows + ANGLE, nc, nrows, w, r->mean, r->sd);
    for (size_t i = 0; i < r->n; i++) {
        r->example[i] = r->run.rows[(i + w - 1) * nc];
        r->angle[i] = r->run.rows[(i + w - 1) * nc + ANGLE];
        double mu = r->mean[i];
        if (!isfinite(mu)) continue; /* the error reached rounding level: no angle */
        if (isnan(r->first)) r->first = mu;
        r->last = mu;
        if (isnan(r->below45) && mu < 45.0) r->below45 = r->example[i];
    }
    return rc;
}

void fadyn_fig1e_summary(const fadyn_fig1e_result *r, json_t *summary) {
    json_object_set_new(summary, "eta", json_real(r->eta));
    json_object_set_new(summary, "examples", json_integer((json_int_t)r->par.set.examples));
    json_object_set_new(summary, "window", json_integer((json_int_t)r->par.window));
    json_object_set_new(summary, "angle_first_window", fadyn_json_real(r->first));
    json_object_set_new(summary, "angle_last_window", fadyn_json_real(r->last));
    json_object_set_new(summary, "examples_to_below_45_degrees", fadyn_json_real(r->below45));
}

/* STEM.tsv: example angle mean sd, one row per window. */
static int write_windows(const char *path, const void *result, fadyn_err *err) {
    const fadyn_fig1e_result *r = result;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    static const char *const cols[] = {"example", "angle", "mean", "sd"};
    fadyn_tsv_header(f.f, cols, 4);
    for (size_t i = 0; i < r->n; i++) {
        double v[4] = {r->example[i], r->angle[i], r->mean[i], r->sd[i]};
        fadyn_tsv_row(f.f, v, 4);
    }
    return fadyn_ofile_commit(&f, err);
}

static int draw(const fadyn_plot_target *t, const void *result, fadyn_err *err) {
    const fadyn_fig1e_result *r = result;
    return fadyn_plot_fig1e(t, r->par.set.angle, err);
}

int fadyn_fig1e_plot(const fadyn_fig1e_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    fadyn_plot_data data = {".tsv", write_windows, r, NULL};
    return fadyn_plot_make(t, &data, 1, draw, r, err);
}

size_t fadyn_fig1e_report(const fadyn_fig1e_result *r, fadyn_strbuf *lines,
                          fadyn_strbuf *diverged) {
    if (lines) {
        fadyn_strbuf_printf(lines,
                            "  fig1e angle fa-bp: %.1f deg (first window) -> %.1f deg (last); "
                            "below 45 deg",
                            r->first, r->last);
        fadyn_exp_put_after(lines, r->below45);
        fadyn_strbuf_printf(lines, "\n");
    }
    return fadyn_exp_diverged("fig1e", &r->run, 1, diverged);
}

void fadyn_fig1e_result_free(fadyn_fig1e_result *r) {
    fadyn_train_result_free(&r->run);
    free(r->example);
    r->example = r->angle = r->mean = r->sd = NULL;
    r->n = 0;
}

/* One run on Task 1, evaluated on the 1000 held-out points at every example. */
static double work(const fadyn_fig_settings *s) {
    fadyn_net_spec spec = fadyn_exp_task1_spec();
    return fadyn_exp_train_work(&spec, 1, s, s->examples, 1000);
}

FADYN_RECIPE_DEFINE(fig1e,
                    "Task 1, fa: the angle dh_FA < dh_BP per example, mean +- 2 sd over a\n"
                    "sliding window of 10 examples",
                    QUICK, FULL, MINIMUM, 1400, 700, work);
