/* test_mnist.c — the MNIST trainer (Task 2) against two independent
 * references on small synthetic data sets: the generic dense trainer of
 * fadyn/train.h (BLAS, one example or one minibatch per step) and a plain
 * loop written here; single against double precision; the same bits on any
 * number of threads; sparse fa's masks; the order of the examples;
 * checkpoints resumed bit for bit and broken checkpoints refused. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#define NC FADYN_MNIST_CLASSES

/* A data set of n training and m test images of rows x cols, about a
 * third of the pixels non-zero, random labels. */
static fadyn_mnist fake(size_t n, size_t m, size_t rows, size_t cols, unsigned long seed) {
    fadyn_mnist d;
    memset(&d, 0, sizeof d);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    fadyn_mnist_set *s[2] = {&d.train, &d.test};
    size_t cnt[2] = {n, m};
    for (int k = 0; k < 2; k++) {
        s[k]->n = cnt[k];
        s[k]->rows = rows;
        s[k]->cols = cols;
        s[k]->images = malloc(cnt[k] * rows * cols);
        s[k]->labels = malloc(cnt[k]);
        for (size_t i = 0; i < cnt[k] * rows * cols; i++)
            s[k]->images[i] =
                gsl_rng_uniform(r) < 0.35 ? (unsigned char)(1 + gsl_rng_uniform_int(r, 255)) : 0;
        for (size_t i = 0; i < cnt[k]; i++)
            s[k]->labels[i] = (unsigned char)gsl_rng_uniform_int(r, NC);
    }
    gsl_rng_free(r);
    return d;
}

static fadyn_mnist_params small_params(void) {
    fadyn_mnist_params p = fadyn_mnist_params_default();
    p.hidden = 37; /* not a multiple of a chunk: padding units */
    p.eta = 0.2;
    p.decay = 1e-3;
    p.w_scale = 0.3;
    p.b_scale = 0.5;
    p.input_scale = 1.0; /* pixel / 255 and the gradient of L: what the generic trainer does */
    p.output_deriv = 1;
    p.precision = FADYN_MNIST_DOUBLE;
    p.examples = 150; /* blocks of 64, and an epoch boundary at 60 */
    p.eval_every = 50;
    return p;
}

static fadyn_mnist_ws *make(const fadyn_mnist *d, const char *rule, const fadyn_mnist_params *p,
                            unsigned long seed, size_t threads) {
    fadyn_err e;
    fadyn_err_clear(&e);
    fadyn_mnist_ws *ws = fadyn_mnist_ws_alloc(d, fadyn_rule_type_find(rule), p, seed, threads, &e);
    cr_assert_not_null(ws, "%s", e.msg);
    return ws;
}

/* The weights of a workspace as plain arrays. */
typedef struct {
    size_t n, h;
    double *W0, *b0, *W, *b, *B;
} plain;

static plain get_plain(const fadyn_mnist_ws *ws, size_t n, size_t h) {
    plain q = {n,
               h,
               calloc(h * n, sizeof(double)),
               calloc(h, sizeof(double)),
               calloc(NC * h, sizeof(double)),
               calloc(NC, sizeof(double)),
               calloc(h * NC, sizeof(double))};
    fadyn_mnist_ws_get(ws, q.W0, q.b0, q.W, q.b, q.B);
    return q;
}

static void free_plain(plain *q) {
    free(q->W0);
    free(q->b0);
    free(q->W);
    free(q->b);
    free(q->B);
}

static double max_rel(const double *a, const double *b, size_t n) {
    double m = 0, s = 0;
    for (size_t i = 0; i < n; i++)
        s = fmax(s, fabs(b[i]));
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return s > 0 ? m / s : m;
}

static void input_of(const fadyn_mnist_params *p, const unsigned char *img, size_t n, double *x) {
    for (size_t i = 0; i < n; i++)
        x[i] = p->input_scale * img[i] / 255.0;
}

/* ---- the plain reference: dense, double, every rule, one step of K ---------- */
static double sig(double z) {
    return 1.0 / (1.0 + exp(-z));
}

static void ref_forward(const plain *q, const double *x, double *h, double *y) {
    for (size_t j = 0; j < q->h; j++) {
        double a = q->b0[j];
        for (size_t i = 0; i < q->n; i++)
            a += q->W0[j * q->n + i] * x[i];
        h[j] = sig(a);
    }
    for (size_t k = 0; k < NC; k++) {
        double a = q->b[k];
        for (size_t j = 0; j < q->h; j++)
            a += q->W[k * q->h + j] * h[j];
        y[k] = sig(a);
    }
}

/* rule: 'b' bp, 'f' fa (B), 's' shallow; mask: of W (NULL: none) */
static void ref_step(plain *q, char rule, const double *mask, const double *X,
                     const unsigned char *lab, size_t K, const fadyn_mnist_params *p) {
    size_t n = q->n, H = q->h;
    double *gW0 = calloc(H * n, sizeof(double)), *gb0 = calloc(H, sizeof(double)),
           *gW = calloc(NC * H, sizeof(double)), gb[NC] = {0}, *h = malloc(H * sizeof(double)),
           *dh = malloc(H * sizeof(double)), y[NC], d[NC];
    for (size_t r = 0; r < K; r++) {
        const double *x = X + r * n;
        ref_forward(q, x, h, y);
        for (size_t k = 0; k < NC; k++) {
            double e = (k == lab[r]) - y[k];
            d[k] = p->output_deriv ? e * y[k] * (1 - y[k]) : e;
            gb[k] += d[k];
        }
        for (size_t j = 0; j < H; j++) {
            double g = 0;
            for (size_t k = 0; k < NC; k++)
                g += (rule == 'b' ? q->W[k * H + j] : q->B[j * NC + k]) * d[k];
            dh[j] = g * h[j] * (1 - h[j]);
            for (size_t k = 0; k < NC; k++)
                gW[k * H + j] += d[k] * h[j];
        }
        for (size_t j = 0; rule != 's' && j < H; j++) {
            gb0[j] += dh[j];
            for (size_t i = 0; i < n; i++)
                gW0[j * n + i] += dh[j] * x[i];
        }
    }
    double c = p->eta / (double)K, sh = 1 - p->eta * p->decay;
    for (size_t i = 0; rule != 's' && i < H * n; i++)
        q->W0[i] = sh * q->W0[i] + c * gW0[i];
    for (size_t j = 0; rule != 's' && j < H; j++)
        q->b0[j] += c * gb0[j];
    for (size_t i = 0; i < NC * H; i++)
        q->W[i] = (sh * q->W[i] + c * gW[i]) * (mask ? mask[i] : 1.0);
    for (size_t k = 0; k < NC; k++)
        q->b[k] += c * gb[k];
    free(gW0), free(gb0), free(gW), free(h), free(dh);
}

/* Train the workspace and the reference on the same examples; compare the
 * weights and the test outputs. */
static void against_reference(const char *rule, char ref_rule, fadyn_mnist_params p, double tol) {
    fadyn_mnist d = fake(60, 25, 7, 7, 3);
    size_t n = 49, H = p.hidden, K = p.batch;
    fadyn_mnist_ws *ws = make(&d, rule, &p, 11, 1);
    plain q = get_plain(ws, n, H);
    double *mask = NULL;
    if (strcmp(rule, "sparse-fa") == 0) { /* the masks: the zeros of the drawn W */
        mask = malloc(NC * H * sizeof(double));
        for (size_t i = 0; i < NC * H; i++)
            mask[i] = q.W[i] != 0.0;
    }
    double *X = malloc(K * n * sizeof(double));
    unsigned char lab[64];
    for (size_t pos = 0; pos < p.examples; pos += K) {
        size_t k = p.examples - pos < K ? p.examples - pos : K;
        for (size_t r = 0; r < k; r++) {
            size_t img = fadyn_mnist_ws_image_at(ws, pos + r);
            input_of(&p, d.train.images + img * n, n, X + r * n);
            lab[r] = d.train.labels[img];
        }
        ref_step(&q, ref_rule, mask, X, lab, k, &p);
    }
    cr_assert_eq(fadyn_mnist_ws_train(ws, p.examples), FADYN_OK);
    plain f = get_plain(ws, n, H);
    cr_assert_lt(max_rel(f.W0, q.W0, H * n), tol, "%s W0: %g", rule, max_rel(f.W0, q.W0, H * n));
    cr_assert_lt(max_rel(f.b0, q.b0, H), tol, "%s b0", rule);
    cr_assert_lt(max_rel(f.W, q.W, NC * H), tol, "%s W: %g", rule, max_rel(f.W, q.W, NC * H));
    cr_assert_lt(max_rel(f.b, q.b, NC), tol, "%s b", rule);
    /* predictions on the test set */
    double *y = malloc(d.test.n * NC * sizeof(double)), err, loss, yr[NC], *h = malloc(H * 8);
    fadyn_mnist_ws_eval(ws, &err, &loss, y);
    size_t wrong = 0;
    double lsum = 0;
    for (size_t m = 0; m < d.test.n; m++) {
        double x[49];
        input_of(&p, d.test.images + m * n, n, x);
        ref_forward(&q, x, h, yr);
        size_t best = 0;
        for (size_t k = 0; k < NC; k++) {
            cr_assert_float_eq(y[m * NC + k], yr[k], tol, "%s: test image %zu output %zu", rule, m,
                               k);
            if (yr[k] > yr[best]) best = k;
            lsum += 0.5 * ((k == d.test.labels[m]) - yr[k]) * ((k == d.test.labels[m]) - yr[k]);
        }
        wrong += best != d.test.labels[m];
    }
    cr_assert_float_eq(err, 100.0 * (double)wrong / (double)d.test.n, 1e-12);
    cr_assert_float_eq(loss, lsum / (double)d.test.n, tol);
    free(y), free(h), free(X), free(mask);
    free_plain(&q);
    free_plain(&f);
    fadyn_mnist_ws_free(ws);
    fadyn_mnist_free(&d);
}

Test(mnist, online_rules_match_the_plain_reference) {
    fadyn_mnist_params p = small_params();
    against_reference("bp", 'b', p, 1e-11);
    against_reference("fa", 'f', p, 1e-11);
    against_reference("dfa", 'f', p, 1e-11);
    against_reference("sparse-fa", 'f', p, 1e-11);
    against_reference("shallow", 's', p, 1e-11);
    p.output_deriv = 0;
    p.input_scale = 3.0;
    against_reference("fa", 'f', p, 1e-11);
    /* rows of 512 doubles are 4 KB: the kernels pad their pitch past it */
    p.hidden = 512;
    against_reference("fa", 'f', p, 1e-11);
}

Test(mnist, minibatches_match_the_plain_reference) {
    fadyn_mnist_params p = small_params();
    p.batch = 7;
    p.examples = 140;
    against_reference("bp", 'b', p, 1e-11);
    against_reference("fa", 'f', p, 1e-11);
}

Test(mnist, scale_factor_decay_is_folded_back_exactly) {
    /* ηα = 0.04 per example: the scales fall below 1/2 every ~17 examples */
    fadyn_mnist_params p = small_params();
    p.decay = 0.2;
    p.examples = 300;
    against_reference("bp", 'b', p, 1e-10);
    against_reference("fa", 'f', p, 1e-10);
}

/* The generic dense trainer (fadyn/train.h, BLAS) on the same examples. */
static void against_generic(const char *rule, size_t K) {
    fadyn_mnist d = fake(60, 25, 7, 7, 5);
    fadyn_mnist_params p = small_params();
    p.batch = K;
    p.examples = 140;
    size_t n = 49, H = p.hidden;
    fadyn_mnist_ws *ws = make(&d, rule, &p, 12, 1);
    plain q = get_plain(ws, n, H);
    size_t sizes[] = {n, H, NC};
    fadyn_net_spec spec = fadyn_net_spec_make(2, sizes, FADYN_ACT_SIGMOID, FADYN_ACT_SIGMOID, 1);
    double Yd[NC] = {0}, *Xd = calloc(n, sizeof(double));
    fadyn_task task;
    cr_assert_eq(fadyn_task_alloc_data(&task, n, NC, Xd, Yd, 1, Xd, Yd, 1, 1, NULL), FADYN_OK);
    fadyn_train_params tp = fadyn_train_params_default();
    tp.eta = p.eta;
    tp.decay = p.decay;
    tp.batch = K;
    fadyn_train_ws *g = fadyn_train_ws_alloc(&task, &spec, fadyn_rule_type_find(rule), &tp, NULL);
    cr_assert_not_null(g);
    const double *W[2] = {q.W0, q.W};
    cr_assert_eq(fadyn_train_ws_set(g, W, NULL), FADYN_OK);
    fadyn_net *net = fadyn_train_ws_net(g);
    memcpy(net->b[0], q.b0, H * sizeof(double));
    memcpy(net->b[1], q.b, NC * sizeof(double));
    if (fadyn_train_ws_feedback(g, 0)) memcpy(fadyn_train_ws_feedback(g, 0), q.B, H * NC * 8);
    double *X = malloc(K * n * sizeof(double)), *Y = calloc(K * NC, sizeof(double)), loss;
    for (size_t pos = 0; pos < p.examples; pos += K) {
        memset(Y, 0, K * NC * sizeof(double));
        for (size_t r = 0; r < K; r++) {
            size_t img = fadyn_mnist_ws_image_at(ws, pos + r);
            input_of(&p, d.train.images + img * n, n, X + r * n);
            Y[r * NC + d.train.labels[img]] = 1.0;
        }
        cr_assert_eq(fadyn_train_step(g, K, X, Y, NULL, &loss), FADYN_OK);
    }
    cr_assert_eq(fadyn_mnist_ws_train(ws, p.examples), FADYN_OK);
    plain f = get_plain(ws, n, H);
    cr_assert_lt(max_rel(f.W0, net->W[0], H * n), 1e-11, "%s K=%zu W0", rule, K);
    cr_assert_lt(max_rel(f.b0, net->b[0], H), 1e-11);
    cr_assert_lt(max_rel(f.W, net->W[1], NC * H), 1e-11, "%s K=%zu W", rule, K);
    cr_assert_lt(max_rel(f.b, net->b[1], NC), 1e-11);
    free(X), free(Y), free(Xd);
    free_plain(&q);
    free_plain(&f);
    fadyn_train_ws_free(g);
    fadyn_task_free(&task);
    fadyn_mnist_ws_free(ws);
    fadyn_mnist_free(&d);
}

Test(mnist, online_and_minibatch_match_the_generic_trainer) {
    against_generic("bp", 1);
    against_generic("fa", 1);
    against_generic("shallow", 1);
    against_generic("bp", 7);
    against_generic("fa", 10);
}

Test(mnist, single_precision_is_double_to_rounding) {
    fadyn_mnist d = fake(60, 40, 7, 7, 9);
    fadyn_mnist_params p = small_params();
    p.eta = 0.05;
    fadyn_mnist_ws *a = make(&d, "fa", &p, 4, 1);
    p.precision = FADYN_MNIST_SINGLE;
    fadyn_mnist_ws *b = make(&d, "fa", &p, 4, 1);
    cr_assert_eq(fadyn_mnist_ws_train(a, p.examples), FADYN_OK);
    cr_assert_eq(fadyn_mnist_ws_train(b, p.examples), FADYN_OK);
    plain qa = get_plain(a, 49, p.hidden), qb = get_plain(b, 49, p.hidden);
    cr_assert_lt(max_rel(qb.W0, qa.W0, 49 * p.hidden), 1e-5);
    cr_assert_lt(max_rel(qb.W, qa.W, NC * p.hidden), 1e-5);
    double ea, eb, la, lb;
    fadyn_mnist_ws_eval(a, &ea, &la, NULL);
    fadyn_mnist_ws_eval(b, &eb, &lb, NULL);
    cr_assert_float_eq(ea, eb, 1e-12, "test error %g (double) %g (single)", ea, eb);
    cr_assert_float_eq(la, lb, 1e-5);
    free_plain(&qa);
    free_plain(&qb);
    fadyn_mnist_ws_free(a);
    fadyn_mnist_ws_free(b);
    fadyn_mnist_free(&d);
}

Test(mnist, threads_change_no_bit) {
    fadyn_mnist d = fake(100, 30, 10, 10, 2);
    for (int prec = 0; prec < 2; prec++) {
        fadyn_mnist_params p = small_params();
        p.hidden = 300; /* several chunks in either precision */
        p.precision = prec ? FADYN_MNIST_DOUBLE : FADYN_MNIST_SINGLE;
        p.examples = 250;
        plain ref = {0};
        double ref_err = 0, ref_loss = 0;
        for (size_t th = 1; th <= 3; th++) {
            fadyn_mnist_ws *ws = make(&d, "fa", &p, 8, th);
            cr_assert_eq(fadyn_mnist_ws_train(ws, p.examples), FADYN_OK);
            plain q = get_plain(ws, 100, p.hidden);
            double err, loss;
            fadyn_mnist_ws_eval(ws, &err, &loss, NULL);
            if (th == 1) {
                ref = q;
                ref_err = err;
                ref_loss = loss;
            } else {
                cr_assert_eq(memcmp(q.W0, ref.W0, 100 * p.hidden * 8), 0, "%zu threads", th);
                cr_assert_eq(memcmp(q.W, ref.W, NC * p.hidden * 8), 0);
                cr_assert_eq(memcmp(q.b0, ref.b0, p.hidden * 8), 0);
                cr_assert(err == ref_err && loss == ref_loss);
                free_plain(&q);
            }
            fadyn_mnist_ws_free(ws);
        }
        free_plain(&ref);
    }
    fadyn_mnist_free(&d);
}

#if defined(__SSE2__)
/* The trainer flushes subnormals to zero in its own threads only: the
 * caller's floating-point mode is the same afterwards, and gradual
 * underflow still works in the caller. */
Test(mnist, the_callers_floating_point_mode_is_restored) {
    fadyn_mnist d = fake(70, 20, 7, 7, 3);
    fadyn_mnist_params p = small_params();
    p.precision = FADYN_MNIST_SINGLE;
    const unsigned control = ~0x3fu; /* not the sticky exception flags */
    unsigned before = _mm_getcsr() & control;
    for (size_t th = 1; th <= 2; th++) {
        fadyn_mnist_ws *ws = make(&d, "fa", &p, 5, th);
        cr_assert_eq(fadyn_mnist_ws_train(ws, p.examples), FADYN_OK);
        double err, loss;
        fadyn_mnist_ws_eval(ws, &err, &loss, NULL);
        unsigned after = _mm_getcsr() & control;
        cr_assert_eq(after, before, "MXCSR control %#x after, %#x before", after, before);
        fadyn_mnist_ws_free(ws);
    }
    volatile float tiny = 1e-30f, scale = 1e-10f;
    cr_assert_gt(tiny * scale, 0.0f, "a subnormal product flushed to zero in the caller");
    fadyn_mnist_free(&d);
}
#endif

Test(mnist, sparse_fa_masks_and_shared_initial_weights) {
    fadyn_mnist d = fake(60, 10, 7, 7, 4);
    fadyn_mnist_params p = small_params();
    p.hidden = 2000;
    p.examples = 100;
    fadyn_mnist_ws *fa = make(&d, "fa", &p, 21, 1), *sp = make(&d, "sparse-fa", &p, 21, 1),
                   *bp = make(&d, "bp", &p, 21, 1), *fa2 = make(&d, "fa", &p, 22, 1);
    size_t H = p.hidden, n = 49;
    plain qf = get_plain(fa, n, H), qs = get_plain(sp, n, H), qb = get_plain(bp, n, H),
          qf2 = get_plain(fa2, n, H);
    /* one W0 per run seed, whatever the rule; a new one for a new seed */
    cr_assert_eq(memcmp(qf.W0, qs.W0, H * n * 8), 0);
    cr_assert_eq(memcmp(qf.W0, qb.W0, H * n * 8), 0);
    cr_assert_neq(memcmp(qf.W0, qf2.W0, H * n * 8), 0);
    /* sparse fa: each entry of W and B removed with probability 1/2, the
     * survivors unchanged (the same uniform draws as fa's) */
    size_t zw = 0, zb = 0, both = 0;
    for (size_t k = 0; k < NC; k++)
        for (size_t j = 0; j < H; j++) {
            double w = qs.W[k * H + j], b = qs.B[j * NC + k];
            cr_assert(w == 0.0 || w == qf.W[k * H + j]);
            cr_assert(b == 0.0 || b == qf.B[j * NC + k]);
            zw += w == 0.0;
            zb += b == 0.0;
            both += w != 0.0 && b != 0.0;
        }
    double N = (double)(NC * H), sd = sqrt(N * 0.25);
    cr_assert_lt(fabs((double)zw - N / 2), 5 * sd, "%zu of %g removed from W", zw, N);
    cr_assert_lt(fabs((double)zb - N / 2), 5 * sd, "%zu of %g removed from B", zb, N);
    cr_assert_lt(fabs((double)both - N / 4), 5 * sqrt(N * 0.1875), "reciprocal: %zu", both);
    /* the removed weights stay removed */
    cr_assert_eq(fadyn_mnist_ws_train(sp, p.examples), FADYN_OK);
    plain qt = get_plain(sp, n, H);
    size_t moved = 0;
    for (size_t i = 0; i < NC * H; i++) {
        if (qs.W[i] == 0.0) cr_assert_eq(qt.W[i], 0.0);
        moved += qs.W[i] != 0.0 && qt.W[i] != qs.W[i];
    }
    cr_assert_gt(moved, NC * H / 4);
    plain *all[] = {&qf, &qs, &qb, &qf2, &qt};
    for (int i = 0; i < 5; i++)
        free_plain(all[i]);
    fadyn_mnist_ws *w[] = {fa, sp, bp, fa2};
    for (int i = 0; i < 4; i++)
        fadyn_mnist_ws_free(w[i]);
    fadyn_mnist_free(&d);
}

Test(mnist, a_new_permutation_each_epoch_from_the_seed) {
    fadyn_mnist d = fake(50, 5, 4, 4, 1);
    fadyn_mnist_params p = small_params();
    fadyn_mnist_ws *a = make(&d, "fa", &p, 1, 1), *b = make(&d, "bp", &p, 99, 1);
    int seen[3][50] = {{0}};
    size_t same_place = 0;
    for (size_t pos = 0; pos < 150; pos++) {
        size_t i = fadyn_mnist_ws_image_at(a, pos);
        cr_assert_lt(i, 50);
        seen[pos / 50][i]++;
        cr_assert_eq(i, fadyn_mnist_ws_image_at(b, pos)); /* every rule and run */
        if (pos >= 50) same_place += i == fadyn_mnist_ws_image_at(a, pos - 50);
    }
    for (int e = 0; e < 3; e++)
        for (int i = 0; i < 50; i++)
            cr_assert_eq(seen[e][i], 1, "epoch %d is not a permutation", e);
    cr_assert_lt(same_place, 10, "epochs repeat the order");
    p.seed = 2;
    fadyn_mnist_ws *c = make(&d, "fa", &p, 1, 1);
    size_t diff = 0;
    for (size_t pos = 0; pos < 50; pos++)
        diff += fadyn_mnist_ws_image_at(c, pos) != fadyn_mnist_ws_image_at(a, pos);
    cr_assert_gt(diff, 40);
    fadyn_mnist_ws_free(a);
    fadyn_mnist_ws_free(b);
    fadyn_mnist_ws_free(c);
    fadyn_mnist_free(&d);
}

Test(mnist, parameters_are_checked_by_field) {
    fadyn_mnist d = fake(10, 5, 4, 4, 1);
    fadyn_mnist_params p = small_params();
    fadyn_err e;
    cr_assert_neq(fadyn_mnist_params_check(&p, &d, fadyn_rule_type_find("np"), &e), FADYN_OK);
    cr_assert(strstr(e.msg, "rule np"), "%s", e.msg);
    const fadyn_rule_type *fa = fadyn_rule_type_find("fa");
    p.eta = 0;
    cr_assert_neq(fadyn_mnist_params_check(&p, &d, fa, &e), FADYN_OK);
    cr_assert(strstr(e.msg, "eta 0"), "%s", e.msg);
    p = small_params();
    p.drop = 1;
    cr_assert_neq(fadyn_mnist_params_check(&p, &d, fa, &e), FADYN_OK);
    cr_assert(strstr(e.msg, "drop 1"), "%s", e.msg);
    p = small_params();
    p.n_train = 11;
    cr_assert_neq(fadyn_mnist_params_check(&p, &d, fa, &e), FADYN_OK);
    cr_assert(strstr(e.msg, "n_train 11"), "%s", e.msg);
    p = small_params();
    p.batch = 0;
    cr_assert_neq(fadyn_mnist_params_check(&p, &d, fa, &e), FADYN_OK);
    cr_assert(strstr(e.msg, "batch 0"), "%s", e.msg);
    fadyn_mnist_free(&d);
}

Test(mnist, a_non_finite_output_is_reported_as_diverged) {
    fadyn_mnist d = fake(30, 5, 4, 4, 1);
    fadyn_mnist_params p = small_params();
    p.eta = 1e300; /* W's update overflows single precision at once */
    p.decay = 0;
    p.precision = FADYN_MNIST_SINGLE;
    fadyn_mnist_ws *ws = make(&d, "bp", &p, 1, 1);
    cr_assert_eq(fadyn_mnist_ws_train(ws, p.examples), FADYN_DIVERGED);
    cr_assert_lt(fadyn_mnist_ws_done(ws), p.examples);
    fadyn_mnist_ws_free(ws);
    fadyn_mnist_free(&d);
}

/* ---- runs and checkpoints ------------------------------------------------------ */

static volatile sig_atomic_t stop_flag;
static size_t stop_after;

static void stop_at(void *ctx, const fadyn_mnist_progress *pr) {
    (void)ctx;
    if (pr->run == 0 && pr->done >= stop_after) stop_flag = 1;
}

typedef struct {
    fadyn_mnist_result res[2];
    int status;
} runs_out;

static runs_out run_all(const fadyn_mnist *d, const fadyn_mnist_params *p, const char *ck,
                        size_t every, const char *resume, size_t stop, size_t threads) {
    static size_t units[] = {0, 3, 36};
    runs_out o;
    fadyn_mnist_control c = fadyn_mnist_control_default();
    c.threads = threads;
    c.checkpoint = ck;
    c.checkpoint_every = every;
    c.resume = resume;
    c.stop = &stop_flag;
    c.rf_units = units;
    c.n_rf = 3;
    stop_flag = 0;
    stop_after = stop;
    if (stop) c.progress = stop_at;
    o.status = fadyn_mnist_runs(d, fadyn_rule_type_find("fa"), p, 2, &c, o.res);
    return o;
}

static void free_out(runs_out *o) {
    fadyn_mnist_result_free(&o->res[0]);
    fadyn_mnist_result_free(&o->res[1]);
}

Test(mnist, resume_gives_the_same_bits_as_an_uninterrupted_run) {
    fadyn_mnist d = fake(70, 20, 6, 6, 6);
    for (int prec = 0; prec < 2; prec++)
        for (size_t threads = 1; threads <= 2; threads++) {
            fadyn_mnist_params p = small_params();
            p.precision = prec ? FADYN_MNIST_DOUBLE : FADYN_MNIST_SINGLE;
            p.examples = 700;
            p.eval_every = 90; /* evaluations inside blocks and epochs */
            char dir[4096], ck[4200];
            th_tmpdir(dir, sizeof dir);
            snprintf(ck, sizeof ck, "%s/run.ckpt", dir);
            runs_out a = run_all(&d, &p, NULL, 0, NULL, 0, threads);
            cr_assert_eq(a.status, FADYN_OK);
            /* interrupted at an awkward point: past an evaluation, inside an
             * epoch and an interval */
            runs_out b = run_all(&d, &p, ck, 100, NULL, 250, threads);
            cr_assert_eq(b.status, FADYN_STOPPED, "status %d", b.status);
            cr_assert_lt(b.res[0].done, p.examples);
            cr_assert_gt(b.res[0].done, 0);
            runs_out c = run_all(&d, &p, ck, 100, ck, 0, 3 - threads); /* other threads */
            cr_assert_eq(c.status, FADYN_OK, "%s", c.res[0].err.msg);
            for (int r = 0; r < 2; r++) {
                cr_assert_eq(c.res[r].nrows, a.res[r].nrows);
                cr_assert_eq(memcmp(c.res[r].rows, a.res[r].rows,
                                    a.res[r].nrows * FADYN_MNIST_NCOLS * sizeof(double)),
                             0, "run %d: curves differ", r);
                cr_assert_eq(memcmp(c.res[r].rf_final, a.res[r].rf_final, 3 * 36 * 8), 0,
                             "run %d: final weights differ", r);
                cr_assert_eq(memcmp(c.res[r].rf_init, a.res[r].rf_init, 3 * 36 * 8), 0);
                cr_assert_eq(c.res[r].final_test_error, a.res[r].final_test_error);
            }
            free_out(&a);
            free_out(&b);
            free_out(&c);
            remove(ck);
            remove(dir);
        }
    fadyn_mnist_free(&d);
}

/* Resume from path with params p; the first line of the refusal. */
static void refused(const fadyn_mnist *d, const fadyn_mnist_params *p, const char *path,
                    const char *frag) {
    runs_out o = run_all(d, p, NULL, 0, path, 0, 1);
    cr_assert_lt(o.status, 0, "accepted: %s", frag);
    cr_assert(strstr(o.res[0].err.msg, frag), "'%s' not in: %s", frag, o.res[0].err.msg);
    free_out(&o);
}

static size_t slurp(const char *path, unsigned char **buf) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    rewind(f);
    *buf = malloc(n);
    cr_assert_eq(fread(*buf, 1, n, f), n);
    fclose(f);
    return n;
}

static void spill(const char *path, const unsigned char *b, size_t n) {
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Two runs stopped past example 150 (a checkpoint every 100) into dir/a.ckpt
 * (ck); bad is dir/b.ckpt, for the broken copies (dir 4096, ck and bad
 * 4200 bytes). */
static void stopped_checkpoint(const fadyn_mnist *d, const fadyn_mnist_params *p, char *dir,
                               char *ck, char *bad) {
    th_tmpdir(dir, 4096);
    snprintf(ck, 4200, "%s/a.ckpt", dir);
    snprintf(bad, 4200, "%s/b.ckpt", dir);
    runs_out o = run_all(d, p, ck, 100, NULL, 150, 1);
    cr_assert_eq(o.status, FADYN_STOPPED);
    free_out(&o);
}

Test(mnist, broken_or_mismatched_checkpoints_are_refused) {
    fadyn_mnist d = fake(70, 20, 6, 6, 6);
    fadyn_mnist_params p = small_params();
    p.examples = 400;
    char dir[4096], ck[4200], bad[4200];
    stopped_checkpoint(&d, &p, dir, ck, bad);
    unsigned char *buf;
    size_t n = slurp(ck, &buf);
    spill(bad, buf, n - 100);
    refused(&d, &p, bad, "truncated");
    buf[n / 2] ^= 0x40;
    spill(bad, buf, n);
    refused(&d, &p, bad, "checksum mismatch");
    buf[n / 2] ^= 0x40;
    buf[8] = 7; /* format version */
    spill(bad, buf, n);
    refused(&d, &p, bad, "format version 7");
    buf[8] = 1;
    buf[0] = 'X';
    spill(bad, buf, n);
    refused(&d, &p, bad, "not a fadyn checkpoint");
    free(buf);
    fadyn_mnist_params q = p;
    q.eta = 0.1;
    refused(&d, &q, ck, "eta = 0.2");
    q = p;
    q.hidden = 40;
    refused(&d, &q, ck, "hidden = 37");
    /* another rule, another data set, another number of runs */
    fadyn_mnist_control c = fadyn_mnist_control_default();
    c.resume = ck;
    fadyn_mnist_result r[3];
    cr_assert_lt(fadyn_mnist_runs(&d, fadyn_rule_type_find("bp"), &p, 2, &c, r), 0);
    cr_assert(strstr(r[0].err.msg, "rule fa, not bp"), "%s", r[0].err.msg);
    for (int i = 0; i < 2; i++)
        fadyn_mnist_result_free(&r[i]);
    cr_assert_lt(fadyn_mnist_runs(&d, fadyn_rule_type_find("fa"), &p, 3, &c, r), 0);
    cr_assert(strstr(r[0].err.msg, "written for 2 runs"), "%s", r[0].err.msg);
    for (int i = 0; i < 3; i++)
        fadyn_mnist_result_free(&r[i]);
    d.train.images[5] ^= 1;
    refused(&d, &p, ck, "other data");
    remove(ck);
    remove(bad);
    remove(dir);
    fadyn_mnist_free(&d);
}

/* ---- hostile checkpoints: valid checksum, contents that lie ------------------------ */
/* The layout of write_checkpoint (src/train/mnist_run.c): magic 8, version
 * and byte order 8, payload length 8, then the payload: runs 8,
 * fingerprint 8 and per run status 8, rows 8, rows x 8 doubles, seconds 16,
 * state length 8, state; then the CRC-32 of the payload. */
typedef struct {
    uint64_t status, nrows, slen;
    double rows[64 * FADYN_MNIST_NCOLS], secs[2];
    const unsigned char *state;
} ck_run;

static void ck_parse(const unsigned char *b, ck_run *run) {
    size_t pos = 40;
    for (int r = 0; r < 2; r++) {
        ck_run *q = &run[r];
        memcpy(&q->status, b + pos, 8);
        memcpy(&q->nrows, b + pos + 8, 8);
        cr_assert_leq(q->nrows, 60);
        memcpy(q->rows, b + pos + 16, q->nrows * FADYN_MNIST_NCOLS * 8);
        pos += 16 + q->nrows * FADYN_MNIST_NCOLS * 8;
        memcpy(q->secs, b + pos, 16);
        memcpy(&q->slen, b + pos + 16, 8);
        q->state = b + pos + 24;
        pos += 24 + q->slen;
    }
}

/* The first 16 bytes of b (magic, version, byte order), run[] after b's
 * run count and fingerprint, and the payload length and CRC to match. */
static void ck_write(const char *path, const unsigned char *b, const ck_run *run) {
    size_t payload = 16;
    for (int r = 0; r < 2; r++)
        payload += 16 + run[r].nrows * FADYN_MNIST_NCOLS * 8 + 24 + run[r].slen;
    unsigned char *p = malloc(24 + payload + 4), *q = p + 40;
    uint64_t len = payload;
    memcpy(p, b, 16);
    memcpy(p + 16, &len, 8);
    memcpy(p + 24, b + 24, 16);
    for (int r = 0; r < 2; r++) {
        size_t nb = run[r].nrows * FADYN_MNIST_NCOLS * 8;
        memcpy(q, &run[r].status, 8);
        memcpy(q + 8, &run[r].nrows, 8);
        memcpy(q + 16, run[r].rows, nb);
        memcpy(q + 16 + nb, run[r].secs, 16);
        memcpy(q + 32 + nb, &run[r].slen, 8);
        memcpy(q + 40 + nb, run[r].state, run[r].slen);
        q += 40 + nb + run[r].slen;
    }
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), p + 24, (uInt)payload);
    memcpy(q, &crc, 4);
    spill(path, p, 24 + payload + 4);
    free(p);
}

/* Found by tests/fuzz (fuzz_checkpoint, the CRC rewritten to match): a run
 * claiming more rows than its position has, or a new run with rows,
 * overflowed the result's rows as it went on; a corrupt run after one whose
 * state was read leaked that state (make sanitize sees a leak); a last row
 * at a NaN example was cast to a count.  Each is refused, naming the run. */
Test(mnist, checkpoints_that_lie_under_a_valid_checksum_are_refused) {
    fadyn_mnist d = fake(70, 20, 6, 6, 6);
    fadyn_mnist_params p = small_params();
    p.examples = 400;
    p.eval_every = 50;
    char dir[4096], ck[4200], bad[4200], msg[128];
    stopped_checkpoint(&d, &p, dir, ck, bad);
    unsigned char *buf;
    slurp(ck, &buf);
    static ck_run run[2];
    ck_parse(buf, run);
    cr_assert_eq(run[0].status, 1); /* RUN_ACTIVE: its state follows */
    cr_assert_gt(run[0].slen, 0);
    uint64_t n0 = run[0].nrows, done = (uint64_t)run[0].rows[(n0 - 1) * FADYN_MNIST_NCOLS];
    cr_assert_eq(n0, 1 + done / 50, "rows at 0 and every 50 examples up to %llu",
                 (unsigned long long)done);
    ck_write(bad, buf, run); /* rewritten unchanged: accepted */
    runs_out o = run_all(&d, &p, NULL, 0, bad, 0, 1);
    cr_assert_eq(o.status, FADYN_OK, "%s", o.res[0].err.msg);
    free_out(&o);
    /* one row more, and as many as the result holds (400 / 50 + 3) */
    for (uint64_t rows = n0 + 1; rows <= 11; rows += 11 - n0 - 1) {
        for (uint64_t k = n0; k < rows; k++)
            memcpy(run[0].rows + k * FADYN_MNIST_NCOLS, run[0].rows + (n0 - 1) * FADYN_MNIST_NCOLS,
                   FADYN_MNIST_NCOLS * 8);
        run[0].nrows = rows;
        ck_write(bad, buf, run);
        snprintf(msg, sizeof msg,
                 "run 0: %llu evaluation rows, its position (example %llu) has %llu",
                 (unsigned long long)rows, (unsigned long long)done, (unsigned long long)n0);
        refused(&d, &p, bad, msg);
    }
    run[0].nrows = n0;
    run[0].status = 0; /* a new run with rows */
    ck_write(bad, buf, run);
    refused(&d, &p, bad, "run 0: corrupt header");
    run[0].status = 1;
    run[1].status = 9; /* after run 0's state was read */
    ck_write(bad, buf, run);
    refused(&d, &p, bad, "run 1: corrupt header");
    run[1].status = 0;
    run[0].rows[(n0 - 1) * FADYN_MNIST_NCOLS] = NAN;
    ck_write(bad, buf, run);
    refused(&d, &p, bad, "run 0: its last row is at example nan, not 0 to 400");
    free(buf);
    remove(ck);
    remove(bad);
    remove(dir);
    fadyn_mnist_free(&d);
}
