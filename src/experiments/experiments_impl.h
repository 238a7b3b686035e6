/* experiments_impl.h — what the experiments share, inside the library:
 * Task 1, the checks of the settings, diverged-run lines, progress over a
 * sequence of groups, and the macro that turns an experiment into a recipe
 * row (fadyn/experiments.h says how a figure is added). */
#ifndef FADYN_EXPERIMENTS_IMPL_H
#define FADYN_EXPERIMENTS_IMPL_H

#include "fadyn/experiments.h"

/* Task 1 of the paper (T ~ U[-1,1] from seed) and its 30-20-10 linear student. */
fadyn_net_spec fadyn_exp_task1_spec(void); /* its student */
int fadyn_exp_task1(unsigned long seed, fadyn_task *task, fadyn_net_spec *spec, fadyn_err *err);

/* Seed 1, the scale's runs and examples, no progress. */
fadyn_fig_settings fadyn_exp_settings(fadyn_recipe_scale scale);

/* FADYN_EINVAL unless s has at least min's runs and examples (where min's
 * are non-zero): "NAME: runs 1: at least 2". */
int fadyn_exp_check(const char *name, const fadyn_fig_settings *s, fadyn_recipe_scale min,
                    fadyn_err *err);

/* The flops of `nets` x the settings' runs (at least 1) runs of spec over
 * the settings' examples, evaluated `evaluations` times on n_test points
 * (fadyn_cost_training): what a recipe's work function returns. */
double fadyn_exp_train_work(const fadyn_net_spec *spec, size_t nets, const fadyn_fig_settings *s,
                            size_t evaluations, size_t n_test);

/* FADYN_EINVAL unless each of the n names is a rule of fadyn/rule.h. */
int fadyn_exp_rules_check(const char *name, const char *const *rules, size_t n, fadyn_err *err);

/* n zeroed results, or NULL (err says so). */
fadyn_train_result *fadyn_exp_runs_alloc(size_t n, fadyn_err *err);
/* Free n results and the array (NULL: nothing). */
void fadyn_exp_runs_free(fadyn_train_result *res, size_t n);

/* Append "WHAT: run R diverged: DETAIL" for each diverged result of n to
 * lines (NULL: count only); returns how many diverged. */
/* " after N examples" into lines, or " never" when n is not finite (the run
 * never got there). */
void fadyn_exp_put_after(fadyn_strbuf *lines, double n);

size_t fadyn_exp_diverged(const char *what, const fadyn_train_result *res, size_t n,
                          fadyn_strbuf *lines);

/* Progress of group `group` of `ngroups` done one after another: a
 * fadyn_progress_fn (ctx a fadyn_exp_stage) reporting (group + f) / ngroups
 * to the settings' callback. */
typedef struct {
    const fadyn_fig_settings *set;
    size_t group, ngroups;
} fadyn_exp_stage;

void fadyn_exp_stage_progress(void *stage, double fraction);

/* The image NAME.png in dir (width x height), for fadyn_recipe_write. */
int fadyn_exp_target(const char *dir, const char *name, int width, int height, fadyn_plot_target *t,
                     fadyn_err *err);

/* The recipe row fadyn_recipe_FIG of experiment FIG, from its six functions
 * (fadyn/experiments.h): the adapters the table calls through void
 * pointers, and the row.  QUICK, FULL, MINIMUM are fadyn_recipe_scale
 * initialisers ({runs, examples}). */
#define FADYN_RECIPE_ADAPTERS(FIG)                                                                 \
    static int recipe_run(const fadyn_fig_settings *s, void *result, fadyn_err *err) {             \
        fadyn_##FIG##_params p = fadyn_##FIG##_params_default();                                   \
        p.set = *s;                                                                                \
        return fadyn_##FIG##_run(&p, result, err);                                                 \
    }                                                                                              \
    static void recipe_summary(const void *result, json_t *summary) {                              \
        fadyn_##FIG##_summary(result, summary);                                                    \
    }                                                                                              \
    static int recipe_plot(const void *result, const fadyn_plot_target *t, fadyn_err *err) {       \
        return fadyn_##FIG##_plot(result, t, err);                                                 \
    }                                                                                              \
    static size_t recipe_report(const void *result, fadyn_strbuf *lines, fadyn_strbuf *diverged) { \
        return fadyn_##FIG##_report(result, lines, diverged);                                      \
    }                                                                                              \
    static void recipe_free(void *result) {                                                        \
        fadyn_##FIG##_result_free(result);                                                         \
    }
#define FADYN_RECIPE_DEFINE(FIG, ABOUT, QUICK, FULL, MINIMUM, WIDTH, HEIGHT, WORK)                 \
    FADYN_RECIPE_ADAPTERS(FIG)                                                                     \
    const fadyn_recipe fadyn_recipe_##FIG = {                                                      \
        #FIG,        ABOUT,          QUICK,       FULL,                                            \
        MINIMUM,     WIDTH,          HEIGHT,      sizeof(fadyn_##FIG##_result),                    \
        recipe_run,  recipe_summary, recipe_plot, recipe_report,                                   \
        recipe_free, NULL,           WORK}
/* WORK: the recipe's fadyn_recipe.work, or NULL.  The same with the
 * recipe's estimate of its seconds (fadyn_recipe.seconds): */
#define FADYN_RECIPE_DEFINE_TIMED(FIG, ABOUT, QUICK, FULL, MINIMUM, WIDTH, HEIGHT, WORK, SECONDS)  \
    FADYN_RECIPE_ADAPTERS(FIG)                                                                     \
    const fadyn_recipe fadyn_recipe_##FIG = {                                                      \
        #FIG,        ABOUT,          QUICK,       FULL,                                            \
        MINIMUM,     WIDTH,          HEIGHT,      sizeof(fadyn_##FIG##_result),                    \
        recipe_run,  recipe_summary, recipe_plot, recipe_report,                                   \
        recipe_free, SECONDS,        WORK}

extern const fadyn_recipe fadyn_recipe_fig1d, fadyn_recipe_fig1e, fadyn_recipe_fig2a,
    fadyn_recipe_fig2b, fadyn_recipe_fig2d, fadyn_recipe_fig3b, fadyn_recipe_fig4,
    fadyn_recipe_figS1;

/* ---- Task 2 (src/experiments/mnist_common.c) ---- */

/* The MNIST files of s (data/mnist if none). */
int fadyn_exp_mnist_load(const char *name, const fadyn_fig_settings *s, fadyn_mnist *data,
                         fadyn_err *err);
/* Task 2's settings with s's examples and seed (0: the defaults'). */
fadyn_mnist_params fadyn_exp_mnist_train(const fadyn_fig_settings *s,
                                         const fadyn_mnist_params *base);
/* runs runs of each of the nrules rules (res: nrules x runs results, rule
 * by rule) on all cores, or over MPI ranks as (rule, run) work items
 * (fadyn_mnist_runs_rules), with s's progress; rf_units as
 * fadyn_mnist_control. */
int fadyn_exp_mnist_runs(const fadyn_fig_settings *s, const fadyn_mnist *data,
                         const char *const *rules, size_t nrules, const fadyn_mnist_params *p,
                         size_t runs, const size_t *rf_units, size_t n_rf, fadyn_mnist_result *res,
                         fadyn_err *err);
/* The flops of `nets` x the settings' runs (at least 1) runs of Task 2 at
 * base's settings with s's examples, `evaluations` along each run on
 * n_test test images (0: all 10000): fadyn_mnist_work. */
double fadyn_exp_mnist_work(const fadyn_fig_settings *s, const fadyn_mnist_params *base,
                            size_t nets, size_t evaluations, size_t n_test);
/* Seconds of `run_epochs` single-core epochs of Task 2 on the cores, from a
 * short timed run (NaN if the data cannot be read). */
double fadyn_exp_mnist_seconds(const fadyn_fig_settings *s, double run_epochs);
/* Append "WHAT: run R diverged: DETAIL" per diverged result; the count. */
size_t fadyn_exp_mnist_diverged(const char *what, const fadyn_mnist_result *res, size_t n,
                                fadyn_strbuf *lines);

#endif
