/* mnist_common.c — what the Task 2 figures (2a, 2b, S1) share: the data,
 * the settings, the runs of the rules with progress, the time estimate. */
#include "experiments_impl.h"
#include "fadyn/clock.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static const char *data_dir(const fadyn_fig_settings *s) {
    return s->data_dir && *s->data_dir ? s->data_dir : "data/mnist";
}

int fadyn_exp_mnist_load(const char *name, const fadyn_fig_settings *s, fadyn_mnist *data,
                         fadyn_err *err) {
    const char *dir = data_dir(s);
    int rc = fadyn_mnist_load_agree(data, dir, err); /* every MPI rank, or none */
    if (rc && err) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        fadyn_err_set(err, rc, "%s: %.480s", name, msg);
    }
    return rc;
}

fadyn_mnist_params fadyn_exp_mnist_train(const fadyn_fig_settings *s,
                                         const fadyn_mnist_params *base) {
    fadyn_mnist_params p = *base;
    if (s->examples) p.examples = s->examples;
    if (s->seed) p.seed = s->seed;
    p.angle = s->angle;
    return p;
}

static void on_progress(void *ctx, const fadyn_mnist_progress *pr) {
    const fadyn_fig_settings *s = ctx;
    s->progress(s->progress_ctx, pr->fraction);
}

int fadyn_exp_mnist_runs(const fadyn_fig_settings *s, const fadyn_mnist *data,
                         const char *const *rules, size_t nrules, const fadyn_mnist_params *p,
                         size_t runs, const size_t *rf_units, size_t n_rf, fadyn_mnist_result *res,
                         fadyn_err *err) {
    enum { MAX_RULES = 16 };
    const fadyn_rule_type *type[MAX_RULES];
    if (nrules > MAX_RULES)
        return fadyn_err_set(err, FADYN_EINVAL, "%zu rules: at most %d", nrules, MAX_RULES);
    for (size_t k = 0; k < nrules; k++)
        type[k] = fadyn_rule_type_find(rules[k]);
    fadyn_mnist_control c = fadyn_mnist_control_default();
    if (s->progress) {
        c.progress = on_progress;
        c.progress_ctx = (void *)s;
    }
    c.rf_units = rf_units;
    c.n_rf = n_rf;
    int rc = fadyn_mnist_runs_rules(data, type, nrules, p, runs, &c, res);
    if (rc < 0 && err) *err = res[0].err;
    return rc;
}

double fadyn_exp_mnist_work(const fadyn_fig_settings *s, const fadyn_mnist_params *base,
                            size_t nets, size_t evaluations, size_t n_test) {
    fadyn_mnist_params p = fadyn_exp_mnist_train(s, base);
    p.eval_every = p.examples / evaluations ? p.examples / evaluations : 1;
    enum { PIXELS = 28 * 28, TEST_IMAGES = 10000 }; /* MNIST's images and test set */
    return fadyn_mnist_work(&p, PIXELS, n_test ? n_test : TEST_IMAGES,
                            nets * (s->runs ? s->runs : 1));
}

double fadyn_exp_mnist_seconds(const fadyn_fig_settings *s, double run_epochs) {
    fadyn_mnist data; /* this process's own estimate: no rank waits for another */
    if (fadyn_mnist_load(&data, data_dir(s), NULL)) return NAN;
    fadyn_mnist_params p = fadyn_mnist_params_default();
    p.examples = 3 * 8192;
    fadyn_mnist_ws *ws = fadyn_mnist_ws_alloc(&data, fadyn_rule_type_find("fa"), &p, 1, 1, NULL);
    double t = NAN;
    if (ws) {
        fadyn_mnist_ws_train(ws, 8192); /* warm the caches */
        double t0 = fadyn_wall_seconds();
        fadyn_mnist_ws_train(ws, p.examples);
        t = (fadyn_wall_seconds() - t0) / (double)(p.examples - 8192) * (double)data.train.n;
        fadyn_mnist_ws_free(ws);
    }
    fadyn_mnist_free(&data);
    return t * run_epochs / (double)omp_get_max_threads();
}

size_t fadyn_exp_mnist_diverged(const char *what, const fadyn_mnist_result *res, size_t n,
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
