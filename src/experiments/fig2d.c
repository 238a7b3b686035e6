/* fig2d.c — Fig. 2d: students of 3 and 4 layers learn Task 3's tanh teacher
 * with bp and fa; the test NSE of each group of runs and, per rule, Welch's
 * t-test of 3 against 4 layers (does the extra layer help?). */
#include "experiments_impl.h"
#include "fadyn/json.h"

#include <stdlib.h>
#include <string.h>

#define QUICK                                                                                      \
    { 20, 50000 }
#define FULL                                                                                       \
    { 20, 300000 }
#define MINIMUM                                                                                    \
    { 2, 200 }

static const char *const RULES[] = {"bp", "fa"};

/* The students: 30-20-10 and 30-20-10-10, tanh hidden layers, linear output, biases. */
static const size_t STUDENT_DEPTH[FADYN_FIG2D_STUDENTS] = {2, 3};
static const size_t STUDENT_SIZES[] = {30, 20, 10, 10};

fadyn_fig2d_params fadyn_fig2d_params_default(void) {
    fadyn_fig2d_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)QUICK);
    p.rules = RULES;
    p.nrules = sizeof RULES / sizeof RULES[0];
    return p;
}

/* Train group g's runs and gather the final NSE of those that finished. */
static int run_group(const fadyn_fig2d_params *p, const fadyn_task *task, fadyn_train_params tp,
                     size_t g, fadyn_fig2d_group *grp, fadyn_err *err) {
    size_t student = g % FADYN_FIG2D_STUDENTS, runs = p->set.runs;
    const fadyn_rule_type *rule = fadyn_rule_type_find(p->rules[g / FADYN_FIG2D_STUDENTS]);
    fadyn_net_spec spec = fadyn_net_spec_make(STUDENT_DEPTH[student], STUDENT_SIZES, FADYN_ACT_TANH,
                                              FADYN_ACT_LINEAR, 1);
    grp->rule = rule->name;
    grp->layers = STUDENT_DEPTH[student] + 1;
    grp->eta = tp.eta = fadyn_train_default_eta(FADYN_TASK_TEACHER, rule);
    grp->runs = fadyn_exp_runs_alloc(runs, err);
    grp->nse = calloc(runs, sizeof(double));
    if (!grp->runs || !grp->nse) return fadyn_err_set(err, FADYN_ENOMEM, "fig2d: out of memory");
    fadyn_exp_stage stage = {&p->set, g, p->nrules * FADYN_FIG2D_STUDENTS};
    int rc = fadyn_train_runs_progress(task, &spec, rule, &tp, p->set.seed, runs, grp->runs,
                                       fadyn_exp_stage_progress, &stage);
    if (rc < 0) {
        for (size_t r = 0; r < runs; r++)
            if (grp->runs[r].status < 0 && err) *err = grp->runs[r].err;
        return rc;
    }
    for (size_t r = 0; r < runs; r++)
        if (grp->runs[r].status == FADYN_OK) grp->nse[grp->finished++] = grp->runs[r].final_nse;
    fadyn_train_final_stats(grp->runs, runs, &grp->mean, &grp->sd);
    return FADYN_OK;
}

int fadyn_fig2d_run(const fadyn_fig2d_params *p, fadyn_fig2d_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->par = *p;
    int rc = fadyn_exp_check("fig2d", &p->set, (fadyn_recipe_scale)MINIMUM, err);
    if (rc == FADYN_OK) rc = fadyn_exp_rules_check("fig2d", p->rules, p->nrules, err);
    if (rc) return rc;
    r->task = fadyn_task_params_default(FADYN_TASK_TEACHER);
    r->task.seed = p->set.seed;
    fadyn_task task;
    if ((rc = fadyn_task_alloc(&task, &r->task, err))) return rc;
    r->train = fadyn_train_params_default();
    r->train.examples = p->set.examples;
    r->train.eval_every = r->train.examples / 10;
    r->train.angles = 0;
    size_t ng = p->nrules * FADYN_FIG2D_STUDENTS;
    r->groups = calloc(ng, sizeof *r->groups);
    r->welch = calloc(p->nrules, sizeof *r->welch);
    if (!r->groups || !r->welch) rc = fadyn_err_set(err, FADYN_ENOMEM, "fig2d: out of memory");
    for (size_t g = 0; rc == FADYN_OK && g < ng; g++) {
        rc = run_group(p, &task, r->train, g, &r->groups[g], err);
        if (rc == FADYN_OK)
            r->diverged += fadyn_exp_diverged("", r->groups[g].runs, p->set.runs, NULL);
    }
    fadyn_task_free(&task);
    for (size_t k = 0; rc == FADYN_OK && k < p->nrules; k++) {
        const fadyn_fig2d_group *a = &r->groups[k * FADYN_FIG2D_STUDENTS], *b = a + 1;
        if (fadyn_welch_test(a->nse, a->finished, b->nse, b->finished, &r->welch[k]))
            rc = fadyn_err_set(err, FADYN_EINVAL,
                               "fig2d: %s: need 2 finished runs per bar for the t-test", a->rule);
    }
    if (rc) {
        fadyn_fig2d_result_free(r);
        return rc;
    }
    return r->diverged ? FADYN_DIVERGED : FADYN_OK;
}

void fadyn_fig2d_summary(const fadyn_fig2d_result *r, json_t *summary) {
    json_t *jr = json_object();
    for (size_t k = 0; k < r->par.nrules; k++) {
        const fadyn_welch *w = &r->welch[k];
        const fadyn_fig2d_group *a = &r->groups[k * FADYN_FIG2D_STUDENTS];
        json_t *e = json_object();
        json_object_set_new(e, "eta", json_real(a->eta));
        json_object_set_new(e, "nse_3_layers_mean", fadyn_json_real(w->mean_a));
        json_object_set_new(e, "nse_3_layers_sd", fadyn_json_real(w->sd_a));
        json_object_set_new(e, "nse_4_layers_mean", fadyn_json_real(w->mean_b));
        json_object_set_new(e, "nse_4_layers_sd", fadyn_json_real(w->sd_b));
        json_object_set_new(e, "welch_t", fadyn_json_real(w->t));
        json_object_set_new(e, "welch_df", fadyn_json_real(w->df));
        json_object_set_new(e, "p_value", fadyn_json_real(w->p));
        json_object_set_new(e, "n", json_integer((json_int_t)a->finished));
        json_object_set_new(jr, a->rule, e);
    }
    json_t *regime = json_object();
    json_object_set_new(regime, "teacher_sizes", json_string("30-20-10-10"));
    json_object_set_new(regime, "teacher_gain", json_real(r->task.teacher_gain));
    json_object_set_new(regime, "teacher_bias", json_real(r->task.teacher_bias));
    json_object_set_new(regime, "student_init_scale", json_real(r->train.w_scale));
    json_object_set_new(regime, "b_scale", json_real(r->train.b_scale));
    json_object_set_new(summary, "teacher_regime", regime);
    json_object_set_new(summary, "rules", jr);
    json_object_set_new(summary, "runs", json_integer((json_int_t)r->par.set.runs));
    json_object_set_new(summary, "examples", json_integer((json_int_t)r->par.set.examples));
}

/* STEM.tsv: group rule_fa layers run nse mean sd, one row per finished run. */
static int write_runs(const char *path, const void *result, fadyn_err *err) {
    const fadyn_fig2d_result *r = result;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    static const char *const cols[] = {"group", "rule_fa", "layers", "run", "nse", "mean", "sd"};
    fadyn_tsv_header(f.f, cols, 7);
    for (size_t g = 0; g < r->par.nrules * FADYN_FIG2D_STUDENTS; g++) {
        const fadyn_fig2d_group *grp = &r->groups[g];
        for (size_t k = 0; k < grp->finished; k++) {
            double v[7] = {(double)g,
                           (double)(g / FADYN_FIG2D_STUDENTS),
                           (double)grp->layers,
                           (double)k,
                           grp->nse[k],
                           grp->mean,
                           grp->sd};
            fadyn_tsv_row(f.f, v, 7);
        }
    }
    return fadyn_ofile_commit(&f, err);
}

static int draw(const fadyn_plot_target *t, const void *result, fadyn_err *err) {
    const fadyn_fig2d_result *r = result;
    return fadyn_plot_fig2d(t, r->par.set.runs, r->welch[0].p, r->welch[1].p, err);
}

int fadyn_fig2d_plot(const fadyn_fig2d_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    if (r->par.nrules != 2)
        return fadyn_err_set(err, FADYN_EINVAL, "fig2d: the figure draws 2 rules, not %zu",
                             r->par.nrules);
    fadyn_plot_data data = {".tsv", write_runs, r, NULL};
    return fadyn_plot_make(t, &data, 1, draw, r, err);
}

size_t fadyn_fig2d_report(const fadyn_fig2d_result *r, fadyn_strbuf *lines,
                          fadyn_strbuf *diverged) {
    size_t d = 0;
    for (size_t g = 0; g < r->par.nrules * FADYN_FIG2D_STUDENTS; g++) {
        char what[64];
        snprintf(what, sizeof what, "fig2d %s, %zu layers", r->groups[g].rule, r->groups[g].layers);
        d += fadyn_exp_diverged(what, r->groups[g].runs, r->par.set.runs, diverged);
    }
    for (size_t k = 0; lines && k < r->par.nrules; k++) {
        const fadyn_welch *w = &r->welch[k];
        fadyn_strbuf_printf(lines,
                            "  fig2d %s: 3 layers %.4f +- %.4f, 4 layers %.4f +- %.4f, Welch t "
                            "%.2f, p = %.2e\n",
                            r->groups[k * FADYN_FIG2D_STUDENTS].rule, w->mean_a, w->sd_a, w->mean_b,
                            w->sd_b, w->t, w->p);
    }
    return d;
}

void fadyn_fig2d_result_free(fadyn_fig2d_result *r) {
    for (size_t g = 0; r->groups && g < r->par.nrules * FADYN_FIG2D_STUDENTS; g++) {
        fadyn_exp_runs_free(r->groups[g].runs, r->par.set.runs);
        free(r->groups[g].nse);
    }
    free(r->groups);
    free(r->welch);
    r->groups = NULL;
    r->welch = NULL;
}

FADYN_RECIPE_DEFINE(fig2d,
                    "Task 3: test NSE of 3- and 4-layer students with bp and fa, n = runs\n"
                    "each, Welch t-tests of 3 vs 4 layers",
                    QUICK, FULL, MINIMUM, 1400, 700);
