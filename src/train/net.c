/* net.c — layered networks: activations, specs, storage and the forward pass. */
#include "fadyn/train.h"
#include "train_impl.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const act_names[] = {"linear", "tanh", "sigmoid"};

int fadyn_act_parse(const char *name, fadyn_act *act) {
    for (int i = 0; i < 3; i++)
        if (strcmp(name, act_names[i]) == 0) {
            *act = (fadyn_act)i;
            return FADYN_OK;
        }
    return FADYN_EINVAL;
}

const char *fadyn_act_name(fadyn_act act) {
    return (unsigned)act < 3 ? act_names[act] : "unknown";
}

fadyn_net_spec fadyn_net_spec_make(size_t depth, const size_t *sizes, fadyn_act hidden,
                                   fadyn_act out, int bias) {
    fadyn_net_spec s;
    memset(&s, 0, sizeof s);
    s.depth = depth;
    memcpy(s.sizes, sizes, (depth + 1) * sizeof(size_t));
    for (size_t k = 0; k < depth; k++)
        s.act[k] = k + 1 < depth ? hidden : out;
    s.bias = bias;
    return s;
}

size_t fadyn_net_spec_width(const fadyn_net_spec *s) {
    size_t w = 0;
    for (size_t k = 0; k <= s->depth; k++)
        if (s->sizes[k] > w) w = s->sizes[k];
    return w;
}

size_t fadyn_net_spec_nweights(const fadyn_net_spec *s) {
    size_t n = 0;
    for (size_t k = 0; k < s->depth; k++)
        n += s->sizes[k + 1] * s->sizes[k];
    return n;
}

int fadyn_net_alloc(fadyn_net *n, const fadyn_net_spec *s, fadyn_err *err) {
    memset(n, 0, sizeof *n);
    if (s->depth < 1 || s->depth > FADYN_MAX_DEPTH)
        return fadyn_err_set(err, FADYN_EINVAL, "network depth %zu outside 1..%d", s->depth,
                             FADYN_MAX_DEPTH);
    for (size_t k = 0; k <= s->depth; k++)
        if (s->sizes[k] < 1 || s->sizes[k] > 100000)
            return fadyn_err_set(err, FADYN_EINVAL, "layer %zu has size %zu (need 1..100000)", k,
                                 s->sizes[k]);
    n->spec = *s;
    size_t total = fadyn_net_spec_nweights(s);
    if (s->bias)
        for (size_t k = 0; k < s->depth; k++)
            total += s->sizes[k + 1];
    n->block = calloc(total, sizeof(double));
    if (!n->block) return fadyn_err_set(err, FADYN_ENOMEM, "network too large for memory");
    double *q = n->block;
    for (size_t k = 0; k < s->depth; k++) {
        n->W[k] = q;
        q += s->sizes[k + 1] * s->sizes[k];
    }
    for (size_t k = 0; s->bias && k < s->depth; k++) {
        n->b[k] = q;
        q += s->sizes[k + 1];
    }
    return FADYN_OK;
}

void fadyn_net_free(fadyn_net *n) {
    free(n->block);
    memset(n, 0, sizeof *n);
}

/* Y (K x m) = X (K x n) Mᵀ, M m x n (trans = 0), or X M with M n x m
 * (trans = 1): level 2 for one row, level 3 for a batch. */
void fadyn_rows_times(size_t K, size_t m, size_t n, int trans, const double *X, const double *M,
                      double *Y) {
    if (K == 1)
        cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, trans ? (int)n : (int)m,
                    trans ? (int)m : (int)n, 1.0, M, trans ? (int)m : (int)n, X, 1, 0.0, Y, 1);
    else
        cblas_dgemm(CblasRowMajor, CblasNoTrans, trans ? CblasNoTrans : CblasTrans, (int)K, (int)m,
                    (int)n, 1.0, X, (int)n, M, trans ? (int)m : (int)n, 0.0, Y, (int)m);
}

static void activate(fadyn_act act, const double *a, double *h, size_t n) {
    switch (act) {
    case FADYN_ACT_LINEAR:
        memcpy(h, a, n * sizeof(double));
        break;
    case FADYN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            h[i] = tanh(a[i]);
        break;
    case FADYN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            h[i] = 1.0 / (1.0 + exp(-a[i]));
        break;
    }
}

void fadyn_act_deriv_mul(fadyn_act act, const double *h, double *d, size_t n) {
    switch (act) {
    case FADYN_ACT_LINEAR:
        break;
    case FADYN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            d[i] *= 1.0 - h[i] * h[i];
        break;
    case FADYN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            d[i] *= h[i] * (1.0 - h[i]);
        break;
    }
}

void fadyn_net_forward_noise(const fadyn_net *net, size_t K, const double *X, double *const *A,
                             double *const *H, double *const *xi) {
    const fadyn_net_spec *s = &net->spec;
    const double *in = X;
    for (size_t k = 0; k < s->depth; k++) {
        size_t m = s->sizes[k + 1], n = s->sizes[k];
        fadyn_rows_times(K, m, n, 0, in, net->W[k], A[k]);
        if (net->b[k])
            for (size_t r = 0; r < K; r++)
                cblas_daxpy((int)m, 1.0, net->b[k], 1, A[k] + r * m, 1);
        if (xi && xi[k]) cblas_daxpy((int)(K * m), 1.0, xi[k], 1, A[k], 1);
        activate(s->act[k], A[k], H[k], K * m);
        in = H[k];
    }
}

void fadyn_net_forward(const fadyn_net *n, size_t K, const double *X, double *const *A,
                       double *const *H) {
    fadyn_net_forward_noise(n, K, X, A, H, NULL);
}
