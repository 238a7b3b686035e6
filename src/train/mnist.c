/* mnist.c — the MNIST trainer (Task 2, docs/theory.md §7): parameters, the
 * draw of a network, the training loop (online with each example's update
 * fused with the next one's forward pass, or minibatches), evaluation on the
 * test set, and the weights as plain arrays. */
#include "fadyn/cost.h"
#include "fadyn/seed.h"
#include "mnist_impl.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

fadyn_mnist_params fadyn_mnist_params_default(void) {
    fadyn_mnist_params p;
    memset(&p, 0, sizeof p);
    p.hidden = 1000;
    /* The settings of the tuning search (tests/bench/mnist_tune.sh, docs/figures.md): η and ω
     * tuned for bp, β for fa, at inputs 16 · pixel / 255 and δ = e; 15 epochs, where bp's
     * test error stops falling. */
    p.eta = 3e-3;
    p.decay = 1e-6;
    p.w_scale = 0.01;
    p.b_scale = 0.1;
    p.drop = 0.5;
    p.input_scale = 16.0;
    p.output_deriv = 0;
    p.batch = 1;
    p.examples = 15 * 60000;
    p.eval_every = 60000;
    p.angles = 1;
    p.angle = FADYN_ANGLE_SIGNED;
    p.precision = FADYN_MNIST_SINGLE;
    p.seed = 1;
    return p;
}

double fadyn_mnist_work(const fadyn_mnist_params *p, size_t inputs, size_t n_test, size_t runs) {
    double weights = (double)p->hidden * (double)(inputs + FADYN_MNIST_CLASSES);
    return fadyn_cost_training(weights, (double)p->examples, (double)runs,
                               fadyn_cost_evaluations((double)p->examples, (double)p->eval_every),
                               (double)n_test);
}

/* The rule's hidden signal, from its table entry (one hidden layer: dfa is fa). */
static int kind_of(const fadyn_rule_type *r, mnist_kind *k) {
    if (!r) return 0;
    switch (r->signal) {
    case FADYN_SIGNAL_NONE:
        *k = MNIST_SHALLOW;
        return 1;
    case FADYN_SIGNAL_TRANSPOSE:
        *k = MNIST_BP;
        return 1;
    case FADYN_SIGNAL_FEEDBACK:
        *k = MNIST_FB;
        return 1;
    default:
        return 0;
    }
}

int fadyn_mnist_rule_supported(const fadyn_rule_type *rule) {
    mnist_kind k;
    return kind_of(rule, &k);
}

size_t fadyn_mnist_rule_list(char *out, size_t n) {
    size_t len = 0;
    if (n) out[0] = '\0';
    for (size_t i = 0; fadyn_rule_types[i]; i++) {
        if (!fadyn_mnist_rule_supported(fadyn_rule_types[i])) continue;
        int w = snprintf(len < n ? out + len : NULL, len < n ? n - len : 0, "%s%s", len ? ", " : "",
                         fadyn_rule_types[i]->name);
        len += (size_t)w;
    }
    return len;
}

int fadyn_mnist_params_check(const fadyn_mnist_params *p, const fadyn_mnist *data,
                             const fadyn_rule_type *rule, fadyn_err *err) {
    if (!fadyn_mnist_rule_supported(rule)) {
        char list[256];
        fadyn_mnist_rule_list(list, sizeof list);
        return fadyn_err_set(err, FADYN_EINVAL, "rule %s: the MNIST trainer runs %s",
                             rule ? rule->name : "(none)", list);
    }
    if (p->hidden < 1 || p->hidden > 65536)
        return fadyn_err_set(err, FADYN_EINVAL, "hidden %zu: need 1 to 65536", p->hidden);
    if (!(p->eta > 0.0) || !isfinite(p->eta))
        return fadyn_err_set(err, FADYN_EINVAL, "eta %g: must be positive", p->eta);
    if (!(p->decay >= 0.0) || !(p->eta * p->decay < 1.0))
        return fadyn_err_set(err, FADYN_EINVAL, "decay %g: need 0 <= decay < 1/eta", p->decay);
    if (!(p->w_scale >= 0.0) || !isfinite(p->w_scale))
        return fadyn_err_set(err, FADYN_EINVAL, "w_scale %g: must be >= 0", p->w_scale);
    if (!(p->b_scale >= 0.0) || !isfinite(p->b_scale))
        return fadyn_err_set(err, FADYN_EINVAL, "b_scale %g: must be >= 0", p->b_scale);
    if (!(p->drop >= 0.0 && p->drop < 1.0))
        return fadyn_err_set(err, FADYN_EINVAL, "drop %g: must be in [0, 1)", p->drop);
    if (!(p->input_scale > 0.0) || !isfinite(p->input_scale))
        return fadyn_err_set(err, FADYN_EINVAL, "input_scale %g: must be positive", p->input_scale);
    if (p->batch < 1 || p->batch > MNIST_MAX_BATCH)
        return fadyn_err_set(err, FADYN_EINVAL, "batch %zu: need 1 to %d", p->batch,
                             MNIST_MAX_BATCH);
    if (p->examples < 1) return fadyn_err_set(err, FADYN_EINVAL, "examples 0: need at least 1");
    if (p->eval_every < 1) return fadyn_err_set(err, FADYN_EINVAL, "eval_every 0: need at least 1");
    if (p->examples / p->eval_every > 1000000)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "eval_every %zu: %zu evaluations are too many (at most 1e6)",
                             p->eval_every, p->examples / p->eval_every);
    if (p->precision != FADYN_MNIST_SINGLE && p->precision != FADYN_MNIST_DOUBLE)
        return fadyn_err_set(err, FADYN_EINVAL, "precision %d: single or double",
                             (int)p->precision);
    if (!data) return FADYN_OK;
    size_t inputs = data->train.rows * data->train.cols;
    if (inputs < 1 || inputs * ((p->hidden + 127) / 128 * 128) > 0xffffffffu)
        return fadyn_err_set(err, FADYN_EINVAL, "%zu inputs x %zu hidden units: too large", inputs,
                             p->hidden);
    if (data->train.n < 1 || data->test.n < 1)
        return fadyn_err_set(err, FADYN_EINVAL, "the data set has no training or no test images");
    if (p->n_train > data->train.n)
        return fadyn_err_set(err, FADYN_EINVAL, "n_train %zu: the training set has %zu images",
                             p->n_train, data->train.n);
    if (p->n_test > data->test.n)
        return fadyn_err_set(err, FADYN_EINVAL, "n_test %zu: the test set has %zu images",
                             p->n_test, data->test.n);
    return FADYN_OK;
}

/* ---- allocation and the draw --------------------------------------------------- */

static void *ws_block(fadyn_mnist_ws *ws, size_t bytes) {
    if (ws->nblocks == sizeof ws->blocks / sizeof ws->blocks[0]) return NULL;
    bytes = (bytes + 63) / 64 * 64;
    void *b = aligned_alloc(64, bytes ? bytes : 64);
    if (b) memset(b, 0, bytes);
    ws->blocks[ws->nblocks++] = b;
    return b;
}

static double get_r(const fadyn_mnist_ws *ws, const void *a, size_t i) {
    return ws->kern->size == sizeof(float) ? (double)((const float *)a)[i] : ((const double *)a)[i];
}

static void put_r(const fadyn_mnist_ws *ws, void *a, size_t i, double v) {
    if (ws->kern->size == sizeof(float))
        ((float *)a)[i] = (float)v;
    else
        ((double *)a)[i] = v;
}

static double uni(gsl_rng *r, double scale) {
    return scale * (2.0 * gsl_rng_uniform(r) - 1.0);
}

/* W0, b0, W, b from stream 1, B from stream 2, the masks from stream 3 of
 * the run's seed: the same W0 for every rule of a run. */
static void draw(fadyn_mnist_ws *ws) {
    const mnist_net *n = &ws->net;
    size_t S = n->stride, H = n->hidden;
    double om = ws->p.w_scale;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, fadyn_seed_mix(ws->init_seed, 1));
    for (size_t j = 0; j < H; j++)
        for (size_t i = 0; i < n->inputs; i++)
            put_r(ws, n->V0, i * S + j, uni(r, om));
    for (size_t j = 0; j < H; j++)
        put_r(ws, n->b0, j, uni(r, om));
    for (size_t k = 0; k < MNIST_K; k++)
        for (size_t j = 0; j < H; j++)
            put_r(ws, n->V1, k * S + j, uni(r, om));
    for (size_t k = 0; k < MNIST_K; k++)
        ws->b1[k] = uni(r, om);
    if (n->Bt) {
        gsl_rng_set(r, fadyn_seed_mix(ws->init_seed, 2));
        for (size_t j = 0; j < H; j++)
            for (size_t k = 0; k < MNIST_K; k++)
                put_r(ws, n->Bt, k * S + j, uni(r, ws->p.b_scale));
    }
    if (n->M1) { /* sparse fa: the same removals for the whole run */
        gsl_rng_set(r, fadyn_seed_mix(ws->init_seed, 3));
        for (size_t k = 0; k < MNIST_K; k++)
            for (size_t j = 0; j < H; j++) {
                double keep = gsl_rng_uniform(r) >= ws->p.drop ? 1.0 : 0.0;
                put_r(ws, n->M1, k * S + j, keep);
                put_r(ws, n->V1, k * S + j, keep * get_r(ws, n->V1, k * S + j));
            }
        for (size_t j = 0; j < H; j++)
            for (size_t k = 0; k < MNIST_K; k++)
                if (gsl_rng_uniform(r) < ws->p.drop) put_r(ws, n->Bt, k * S + j, 0.0);
    }
    gsl_rng_free(r);
    ws->s0 = ws->s1 = ws->rescale0 = 1.0;
}

void fadyn_mnist_ws_free(fadyn_mnist_ws *ws) {
    if (!ws) return;
    for (size_t i = 0; i < ws->nblocks; i++)
        free(ws->blocks[i]);
    free(ws);
}

fadyn_mnist_ws *fadyn_mnist_ws_alloc(const fadyn_mnist *data, const fadyn_rule_type *rule,
                                     const fadyn_mnist_params *p, unsigned long init_seed,
                                     size_t threads, fadyn_err *err) {
    if (fadyn_mnist_params_check(p, data, rule, err) != FADYN_OK) return NULL;
    fadyn_mnist_ws *ws = calloc(1, sizeof *ws);
    if (!ws) {
        fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        return NULL;
    }
    ws->data = data;
    ws->rule = rule;
    ws->p = *p;
    kind_of(rule, &ws->kind);
    ws->sparse = rule->sparse;
    ws->angles = p->angles && ws->kind == MNIST_FB;
    ws->kern =
        p->precision == FADYN_MNIST_DOUBLE ? &fadyn_mnist_kernels_f64 : &fadyn_mnist_kernels_f32;
    ws->init_seed = init_seed;
    ws->n_train = p->n_train ? p->n_train : data->train.n;
    ws->n_test = p->n_test ? p->n_test : data->test.n;
    ws->rb = p->batch > 1 ? p->batch : MNIST_BLOCK;
    mnist_net *n = &ws->net;
    size_t R = ws->kern->size, CH = ws->kern->chunk, N;
    N = n->inputs = data->train.rows * data->train.cols;
    n->hidden = p->hidden;
    ws->nchunks = (p->hidden + CH - 1) / CH;
    n->width = ws->nchunks * CH;
    /* one vector more than the chunks when rows would be a multiple of 4 KB apart (which
     * would map the rows of a chunk onto the same few sets of every cache) */
    n->stride = n->width * R % 4096 ? n->width : n->width + MNIST_VBYTES / R;
    size_t T = threads ? threads : (size_t)omp_get_max_threads();
    ws->threads = T < 1 ? 1 : T > ws->nchunks ? ws->nchunks : T;
    size_t S = n->stride, B = ws->rb;
    n->V0 = ws_block(ws, N * S * R);
    n->b0 = ws_block(ws, S * R);
    n->V1 = ws_block(ws, MNIST_K * S * R);
    n->Bt = ws->kind == MNIST_FB ? ws_block(ws, MNIST_K * S * R) : NULL;
    n->M1 = ws->sparse ? ws_block(ws, MNIST_K * S * R) : NULL;
    ws->A = ws_block(ws, B * S * R);
    ws->D = ws_block(ws, B * S * R);
    ws->H = ws_block(ws, B * S * R);
    ws->hscr = ws_block(ws, ws->threads * S * R);
    ws->dout = ws_block(ws, B * MNIST_K * sizeof(double));
    int ok = n->V0 && n->b0 && n->V1 && (n->Bt || ws->kind != MNIST_FB) && (n->M1 || !ws->sparse) &&
             ws->A && ws->D && ws->H && ws->hscr && ws->dout;
    for (int k = 0; ok && k < 2; k++) { /* the lists of a block: at most B x N entries */
        mnist_block *b = &ws->blk[k];
        b->rs = ws_block(ws, (B + 1) * sizeof(uint32_t));
        b->ro = ws_block(ws, B * N * sizeof(uint32_t));
        b->rx = ws_block(ws, B * N * R);
        b->cs = ws_block(ws, (N + 1) * sizeof(uint32_t));
        b->co = ws_block(ws, N * sizeof(uint32_t));
        b->cm = ws_block(ws, B * N * sizeof(uint32_t));
        b->cx = ws_block(ws, B * N * R);
        b->G = ws_block(ws, B * B * sizeof(double));
        b->img = ws_block(ws, B * sizeof(*b->img));
        b->label = ws_block(ws, B);
        ok = b->rs && b->ro && b->rx && b->cs && b->co && b->cm && b->cx && b->G && b->img &&
             b->label;
    }
    ws->order = ws_block(ws, (MNIST_SEG + 2) * sizeof(size_t));
    ws->perm[0] = ws_block(ws, ws->n_train * sizeof(uint32_t));
    ws->perm[1] = ws_block(ws, ws->n_train * sizeof(uint32_t));
    ws->perm_epoch[0] = ws->perm_epoch[1] = (size_t)-1;
    ws->evloss = ws_block(ws, ws->n_test * sizeof(double));
    ws->everr = ws_block(ws, ws->n_test);
    ok = ok && ws->order && ws->perm[0] && ws->perm[1] && ws->evloss && ws->everr;
    if (!ok) {
        fadyn_mnist_ws_free(ws);
        fadyn_err_set(err, FADYN_ENOMEM, "out of memory for the MNIST network");
        return NULL;
    }
    for (int v = 0; v < 256; v++)
        ws->xval[v] = p->input_scale * v / 255.0;
    draw(ws);
    return ws;
}

/* ---- the order of the examples --------------------------------------------------- */

size_t fadyn_mnist_ws_image_at(fadyn_mnist_ws *ws, size_t pos) {
    size_t e = pos / ws->n_train, slot = e % 2;
    if (ws->perm_epoch[slot] != e) { /* epoch e's permutation, from the seed alone */
        uint32_t *q = ws->perm[slot];
        for (size_t i = 0; i < ws->n_train; i++)
            q[i] = (uint32_t)i;
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(r, fadyn_seed_mix(ws->p.seed, 1000 + e));
        gsl_ran_shuffle(r, q, ws->n_train, sizeof *q);
        gsl_rng_free(r);
        ws->perm_epoch[slot] = e;
    }
    return ws->perm[slot][pos % ws->n_train];
}

/* order[] for positions first .. end-1 (at most a segment) */
static void fill_order(fadyn_mnist_ws *ws, size_t first, size_t end) {
    ws->order_base = first;
    for (size_t pos = first; pos < end; pos++)
        ws->order[pos - first] = fadyn_mnist_ws_image_at(ws, pos);
}

static const unsigned char *train_image(const fadyn_mnist_ws *ws, size_t pos) {
    return ws->data->train.images + ws->order[pos - ws->order_base] * ws->net.inputs;
}

static unsigned train_label(const fadyn_mnist_ws *ws, size_t pos) {
    return ws->data->train.labels[ws->order[pos - ws->order_base]];
}

/* ---- the output layer --------------------------------------------------------------- */

int fadyn_mnist_output(const fadyn_mnist_ws *ws, const double *ysum, double s1, const double *b1,
                       unsigned label, double *dout, double *loss, int *wrong, double *yout) {
    double y[MNIST_K], l = 0.0;
    size_t best = 0;
    for (size_t k = 0; k < MNIST_K; k++)
        y[k] = 1.0 / (1.0 + exp(-(s1 * ysum[k] + b1[k])));
    for (size_t k = 0; k < MNIST_K; k++) {
        double e = (k == label ? 1.0 : 0.0) - y[k]; /* e = y* − y (eq 5) */
        dout[k] = ws->p.output_deriv ? e * y[k] * (1.0 - y[k]) : e;
        l += 0.5 * e * e;
        if (y[k] > y[best]) best = k;
        if (yout) yout[k] = y[k];
    }
    if (!isfinite(l)) return 0;
    *loss = l;
    *wrong = best != label;
    return 1;
}

/* The angle Δh_FA∠Δh_BP of one example from its dot products. */
static void take_angle(fadyn_mnist_ws *ws, const double *dots) {
    if (!(dots[1] > 0 && dots[2] > 0)) return;
    double cs = dots[0] / sqrt(dots[1] * dots[2]);
    double a = fadyn_angle_as(acos(cs > 1 ? 1 : cs < -1 ? -1 : cs) * 180.0 / M_PI, ws->p.angle);
    ws->ang_sum += a;
    ws->ang_sq += a * a;
    ws->ang_n++;
}

/* ---- training ------------------------------------------------------------------------- */

#define THREAD_RANGE(ws, t, T, c0, c1)                                                             \
    size_t c0 = (ws)->nchunks * (size_t)(t) / (size_t)(T),                                         \
           c1 = (ws)->nchunks * ((size_t)(t) + 1) / (size_t)(T)

static size_t block_end(const fadyn_mnist_ws *ws, size_t i, size_t end) {
    size_t e = (i / ws->rb + 1) * ws->rb;
    return e < end ? e : end;
}

/* The images, labels, lists and (online) Gram products of positions i0 .. i0+n-1. */
static void block_setup(fadyn_mnist_ws *ws, mnist_block *b, size_t i0, size_t n) {
    int hid = ws->kind != MNIST_SHALLOW;
    b->n = n;
    for (size_t m = 0; m < n; m++) {
        b->img[m] = train_image(ws, i0 + m);
        b->label[m] = (unsigned char)train_label(ws, i0 + m);
    }
    ws->kern->block(&ws->net, ws->xval, b, hid);
    if (hid && ws->p.batch == 1) {
        double sc = ws->p.input_scale / 255.0;
        fadyn_mnist_gram(b, ws->net.stride, sc * sc, b->G);
    }
}

/* One thread learns the block's examples in order, each with the weights
 * every earlier example left (eq 5, the rules' Δh, the updates of
 * fadyn/mnist.h); returns 0 at a non-finite output. */
static int learn_online(fadyn_mnist_ws *ws, const mnist_block *b, size_t i0) {
    const mnist_kernels *kn = ws->kern;
    const double eta = ws->p.eta, shrink = 1.0 - ws->p.eta * ws->p.decay;
    const int hid = ws->kind != MNIST_SHALLOW;
    size_t SR = ws->net.stride * kn->size;
    unsigned char *A = ws->A, *D = ws->D, *H = ws->H;
    double g[MNIST_BLOCK], ysum[MNIST_K], dout[MNIST_K], cw[MNIST_K], dots[3];
    for (size_t m = 0; m < b->n; m++) {
        for (size_t q = 0; hid && q < m; q++)
            g[q] = b->G[q * b->n + m];
        kn->hidden(&ws->net, A + m * SR, D, g, hid ? m : 0, ws->s0, H + m * SR, ysum);
        double loss;
        int wrong;
        if (!fadyn_mnist_output(ws, ysum, ws->s1, ws->b1, b->label[m], dout, &loss, &wrong, NULL)) {
            ws->diverged = 1;
            ws->done = i0 + m;
            return 0;
        }
        ws->loss_sum += loss;
        ws->errors += (size_t)wrong;
        ws->count++;
        double s0n = hid ? ws->s0 * shrink : 1.0, s1n = ws->s1 * shrink; /* decay: O(1) */
        if (hid) { /* W0 ← (1 − ηα) W0 + η Δh xᵀ: D_m, written back by the next heavy pass */
            kn->backward(&ws->net, ws->kind, dout, ws->s1, H + m * SR, ws->angles, dots, D + m * SR,
                         eta / s0n, eta);
            if (ws->angles) take_angle(ws, dots);
        }
        for (size_t k = 0; k < MNIST_K; k++) { /* W ← (1 − ηα) W + η δ hᵀ */
            cw[k] = eta * dout[k] / s1n;
            ws->b1[k] += eta * dout[k];
        }
        kn->w1_update(&ws->net, cw, H + m * SR);
        ws->s0 = s0n;
        ws->s1 = s1n;
    }
    ws->done = i0 + b->n;
    return 1;
}

/* A minibatch: every delta from the weights at its start, then the mean update. */
static int learn_batch(fadyn_mnist_ws *ws, const mnist_block *b, size_t i0) {
    const mnist_kernels *kn = ws->kern;
    const double shrink = 1.0 - ws->p.eta * ws->p.decay, eb = ws->p.eta / (double)b->n;
    const int hid = ws->kind != MNIST_SHALLOW;
    size_t SR = ws->net.stride * kn->size;
    unsigned char *A = ws->A, *D = ws->D, *H = ws->H;
    double ysum[MNIST_K], cw[MNIST_K], dots[3];
    for (size_t m = 0; m < b->n; m++) {
        kn->hidden(&ws->net, A + m * SR, NULL, NULL, 0, ws->s0, H + m * SR, ysum);
        double loss;
        int wrong;
        if (!fadyn_mnist_output(ws, ysum, ws->s1, ws->b1, b->label[m], ws->dout + m * MNIST_K,
                                &loss, &wrong, NULL)) {
            ws->diverged = 1;
            ws->done = i0 + m;
            return 0;
        }
        ws->loss_sum += loss;
        ws->errors += (size_t)wrong;
        ws->count++;
    }
    double s0n = hid ? ws->s0 * shrink : 1.0, s1n = ws->s1 * shrink; /* shallow: W0 fixed */
    for (size_t m = 0; hid && m < b->n; m++) {
        kn->backward(&ws->net, ws->kind, ws->dout + m * MNIST_K, ws->s1, H + m * SR, ws->angles,
                     dots, D + m * SR, eb / s0n, eb);
        if (ws->angles) take_angle(ws, dots);
    }
    for (size_t m = 0; m < b->n; m++) {
        for (size_t k = 0; k < MNIST_K; k++) {
            cw[k] = eb * ws->dout[m * MNIST_K + k] / s1n;
            ws->b1[k] += eb * ws->dout[m * MNIST_K + k];
        }
        kn->w1_update(&ws->net, cw, H + m * SR);
    }
    ws->s0 = s0n;
    ws->s1 = s1n;
    ws->done = i0 + b->n;
    return 1;
}

/* Fold a layer's scale into its weights once it falls below 1/2 (at block
 * ends, which do not depend on where a run was interrupted): W's at once,
 * W0's by the threads at the next heavy pass. */
static void renormalize(fadyn_mnist_ws *ws) {
    mnist_net *n = &ws->net;
    if (ws->s1 < 0.5) {
        for (size_t i = 0; i < MNIST_K * n->stride; i++)
            put_r(ws, n->V1, i, ws->s1 * get_r(ws, n->V1, i));
        ws->s1 = 1.0;
    }
    if (ws->s0 < 0.5) {
        ws->rescale0 = ws->s0;
        ws->s0 = 1.0;
    }
}

/* Subnormal floats flushed to zero (MXCSR's FTZ and DAZ bits) in every
 * thread of a training or evaluation pass, the caller's mode restored after.
 * Saturated logistic units give deltas near 1e-38 in single precision, and
 * Intel cores take a microcode assist on each subnormal operand: one online
 * epoch ran 4.9 s instead of 0.9 s on a Xeon (docs/performance.md, run 8).
 * Values so small change no prediction; every thread flushes alike, so
 * results stay the same for any thread count. */
#define MNIST_FTZ_DAZ 0x8040u
static unsigned fp_flush_enter(void) {
#if defined(__SSE2__)
    unsigned m = _mm_getcsr();
    _mm_setcsr(m | MNIST_FTZ_DAZ);
    return m;
#else
    return 0;
#endif
}

static void fp_flush_leave(unsigned m) {
#if defined(__SSE2__)
    _mm_setcsr(m);
#else
    (void)m;
#endif
}

/* Positions done .. end-1: per block, one parallel pass over W0 (the
 * previous block's updates written back, this block's products taken), then
 * one thread learns the block while another prepares the next. */
static void seg_train(fadyn_mnist_ws *ws, size_t end) {
    const mnist_kernels *kn = ws->kern;
    const int hid = ws->kind != MNIST_SHALLOW, online = ws->p.batch == 1;
    size_t i0 = ws->done;
    unsigned fpc = fp_flush_enter(); /* the caller's thread, block_setup included */
    block_setup(ws, &ws->blk[0], i0, block_end(ws, i0, end) - i0);
#pragma omp parallel num_threads((int)ws->threads)
    {
        unsigned fpm = fp_flush_enter();
        int t = omp_get_thread_num(), T = omp_get_num_threads();
        THREAD_RANGE(ws, t, T, c0, c1);
        size_t i = i0;
        int cur = 0, pending = 0;
        while (i < end) {
            mnist_block *b = &ws->blk[cur], *nb = &ws->blk[!cur];
            size_t e = i + b->n;
            if (ws->rescale0 != 1.0)
                kn->rescale(&ws->net, c0, c1, ws->rescale0, ws->D, pending ? nb->n : 0);
            kn->heavy(&ws->net, c0, c1, pending ? nb : NULL, ws->D, b, ws->A);
#pragma omp barrier
            if (t == 0) {
                ws->rescale0 = 1.0;
                if (online)
                    learn_online(ws, b, i);
                else
                    learn_batch(ws, b, i);
                renormalize(ws);
            }
            if (e < end && t == (T > 1 ? 1 : 0)) block_setup(ws, nb, e, block_end(ws, e, end) - e);
#pragma omp barrier
            if (ws->diverged) break;
            pending = hid;
            i = e;
            cur = !cur;
        }
        if (!ws->diverged && ws->rescale0 != 1.0)
            kn->rescale(&ws->net, c0, c1, ws->rescale0, ws->D, pending ? ws->blk[!cur].n : 0);
        if (pending && !ws->diverged) /* the last block's updates */
            kn->heavy(&ws->net, c0, c1, &ws->blk[!cur], ws->D, NULL, NULL);
#pragma omp barrier
        if (t == 0) ws->rescale0 = 1.0;
        fp_flush_leave(fpm);
    }
    fp_flush_leave(fpc);
}

int fadyn_mnist_ws_train(fadyn_mnist_ws *ws, size_t until) {
    size_t seg = MNIST_SEG / ws->rb * ws->rb;
    if (until > ws->p.examples) until = ws->p.examples;
    while (ws->done < until && !ws->diverged) {
        size_t end = (ws->done / seg + 1) * seg;
        if (end > until) end = until;
        fill_order(ws, ws->done, end);
        seg_train(ws, end);
    }
    return ws->diverged ? FADYN_DIVERGED : FADYN_OK;
}

size_t fadyn_mnist_ws_done(const fadyn_mnist_ws *ws) {
    return ws->done;
}

void fadyn_mnist_ws_interval(fadyn_mnist_ws *ws, double *loss, double *train_error,
                             double *angle_mean, double *angle_sd) {
    double n = (double)ws->count, m = (double)ws->ang_n;
    *loss = ws->count ? ws->loss_sum / n : NAN;
    *train_error = ws->count ? 100.0 * (double)ws->errors / n : NAN;
    *angle_mean = ws->ang_n ? ws->ang_sum / m : NAN;
    double var = ws->ang_n > 1 ? (ws->ang_sq - m * *angle_mean * *angle_mean) / (m - 1.0) : NAN;
    *angle_sd = ws->ang_n > 1 ? sqrt(var > 0 ? var : 0.0) : NAN;
    ws->loss_sum = ws->ang_sum = ws->ang_sq = 0.0;
    ws->count = ws->errors = ws->ang_n = 0;
}

/* ---- evaluation ------------------------------------------------------------------------ */

void fadyn_mnist_ws_eval(fadyn_mnist_ws *ws, double *error_percent, double *loss, double *y) {
    const mnist_kernels *kn = ws->kern;
    const fadyn_mnist_set *te = &ws->data->test;
    size_t n = ws->n_test, in = ws->net.inputs, SR = ws->net.stride * kn->size;
    mnist_block *b = &ws->blk[0];
    unsigned char *A = ws->A, *hs = ws->hscr;
#pragma omp parallel num_threads((int)ws->threads)
    {
        unsigned fpm = fp_flush_enter();
        int t = omp_get_thread_num(), T = omp_get_num_threads();
        THREAD_RANGE(ws, t, T, c0, c1);
        double ysum[MNIST_K], dout[MNIST_K];
        for (size_t m0 = 0; m0 < n; m0 += ws->rb) {
            size_t mb = n - m0 < ws->rb ? n - m0 : ws->rb;
            if (t == 0) {
                b->n = mb;
                for (size_t m = 0; m < mb; m++)
                    b->img[m] = te->images + (m0 + m) * in;
                kn->block(&ws->net, ws->xval, b, 0);
            }
#pragma omp barrier
            kn->heavy(&ws->net, c0, c1, NULL, NULL, b, ws->A);
#pragma omp barrier
            for (size_t m = (size_t)t; m < mb; m += (size_t)T) {
                double l;
                int wrong;
                size_t g = m0 + m;
                kn->hidden(&ws->net, A + m * SR, NULL, NULL, 0, ws->s0, hs + (size_t)t * SR, ysum);
                if (fadyn_mnist_output(ws, ysum, ws->s1, ws->b1, te->labels[g], dout, &l, &wrong,
                                       y ? y + g * MNIST_K : NULL)) {
                    ws->evloss[g] = l;
                    ws->everr[g] = (unsigned char)wrong;
                } else {
                    ws->evloss[g] = NAN;
                    ws->everr[g] = 1;
                }
            }
#pragma omp barrier
        }
        fp_flush_leave(fpm);
    }
    size_t errors = 0;
    double lsum = 0.0;
    for (size_t g = 0; g < n; g++) {
        errors += ws->everr[g];
        lsum += ws->evloss[g];
    }
    *error_percent = 100.0 * (double)errors / (double)n;
    *loss = lsum / (double)n;
}

/* ---- the weights as plain arrays ------------------------------------------------------ */

void fadyn_mnist_ws_get(const fadyn_mnist_ws *ws, double *W0, double *b0, double *W, double *b,
                        double *B) {
    const mnist_net *n = &ws->net;
    size_t S = n->stride, H = n->hidden;
    for (size_t j = 0; W0 && j < H; j++)
        for (size_t i = 0; i < n->inputs; i++)
            W0[j * n->inputs + i] = ws->s0 * get_r(ws, n->V0, i * S + j);
    for (size_t j = 0; b0 && j < H; j++)
        b0[j] = get_r(ws, n->b0, j);
    for (size_t k = 0; W && k < MNIST_K; k++)
        for (size_t j = 0; j < H; j++)
            W[k * H + j] = ws->s1 * get_r(ws, n->V1, k * S + j);
    for (size_t k = 0; b && k < MNIST_K; k++)
        b[k] = ws->b1[k];
    for (size_t j = 0; B && j < H; j++)
        for (size_t k = 0; k < MNIST_K; k++)
            B[j * MNIST_K + k] = n->Bt ? get_r(ws, n->Bt, k * S + j) : 0.0;
}

void fadyn_mnist_ws_set(fadyn_mnist_ws *ws, const double *W0, const double *b0, const double *W,
                        const double *b, const double *B) {
    mnist_net *n = &ws->net;
    size_t S = n->stride, H = n->hidden;
    ws->s0 = ws->s1 = 1.0;
    for (size_t j = 0; W0 && j < H; j++)
        for (size_t i = 0; i < n->inputs; i++)
            put_r(ws, n->V0, i * S + j, W0[j * n->inputs + i]);
    for (size_t j = 0; b0 && j < H; j++)
        put_r(ws, n->b0, j, b0[j]);
    for (size_t k = 0; W && k < MNIST_K; k++)
        for (size_t j = 0; j < H; j++)
            put_r(ws, n->V1, k * S + j, W[k * H + j] * (n->M1 ? get_r(ws, n->M1, k * S + j) : 1.0));
    for (size_t k = 0; b && k < MNIST_K; k++)
        ws->b1[k] = b[k];
    for (size_t j = 0; B && n->Bt && j < H; j++)
        for (size_t k = 0; k < MNIST_K; k++)
            put_r(ws, n->Bt, k * S + j, B[j * MNIST_K + k]);
}
