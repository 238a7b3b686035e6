/* fig2d.c — Fig. 2d: students of 3 and 4 layers learn Task 3's tanh teacher
 * with shallow learning, bp and fa (shallow with 3 layers only, as the
 * paper): the test NSE of each condition against examples (the mean over
 * the runs), its final value and, per rule with both students, Welch's
 * t-test of 3 against 4 layers (does the extra layer help?). */
#include "experiments_impl.h"
#include "fadyn/json.h"
#include "fadyn/size.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 200 000 examples: 4-layer fa has converged (docs/figures.md, Fig. 2d). */
#define QUICK                                                                                      \
    { 20, 200000 }
#define FULL                                                                                       \
    { 20, 300000 }
#define MINIMUM                                                                                    \
    { 2, 200 }

static const char *const RULES[] = {"shallow", "bp", "fa"};

/* The students: 30-20-10 and 30-20-10-10, tanh hidden layers, linear output, biases. */
static const size_t STUDENT_SIZES[] = {30, 20, 10, 10};

fadyn_fig2d_params fadyn_fig2d_params_default(void) {
    fadyn_fig2d_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)QUICK);
    p.rules = RULES;
    p.nrules = sizeof RULES / sizeof RULES[0];
    return p;
}

/* A rule that sends no error to the hidden layers trains the 3-layer student only. */
static size_t students_of(const fadyn_rule_type *rule) {
    return rule->backward ? 2 : 1;
}

/* The paper's colours: shallow grey, bp black, fa green with 3 layers
 * (the rule table's); bp magenta and fa blue with 4. */
static const char *colour_of(const fadyn_fig2d_group *g) {
    if (g->layers == 4 && strcmp(g->rule, "bp") == 0) return "#d01c8b";
    if (g->layers == 4 && strcmp(g->rule, "fa") == 0) return "#2166ac";
    return fadyn_rule_type_find(g->rule)->colour;
}

/* Train group g's runs: its final NSE of those that finished and its curve. */
static int run_group(const fadyn_fig2d_params *p, const fadyn_task *task, fadyn_train_params tp,
                     size_t g, size_t ng, fadyn_fig2d_group *grp, fadyn_err *err) {
    size_t runs = p->set.runs;
    const fadyn_rule_type *rule = fadyn_rule_type_find(grp->rule);
    fadyn_net_spec spec =
        fadyn_net_spec_make(grp->layers - 1, STUDENT_SIZES, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 1);
    grp->eta = tp.eta = fadyn_train_default_eta(FADYN_TASK_TEACHER, rule);
    grp->runs = fadyn_exp_runs_alloc(runs, err);
    grp->nse = calloc(runs, sizeof(double));
    if (!grp->runs || !grp->nse) return fadyn_err_set(err, FADYN_ENOMEM, "fig2d: out of memory");
    fadyn_exp_stage stage = {&p->set, g, ng};
    int rc = fadyn_train_runs_progress(task, &spec, rule, &tp, p->set.seed, runs, grp->runs,
                                       fadyn_exp_stage_progress, &stage);
    if (rc < 0) {
        for (size_t r = 0; r < runs; r++)
            if (grp->runs[r].status < 0 && err) *err = grp->runs[r].err;
        return rc;
    }
    size_t nrows = 0, nc = grp->runs[0].ncols;
    for (size_t r = 0; r < runs; r++) {
        if (grp->runs[r].status == FADYN_OK) grp->nse[grp->finished++] = grp->runs[r].final_nse;
        if (grp->runs[r].nrows > nrows) nrows = grp->runs[r].nrows;
    }
    fadyn_train_final_stats(grp->runs, runs, &grp->mean, &grp->sd);
    grp->curve_mean = fadyn_malloc_n(nrows ? nrows : 1, nc, sizeof(double));
    grp->curve_sd = fadyn_malloc_n(nrows ? nrows : 1, nc, sizeof(double));
    if (!grp->curve_mean || !grp->curve_sd)
        return fadyn_err_set(err, FADYN_ENOMEM, "fig2d: out of memory");
    grp->nrows = fadyn_train_aggregate(grp->runs, runs, grp->curve_mean, grp->curve_sd);
    return FADYN_OK;
}

/* The conditions in the paper's order: the 3-layer student of every rule,
 * then the 4-layer one of every rule that has it. */
static int make_groups(const fadyn_fig2d_params *p, fadyn_fig2d_result *r, fadyn_err *err) {
    r->groups = calloc(2 * p->nrules, sizeof *r->groups);
    r->welch = calloc(p->nrules, sizeof *r->welch);
    if (!r->groups || !r->welch) return fadyn_err_set(err, FADYN_ENOMEM, "fig2d: out of memory");
    for (size_t s = 0; s < 2; s++)
        for (size_t k = 0; k < p->nrules; k++) {
            const fadyn_rule_type *rule = fadyn_rule_type_find(p->rules[k]);
            if (s >= students_of(rule)) continue;
            r->groups[r->ngroups].rule = rule->name;
            r->groups[r->ngroups++].layers = 3 + s;
        }
    return FADYN_OK;
}

/* The group of rule (a name of the table) with that many layers, or NULL. */
static const fadyn_fig2d_group *find_group(const fadyn_fig2d_result *r, const char *rule,
                                           size_t layers) {
    for (size_t g = 0; g < r->ngroups; g++)
        if (strcmp(r->groups[g].rule, rule) == 0 && r->groups[g].layers == layers)
            return &r->groups[g];
    return NULL;
}

/* Whether rule k has both students, hence a t-test. */
static int has_test(const fadyn_fig2d_result *r, size_t k) {
    return find_group(r, r->par.rules[k], 4) != NULL;
}

/* Rule k's t-test of 3 against 4 layers; all NaN for a rule with one student. */
static int welch_of(fadyn_fig2d_result *r, size_t k, fadyn_err *err) {
    const fadyn_fig2d_group *a = find_group(r, r->par.rules[k], 3),
                            *b = find_group(r, r->par.rules[k], 4);
    fadyn_welch *w = &r->welch[k];
    if (!b) {
        *w = (fadyn_welch){a->mean, a->sd, NAN, NAN, NAN, NAN, NAN};
        return FADYN_OK;
    }
    if (fadyn_welch_test(a->nse, a->finished, b->nse, b->finished, w))
        return fadyn_err_set(err, FADYN_EINVAL,
                             "fig2d: %s: need 2 finished runs per bar for the t-test", a->rule);
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
    r->train.eval_per_decade = FADYN_FIG2D_PER_DECADE; /* log-spaced: the panel's x axis */
    r->train.angles = 0;
    rc = make_groups(p, r, err);
    for (size_t g = 0; rc == FADYN_OK && g < r->ngroups; g++) {
        rc = run_group(p, &task, r->train, g, r->ngroups, &r->groups[g], err);
        if (rc == FADYN_OK)
            r->diverged += fadyn_exp_diverged("", r->groups[g].runs, p->set.runs, NULL);
    }
    fadyn_task_free(&task);
    for (size_t k = 0; rc == FADYN_OK && k < p->nrules; k++)
        rc = welch_of(r, k, err);
    if (rc) {
        fadyn_fig2d_result_free(r);
        return rc;
    }
    return r->diverged ? FADYN_DIVERGED : FADYN_OK;
}

void fadyn_fig2d_summary(const fadyn_fig2d_result *r, json_t *summary) {
    json_t *jr = json_object(), *jc = json_array();
    for (size_t k = 0; k < r->par.nrules; k++) {
        const fadyn_welch *w = &r->welch[k];
        const fadyn_fig2d_group *a = find_group(r, r->par.rules[k], 3);
        if (!has_test(r, k)) continue;
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
    for (size_t g = 0; g < r->ngroups; g++) {
        const fadyn_fig2d_group *grp = &r->groups[g];
        json_t *e = json_object();
        json_object_set_new(e, "rule", json_string(grp->rule));
        json_object_set_new(e, "layers", json_integer((json_int_t)grp->layers));
        json_object_set_new(e, "eta", json_real(grp->eta));
        json_object_set_new(e, "final_nse_mean", fadyn_json_real(grp->mean));
        json_object_set_new(e, "final_nse_sd", fadyn_json_real(grp->sd));
        json_object_set_new(e, "n", json_integer((json_int_t)grp->finished));
        json_array_append_new(jc, e);
    }
    json_t *regime = json_object();
    json_object_set_new(regime, "teacher_sizes", json_string("30-20-10-10"));
    json_object_set_new(regime, "teacher_gain", json_real(r->task.teacher_gain));
    json_object_set_new(regime, "teacher_bias", json_real(r->task.teacher_bias));
    json_object_set_new(regime, "student_init_scale", json_real(r->train.w_scale));
    json_object_set_new(regime, "b_scale", json_real(r->train.b_scale));
    json_object_set_new(summary, "teacher_regime", regime);
    json_object_set_new(summary, "rules", jr);
    json_object_set_new(summary, "conditions", jc);
    json_object_set_new(summary, "runs", json_integer((json_int_t)r->par.set.runs));
    json_object_set_new(summary, "examples", json_integer((json_int_t)r->par.set.examples));
    json_object_set_new(summary, "evaluations_per_decade",
                        json_integer((json_int_t)r->train.eval_per_decade));
}

/* Group grp's row i of one of the two tables (after its rule, a word):
 * STEM.tsv, per finished run i: layers run nse mean sd; STEM-curves.tsv,
 * per evaluation i: layers example nse_mean nse_sd n (the mean and sd over
 * the n finished runs).  0 if there is no such row. */
static int table_row(const fadyn_fig2d_group *grp, int curves, size_t i, double v[5]) {
    size_t nc = grp->runs[0].ncols;
    if (curves && grp->finished && i < grp->nrows) {
        double c[5] = {(double)grp->layers, grp->curve_mean[i * nc], grp->curve_mean[i * nc + 1],
                       grp->curve_sd[i * nc + 1], (double)grp->finished};
        memcpy(v, c, sizeof c);
        return 1;
    }
    if (curves || grp->runs[i].status != FADYN_OK) return 0;
    double w[5] = {(double)grp->layers, (double)i, grp->runs[i].final_nse, grp->mean, grp->sd};
    memcpy(v, w, sizeof w);
    return 1;
}

static int write_table(const char *path, const fadyn_fig2d_result *r, int curves, fadyn_err *err) {
    static const char *const cols[2][6] = {
        {"rule", "layers", "run", "nse", "mean", "sd"},
        {"rule", "layers", "example", "nse_mean", "nse_sd", "n"}};
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    fadyn_tsv_header(f.f, cols[curves], 6);
    for (size_t g = 0; g < r->ngroups; g++) {
        const fadyn_fig2d_group *grp = &r->groups[g];
        size_t nrows = curves ? grp->nrows : r->par.set.runs;
        double v[5];
        for (size_t i = 0; i < nrows; i++)
            if (table_row(grp, curves, i, v)) {
                fprintf(f.f, "%s\t", grp->rule);
                fadyn_tsv_row(f.f, v, 5);
            }
    }
    return fadyn_ofile_commit(&f, err);
}

static int write_runs(const char *path, const void *result, fadyn_err *err) {
    return write_table(path, result, 0, err);
}

static int write_curves(const char *path, const void *result, fadyn_err *err) {
    return write_table(path, result, 1, err);
}

static int draw(const fadyn_plot_target *t, const void *result, fadyn_err *err) {
    const fadyn_fig2d_result *r = result;
    fadyn_plot_fig2d_cond cond[16];
    fadyn_plot_fig2d_test test[8];
    size_t nc = 0, nt = 0;
    for (size_t g = 0; g < r->ngroups && nc < 16; g++, nc++)
        cond[nc] = (fadyn_plot_fig2d_cond){r->groups[g].rule, r->groups[g].layers,
                                           colour_of(&r->groups[g])};
    for (size_t k = 0; k < r->par.nrules && nt < 8; k++)
        if (has_test(r, k)) test[nt++] = (fadyn_plot_fig2d_test){r->par.rules[k], r->welch[k].p};
    return fadyn_plot_fig2d(t, cond, nc, test, nt, r->par.set.runs, r->par.set.examples, err);
}

int fadyn_fig2d_plot(const fadyn_fig2d_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    if (r->ngroups > 16 || r->par.nrules > 8)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "fig2d: the figure draws at most 16 conditions of 8 rules, not %zu",
                             r->ngroups);
    fadyn_plot_data data[2] = {{".tsv", write_runs, r, NULL},
                               {"-curves.tsv", write_curves, r, NULL}};
    return fadyn_plot_make(t, data, 2, draw, r, err);
}

size_t fadyn_fig2d_report(const fadyn_fig2d_result *r, fadyn_strbuf *lines,
                          fadyn_strbuf *diverged) {
    size_t d = 0;
    for (size_t g = 0; g < r->ngroups; g++) {
        char what[64];
        snprintf(what, sizeof what, "fig2d %s, %zu layers", r->groups[g].rule, r->groups[g].layers);
        d += fadyn_exp_diverged(what, r->groups[g].runs, r->par.set.runs, diverged);
    }
    for (size_t k = 0; lines && k < r->par.nrules; k++) {
        const fadyn_welch *w = &r->welch[k];
        if (!has_test(r, k))
            fadyn_strbuf_printf(lines, "  fig2d %s: 3 layers %.4f +- %.4f (no 4-layer student)\n",
                                r->par.rules[k], w->mean_a, w->sd_a);
        else
            fadyn_strbuf_printf(lines,
                                "  fig2d %s: 3 layers %.4f +- %.4f, 4 layers %.4f +- %.4f, Welch t "
                                "%.2f, p = %.2e\n",
                                r->par.rules[k], w->mean_a, w->sd_a, w->mean_b, w->sd_b, w->t,
                                w->p);
    }
    return d;
}

void fadyn_fig2d_result_free(fadyn_fig2d_result *r) {
    for (size_t g = 0; r->groups && g < r->ngroups; g++) {
        fadyn_exp_runs_free(r->groups[g].runs, r->par.set.runs);
        free(r->groups[g].nse);
        free(r->groups[g].curve_mean);
        free(r->groups[g].curve_sd);
    }
    free(r->groups);
    free(r->welch);
    r->groups = NULL;
    r->welch = NULL;
    r->ngroups = 0;
}

/* The runs of each condition (rule and student) on Task 3, evaluated
 * FADYN_FIG2D_PER_DECADE times a decade on its 5000 held-out points. */
static double work(const fadyn_fig_settings *s) {
    fadyn_fig2d_params p = fadyn_fig2d_params_default();
    double decades = ceil(log10(fmax(1.0, (double)s->examples))), w = 0.0;
    for (size_t st = 0; st < 2; st++)
        for (size_t k = 0; k < p.nrules; k++) {
            if (st >= students_of(fadyn_rule_type_find(p.rules[k]))) continue;
            fadyn_net_spec spec =
                fadyn_net_spec_make(2 + st, STUDENT_SIZES, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 1);
            w += fadyn_exp_train_work(&spec, 1, s, (size_t)decades * FADYN_FIG2D_PER_DECADE + 1,
                                      5000);
        }
    return w;
}

FADYN_RECIPE_DEFINE(fig2d,
                    "Task 3: test NSE against examples of 3-layer shallow, bp and fa and\n"
                    "4-layer bp and fa students (mean of runs each), and Welch t-tests of 3\n"
                    "vs 4 layers on the final NSE",
                    QUICK, FULL, MINIMUM, 1600, 700, work);
