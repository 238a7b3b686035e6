/* fig2a.c — Fig. 2a: Task 2 (MNIST), test error against examples for bp,
 * fa, sparse fa and shallow learning, each the mean of runs with a band,
 * the final means beside the paper's. */
#include "experiments_impl.h"
#include "fadyn/clock.h"
#include "fadyn/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUICK                                                                                      \
    { 2, 300000 }
#define FULL                                                                                       \
    { 20, 900000 }
#define MINIMUM                                                                                    \
    { 2, 512 }

static const char *const fig2a_rules[] = {"bp", "fa", "sparse-fa", "shallow"};

fadyn_fig2a_params fadyn_fig2a_params_default(void) {
    fadyn_fig2a_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)QUICK);
    p.train = fadyn_mnist_params_default();
    p.rules = fig2a_rules;
    p.nrules = 4;
    p.evaluations = 20;
    return p;
}

int fadyn_fig2a_run(const fadyn_fig2a_params *p, fadyn_fig2a_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->par = *p;
    int rc = fadyn_exp_check("fig2a", &p->set, (fadyn_recipe_scale)MINIMUM, err);
    if (rc == FADYN_OK) rc = fadyn_exp_rules_check("fig2a", p->rules, p->nrules, err);
    if (rc == FADYN_OK && p->evaluations < 1)
        rc = fadyn_err_set(err, FADYN_EINVAL, "fig2a: evaluations 0: at least 1");
    if (rc) return rc;
    fadyn_mnist data;
    if ((rc = fadyn_exp_mnist_load("fig2a", &p->set, &data, err))) return rc;
    fadyn_mnist_params tp = fadyn_exp_mnist_train(&p->set, &p->train);
    tp.eval_every = tp.examples / p->evaluations ? tp.examples / p->evaluations : 1;
    size_t runs = p->set.runs;
    r->curves = calloc(p->nrules, sizeof *r->curves);
    fadyn_mnist_result *all = calloc(p->nrules * runs, sizeof *all); /* rule by rule */
    if (!r->curves || !all) rc = fadyn_err_set(err, FADYN_ENOMEM, "fig2a: out of memory");
    for (size_t i = 0; rc >= 0 && i < p->nrules; i++) {
        r->curves[i].rule = fadyn_rule_type_find(p->rules[i]);
        if (!(r->curves[i].runs = calloc(runs, sizeof *r->curves[i].runs)))
            rc = fadyn_err_set(err, FADYN_ENOMEM, "fig2a: out of memory");
    }
    double t0 = fadyn_wall_seconds();
    if (rc >= 0) /* every (rule, run) at once: work items over MPI ranks */
        rc =
            fadyn_exp_mnist_runs(&p->set, &data, p->rules, p->nrules, &tp, runs, NULL, 0, all, err);
    for (size_t i = 0; rc >= 0 && i < p->nrules; i++) {
        fadyn_fig2a_curve *c = &r->curves[i];
        memcpy(c->runs, all + i * runs, runs * sizeof *c->runs); /* the curve owns them now */
        c->finished = fadyn_mnist_final_stats(c->runs, runs, &c->final_mean, &c->final_sd);
        r->diverged += runs - c->finished;
    }
    if (rc < 0 && all)
        for (size_t i = 0; i < p->nrules * runs; i++)
            fadyn_mnist_result_free(&all[i]);
    free(all);
    r->seconds = fadyn_wall_seconds() - t0;
    fadyn_mnist_free(&data);
    if (rc < 0) {
        fadyn_fig2a_result_free(r);
        return rc;
    }
    return r->diverged ? FADYN_DIVERGED : FADYN_OK;
}

void fadyn_fig2a_summary(const fadyn_fig2a_result *r, json_t *summary) {
    json_t *rules = json_object();
    for (size_t i = 0; i < r->par.nrules; i++) {
        const fadyn_fig2a_curve *c = &r->curves[i];
        json_t *o = json_object(), *fin = json_array();
        for (size_t k = 0; k < r->par.set.runs; k++)
            json_array_append_new(fin, fadyn_json_real(c->runs[k].final_test_error));
        json_object_set_new(o, "test_error_percent_mean", fadyn_json_real(c->final_mean));
        json_object_set_new(o, "test_error_percent_sd", fadyn_json_real(c->final_sd));
        json_object_set_new(o, "test_error_percent", fin);
        json_object_set_new(o, "finished", json_integer((json_int_t)c->finished));
        if (c->rule->paper_mnist > 0)
            json_object_set_new(o, "paper_percent", json_real(c->rule->paper_mnist));
        json_object_set_new(rules, c->rule->name, o);
    }
    json_object_set_new(summary, "rules", rules);
    json_object_set_new(summary, "runs", json_integer((json_int_t)r->par.set.runs));
    json_object_set_new(summary, "examples", json_integer((json_int_t)r->par.set.examples));
    json_object_set_new(summary, "eta", json_real(r->par.train.eta));
    json_object_set_new(summary, "wall_seconds", json_real(r->seconds));
}

/* STEM-RULE.tsv: the rows of fadyn_mnist_write_mean. */
typedef struct {
    const fadyn_fig2a_result *r;
    size_t i;
} curve_ref;

static int write_curve(const char *path, const void *ctx, fadyn_err *err) {
    const curve_ref *c = ctx;
    return fadyn_mnist_write_mean(path, c->r->curves[c->i].runs, c->r->par.set.runs, err);
}

static int draw(const fadyn_plot_target *t, const void *ctx, fadyn_err *err) {
    const fadyn_fig2a_result *r = ctx;
    const char *names[8];
    double mean[8], paper[8];
    size_t n = r->par.nrules < 8 ? r->par.nrules : 8;
    for (size_t i = 0; i < n; i++) {
        names[i] = r->curves[i].rule->name;
        mean[i] = r->curves[i].final_mean;
        paper[i] = r->curves[i].rule->paper_mnist;
    }
    return fadyn_plot_fig2a(t, names, mean, paper, n, err);
}

int fadyn_fig2a_plot(const fadyn_fig2a_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    fadyn_plot_data data[8];
    curve_ref refs[8];
    size_t n = r->par.nrules < 8 ? r->par.nrules : 8;
    for (size_t i = 0; i < n; i++) {
        refs[i] = (curve_ref){r, i};
        memset(&data[i], 0, sizeof data[i]);
        snprintf(data[i].suffix, sizeof data[i].suffix, "-%s.tsv", r->curves[i].rule->name);
        data[i].write = write_curve;
        data[i].ctx = &refs[i];
    }
    return fadyn_plot_make(t, data, n, draw, r, err);
}

size_t fadyn_fig2a_report(const fadyn_fig2a_result *r, fadyn_strbuf *lines,
                          fadyn_strbuf *diverged) {
    size_t d = 0;
    for (size_t i = 0; i < r->par.nrules; i++) {
        const fadyn_fig2a_curve *c = &r->curves[i];
        if (lines) {
            fadyn_strbuf_printf(lines, "  fig2a %-9s test error %.2f %% +- %.2f (%zu runs)",
                                c->rule->name, c->final_mean, c->final_sd, c->finished);
            if (c->rule->paper_mnist > 0)
                fadyn_strbuf_printf(lines, "; the paper %.1f %%", c->rule->paper_mnist);
            fadyn_strbuf_printf(lines, "\n");
        }
        d += fadyn_exp_mnist_diverged(c->rule->name, c->runs, r->par.set.runs, diverged);
    }
    return d;
}

void fadyn_fig2a_result_free(fadyn_fig2a_result *r) {
    for (size_t i = 0; r->curves && i < r->par.nrules; i++) {
        for (size_t k = 0; r->curves[i].runs && k < r->par.set.runs; k++)
            fadyn_mnist_result_free(&r->curves[i].runs[k]);
        free(r->curves[i].runs);
    }
    free(r->curves);
    r->curves = NULL;
}

/* Each rule's runs, 20 evaluations on the 10000 test images. */
static double work(const fadyn_fig_settings *s) {
    fadyn_fig2a_params p = fadyn_fig2a_params_default();
    return fadyn_exp_mnist_work(s, &p.train, p.nrules, p.evaluations, 0);
}

static double seconds(const fadyn_fig_settings *s) {
    double epochs = (double)s->examples / 60000.0;
    return fadyn_exp_mnist_seconds(s, 4.0 * (double)s->runs * epochs);
}

FADYN_RECIPE_DEFINE_TIMED(fig2a,
                          "Task 2 (MNIST): test error against examples for bp, fa, sparse fa\n"
                          "and shallow, the final means beside the paper's (needs make data)",
                          QUICK, FULL, MINIMUM, 1400, 800, work, seconds);
