/* fig1d.c — Fig. 1d: shallow, node perturbation, bp and fa on Task 1, each
 * rule at its tuned rate: the held-out NSE against examples (mean of the
 * runs), and how many examples each needs to bring it below 1 %. */
#include "experiments_impl.h"
#include "fadyn/json.h"
#include "fadyn/size.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUICK                                                                                      \
    { 5, 4000 }
#define FULL                                                                                       \
    { 20, 20000 }
#define MINIMUM                                                                                    \
    { 2, 200 }
/* The linear panel spans the quick run's examples, where bp and fa finish. */
#define LINEAR_SPAN 4000.0

static const char *const RULES[] = {"shallow", "np", "bp", "fa"};

fadyn_fig1d_params fadyn_fig1d_params_default(void) {
    fadyn_fig1d_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)QUICK);
    p.rules = RULES;
    p.nrules = sizeof RULES / sizeof RULES[0];
    return p;
}

/* The first evaluation at which the mean NSE over the runs is below 1 %. */
static double examples_to_1pct(const fadyn_train_result *res, size_t runs, fadyn_err *err,
                               int *rc) {
    size_t nrows = 0, nc = res[0].ncols;
    for (size_t r = 0; r < runs; r++)
        if (res[r].nrows > nrows) nrows = res[r].nrows;
    double *mean = fadyn_malloc_n(2 * (nrows ? nrows : 1), nc, sizeof(double));
    if (!mean) {
        *rc = fadyn_err_set(err, FADYN_ENOMEM, "fig1d: out of memory");
        return NAN;
    }
    size_t nr = fadyn_train_aggregate(res, runs, mean, mean + nrows * nc);
    double to1 = NAN;
    for (size_t k = 0; k < nr; k++)
        if (mean[k * nc + 1] < 0.01) {
            to1 = mean[k * nc];
            break;
        }
    free(mean);
    return to1;
}

int fadyn_fig1d_run(const fadyn_fig1d_params *p, fadyn_fig1d_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->par = *p;
    int rc = fadyn_exp_check("fig1d", &p->set, (fadyn_recipe_scale)MINIMUM, err);
    if (rc == FADYN_OK) rc = fadyn_exp_rules_check("fig1d", p->rules, p->nrules, err);
    if (rc) return rc;
    fadyn_task task;
    fadyn_net_spec spec;
    if ((rc = fadyn_exp_task1(p->set.seed, &task, &spec, err))) return rc;
    r->curves = calloc(p->nrules, sizeof *r->curves);
    if (!r->curves) rc = fadyn_err_set(err, FADYN_ENOMEM, "fig1d: out of memory");
    fadyn_train_params tp = fadyn_train_params_default();
    tp.examples = p->set.examples;
    tp.eval_every = tp.examples / 200 ? tp.examples / 200 : 1;
    tp.angles = 0;
    for (size_t i = 0; rc == FADYN_OK && i < p->nrules; i++) {
        fadyn_fig1d_curve *c = &r->curves[i];
        const fadyn_rule_type *rule = fadyn_rule_type_find(p->rules[i]);
        c->rule = p->rules[i];
        c->eta = tp.eta = fadyn_train_default_eta(FADYN_TASK_LINEAR, rule);
        if (!(c->runs = fadyn_exp_runs_alloc(p->set.runs, err))) {
            rc = FADYN_ENOMEM;
            break;
        }
        fadyn_exp_stage stage = {&p->set, i, p->nrules};
        rc = fadyn_train_runs_progress(&task, &spec, rule, &tp, p->set.seed, p->set.runs, c->runs,
                                       fadyn_exp_stage_progress, &stage);
        if (rc == FADYN_DIVERGED) rc = FADYN_OK;
        if (rc) {
            for (size_t k = 0; k < p->set.runs; k++)
                if (c->runs[k].status < 0 && err) *err = c->runs[k].err;
            break;
        }
        r->diverged += fadyn_exp_diverged(c->rule, c->runs, p->set.runs, NULL);
        fadyn_train_final_stats(c->runs, p->set.runs, &c->final_nse_mean, &c->final_nse_sd);
        c->examples_to_1pct = examples_to_1pct(c->runs, p->set.runs, err, &rc);
    }
    fadyn_task_free(&task);
    if (rc) {
        fadyn_fig1d_result_free(r);
        return rc;
    }
    return r->diverged ? FADYN_DIVERGED : FADYN_OK;
}

void fadyn_fig1d_summary(const fadyn_fig1d_result *r, json_t *summary) {
    json_t *jr = json_object();
    for (size_t i = 0; i < r->par.nrules; i++) {
        const fadyn_fig1d_curve *c = &r->curves[i];
        json_t *e = json_object();
        json_object_set_new(e, "eta", json_real(c->eta));
        json_object_set_new(e, "final_nse_mean", fadyn_json_real(c->final_nse_mean));
        json_object_set_new(e, "final_nse_sd", fadyn_json_real(c->final_nse_sd));
        json_object_set_new(e, "examples_to_nse_0.01", fadyn_json_real(c->examples_to_1pct));
        json_object_set_new(jr, c->rule, e);
    }
    json_object_set_new(summary, "rules", jr);
    json_object_set_new(summary, "runs", json_integer((json_int_t)r->par.set.runs));
    json_object_set_new(summary, "examples", json_integer((json_int_t)r->par.set.examples));
}

/* One curve's mean over its runs: STEM-RULE.tsv. */
typedef struct {
    const fadyn_fig1d_curve *curve;
    size_t runs;
} curve_file;

static int write_curve(const char *path, const void *file, fadyn_err *err) {
    const curve_file *f = file;
    return fadyn_train_write_mean(path, f->curve->runs, f->runs, err);
}

static int draw(const fadyn_plot_target *t, const void *result, fadyn_err *err) {
    const fadyn_fig1d_result *r = result;
    double span =
        (double)r->par.set.examples < LINEAR_SPAN ? (double)r->par.set.examples : LINEAR_SPAN;
    return fadyn_plot_fig1d(t, r->par.rules, r->par.nrules, span, err);
}

int fadyn_fig1d_plot(const fadyn_fig1d_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    size_t n = r->par.nrules;
    fadyn_plot_data *data = calloc(n, sizeof *data);
    curve_file *files = calloc(n, sizeof *files);
    int rc = data && files ? FADYN_OK : fadyn_err_set(err, FADYN_ENOMEM, "fig1d: out of memory");
    for (size_t i = 0; rc == FADYN_OK && i < n; i++) {
        files[i] = (curve_file){&r->curves[i], r->par.set.runs};
        snprintf(data[i].suffix, sizeof data[i].suffix, "-%s.tsv", r->curves[i].rule);
        data[i].write = write_curve;
        data[i].ctx = &files[i];
    }
    if (rc == FADYN_OK) rc = fadyn_plot_make(t, data, n, draw, r, err);
    free(data);
    free(files);
    return rc;
}

size_t fadyn_fig1d_report(const fadyn_fig1d_result *r, fadyn_strbuf *lines,
                          fadyn_strbuf *diverged) {
    size_t d = 0;
    for (size_t i = 0; i < r->par.nrules; i++) {
        const fadyn_fig1d_curve *c = &r->curves[i];
        char what[64];
        snprintf(what, sizeof what, "fig1d %s", c->rule);
        d += fadyn_exp_diverged(what, c->runs, r->par.set.runs, diverged);
        if (!lines) continue;
        fadyn_strbuf_printf(lines, "  fig1d %-8s eta %-6g final NSE %.3e +- %.1e, NSE < 1%%",
                            c->rule, c->eta, c->final_nse_mean, c->final_nse_sd);
        fadyn_exp_put_after(lines, c->examples_to_1pct);
        fadyn_strbuf_printf(lines, "\n");
    }
    return d;
}

void fadyn_fig1d_result_free(fadyn_fig1d_result *r) {
    for (size_t i = 0; r->curves && i < r->par.nrules; i++)
        fadyn_exp_runs_free(r->curves[i].runs, r->par.set.runs);
    free(r->curves);
    r->curves = NULL;
}

/* Each rule's runs on Task 1, 200 evaluations on the 1000 held-out points. */
static double work(const fadyn_fig_settings *s) {
    fadyn_net_spec spec = fadyn_exp_task1_spec();
    return fadyn_exp_train_work(&spec, fadyn_fig1d_params_default().nrules, s, 200, 1000);
}

FADYN_RECIPE_DEFINE(fig1d,
                    "Task 1: NSE against examples for shallow, node perturbation, bp and fa,\n"
                    "each at its tuned rate",
                    QUICK, FULL, MINIMUM, 1400, 700, work);
