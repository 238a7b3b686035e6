/* figS1.c — Fig. S1: the receptive fields of hidden units drawn at random —
 * each the row of W0 feeding the unit, as a rows x cols grey image (white
 * positive, black negative) — at the start and after bp, fa and sparse fa,
 * which start from the same W0 (one run each, the same run seed). */
#include "experiments_impl.h"
#include "fadyn/json.h"
#include "fadyn/seed.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUICK                                                                                      \
    { 0, 300000 }
#define FULL                                                                                       \
    { 0, 900000 }
#define MINIMUM                                                                                    \
    { 0, 512 }

static const char *const figS1_rules[FADYN_FIGS1_RULES] = {"bp", "fa", "sparse-fa"};

fadyn_figS1_params fadyn_figS1_params_default(void) {
    fadyn_figS1_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)QUICK);
    p.train = fadyn_mnist_params_default();
    p.units = 100;
    return p;
}

static double dist(const double *a, const double *b, size_t n, double *norm_b) {
    double d = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        d += (a[i] - b[i]) * (a[i] - b[i]);
        s += b[i] * b[i];
    }
    *norm_b = sqrt(s);
    return sqrt(d);
}

int fadyn_figS1_run(const fadyn_figS1_params *p, fadyn_figS1_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->par = *p;
    int rc = fadyn_exp_check("figS1", &p->set, (fadyn_recipe_scale)MINIMUM, err);
    if (rc == FADYN_OK && (p->units < 1 || p->units > p->train.hidden))
        rc = fadyn_err_set(err, FADYN_EINVAL, "figS1: units %zu: need 1 to %zu (hidden)", p->units,
                           p->train.hidden);
    if (rc) return rc;
    fadyn_mnist data;
    if ((rc = fadyn_exp_mnist_load("figS1", &p->set, &data, err))) return rc;
    fadyn_mnist_params tp = fadyn_exp_mnist_train(&p->set, &p->train);
    tp.eval_every = tp.examples;
    r->rows = data.train.rows;
    r->cols = data.train.cols;
    size_t in = r->rows * r->cols, nu = p->units;
    r->unit = malloc(nu * sizeof *r->unit);
    size_t *all = malloc(tp.hidden * sizeof *all);
    if (!r->unit || !all) rc = fadyn_err_set(err, FADYN_ENOMEM, "figS1: out of memory");
    if (rc == FADYN_OK) { /* the units, drawn from the seed (in increasing order) */
        for (size_t j = 0; j < tp.hidden; j++)
            all[j] = j;
        gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(g, fadyn_seed_mix(tp.seed, 77));
        gsl_ran_choose(g, r->unit, nu, all, tp.hidden, sizeof *all);
        gsl_rng_free(g);
    }
    free(all);
    fadyn_mnist_result res[FADYN_FIGS1_RULES]; /* one run of each rule, at once */
    memset(res, 0, sizeof res);
    if (rc >= 0)
        rc = fadyn_exp_mnist_runs(&p->set, &data, figS1_rules, FADYN_FIGS1_RULES, &tp, 1, r->unit,
                                  nu, res, err);
    for (int k = 0; rc >= 0 && k < FADYN_FIGS1_RULES; k++) {
        r->diverged += res[k].status == FADYN_DIVERGED;
        r->test_error[k] = res[k].final_test_error;
        if (!r->init) { /* every rule starts from the same W0 */
            r->init = res[k].rf_init;
            res[k].rf_init = NULL;
        }
        r->final[k] = res[k].rf_final;
        res[k].rf_final = NULL;
        double nb;
        r->change[k] = dist(r->final[k], r->init, nu * in, &nb) / nb;
    }
    for (int k = 0; k < FADYN_FIGS1_RULES; k++)
        fadyn_mnist_result_free(&res[k]);
    fadyn_mnist_free(&data);
    if (rc < 0) {
        fadyn_figS1_result_free(r);
        return rc;
    }
    return r->diverged ? FADYN_DIVERGED : FADYN_OK;
}

void fadyn_figS1_summary(const fadyn_figS1_result *r, json_t *summary) {
    json_t *u = json_array(), *rules = json_object();
    for (size_t i = 0; i < r->par.units; i++)
        json_array_append_new(u, json_integer((json_int_t)r->unit[i]));
    for (int k = 0; k < FADYN_FIGS1_RULES; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "test_error_percent", fadyn_json_real(r->test_error[k]));
        json_object_set_new(o, "relative_change_of_the_fields", fadyn_json_real(r->change[k]));
        json_object_set_new(rules, figS1_rules[k], o);
    }
    json_object_set_new(summary, "units", u);
    json_object_set_new(summary, "examples", json_integer((json_int_t)r->par.set.examples));
    json_object_set_new(summary, "rules", rules);
}

/* STEM.tsv: four blocks (gnuplot `index`: start, bp, fa, sparse fa), each
 * headed `# block N: NAME (...)` and a tab-separated matrix (gnuplot
 * `matrix`) of the units' fields in a square mosaic, one pixel of
 * FADYN_PLOT_MOSAIC_GAP between tiles, every field scaled by its largest
 * |weight| into [-1, 1]. */
static int write_mosaics(const char *path, const void *result, fadyn_err *err) {
    const fadyn_figS1_result *r = result;
    size_t nu = r->par.units, side = (size_t)ceil(sqrt((double)nu)), R = r->rows, C = r->cols;
    size_t H = side * (R + 1) - 1, W = side * (C + 1) - 1;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    static const char *const title[] = {"start", "bp", "fa", "sparse-fa"};
    for (int panel = 0; panel < 4; panel++) {
        const double *w = panel ? r->final[panel - 1] : r->init;
        fprintf(f.f, "# block %d: %s (%zu receptive fields, %zu x %zu each, %g between)\n", panel,
                title[panel], nu, R, C, FADYN_PLOT_MOSAIC_GAP);
        for (size_t y = 0; y < H; y++) {
            for (size_t x = 0; x < W; x++) {
                size_t ty = y / (R + 1), tx = x / (C + 1), py = y % (R + 1), px = x % (C + 1);
                size_t u = ty * side + tx;
                double v = FADYN_PLOT_MOSAIC_GAP;
                if (py < R && px < C && u < nu) {
                    const double *row = w + u * R * C;
                    double m = 0;
                    for (size_t i = 0; i < R * C; i++)
                        m = fmax(m, fabs(row[i]));
                    v = m > 0 ? row[py * C + px] / m : 0;
                }
                fprintf(f.f, x ? "\t%.4g" : "%.4g", v);
            }
            fputc('\n', f.f);
        }
        if (panel < 3) fputs("\n\n", f.f);
    }
    return fadyn_ofile_commit(&f, err);
}

static int draw(const fadyn_plot_target *t, const void *result, fadyn_err *err) {
    const fadyn_figS1_result *r = result;
    return fadyn_plot_figS1(t, r->par.units, r->test_error, err);
}

int fadyn_figS1_plot(const fadyn_figS1_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    fadyn_plot_data data = {".tsv", write_mosaics, r, NULL};
    return fadyn_plot_make(t, &data, 1, draw, r, err);
}

size_t fadyn_figS1_report(const fadyn_figS1_result *r, fadyn_strbuf *lines,
                          fadyn_strbuf *diverged) {
    for (int k = 0; lines && k < FADYN_FIGS1_RULES; k++)
        fadyn_strbuf_printf(lines,
                            "  figS1 %-9s test error %.2f %%, the fields moved by %.0f %% of their "
                            "start\n",
                            figS1_rules[k], r->test_error[k], 100 * r->change[k]);
    if (diverged && r->diverged)
        fadyn_strbuf_printf(diverged, "figS1: %zu of the runs diverged\n", r->diverged);
    return r->diverged;
}

void fadyn_figS1_result_free(fadyn_figS1_result *r) {
    free(r->unit);
    free(r->init);
    for (int k = 0; k < FADYN_FIGS1_RULES; k++) {
        free(r->final[k]);
        r->final[k] = NULL;
    }
    r->unit = NULL;
    r->init = NULL;
}

/* One run per rule, evaluated at the end on the 10000 test images. */
static double work(const fadyn_fig_settings *s) {
    fadyn_figS1_params p = fadyn_figS1_params_default();
    return fadyn_exp_mnist_work(s, &p.train, FADYN_FIGS1_RULES, 1, 0);
}

static double seconds(const fadyn_fig_settings *s) {
    return fadyn_exp_mnist_seconds(s, 3.0 * (double)s->examples / 60000.0);
}

FADYN_RECIPE_DEFINE_TIMED(figS1,
                          "Task 2 (MNIST): receptive fields of 100 random hidden units at the\n"
                          "start and after bp, fa and sparse fa (needs make data)",
                          QUICK, FULL, MINIMUM, 1400, 1400, work, seconds);
