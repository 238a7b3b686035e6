/* compare.c — the trainer against the expected ODE it approximates (docs/theory.md §2). */
#include "fadyn/compare.h"
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
                      size_t steps, size_t S, unsigned long seed, double *Y, fadyn_err *err) {
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
        if (rc == FADYN_DIVERGED)
            fadyn_err_set(err, rc, "trainer diverged at step %zu (eta %g, batch %zu)", s, eta, K);
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
    double *Yo = fadyn_malloc_n(S, n, sizeof(double)), *Yt = fadyn_malloc_n(S, n, sizeof(double));
    double *no = malloc(S * sizeof(double)), *nt = malloc(S * sizeof(double));
    fadyn_task task;
    memset(&task, 0, sizeof task);
    fadyn_dyn *d = fadyn_dyn_alloc(p);
    fadyn_observer *ob = fadyn_observer_alloc(p, p->w0);
    int rc = FADYN_ENOMEM;
    if (!Yo || !Yt || !no || !nt || !d || !ob) {
        fadyn_err_set(err, rc, "out of memory");
        goto done;
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
    if ((rc = fadyn_task_alloc_linear(&task, p->sizes[0], p->sizes[p->depth], p->T, p->sigma, 0,
                                      seed, err)))
        goto done;
    for (size_t rep = 0; rep < cp->repeats; rep++) {
        rc = train_traj(p, &task, eta, batch, row->steps, S, fadyn_seed_mix(seed, 1000 + rep), Yt,
                        err);
        if (rc) goto done;
        double dl = 0.0, sl = 0.0;
        for (size_t i = 0; i < S; i++) {
            if ((rc = fadyn_observer_eval(ob, 0.0, Yt + i * n, &o))) goto done;
            nt[i] = o.nse;
            dl += (nt[i] - no[i]) * (nt[i] - no[i]);
            sl += no[i] * no[i];
            double dv = dist_rel(Yt + i * n, Yo + i * n, n);
            if (dv > row->deviation_max) row->deviation_max = dv;
        }
        row->deviation += dist_rel(Yt + (S - 1) * n, Yo + (S - 1) * n, n) / (double)cp->repeats;
        row->loss_deviation += sqrt(dl / sl) / (double)cp->repeats;
        row->nse_train += nt[S - 1] / (double)cp->repeats;
    }
    row->nse_ode = no[S - 1];
done:
    if (rc) {
        row->deviation = row->deviation_max = row->loss_deviation = NAN;
    }
    row->status = rc;
    free(Yo);
    free(Yt);
    free(no);
    free(nt);
    fadyn_task_free(&task);
    fadyn_dyn_free(d);
    fadyn_observer_free(ob);
    return rc;
}

int fadyn_compare_grid(const fadyn_problem *p, const fadyn_compare_params *cp, const double *etas,
                       size_t ne, const size_t *batches, size_t nb, unsigned long seed,
                       fadyn_compare_row *rows, fadyn_err *err) {
    fadyn_err *errs = calloc(ne * nb, sizeof *errs);
    if (!errs) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    int old = fadyn_blas_set_threads(1);
#pragma omp parallel for schedule(dynamic)
    for (size_t c = 0; c < ne * nb; c++)
        fadyn_compare_one(p, cp, etas[c / nb], batches[c % nb], seed, &rows[c], &errs[c]);
    fadyn_blas_set_threads(old);
    int status = FADYN_OK;
    for (size_t c = 0; c < ne * nb; c++) {
        if (rows[c].status == FADYN_OK) continue;
        if (status == FADYN_OK || rows[c].status < 0) {
            if (err) *err = errs[c];
            status = rows[c].status;
        }
        if (status < 0) break;
    }
    free(errs);
    return status;
}

/* ---- what a grid writes ----------------------------------------------------- */

void fadyn_compare_trend(const fadyn_compare_table *t, int *eta_ok, int *batch_ok) {
    size_t ilo = 0, ihi = 0, jlo = 0, jhi = 0, nb = t->nb;
    for (size_t i = 0; i < t->ne; i++) {
        if (t->etas[i] < t->etas[ilo]) ilo = i;
        if (t->etas[i] > t->etas[ihi]) ihi = i;
    }
    for (size_t j = 0; j < nb; j++) {
        if (t->batches[j] < t->batches[jlo]) jlo = j;
        if (t->batches[j] > t->batches[jhi]) jhi = j;
    }
    *eta_ok = t->rows[ilo * nb + jhi].deviation < t->rows[ihi * nb + jhi].deviation;
    *batch_ok = t->rows[ilo * nb + jhi].deviation < t->rows[ilo * nb + jlo].deviation;
}

int fadyn_compare_write(const char *path, const void *table, fadyn_err *err) {
    static const char *const cols[] = {"eta",       "batch",         "steps",          "t",
                                       "deviation", "deviation_max", "loss_deviation", "nse_train",
                                       "nse_ode"};
    const fadyn_compare_table *t = table;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    fadyn_tsv_header(f.f, cols, 9);
    for (size_t j = 0; j < t->nb; j++)
        for (size_t i = 0; i < t->ne; i++) {
            const fadyn_compare_row *r = &t->rows[i * t->nb + j];
            double v[9] = {r->eta,       (double)r->batch, (double)r->steps,  r->t,
                           r->deviation, r->deviation_max, r->loss_deviation, r->nse_train,
                           r->nse_ode};
            fadyn_tsv_row(f.f, v, 9);
        }
    return fadyn_ofile_commit(&f, err);
}

void fadyn_compare_summary(const fadyn_compare_table *t, json_t *j) {
    int eta_ok, batch_ok;
    fadyn_compare_trend(t, &eta_ok, &batch_ok);
    json_t *arr = json_array();
    for (size_t c = 0; c < t->ne * t->nb; c++) {
        const fadyn_compare_row *r = &t->rows[c];
        json_array_append_new(
            arr, json_pack("{s:f,s:I,s:I,s:f,s:o,s:o,s:o,s:o,s:o,s:s}", "eta", r->eta, "batch",
                           (json_int_t)r->batch, "steps", (json_int_t)r->steps, "t", r->t,
                           "deviation", fadyn_json_real(r->deviation), "deviation_max",
                           fadyn_json_real(r->deviation_max), "loss_deviation",
                           fadyn_json_real(r->loss_deviation), "nse_train",
                           fadyn_json_real(r->nse_train), "nse_ode", fadyn_json_real(r->nse_ode),
                           "status", r->status == FADYN_OK ? "ok" : "diverged"));
    }
    json_object_set_new(j, "rows", arr);
    json_object_set_new(
        j, "trend",
        json_pack("{s:b,s:b}", "shrinks_with_eta", eta_ok, "shrinks_with_batch", batch_ok));
}

void fadyn_compare_report(const fadyn_compare_table *t, fadyn_strbuf *b) {
    int eta_ok, batch_ok;
    fadyn_compare_trend(t, &eta_ok, &batch_ok);
    fadyn_strbuf_printf(b, "  %-9s %-7s %-8s %-11s %-11s %-11s\n", "eta", "batch", "steps",
                        "deviation", "dev_max", "loss_dev");
    for (size_t c = 0; c < t->ne * t->nb; c++) {
        const fadyn_compare_row *r = &t->rows[c];
        char v[3][48];
        fadyn_strbuf_printf(
            b, "  %-9g %-7zu %-8zu %-11s %-11s %-11s\n", r->eta, r->batch, r->steps,
            fadyn_fmt_or_na(v[0], sizeof v[0], "%.3e", r->deviation, "diverged"),
            fadyn_fmt_or_na(v[1], sizeof v[1], "%.3e", r->deviation_max, "diverged"),
            fadyn_fmt_or_na(v[2], sizeof v[2], "%.3e", r->loss_deviation, "diverged"));
    }
    fadyn_strbuf_printf(b, "  deviation shrinks as eta -> 0: %s; as K -> infinity: %s\n",
                        t->ne < 2 ? "n/a (one eta)"
                        : eta_ok  ? "yes"
                                  : "NO",
                        t->nb < 2  ? "n/a (one K)"
                        : batch_ok ? "yes"
                                   : "NO");
}

double fadyn_compare_work(size_t dim, const fadyn_compare_params *cp, const double *etas, size_t ne,
                          const size_t *batches, size_t nb) {
    double steps = 0.0, examples = 0.0;
    for (size_t i = 0; i < ne; i++)
        steps += ceil(cp->t_end / etas[i]);
    for (size_t j = 0; j < nb; j++)
        examples += (double)batches[j];
    return steps * examples * (double)cp->repeats * 6.0 * (double)dim;
}
