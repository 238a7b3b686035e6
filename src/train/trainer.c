/* trainer.c — the workspace of one training run: setup, one update step,
 * held-out NSE and the angles of the hidden updates (docs/theory.md §1). */
#include "train_impl.h"

#include "fadyn/observer.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows of the evaluation chunks on the held-out set. */
#define EVAL_CHUNK_DEFAULT 256

fadyn_train_params fadyn_train_params_default(void) {
    fadyn_train_params p;
    memset(&p, 0, sizeof p);
    p.eta = 0.0;
    p.batch = 1;
    p.examples = 10000;
    p.eval_every = 100;
    p.decay = 0.0;
    p.np_sigma = 0.01;
    p.drop = 0.5;
    p.w_scale = 0.01;
    p.b_scale = 0.5;
    p.angles = 1;
    p.radius = 1e12;
    p.angle_floor = FADYN_ANGLE_FLOOR;
    p.angle = FADYN_ANGLE_SIGNED;
    return p;
}

int fadyn_train_params_check(const fadyn_train_params *p, fadyn_err *err) {
    if (!(p->eta > 0.0) || !isfinite(p->eta))
        return fadyn_err_set(err, FADYN_EINVAL, "eta %g: must be positive", p->eta);
    if (p->batch < 1) return fadyn_err_set(err, FADYN_EINVAL, "batch 0: must be at least 1");
    if (p->batch > 1000000)
        return fadyn_err_set(err, FADYN_EINVAL, "batch %zu: at most 1000000", p->batch);
    if (p->examples < 1) return fadyn_err_set(err, FADYN_EINVAL, "examples 0: must be at least 1");
    if (p->eval_every < 1)
        return fadyn_err_set(err, FADYN_EINVAL, "eval_every 0: must be at least 1");
    if (p->eval_per_decade > 1000)
        return fadyn_err_set(err, FADYN_EINVAL, "eval_per_decade %zu: at most 1000",
                             p->eval_per_decade);
    if (!p->eval_per_decade && p->examples / p->eval_every > 10000000)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "eval_every %zu: %zu evaluations are too many (at most 1e7 rows)",
                             p->eval_every, p->examples / p->eval_every);
    if (!(p->drop >= 0.0 && p->drop < 1.0))
        return fadyn_err_set(err, FADYN_EINVAL, "drop %g: must be in [0, 1)", p->drop);
    if (!(p->np_sigma > 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "np_sigma %g: must be positive", p->np_sigma);
    if (!(p->decay >= 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "decay %g: must be >= 0", p->decay);
    if (!(p->w_scale >= 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "w_scale %g: must be >= 0", p->w_scale);
    if (!(p->b_scale >= 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "b_scale %g: must be >= 0", p->b_scale);
    if (!(p->radius > 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "radius %g: must be positive", p->radius);
    return FADYN_OK;
}

int fadyn_train_spec_check(const fadyn_task_params *task, const fadyn_net_spec *spec,
                           fadyn_err *err) {
    if (spec->depth < 1 || spec->depth > FADYN_MAX_DEPTH)
        return fadyn_err_set(err, FADYN_EINVAL, "sizes: need 2 to %d layers, got %zu",
                             FADYN_MAX_DEPTH + 1, spec->depth + 1);
    if (spec->sizes[0] != task->inputs || spec->sizes[spec->depth] != task->outputs)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "sizes: task %s has %zu inputs and %zu outputs but the network %zu "
                             "and %zu%s",
                             fadyn_task_name(task->kind), task->inputs, task->outputs,
                             spec->sizes[0], spec->sizes[spec->depth],
                             task->kind == FADYN_TASK_LINEAR ? " (the task's inputs, outputs)"
                                                             : "");
    return FADYN_OK;
}

int fadyn_train_init_check(const fadyn_problem *p, const fadyn_net_spec *spec,
                           const fadyn_rule_type *rule, fadyn_err *err) {
    int same = spec->depth == p->depth;
    for (size_t k = 0; same && k <= p->depth; k++)
        same = spec->sizes[k] == p->sizes[k];
    if (!same)
        return fadyn_err_set(err, FADYN_EINVAL, "init: the network's sizes are not the problem's");
    int linear = !spec->bias;
    for (size_t k = 0; k < spec->depth; k++)
        linear = linear && spec->act[k] == FADYN_ACT_LINEAR;
    if (!linear)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "init: a problem's state is a linear network without biases");
    if (rule->sparse || rule->feedback == FADYN_FEEDBACK_DIRECT)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "init: rule %s draws its own %s; it cannot start from a problem's",
                             rule->name, rule->sparse ? "masks" : "feedback (direct, n_k x n_L)");
    return FADYN_OK;
}

static size_t feedback_size(const fadyn_train_ws *ws, size_t k) {
    const size_t *n = ws->net.spec.sizes;
    return ws->rule->feedback == FADYN_FEEDBACK_DIRECT ? n[k + 1] * n[ws->L] : n[k + 1] * n[k + 2];
}

fadyn_train_ws *fadyn_train_ws_alloc(const fadyn_task *task, const fadyn_net_spec *spec,
                                     const fadyn_rule_type *rule, const fadyn_train_params *par,
                                     fadyn_err *err) {
    if (fadyn_train_spec_check(&task->par, spec, err) != FADYN_OK) return NULL;
    if (par->init && fadyn_train_init_check(par->init, spec, rule, err) != FADYN_OK) return NULL;
    fadyn_train_ws *ws = calloc(1, sizeof *ws);
    if (!ws) {
        fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        return NULL;
    }
    ws->task = task;
    ws->rule = rule;
    ws->par = *par;
    ws->L = spec->depth;
    ws->width = fadyn_net_spec_width(spec);
    ws->kmax = par->batch > EVAL_CHUNK_DEFAULT ? par->batch : EVAL_CHUNK_DEFAULT;
    if (fadyn_net_alloc(&ws->net, spec, err) != FADYN_OK) {
        free(ws);
        return NULL;
    }
    const size_t *n = spec->sizes;
    size_t L = ws->L, K = ws->kmax;
    const fadyn_net_spec *ts = &task->target.spec;
    size_t twidth = fadyn_net_spec_width(ts);
    /* one block: feedback, masks, pinv, batch activations (5 per layer), target pass, X, Y,
     * per-row losses, angle vectors */
    size_t total = 0;
    for (size_t k = 0; k + 1 < L; k++)
        if (rule->feedback != FADYN_FEEDBACK_NONE) total += feedback_size(ws, k);
    for (size_t k = 1; k < L; k++) {
        if (rule->sparse) total += n[k + 1] * n[k];
        total += n[k + 1] * n[k]; /* P[k] */
    }
    for (size_t k = 0; k < L; k++)
        total += 5 * K * n[k + 1];
    total += 2 * ts->depth * K * twidth;
    total += K * (n[0] + n[L]) + K + 4 * ws->width;
    ws->block = calloc(total, sizeof(double));
    size_t pm = 1, pn = 1;
    for (size_t k = 1; k < L; k++) {
        if (n[k + 1] > pm) pm = n[k + 1];
        if (n[k] > pn) pn = n[k];
    }
    ws->pws = fadyn_pinv_ws_alloc(pm, pn);
    if (!ws->block || !ws->pws) {
        fadyn_train_ws_free(ws);
        fadyn_err_set(err, FADYN_ENOMEM, "trainer workspace too large for memory");
        return NULL;
    }
    double *q = ws->block;
    for (size_t k = 0; k + 1 < L; k++)
        if (rule->feedback != FADYN_FEEDBACK_NONE) {
            ws->F[k] = q;
            q += feedback_size(ws, k);
        }
    for (size_t k = 1; k < L; k++) {
        if (rule->sparse) {
            ws->maskW[k] = q;
            q += n[k + 1] * n[k];
        }
        ws->P[k] = q;
        q += n[k + 1] * n[k];
    }
    for (size_t k = 0; k < L; k++) {
        double **bufs[5] = {&ws->A[k], &ws->H[k], &ws->D[k], &ws->Ap[k], &ws->Hp[k]};
        for (int j = 0; j < 5; j++) {
            *bufs[j] = q;
            q += K * n[k + 1];
        }
    }
    for (size_t k = 0; k < ts->depth; k++) {
        ws->TA[k] = q;
        q += K * twidth;
        ws->TH[k] = q;
        q += K * twidth;
    }
    ws->X = q;
    q += K * n[0];
    ws->Y = q;
    q += K * n[L];
    ws->l0 = q;
    q += K;
    for (int j = 0; j < 4; j++) {
        ws->v[j] = q;
        q += ws->width;
    }
    ws->online = fadyn_train_online_alloc(ws); /* NULL: not a net it serves */
    return ws;
}

void fadyn_train_ws_free(fadyn_train_ws *ws) {
    if (!ws) return;
    fadyn_train_online_free(ws->online);
    fadyn_net_free(&ws->net);
    fadyn_pinv_ws_free(ws->pws);
    free(ws->block);
    free(ws);
}

static void uniform(double *a, size_t n, double scale, gsl_rng *r) {
    for (size_t i = 0; i < n; i++)
        a[i] = scale * (2.0 * gsl_rng_uniform(r) - 1.0);
}

/* Zero a fraction `drop` of the entries (each independently), returning the 0/1 mask if wanted. */
static void drop_entries(double *a, double *mask, size_t n, double drop, gsl_rng *r) {
    for (size_t i = 0; i < n; i++) {
        double keep = gsl_rng_uniform(r) >= drop ? 1.0 : 0.0;
        if (mask) mask[i] = keep;
        a[i] *= keep;
    }
}

void fadyn_train_ws_draw(fadyn_train_ws *ws, gsl_rng *r) {
    const size_t *n = ws->net.spec.sizes;
    for (size_t k = 0; k + 1 < ws->L; k++)
        if (ws->F[k]) uniform(ws->F[k], feedback_size(ws, k), ws->par.b_scale, r);
    for (size_t k = 0; k < ws->L; k++) {
        uniform(ws->net.W[k], n[k + 1] * n[k], ws->par.w_scale, r);
        if (ws->net.b[k]) uniform(ws->net.b[k], n[k + 1], ws->par.w_scale, r);
    }
    /* sparse fa: the same mask on W[1..] and B for the whole run */
    if (ws->rule->sparse) {
        for (size_t k = 1; k < ws->L; k++)
            drop_entries(ws->net.W[k], ws->maskW[k], n[k + 1] * n[k], ws->par.drop, r);
        for (size_t k = 0; k + 1 < ws->L; k++)
            drop_entries(ws->F[k], NULL, feedback_size(ws, k), ws->par.drop, r);
    }
}

int fadyn_train_ws_set(fadyn_train_ws *ws, const double *const *W, const double *const *F) {
    const size_t *n = ws->net.spec.sizes;
    for (size_t k = 0; k < ws->L; k++) {
        memcpy(ws->net.W[k], W[k], n[k + 1] * n[k] * sizeof(double));
        if (ws->net.b[k]) memset(ws->net.b[k], 0, n[k + 1] * sizeof(double));
    }
    if (F && ws->rule->feedback == FADYN_FEEDBACK_CHAIN)
        for (size_t k = 0; k + 1 < ws->L; k++)
            memcpy(ws->F[k], F[k], feedback_size(ws, k) * sizeof(double));
    for (size_t k = 1; k < ws->L; k++)
        if (ws->maskW[k])
            for (size_t i = 0; i < n[k + 1] * n[k]; i++)
                ws->maskW[k][i] = 1.0;
    return FADYN_OK;
}

fadyn_net *fadyn_train_ws_net(fadyn_train_ws *ws) {
    return &ws->net;
}
double *fadyn_train_ws_feedback(fadyn_train_ws *ws, size_t k) {
    return ws->F[k];
}
const double *fadyn_train_ws_delta(const fadyn_train_ws *ws, size_t k) {
    return ws->D[k];
}
double *fadyn_train_ws_X(fadyn_train_ws *ws) {
    return ws->X;
}
double *fadyn_train_ws_Y(fadyn_train_ws *ws) {
    return ws->Y;
}

void fadyn_train_ws_sample(fadyn_train_ws *ws, gsl_rng *r, size_t K, double *X, double *Y) {
    fadyn_task_sample(ws->task, r, K, X, Y, ws->TA, ws->TH);
}

double fadyn_train_output_delta(fadyn_train_ws *ws, size_t K, const double *Y) {
    size_t L = ws->L, nL = ws->net.spec.sizes[L];
    double *d = ws->D[L - 1];
    const double *y = ws->H[L - 1];
    double total = 0.0;
    ws->bad_row = K;
    for (size_t r = 0; r < K; r++) {
        double l = 0.0;
        for (size_t j = 0; j < nL; j++) {
            double e = Y[r * nL + j] - y[r * nL + j]; /* e = y* − y (eq 5) */
            d[r * nL + j] = e;
            l += 0.5 * e * e;
        }
        ws->l0[r] = l;
        if (ws->bad_row == K && !(l <= ws->par.radius)) ws->bad_row = r;
        total += l;
    }
    fadyn_act_deriv_mul(ws->net.spec.act[L - 1], y, d, K * nL);
    return total;
}

int fadyn_train_pinv_all(fadyn_train_ws *ws) {
    const size_t *n = ws->net.spec.sizes;
    for (size_t k = 1; k < ws->L; k++)
        if (fadyn_pinv(ws->pws, n[k + 1], n[k], ws->net.W[k], ws->P[k], NULL) != FADYN_OK)
            return FADYN_ELAPACK;
    return FADYN_OK;
}

int fadyn_train_chain(fadyn_train_ws *ws, size_t K, fadyn_train_pick_fn pick) {
    const fadyn_net_spec *s = &ws->net.spec;
    for (size_t k = ws->L - 1; k >= 1; k--) {
        int trans;
        const double *M = pick(ws, k, &trans);
        /* D[k-1] (K x n_k) = D[k] (K x n_{k+1}) times M (n_{k+1} x n_k or its transpose) */
        fadyn_rows_times(K, s->sizes[k], s->sizes[k + 1], trans, ws->D[k], M, ws->D[k - 1]);
        fadyn_act_deriv_mul(s->act[k - 1], ws->H[k - 1], ws->D[k - 1], K * s->sizes[k]);
    }
    return FADYN_OK;
}

/* Forward, output delta and the rule's hidden deltas of K rows. */
static int deltas(fadyn_train_ws *ws, size_t K, const double *X, const double *Y, double *loss) {
    ws->xin = X;
    ws->yin = Y;
    fadyn_net_forward(&ws->net, K, X, ws->A, ws->H);
    *loss = fadyn_train_output_delta(ws, K, Y);
    if (ws->bad_row < K) return FADYN_DIVERGED;
    return ws->rule->backward ? ws->rule->backward(ws, K) : FADYN_OK;
}

int fadyn_train_step(fadyn_train_ws *ws, size_t K, const double *X, const double *Y, gsl_rng *noise,
                     double *loss) {
    ws->noise = noise;
    int rc = deltas(ws, K, X, Y, loss);
    if (rc) return rc;
    const size_t *n = ws->net.spec.sizes;
    double eta = ws->par.eta, shrink = 1.0 - eta * ws->par.decay;
    size_t first = ws->rule->backward ? 0 : ws->L - 1; /* shallow: output layer only */
    for (size_t k = first; k < ws->L; k++) {
        const double *hin = k ? ws->H[k - 1] : X;
        double *W = ws->net.W[k];
        size_t m = n[k + 1], c = n[k];
        /* ΔW_k = (η/K) Σ δ_{k+1} h_kᵀ (eq 12-13 per example), with decay */
        if (K == 1) {
            if (shrink != 1.0) cblas_dscal((int)(m * c), shrink, W, 1);
            cblas_dger(CblasRowMajor, (int)m, (int)c, eta, ws->D[k], 1, hin, 1, W, (int)c);
        } else {
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)c, (int)K,
                        eta / (double)K, ws->D[k], (int)m, hin, (int)c, shrink, W, (int)c);
        }
        if (ws->net.b[k]) /* biases: like weights with input 1 */
            for (size_t r = 0; r < K; r++)
                cblas_daxpy((int)m, eta / (double)K, ws->D[k] + r * m, 1, ws->net.b[k], 1);
        if (ws->maskW[k])
            for (size_t i = 0; i < m * c; i++)
                W[i] *= ws->maskW[k][i];
    }
    return FADYN_OK;
}

double fadyn_train_ws_nse(fadyn_train_ws *ws) {
    const fadyn_task *t = ws->task;
    size_t n0 = t->par.inputs, nL = t->par.outputs, L = ws->L;
    double num = 0.0;
    for (size_t i = 0; i < t->par.n_test; i += ws->kmax) {
        size_t K = t->par.n_test - i < ws->kmax ? t->par.n_test - i : ws->kmax;
        fadyn_net_forward(&ws->net, K, t->Xtest + i * n0, ws->A, ws->H);
        const double *y = ws->H[L - 1], *ys = t->Ytest + i * nL;
        for (size_t j = 0; j < K * nL; j++)
            num += (ys[j] - y[j]) * (ys[j] - y[j]);
    }
    return fadyn_obs_nse(num, t->ytest_sq); /* Σ‖y* − y‖² / Σ‖y*‖² */
}

int fadyn_train_ws_angles(fadyn_train_ws *ws, size_t row, double *bp, double *pbp) {
    const fadyn_net_spec *s = &ws->net.spec;
    const size_t *n = s->sizes;
    size_t L = ws->L;
    double loss;
    int rc = deltas(ws, 1, ws->X + row * n[0], ws->Y + row * n[L], &loss);
    if (rc < 0) return rc;
    const double *ys = ws->Y + row * n[L];
    int noise = sqrt(2.0 * ws->l0[0]) < ws->par.angle_floor * fadyn_norm(ys, n[L]);
    for (size_t k = 0; k + 1 < L; k++)
        bp[k] = pbp[k] = NAN;
    if (!ws->rule->backward || rc == FADYN_DIVERGED || noise) return FADYN_OK;
    if (L < 2) return FADYN_OK;
    if (fadyn_train_pinv_all(ws) != FADYN_OK) return FADYN_ELAPACK;
    double *bcur = ws->v[0], *bnext = ws->v[1], *pcur = ws->v[2], *pnext = ws->v[3];
    memcpy(bcur, ws->D[L - 1], n[L] * sizeof(double));
    memcpy(pcur, ws->D[L - 1], n[L] * sizeof(double));
    for (size_t k = L - 1; k >= 1; k--) {
        /* bp: W_kᵀ δ ∘ σ';  pbp: W_k⁺ δ ∘ σ' — computed, not applied */
        fadyn_obs_reference_updates(n[k], n[k + 1], 1, ws->net.W[k], ws->P[k], bcur, pcur, bnext,
                                    pnext);
        fadyn_act_deriv_mul(s->act[k - 1], ws->H[k - 1], bnext, n[k]);
        fadyn_act_deriv_mul(s->act[k - 1], ws->H[k - 1], pnext, n[k]);
        fadyn_obs_angles(ws->D[k - 1], bnext, pnext, n[k], ws->par.angle, &bp[k - 1], &pbp[k - 1]);
        double *t = bcur;
        bcur = bnext;
        bnext = t;
        t = pcur;
        pcur = pnext;
        pnext = t;
    }
    return FADYN_OK;
}
