/* task.c — the paper's tasks (docs/theory.md §7): Task 1, a linear map T; Task 3, a
 * fixed random 30-20-10-10 tanh teacher with biases; held-out sets. */
#include "train_impl.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const task_names[] = {"linear", "teacher", "data"};

int fadyn_task_parse(const char *name, fadyn_task_kind *kind) {
    for (int i = 0; i < 2; i++)
        if (strcmp(name, task_names[i]) == 0) {
            *kind = (fadyn_task_kind)i;
            return FADYN_OK;
        }
    return FADYN_EINVAL;
}

const char *fadyn_task_name(fadyn_task_kind kind) {
    return (unsigned)kind < 3 ? task_names[kind] : "unknown";
}

fadyn_task_params fadyn_task_params_default(fadyn_task_kind kind) {
    fadyn_task_params p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.t_scale = 1.0;
    p.teacher_gain = 2.0;
    p.teacher_bias = 0.5;
    p.seed = 1;
    size_t ts[] = {30, 20, 10, 10};
    p.teacher = fadyn_net_spec_make(3, ts, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 1);
    if (kind == FADYN_TASK_LINEAR) {
        p.inputs = 30;
        p.outputs = 10;
        p.n_test = 1000;
    } else {
        p.inputs = 30;
        p.outputs = 10;
        p.n_test = 5000;
    }
    return p;
}

/* Draw K inputs x = σ ∘ z and their targets through the target network. */
void fadyn_task_sample(const fadyn_task *t, gsl_rng *r, size_t K, double *X, double *Y,
                       double *const *TA, double *const *TH) {
    size_t n0 = t->par.inputs;
    if (t->Xtrain) { /* a fixed data set: rows drawn with replacement */
        size_t nL = t->par.outputs;
        for (size_t k = 0; k < K; k++) {
            size_t i = (size_t)gsl_rng_uniform_int(r, t->n_train);
            memcpy(X + k * n0, t->Xtrain + i * n0, n0 * sizeof(double));
            memcpy(Y + k * nL, t->Ytrain + i * nL, nL * sizeof(double));
        }
        return;
    }
    for (size_t i = 0; i < K * n0; i++) {
        double z = gsl_ran_gaussian_ziggurat(r, 1.0);
        X[i] = t->sigma ? t->sigma[i % n0] * z : z;
    }
    size_t L = t->target.spec.depth;
    double *H[FADYN_MAX_DEPTH];
    memcpy(H, TH, L * sizeof(double *));
    H[L - 1] = Y; /* the last layer's activities are the targets */
    fadyn_net_forward(&t->target, K, X, TA, H);
}

static int make_test_set(fadyn_task *t, fadyn_err *err) {
    size_t n = t->par.n_test, L = t->target.spec.depth;
    if (n == 0) return FADYN_OK;
    size_t w = fadyn_net_spec_width(&t->target.spec);
    t->Xtest = malloc(n * t->par.inputs * sizeof(double));
    t->Ytest = malloc(n * t->par.outputs * sizeof(double));
    double *scratch = malloc(2 * L * n * w * sizeof(double));
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!t->Xtest || !t->Ytest || !scratch || !r) {
        free(scratch);
        gsl_rng_free(r);
        return fadyn_err_set(err, FADYN_ENOMEM, "held-out set too large for memory");
    }
    double *TA[FADYN_MAX_DEPTH], *TH[FADYN_MAX_DEPTH];
    for (size_t k = 0; k < L; k++) {
        TA[k] = scratch + 2 * k * n * w;
        TH[k] = TA[k] + n * w;
    }
    gsl_rng_set(r, fadyn_seed_mix(t->par.seed, 3));
    fadyn_task_sample(t, r, n, t->Xtest, t->Ytest, TA, TH);
    t->ytest_sq = 0.0;
    for (size_t i = 0; i < n * t->par.outputs; i++)
        t->ytest_sq += t->Ytest[i] * t->Ytest[i];
    free(scratch);
    gsl_rng_free(r);
    return FADYN_OK;
}

static void uniform(double *a, size_t n, double scale, gsl_rng *r) {
    for (size_t i = 0; i < n; i++)
        a[i] = scale * (2.0 * gsl_rng_uniform(r) - 1.0);
}

int fadyn_task_alloc(fadyn_task *t, const fadyn_task_params *par, fadyn_err *err) {
    memset(t, 0, sizeof *t);
    t->par = *par;
    fadyn_net_spec spec;
    if (par->kind == FADYN_TASK_LINEAR) {
        size_t sz[2] = {par->inputs, par->outputs};
        spec = fadyn_net_spec_make(1, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    } else {
        spec = par->teacher;
        t->par.inputs = spec.sizes[0];
        t->par.outputs = spec.sizes[spec.depth];
    }
    int rc = fadyn_net_alloc(&t->target, &spec, err);
    if (rc) return rc;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    gsl_rng_set(r, fadyn_seed_mix(par->seed, 1));
    if (par->kind == FADYN_TASK_LINEAR) {
        uniform(t->target.W[0], par->outputs * par->inputs, par->t_scale, r); /* T ~ U[-1,1] */
    } else {
        /* weights U[-g, g]·√(3/fan_in) (unit-variance pre-activations at g = 1), biases U[-c, c] */
        for (size_t k = 0; k < spec.depth; k++) {
            uniform(t->target.W[k], spec.sizes[k + 1] * spec.sizes[k],
                    par->teacher_gain * sqrt(3.0 / (double)spec.sizes[k]), r);
            uniform(t->target.b[k], spec.sizes[k + 1], par->teacher_bias, r);
        }
    }
    gsl_rng_free(r);
    return make_test_set(t, err);
}

int fadyn_task_alloc_linear(fadyn_task *t, size_t inputs, size_t outputs, const double *T,
                            const double *sigma2, size_t n_test, unsigned long seed,
                            fadyn_err *err) {
    memset(t, 0, sizeof *t);
    t->par = fadyn_task_params_default(FADYN_TASK_LINEAR);
    t->par.inputs = inputs;
    t->par.outputs = outputs;
    t->par.n_test = n_test;
    t->par.seed = seed;
    size_t sz[2] = {inputs, outputs};
    fadyn_net_spec spec = fadyn_net_spec_make(1, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    int rc = fadyn_net_alloc(&t->target, &spec, err);
    if (rc) return rc;
    memcpy(t->target.W[0], T, inputs * outputs * sizeof(double));
    if (sigma2) {
        t->sigma = malloc(inputs * sizeof(double));
        if (!t->sigma) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        for (size_t i = 0; i < inputs; i++)
            t->sigma[i] = sqrt(sigma2[i]);
    }
    return make_test_set(t, err);
}

/* Copy n doubles into a new array (NULL on failure). */
static double *dup(const double *a, size_t n) {
    double *b = malloc(n * sizeof(double));
    if (b) memcpy(b, a, n * sizeof(double));
    return b;
}

int fadyn_task_alloc_data(fadyn_task *t, size_t inputs, size_t outputs, const double *Xtrain,
                          const double *Ytrain, size_t n_train, const double *Xtest,
                          const double *Ytest, size_t n_test, unsigned long seed, fadyn_err *err) {
    memset(t, 0, sizeof *t);
    if (inputs == 0 || outputs == 0 || n_train == 0 || n_test == 0)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "data set: need inputs, outputs, training and test rows");
    t->par = fadyn_task_params_default(FADYN_TASK_LINEAR);
    t->par.kind = FADYN_TASK_DATA;
    t->par.inputs = inputs;
    t->par.outputs = outputs;
    t->par.n_test = n_test;
    t->par.seed = seed;
    t->n_train = n_train;
    /* the target "network" is unused (targets come from the set); a linear stub keeps the buffers
     * sized */
    size_t sz[2] = {inputs, outputs};
    fadyn_net_spec spec = fadyn_net_spec_make(1, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    int rc = fadyn_net_alloc(&t->target, &spec, err);
    if (rc) return rc;
    t->Xtrain = dup(Xtrain, n_train * inputs);
    t->Ytrain = dup(Ytrain, n_train * outputs);
    t->Xtest = dup(Xtest, n_test * inputs);
    t->Ytest = dup(Ytest, n_test * outputs);
    if (!t->Xtrain || !t->Ytrain || !t->Xtest || !t->Ytest)
        return fadyn_err_set(err, FADYN_ENOMEM, "data set too large for memory");
    t->ytest_sq = 0.0;
    for (size_t i = 0; i < n_test * outputs; i++)
        t->ytest_sq += Ytest[i] * Ytest[i];
    return FADYN_OK;
}

void fadyn_task_free(fadyn_task *t) {
    free(t->Xtrain);
    free(t->Ytrain);
    fadyn_net_free(&t->target);
    free(t->sigma);
    free(t->Xtest);
    free(t->Ytest);
    memset(t, 0, sizeof *t);
}
