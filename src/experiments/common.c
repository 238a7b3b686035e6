/* common.c — what the paper's experiments share: Task 1, the checks of the
 * settings, diverged-run lines, progress over groups, the image in a
 * directory. */
#include "experiments_impl.h"

#include <math.h>

#include <stdio.h>
#include <stdlib.h>

fadyn_net_spec fadyn_exp_task1_spec(void) {
    size_t sz[] = {30, 20, 10};
    return fadyn_net_spec_make(2, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
}

int fadyn_exp_task1(unsigned long seed, fadyn_task *task, fadyn_net_spec *spec, fadyn_err *err) {
    fadyn_task_params tp = fadyn_task_params_default(FADYN_TASK_LINEAR);
    tp.seed = seed;
    *spec = fadyn_exp_task1_spec();
    return fadyn_task_alloc(task, &tp, err);
}

double fadyn_exp_train_work(const fadyn_net_spec *spec, size_t nets, const fadyn_fig_settings *s,
                            size_t evaluations, size_t n_test) {
    double runs = (double)nets * (double)(s->runs ? s->runs : 1);
    return fadyn_cost_training((double)fadyn_net_spec_nweights(spec), (double)s->examples, runs,
                               (double)evaluations + 1.0, (double)n_test);
}

fadyn_fig_settings fadyn_exp_settings(fadyn_recipe_scale scale) {
    fadyn_fig_settings s = {1, scale.runs, scale.examples, NULL, NULL, NULL, FADYN_ANGLE_SIGNED};
    return s;
}

int fadyn_exp_check(const char *name, const fadyn_fig_settings *s, fadyn_recipe_scale min,
                    fadyn_err *err) {
    if (s->runs < min.runs)
        return fadyn_err_set(err, FADYN_EINVAL, "%s: runs %zu: at least %zu (sd%s over runs)", name,
                             s->runs, min.runs, min.runs > 1 ? ", t-test" : "");
    if (s->examples < min.examples)
        return fadyn_err_set(err, FADYN_EINVAL, "%s: examples %zu: at least %zu", name, s->examples,
                             min.examples);
    return FADYN_OK;
}

int fadyn_exp_rules_check(const char *name, const char *const *rules, size_t n, fadyn_err *err) {
    if (n == 0) return fadyn_err_set(err, FADYN_EINVAL, "%s: nrules 0: name at least one", name);
    for (size_t i = 0; i < n; i++)
        if (!fadyn_rule_type_find(rules[i])) {
            char list[256];
            fadyn_rule_type_list(list, sizeof list, 0);
            return fadyn_err_set(err, FADYN_EINVAL, "%s: rules[%zu] '%s': unknown rule (%s)", name,
                                 i, rules[i], list);
        }
    return FADYN_OK;
}

fadyn_train_result *fadyn_exp_runs_alloc(size_t n, fadyn_err *err) {
    fadyn_train_result *res = calloc(n ? n : 1, sizeof *res);
    if (!res) fadyn_err_set(err, FADYN_ENOMEM, "out of memory for %zu training runs", n);
    return res;
}

void fadyn_exp_runs_free(fadyn_train_result *res, size_t n) {
    for (size_t r = 0; res && r < n; r++)
        fadyn_train_result_free(&res[r]);
    free(res);
}

void fadyn_exp_put_after(fadyn_strbuf *lines, double n) {
    if (isfinite(n))
        fadyn_strbuf_printf(lines, " after %g examples", n);
    else
        fadyn_strbuf_printf(lines, " never");
}

size_t fadyn_exp_diverged(const char *what, const fadyn_train_result *res, size_t n,
                          fadyn_strbuf *lines) {
    size_t d = 0;
    for (size_t r = 0; r < n; r++)
        if (res[r].status == FADYN_DIVERGED) {
            if (lines)
                fadyn_strbuf_printf(lines, "%s: run %zu diverged: %s\n", what, r, res[r].err.msg);
            d++;
        }
    return d;
}

void fadyn_exp_stage_progress(void *stage, double fraction) {
    const fadyn_exp_stage *st = stage;
    if (st->set->progress)
        st->set->progress(st->set->progress_ctx,
                          ((double)st->group + fraction) / (double)st->ngroups);
}

int fadyn_exp_target(const char *dir, const char *name, int width, int height, fadyn_plot_target *t,
                     fadyn_err *err) {
    char png[FADYN_PATH_MAX];
    int k = snprintf(png, sizeof png, "%s/%s.png", dir, name);
    if (k < 0 || (size_t)k >= sizeof png)
        return fadyn_err_set(err, FADYN_EINVAL, "%s: directory name too long", dir);
    return fadyn_plot_target_parse(t, png, width, height, err);
}
