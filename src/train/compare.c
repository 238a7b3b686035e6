/* compare.c — the trainer against the expected ODE it approximates (docs/theory.md §2). */
#include "fadyn/compare.h"
#include "fadyn/cost.h"
#include "fadyn/dynamics.h"
#include "fadyn/json.h"
#include "fadyn/observer.h"
#include "fadyn/size.h"
#include "train_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

fadyn_compare_params fadyn_compare_params_default(void) {
    fadyn_compare_params cp;
    cp.t_end = 10.0;
    cp.samples = 21;
    cp.repeats = 1;
    cp.integ = fadyn_integ_params_default();
    return cp;
}

int fadyn_compare_params_check(const fadyn_compare_params *cp, fadyn_err *err) {
    if (!(cp->t_end > 0.0) || !isfinite(cp->t_end))
        return fadyn_err_set(err, FADYN_EINVAL, "t_end %g: must be positive", cp->t_end);
    if (cp->samples < 2)
        return fadyn_err_set(err, FADYN_EINVAL, "samples %zu: need at least 2", cp->samples);
    if (cp->repeats < 1) return fadyn_err_set(err, FADYN_EINVAL, "repeats 0: need at least 1");
    return FADYN_OK;
}

typedef struct {
    double *Y; /* samples x dim */
    size_t dim, i, cap;
} traj;

static int keep(void *ctx, double t, const double *y) {
    (void)t;
    traj *tr = ctx;
    if (tr->i >= tr->cap) return FADYN_EINVAL; /* more samples than asked for */
    memcpy(tr->Y + tr->i * tr->dim, y, tr->dim * sizeof(double));
    tr->i++;
    return 0;
}

/* The trainer's weights at the sample steps into Y (samples x dim). */
static int train_traj(const fadyn_problem *p, const fadyn_task *task, double eta, size_t K,
                      size_t steps, size_t S, unsigned long seed, double *Y, size_t *at,
                      fadyn_err *err) {
    fadyn_net_spec spec =
        fadyn_net_spec_make(p->depth, p->sizes, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    fadyn_train_params tp = fadyn_train_params_default();
    tp.eta = eta;
    tp.batch = K;
    tp.angles = 0;
    fadyn_train_ws *ws = fadyn_train_ws_alloc(task, &spec, p->rule, &tp, err);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!ws || !r) {
        fadyn_train_ws_free(ws);
        gsl_rng_free(r);
        return err && err->code ? err->code : FADYN_ENOMEM;
    }
    gsl_rng_set(r, seed);
    fadyn_train_ws_set(ws, (const double *const *)p->W, (const double *const *)p->B);
    const double *w = fadyn_train_ws_net(ws)->block; /* weights first: the ODE state layout */
    memcpy(Y, w, p->dim * sizeof(double));
    int rc = FADYN_OK;
    size_t next = 1;
    for (size_t s = 1; s <= steps && rc == FADYN_OK; s++) {
        double loss;
        fadyn_train_ws_sample(ws, r, K, ws->X, ws->Y);
        rc = fadyn_train_step(ws, K, ws->X, ws->Y, NULL, &loss);
        if (rc == FADYN_DIVERGED) {
            *at = s;
            fadyn_err_set(err, rc, "trainer diverged at step %zu (eta %g, batch %zu)", s, eta, K);
        }
        while (next < S && s == next * steps / (S - 1))
            memcpy(Y + next++ * p->dim, w, p->dim * sizeof(double));
    }
    fadyn_train_ws_free(ws);
    gsl_rng_free(r);
    return rc;
}

static double dist_rel(const double *a, const double *b, size_t n) {
    double d = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++) {
        d += (a[i] - b[i]) * (a[i] - b[i]);
        s += b[i] * b[i];
    }
    return s > 0 ? sqrt(d / s) : sqrt(d);
}

void fadyn_compare_rows_free(fadyn_compare_row *rows, size_t n) {
    for (size_t c = 0; rows && c < n; c++) {
        free(rows[c].t_at);
        rows[c].t_at = rows[c].nse_train_at = rows[c].nse_ode_at = NULL;
    }
}

int fadyn_compare_one(const fadyn_problem *p, const fadyn_compare_params *cp, double eta,
                      size_t batch, unsigned long seed, fadyn_compare_row *row, fadyn_err *err) {
    memset(row, 0, sizeof *row);
    row->eta = eta;
    row->batch = batch;
    size_t S = cp->samples, n = p->dim;
    /* steps a multiple of S-1, so the samples fall on whole steps: t_i = η·step_i */
    size_t per = (size_t)ceil(cp->t_end / eta / (double)(S - 1));
    if (per < 1) per = 1;
    row->steps = per * (S - 1);
    row->t = eta * (double)row->steps;
    row->samples = S;
    row->t_at = malloc(3 * S * sizeof(double)); /* t, trainer NSE, ODE NSE */
    double *Yo = fadyn_malloc_n(S, n, sizeof(double)), *Yt = fadyn_malloc_n(S, n, sizeof(double));
    fadyn_task task;
    memset(&task, 0, sizeof task);
    fadyn_dyn *d = fadyn_dyn_alloc(p);
    fadyn_observer *ob = fadyn_observer_alloc(p, p->w0);
    int rc = FADYN_ENOMEM;
    if (!Yo || !Yt || !row->t_at || !d || !ob) {
        fadyn_err_set(err, rc, "out of memory");
        goto done;
    }
    double *no = row->nse_ode_at = row->t_at + 2 * S, *nt = row->nse_train_at = row->t_at + S;
    for (size_t i = 0; i < S; i++) {
        row->t_at[i] = eta * (double)(i * per);
        no[i] = NAN;
        nt[i] = 0.0;
    }
    /* the expected dynamics to t = η·steps, sampled at η·step_i */
    fadyn_integ_params ip = cp->integ;
    ip.t_end = row->t;
    ip.samples = S;
    ip.log_time = 0;
    memcpy(Yt, p->w0, n * sizeof(double));
    traj tr = {Yo, n, 0, S};
    gsl_odeiv2_system sys = fadyn_dyn_system(d);
    rc = fadyn_integrate(&sys, &ip, Yt, keep, &tr, NULL, err);
    if (rc) goto done;
    fadyn_obs o;
    for (size_t i = 0; i < S; i++) {
        if ((rc = fadyn_observer_eval(ob, 0.0, Yo + i * n, &o))) goto done;
        no[i] = o.nse;
    }
    row->nse_ode = no[S - 1];
    if ((rc = fadyn_task_alloc_linear(&task, p->sizes[0], p->sizes[p->depth], p->T, p->sigma, 0,
                                      seed, err)))
        goto done;
    double R = (double)cp->repeats;
    for (size_t rep = 0; rep < cp->repeats; rep++) {
        rc = train_traj(p, &task, eta, batch, row->steps, S, fadyn_seed_mix(seed, 1000 + rep), Yt,
                        &row->diverged_step, err);
        if (rc) goto done;
        double dl = 0.0, sl = 0.0, dmax = 0.0;
        for (size_t i = 0; i < S; i++) {
            if ((rc = fadyn_observer_eval(ob, 0.0, Yt + i * n, &o))) goto done;
            nt[i] += o.nse / R;
            dl += (o.nse - no[i]) * (o.nse - no[i]);
            sl += no[i] * no[i];
            double dv = dist_rel(Yt + i * n, Yo + i * n, n);
            if (dv > dmax) dmax = dv;
        }
        if (dmax > row->deviation_worst) row->deviation_worst = dmax;
        row->deviation_max += dmax / R;
        row->deviation += dist_rel(Yt + (S - 1) * n, Yo + (S - 1) * n, n) / R;
        row->loss_deviation += sqrt(dl / sl) / R;
    }
    row->nse_train = nt[S - 1];
done:
    if (rc) {
        row->deviation = row->deviation_max = row->deviation_worst = row->loss_deviation = NAN;
        row->nse_train = NAN;
        for (size_t i = 0; row->nse_train_at && i < S; i++)
            row->nse_train_at[i] = NAN;
    }
    row->status = rc;
    free(Yo);
    free(Yt);
    fadyn_task_free(&task);
    fadyn_dyn_free(d);
    fadyn_observer_free(ob);
    return rc;
}

int fadyn_compare_grid(const fadyn_problem *p, const fadyn_compare_params *cp, const double *etas,
                       size_t ne, const size_t *batches, size_t nb, unsigned long seed,
                       fadyn_compare_row *rows, fadyn_err *err) {
    int old = fadyn_blas_set_threads(1);
#pragma omp parallel for schedule(dynamic)
    for (size_t c = 0; c < ne * nb; c++) {
        fadyn_err_clear(&rows[c].err);
        fadyn_compare_one(p, cp, etas[c / nb], batches[c % nb], seed, &rows[c], &rows[c].err);
    }
    fadyn_blas_set_threads(old);
    int status = FADYN_OK;
    for (size_t c = 0; c < ne * nb; c++) {
        if (rows[c].status == FADYN_OK) continue;
        if (status == FADYN_OK || rows[c].status < 0) {
            if (err) *err = rows[c].err;
            status = rows[c].status;
        }
        if (status < 0) break;
    }
    return status;
}

/* ---- what a grid writes ----------------------------------------------------- */

int fadyn_compare_finite(const fadyn_compare_row *row) {
    return row->status == FADYN_OK && isfinite(row->deviation);
}

static const char *row_status(const fadyn_compare_row *r) {
    return r->status == FADYN_OK ? "ok" : r->status == FADYN_DIVERGED ? "diverged" : "failed";
}

/* Along one line of the grid (n cells at rows + k*stride, keyed by key[k]):
 * does the deviation at the finite cell of the smallest key lie below the
 * one at the largest?  -1 if fewer than two cells are finite. */
static int falls(const fadyn_compare_row *rows, size_t stride, size_t n, const double *key) {
    size_t lo = n, hi = n;
    for (size_t k = 0; k < n; k++) {
        if (!fadyn_compare_finite(&rows[k * stride])) continue;
        if (lo == n || key[k] < key[lo]) lo = k;
        if (hi == n || key[k] > key[hi]) hi = k;
    }
    if (lo == n || lo == hi) return -1;
    return rows[lo * stride].deviation < rows[hi * stride].deviation;
}

size_t fadyn_compare_trend(const fadyn_compare_table *t, int *eta_ok, int *batch_ok) {
    size_t ne = t->ne, nb = t->nb, finite = 0;
    double *kb = malloc((nb + 1) * sizeof(double)), *ke = malloc((ne + 1) * sizeof(double));
    *eta_ok = *batch_ok = -1;
    for (size_t c = 0; c < ne * nb; c++)
        finite += (size_t)fadyn_compare_finite(&t->rows[c]);
    if (!kb || !ke) {
        free(kb);
        free(ke);
        return finite;
    }
    for (size_t j = 0; j < nb; j++)
        kb[j] = -(double)t->batches[j]; /* the largest K first: deviation falls as K grows */
    for (size_t i = 0; i < ne; i++)
        ke[i] = t->etas[i];
    /* η: at the largest K whose column has two finite cells */
    size_t kmax = 0;
    for (size_t j = 0; j < nb; j++) {
        int f = falls(t->rows + j, nb, ne, ke);
        if (f >= 0 && (*eta_ok < 0 || t->batches[j] > kmax)) {
            *eta_ok = f;
            kmax = t->batches[j];
        }
    }
    /* K: at the smallest η whose row has two finite cells */
    double emin = 0;
    for (size_t i = 0; i < ne; i++) {
        int f = falls(t->rows + i * nb, 1, nb, kb);
        if (f >= 0 && (*batch_ok < 0 || t->etas[i] < emin)) {
            *batch_ok = f;
            emin = t->etas[i];
        }
    }
    free(kb);
    free(ke);
    return finite;
}

int fadyn_compare_write(const char *path, const void *table, fadyn_err *err) {
    static const char *const cols[] = {
        "eta",       "batch",         "steps",           "t",
        "deviation", "deviation_max", "deviation_worst", "loss_deviation",
        "nse_train", "nse_ode",       "diverged_step",   "status"};
    const fadyn_compare_table *t = table;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    fadyn_tsv_header(f.f, cols, 12);
    for (size_t j = 0; j < t->nb; j++)
        for (size_t i = 0; i < t->ne; i++) {
            const fadyn_compare_row *r = &t->rows[i * t->nb + j];
            double v[11] = {
                r->eta,       (double)r->batch, (double)r->steps,        r->t,
                r->deviation, r->deviation_max, r->deviation_worst,      r->loss_deviation,
                r->nse_train, r->nse_ode,       (double)r->diverged_step};
            fadyn_tsv_cells(f.f, v, 11);
            fprintf(f.f, "%s\n", row_status(r));
        }
    return fadyn_ofile_commit(&f, err);
}

int fadyn_compare_write_nse(const char *path, const void *table, fadyn_err *err) {
    static const char *const cols[] = {"cell", "eta", "batch", "t", "nse_train", "nse_ode"};
    const fadyn_compare_table *t = table;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    fadyn_tsv_header(f.f, cols, 6);
    for (size_t c = 0; c < t->ne * t->nb; c++) {
        const fadyn_compare_row *r = &t->rows[c];
        if (c) fputc('\n', f.f); /* a blank line: gnuplot's lines break between cells */
        for (size_t i = 0; r->t_at && i < r->samples; i++) {
            double v[6] = {(double)c,          r->eta,          (double)r->batch, r->t_at[i],
                           r->nse_train_at[i], r->nse_ode_at[i]};
            fadyn_tsv_row(f.f, v, 6);
        }
    }
    return fadyn_ofile_commit(&f, err);
}

static json_t *trend_json(int ok) {
    return ok < 0 ? json_null() : json_boolean(ok);
}

void fadyn_compare_summary(const fadyn_compare_table *t, json_t *j) {
    int eta_ok, batch_ok;
    size_t finite = fadyn_compare_trend(t, &eta_ok, &batch_ok), nc = t->ne * t->nb;
    json_t *arr = json_array(), *bad = json_array();
    for (size_t c = 0; c < nc; c++) {
        const fadyn_compare_row *r = &t->rows[c];
        json_t *e = json_pack(
            "{s:f,s:I,s:I,s:f,s:o,s:o,s:o,s:o,s:o,s:o,s:s}", "eta", r->eta, "batch",
            (json_int_t)r->batch, "steps", (json_int_t)r->steps, "t", r->t, "deviation",
            fadyn_json_real(r->deviation), "deviation_max", fadyn_json_real(r->deviation_max),
            "deviation_worst", fadyn_json_real(r->deviation_worst), "loss_deviation",
            fadyn_json_real(r->loss_deviation), "nse_train", fadyn_json_real(r->nse_train),
            "nse_ode", fadyn_json_real(r->nse_ode), "status", row_status(r));
        if (r->status != FADYN_OK) {
            json_object_set_new(e, "diverged_step",
                                r->diverged_step ? json_integer((json_int_t)r->diverged_step)
                                                 : json_null());
            json_object_set_new(e, "error", json_string(r->err.msg));
            json_array_append_new(bad, json_pack("{s:f,s:I,s:s}", "eta", r->eta, "batch",
                                                 (json_int_t)r->batch, "error", r->err.msg));
        }
        json_array_append_new(arr, e);
    }
    json_object_set_new(j, "rows", arr);
    json_object_set_new(j, "diverged", bad);
    json_t *tr = json_object();
    json_object_set_new(tr, "shrinks_with_eta", trend_json(eta_ok));
    json_object_set_new(tr, "shrinks_with_batch", trend_json(batch_ok));
    json_object_set_new(tr, "on", json_string("finite cells"));
    json_object_set_new(tr, "cells_finite", json_integer((json_int_t)finite));
    json_object_set_new(tr, "cells", json_integer((json_int_t)nc));
    json_object_set_new(j, "trend", tr);
}

static const char *trend_word(int ok, size_t n, const char *none) {
    return n < 2 ? none : ok < 0 ? "n/a (fewer than two finite cells)" : ok ? "yes" : "NO";
}

void fadyn_compare_report(const fadyn_compare_table *t, fadyn_strbuf *b) {
    int eta_ok, batch_ok;
    size_t finite = fadyn_compare_trend(t, &eta_ok, &batch_ok), nc = t->ne * t->nb;
    fadyn_strbuf_printf(b, "  %-9s %-7s %-8s %-11s %-11s %-11s %-11s\n", "eta", "batch", "steps",
                        "deviation", "dev_max", "dev_worst", "loss_dev");
    for (size_t c = 0; c < nc; c++) {
        const fadyn_compare_row *r = &t->rows[c];
        if (r->status != FADYN_OK) { /* no bare nan in the report (docs/errors.md) */
            fadyn_strbuf_printf(b, "  %-9g %-7zu %-8zu n/a (diverged)\n", r->eta, r->batch,
                                r->steps);
            continue;
        }
        char v[4][32];
        const double x[4] = {r->deviation, r->deviation_max, r->deviation_worst, r->loss_deviation};
        for (int k = 0; k < 4; k++)
            fadyn_fmt_or_na(v[k], sizeof v[k], "%.3e", x[k], "undefined");
        fadyn_strbuf_printf(b, "  %-9g %-7zu %-8zu %-11s %-11s %-11s %-11s\n", r->eta, r->batch,
                            r->steps, v[0], v[1], v[2], v[3]);
    }
    fadyn_strbuf_printf(b, "  deviation shrinks as eta -> 0: %s; as K -> infinity: %s",
                        trend_word(eta_ok, t->ne, "n/a (one eta)"),
                        trend_word(batch_ok, t->nb, "n/a (one K)"));
    if (finite < nc)
        fadyn_strbuf_printf(b, "\n  (the trend on the %zu finite cells of %zu only; %zu diverged)",
                            finite, nc, nc - finite);
    fadyn_strbuf_printf(b, "\n");
}

size_t fadyn_compare_failed(const fadyn_compare_table *t, fadyn_strbuf *lines) {
    size_t n = 0;
    for (size_t c = 0; c < t->ne * t->nb; c++) {
        const fadyn_compare_row *r = &t->rows[c];
        if (r->status == FADYN_OK) continue;
        n++;
        if (lines)
            fadyn_strbuf_printf(lines, "eta %g, K %zu: %s\n", r->eta, r->batch,
                                r->err.msg[0] ? r->err.msg : fadyn_strerror(r->status));
    }
    return n;
}

double fadyn_compare_top(const fadyn_compare_table *t) {
    double top = 0;
    for (size_t c = 0; c < t->ne * t->nb; c++) {
        const fadyn_compare_row *r = &t->rows[c];
        if (isfinite(r->deviation) && r->deviation > top) top = r->deviation;
        if (isfinite(r->loss_deviation) && r->loss_deviation > top) top = r->loss_deviation;
    }
    return top > 0 ? top : 1.0;
}

double fadyn_compare_work(size_t dim, const fadyn_compare_params *cp, const double *etas, size_t ne,
                          const size_t *batches, size_t nb) {
    double steps = 0.0, examples = 0.0;
    for (size_t i = 0; i < ne; i++)
        steps += ceil(cp->t_end / etas[i]);
    for (size_t j = 0; j < nb; j++)
        examples += (double)batches[j];
    return fadyn_cost_training((double)dim, steps * examples, (double)cp->repeats, 0.0, 0.0);
}
