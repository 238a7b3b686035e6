/* fig2b.c — Fig. 2b: Task 2 (MNIST) with fa, the angle between fa's hidden
 * update and the one bp would make, Δh_FA∠Δh_BP, over intervals of
 * examples: its time-averaged mean and one sd around it, as the paper's
 * error bars, averaged over runs. */
#include "experiments_impl.h"
#include "fadyn/json.h"
#include "fadyn/size.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUICK                                                                                      \
    { 1, 300000 }
#define FULL                                                                                       \
    { 20, 900000 }
#define MINIMUM                                                                                    \
    { 1, 512 }

fadyn_fig2b_params fadyn_fig2b_params_default(void) {
    fadyn_fig2b_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)QUICK);
    p.train = fadyn_mnist_params_default();
    p.train.n_test = 1000; /* evaluated often; the test error is not drawn */
    p.evaluations = 60;
    return p;
}

int fadyn_fig2b_run(const fadyn_fig2b_params *p, fadyn_fig2b_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->par = *p;
    r->first = r->last = NAN;
    int rc = fadyn_exp_check("fig2b", &p->set, (fadyn_recipe_scale)MINIMUM, err);
    if (rc == FADYN_OK && p->evaluations < 1)
        rc = fadyn_err_set(err, FADYN_EINVAL, "fig2b: evaluations 0: at least 1");
    if (rc) return rc;
    fadyn_mnist data;
    if ((rc = fadyn_exp_mnist_load("fig2b", &p->set, &data, err))) return rc;
    fadyn_mnist_params tp = fadyn_exp_mnist_train(&p->set, &p->train);
    if (tp.n_test > data.test.n) tp.n_test = data.test.n;
    tp.eval_every = tp.examples / p->evaluations ? tp.examples / p->evaluations : 1;
    size_t runs = p->set.runs;
    r->runs = calloc(runs, sizeof *r->runs);
    if (!r->runs) rc = fadyn_err_set(err, FADYN_ENOMEM, "fig2b: out of memory");
    if (rc == FADYN_OK)
        rc = fadyn_exp_mnist_runs(&p->set, &data, (const char *const[]){"fa"}, 1, &tp, runs, NULL,
                                  0, r->runs, err);
    fadyn_mnist_free(&data);
    if (rc < 0) {
        fadyn_fig2b_result_free(r);
        return rc;
    }
    /* the intervals: rows 1.. (row 0, before any example, has no angle) */
    size_t nrows = 0;
    for (size_t k = 0; k < runs; k++)
        if (r->runs[k].status == FADYN_OK && r->runs[k].nrows > nrows) nrows = r->runs[k].nrows;
    r->n = nrows > 1 ? nrows - 1 : 0;
    double *b = fadyn_malloc_n(3, r->n ? r->n : 1, sizeof(double));
    if (!b) {
        fadyn_fig2b_result_free(r);
        return fadyn_err_set(err, FADYN_ENOMEM, "fig2b: out of memory");
    }
    r->example = b, r->mean = b + r->n, r->sd = b + 2 * r->n;
    for (size_t i = 0; i < r->n; i++) {
        double sm = 0, ss = 0, ex = NAN;
        size_t m = 0;
        for (size_t k = 0; k < runs; k++) {
            const fadyn_mnist_result *res = &r->runs[k];
            if (res->status != FADYN_OK || i + 1 >= res->nrows) continue;
            const double *row = res->rows + (i + 1) * FADYN_MNIST_NCOLS;
            ex = row[FADYN_MNIST_COL_EXAMPLE];
            if (!isfinite(row[FADYN_MNIST_COL_ANGLE_MEAN])) continue;
            sm += row[FADYN_MNIST_COL_ANGLE_MEAN];
            ss += isfinite(row[FADYN_MNIST_COL_ANGLE_SD]) ? row[FADYN_MNIST_COL_ANGLE_SD] : 0;
            m++;
        }
        r->example[i] = ex;
        r->mean[i] = m ? sm / (double)m : NAN;
        r->sd[i] = m ? ss / (double)m : NAN;
        if (isfinite(r->mean[i])) {
            if (isnan(r->first)) r->first = r->mean[i];
            r->last = r->mean[i];
        }
    }
    for (size_t k = 0; k < runs; k++)
        r->diverged += r->runs[k].status == FADYN_DIVERGED;
    return r->diverged ? FADYN_DIVERGED : FADYN_OK;
}

void fadyn_fig2b_summary(const fadyn_fig2b_result *r, json_t *summary) {
    json_object_set_new(summary, "runs", json_integer((json_int_t)r->par.set.runs));
    json_object_set_new(summary, "examples", json_integer((json_int_t)r->par.set.examples));
    json_object_set_new(summary, "intervals", json_integer((json_int_t)r->n));
    json_object_set_new(summary, "angle_first_interval_degrees", fadyn_json_real(r->first));
    json_object_set_new(summary, "angle_last_interval_degrees", fadyn_json_real(r->last));
    json_t *a = json_array(), *s = json_array();
    for (size_t i = 0; i < r->n; i++) {
        json_array_append_new(a, fadyn_json_real(r->mean[i]));
        json_array_append_new(s, fadyn_json_real(r->sd[i]));
    }
    json_object_set_new(summary, "angle_mean_degrees", a);
    json_object_set_new(summary, "angle_sd_degrees", s);
}

/* STEM.tsv: example mean sd, one row per interval. */
static int write_angles(const char *path, const void *result, fadyn_err *err) {
    const fadyn_fig2b_result *r = result;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    static const char *const cols[] = {"example", "mean", "sd"};
    fadyn_tsv_header(f.f, cols, 3);
    for (size_t i = 0; i < r->n; i++) {
        double v[3] = {r->example[i], r->mean[i], r->sd[i]};
        fadyn_tsv_row(f.f, v, 3);
    }
    return fadyn_ofile_commit(&f, err);
}

static int draw(const fadyn_plot_target *t, const void *result, fadyn_err *err) {
    const fadyn_fig2b_result *r = result;
    return fadyn_plot_fig2b(t, r->par.set.runs, r->par.set.angle, err);
}

int fadyn_fig2b_plot(const fadyn_fig2b_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    fadyn_plot_data data = {".tsv", write_angles, r, NULL};
    return fadyn_plot_make(t, &data, 1, draw, r, err);
}

size_t fadyn_fig2b_report(const fadyn_fig2b_result *r, fadyn_strbuf *lines,
                          fadyn_strbuf *diverged) {
    if (lines)
        fadyn_strbuf_printf(lines,
                            "  fig2b angle dh_FA < dh_BP: %.1f deg (first interval) -> %.1f deg "
                            "(last), %zu run%s\n",
                            r->first, r->last, r->par.set.runs, r->par.set.runs > 1 ? "s" : "");
    return fadyn_exp_mnist_diverged("fig2b", r->runs, r->par.set.runs, diverged);
}

void fadyn_fig2b_result_free(fadyn_fig2b_result *r) {
    for (size_t k = 0; r->runs && k < r->par.set.runs; k++)
        fadyn_mnist_result_free(&r->runs[k]);
    free(r->runs);
    free(r->example);
    r->runs = NULL;
    r->example = r->mean = r->sd = NULL;
    r->n = 0;
}

/* fa's runs, 60 evaluations on 1000 test images. */
static double work(const fadyn_fig_settings *s) {
    fadyn_fig2b_params p = fadyn_fig2b_params_default();
    return fadyn_exp_mnist_work(s, &p.train, 1, p.evaluations, p.train.n_test);
}

static double seconds(const fadyn_fig_settings *s) {
    return fadyn_exp_mnist_seconds(s, (double)s->runs * (double)s->examples / 60000.0);
}

FADYN_RECIPE_DEFINE_TIMED(fig2b,
                          "Task 2 (MNIST), fa: the angle dh_FA < dh_BP against examples, one sd\n"
                          "around the time-averaged mean (needs make data)",
                          QUICK, FULL, MINIMUM, 1400, 700, work, seconds);
