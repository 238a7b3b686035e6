/* basin.c — where each start of the 1-1-1 network goes: settle one start
 * (GSL evolve in a per-thread driver, or the shared wrapper), and basin
 * grids over every core and MPI rank, a row per work item (Fig. 3b,
 * docs/theory.md §4). */
#include "fadyn/clock.h"
#include "fadyn/linalg.h"
#include "fadyn/phase.h"
#include "fadyn/work.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

fadyn_basin_params fadyn_basin_params_default(void) {
    fadyn_basin_params bp = {
        .integ = fadyn_integ_params_default(),
        .h0_rel = 1e-2,
        .e_tol = 1e-6,
        .speed_tol = 1e-6,
        .engine = FADYN_BASIN_EVOLVE,
        .progress = NULL,
        .progress_ctx = NULL,
        .backward = 0,
    };
    bp.integ.rtol = 1e-7;
    bp.integ.atol = 1e-9;
    bp.integ.h0 = 1e-2;
    bp.integ.t_end = 1e4;
    bp.integ.nmax = 100000UL;
    bp.integ.radius = 1e6;
    bp.integ.samples = 400;
    return bp;
}

int fadyn_basin_params_check(const fadyn_basin_params *bp, fadyn_err *err) {
    const fadyn_integ_params *ip = &bp->integ;
    if (!(bp->e_tol > 0.0 && isfinite(bp->e_tol)))
        return fadyn_err_set(err, FADYN_EINVAL, "e_tol %g: must be finite and > 0", bp->e_tol);
    if (!(bp->speed_tol > 0.0 && isfinite(bp->speed_tol)))
        return fadyn_err_set(err, FADYN_EINVAL, "speed_tol %g: must be finite and > 0",
                             bp->speed_tol);
    if (!(ip->t_end > 0.0 && isfinite(ip->t_end)))
        return fadyn_err_set(err, FADYN_EINVAL, "t_end %g: must be finite and > 0", ip->t_end);
    if (!(bp->h0_rel > 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "h0_rel %g: must be > 0", bp->h0_rel);
    if (bp->engine != FADYN_BASIN_EVOLVE && bp->engine != FADYN_BASIN_WRAPPER)
        return fadyn_err_set(err, FADYN_EINVAL, "engine %d: unknown", bp->engine);
    if (bp->engine == FADYN_BASIN_WRAPPER && ip->samples < 2)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "samples %zu: the wrapper engine needs at least 2 checks",
                             ip->samples);
    /* the integrator's own checks (stepper, tolerances, step controls,
     * hmin <= h0, radius), on the fields the basin reads */
    fadyn_integ_params read = *ip;
    read.samples = 2;
    read.log_time = 0;
    return fadyn_integ_params_check(&read, err);
}

struct fadyn_phase_ws {
    fadyn_basin_params bp;
    fadyn_phase_sys s;
    gsl_odeiv2_system sys; /* params point at s */
    fadyn_integ_ws *iw;    /* the evolve engine's driver (NULL: wrapper engine) */
};

fadyn_phase_ws *fadyn_phase_ws_alloc(const fadyn_basin_params *bp, fadyn_err *err) {
    if (fadyn_basin_params_check(bp, err) != FADYN_OK) return NULL;
    fadyn_phase_ws *ws = calloc(1, sizeof *ws);
    if (!ws) {
        fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        return NULL;
    }
    ws->bp = *bp;
    ws->s.b = ws->s.t = 1.0;
    ws->sys = fadyn_phase_system(&ws->s);
    if (bp->engine == FADYN_BASIN_EVOLVE &&
        !(ws->iw = fadyn_integ_ws_alloc(&ws->sys, &bp->integ, err))) {
        free(ws);
        return NULL;
    }
    return ws;
}

void fadyn_phase_ws_free(fadyn_phase_ws *ws) {
    if (!ws) return;
    fadyn_integ_ws_free(ws->iw);
    free(ws);
}

/* Settled: |E| and the speed below their tolerances (at an equilibrium of
 * the hyperbola a w = t both vanish). */
static int settled(const fadyn_basin_params *bp, double b, double t, const double *y) {
    double e = t - y[1] * y[0];
    return fabs(e) < bp->e_tol && fabs(e) * hypot(b, y[0]) < bp->speed_tol;
}

static int escaped(const fadyn_basin_params *bp, const double *y) {
    return !(isfinite(y[0]) && isfinite(y[1])) || fmax(fabs(y[0]), fabs(y[1])) > bp->integ.radius;
}

/* Class of a settled end state: eq (1) holds when e w b e > 0, i.e. b w > 0. */
static int end_class(double b, const double *y) {
    return b * y[1] > 0.0 ? FADYN_PHASE_GOOD : FADYN_PHASE_BAD;
}

double fadyn_phase_first_step(const fadyn_basin_params *bp, double b, double t, const double y[2]) {
    fadyn_phase_sys s = {b, t, 0, 0, 0};
    double f[2];
    fadyn_phase_rhs(0.0, y, f, &s);
    double speed = hypot(f[0], f[1]), h = bp->integ.h0;
    if (speed > 0.0 && isfinite(speed)) h = fmin(h, bp->h0_rel * (1.0 + hypot(y[0], y[1])) / speed);
    return h;
}

static int settle_evolve(fadyn_phase_ws *ws, double *y, double *tt, fadyn_basin_point *out,
                         fadyn_err *err) {
    const fadyn_basin_params *bp = &ws->bp;
    const double t_max = bp->integ.t_end;
    double t = 0.0;
    unsigned long n = 0;
    int cls = FADYN_PHASE_UNCONVERGED;
    if (escaped(bp, y))
        cls = FADYN_PHASE_DIVERGED;
    else if (settled(bp, ws->s.b, ws->s.t, y))
        cls = end_class(ws->s.b, y);
    double h = cls == FADYN_PHASE_UNCONVERGED ? fadyn_phase_first_step(bp, ws->s.b, ws->s.t, y)
                                              : bp->integ.h0;
    int rc = fadyn_integ_ws_reset(ws->iw, h, err);
    if (rc != FADYN_OK) return rc;
    while (cls == FADYN_PHASE_UNCONVERGED && t < t_max && n < bp->integ.nmax) {
        double y0[2] = {y[0], y[1]}, t0 = t, h0 = h;
        int s = fadyn_integ_step(ws->iw, &t, t_max, &h, y, err);
        n++;
        if (s < 0) return s;
        if (s == FADYN_DIVERGED) { /* dop853: no finite step down to hmin */
            cls = FADYN_PHASE_DIVERGED;
            break;
        }
        if (!(isfinite(y[0]) && isfinite(y[1]))) { /* an overshooting step: retry smaller */
            y[0] = y0[0], y[1] = y0[1], t = t0, h = h0 / 10.0;
            if ((rc = fadyn_integ_ws_reset(ws->iw, h, err)) != FADYN_OK) return rc;
            continue;
        }
        if (escaped(bp, y))
            cls = FADYN_PHASE_DIVERGED;
        else if (settled(bp, ws->s.b, ws->s.t, y))
            cls = end_class(ws->s.b, y);
        else if (s == FADYN_MAXSTEPS) { /* the step fell below hmin: unconverged */
            if (err) fadyn_err_clear(err);
            break;
        }
    }
    *tt = t;
    out->steps = n;
    out->cls = cls;
    return FADYN_OK;
}

/* The wrapper engine stops the shared driver from its sample callback;
 * FADYN_CHECK_FAILED is the private "settled, stop" signal (fadyn_integrate
 * itself never returns it). */
typedef struct {
    const fadyn_basin_params *bp;
    double b, t;
    double t_at;
} wrap_ctx;

static int wrap_check(void *ctx, double t, const double *y) {
    wrap_ctx *c = ctx;
    c->t_at = t;
    return settled(c->bp, c->b, c->t, y) ? FADYN_CHECK_FAILED : FADYN_OK;
}

static int settle_wrapper(fadyn_phase_ws *ws, double *y, double *tt, fadyn_basin_point *out,
                          fadyn_err *err) {
    const fadyn_basin_params *bp = &ws->bp;
    fadyn_integ_params ip = bp->integ;
    ip.h0 = fadyn_phase_first_step(bp, ws->s.b, ws->s.t, y);
    ip.hmin = fmin(ip.hmin, ip.h0);
    ip.log_time = 1;
    ip.t_min = fmin(bp->integ.h0, bp->integ.t_end / 2.0);
    wrap_ctx c = {bp, ws->s.b, ws->s.t, 0.0};
    fadyn_integ_stats st;
    int rc = fadyn_integrate(&ws->sys, &ip, y, wrap_check, &c, &st, err);
    *tt = c.t_at;
    out->steps = st.steps;
    switch (rc) {
    case FADYN_CHECK_FAILED:
        out->cls = end_class(ws->s.b, y);
        break;
    case FADYN_DIVERGED:
        out->cls = FADYN_PHASE_DIVERGED;
        *tt = st.t_reached;
        break;
    case FADYN_OK:
    case FADYN_MAXSTEPS:
        out->cls = FADYN_PHASE_UNCONVERGED;
        *tt = st.t_reached;
        break;
    default:
        return rc;
    }
    if (err) fadyn_err_clear(err);
    return FADYN_OK;
}

int fadyn_phase_settle(fadyn_phase_ws *ws, double b, double t, double a0, double w0,
                       fadyn_basin_point *out, fadyn_err *err) {
    ws->s.b = b;
    ws->s.t = t;
    ws->s.backward = ws->bp.backward;
    unsigned long r0 = ws->s.nrhs;
    double y[2] = {a0, w0}, tt = 0.0;
    out->a0 = a0;
    out->w0 = w0;
    out->C = fadyn_phase_C(b, a0, w0);
    out->backward = ws->bp.backward;
    out->predicted = fadyn_phase_predict_dir(b, t, ws->bp.backward, a0, w0);
    int rc = ws->bp.engine == FADYN_BASIN_EVOLVE ? settle_evolve(ws, y, &tt, out, err)
                                                 : settle_wrapper(ws, y, &tt, out, err);
    out->a = y[0];
    out->w = y[1];
    out->t_end = tt;
    out->rhs_evals = ws->s.nrhs - r0;
    /* a settled end: its stability from the Jacobian (an unstable equilibrium
     * is reached only by starting on one, or backward in time) */
    out->lambda = NAN;
    if (out->cls == FADYN_PHASE_GOOD || out->cls == FADYN_PHASE_BAD)
        out->cls = fadyn_phase_settled_class(b, t, y[0], y[1], &out->lambda);
    return rc;
}

int fadyn_phase_settle_starts(double b, double t, const fadyn_basin_params *bp,
                              const fadyn_phase_start *s, size_t n, fadyn_basin_point *out,
                              fadyn_err *err) {
    fadyn_basin_params dir[2] = {*bp, *bp};
    fadyn_phase_ws *ws[2] = {NULL, NULL};
    dir[0].backward = 0;
    dir[1].backward = 1;
    int rc = FADYN_OK;
    for (size_t k = 0; k < n && rc == FADYN_OK; k++) {
        int d = s[k].backward != 0;
        if (!ws[d] && !(ws[d] = fadyn_phase_ws_alloc(&dir[d], err)))
            rc = err ? err->code : FADYN_ENOMEM;
        if (rc == FADYN_OK) rc = fadyn_phase_settle(ws[d], b, t, s[k].a, s[k].w, &out[k], err);
    }
    fadyn_phase_ws_free(ws[0]);
    fadyn_phase_ws_free(ws[1]);
    return rc;
}

double fadyn_grid_a(const fadyn_window *win, size_t na, size_t i) {
    return na < 2 ? win->a_lo : win->a_lo + (win->a_hi - win->a_lo) * (double)i / (double)(na - 1);
}

double fadyn_grid_w(const fadyn_window *win, size_t nw, size_t j) {
    return nw < 2 ? win->w_lo : win->w_lo + (win->w_hi - win->w_lo) * (double)j / (double)(nw - 1);
}

void fadyn_phase_progress(fadyn_progress_fn fn, void *ctx, size_t *done, size_t total) {
    if (!fn) return;
    size_t d;
#pragma omp atomic capture
    d = ++*done;
    if (omp_get_thread_num() == 0) fn(ctx, (double)d / (double)total);
}

/* A basin grid as work items (fadyn/work.h): row j of the grid, w = w_j. */
typedef struct {
    double b, t;
    const fadyn_window *win;
    size_t na, nw;
    const fadyn_basin_params *bp;
} grid_job;

static void *grid_ws_alloc(void *ctx, fadyn_err *err) {
    return fadyn_phase_ws_alloc(((const grid_job *)ctx)->bp, err);
}

static void grid_ws_free(void *ctx, void *ws) {
    (void)ctx;
    fadyn_phase_ws_free(ws);
}

static int grid_row(void *ctx, void *ws, size_t j, void *rec, fadyn_err *err) {
    const grid_job *g = ctx;
    fadyn_basin_point *row = rec;
    int rc = FADYN_OK;
    for (size_t i = 0; i < g->na && rc == FADYN_OK; i++)
        rc = fadyn_phase_settle(ws, g->b, g->t, fadyn_grid_a(g->win, g->na, i),
                                fadyn_grid_w(g->win, g->nw, j), &row[i], err);
    return rc;
}

int fadyn_basin_grid(double b, double t, const fadyn_window *win, size_t na, size_t nw,
                     const fadyn_basin_params *bp, fadyn_basin_point *pts, fadyn_basin_stats *st,
                     fadyn_err *err) {
    if (!(b != 0.0) || !(t != 0.0) || !isfinite(b) || !isfinite(t))
        return fadyn_err_set(err, FADYN_EINVAL, "b = %g, t = %g: both must be finite and non-zero",
                             b, t);
    if (na < 2 || nw < 2)
        return fadyn_err_set(err, FADYN_EINVAL, "grid %zux%zu: need at least 2x2", na, nw);
    if (!(win->a_lo < win->a_hi) || !(win->w_lo < win->w_hi))
        return fadyn_err_set(err, FADYN_EINVAL, "window: need a_lo < a_hi and w_lo < w_hi");
    int rc = fadyn_basin_params_check(bp, err);
    if (rc != FADYN_OK) return rc;
    double t0 = fadyn_wall_seconds();
    double da = (win->a_hi - win->a_lo) / (double)(na - 1);
    double dw = (win->w_hi - win->w_lo) / (double)(nw - 1);
    memset(st, 0, sizeof *st);
    grid_job g = {b, t, win, na, nw, bp};
    fadyn_work_job job = {.n = nw,
                          .size = na * sizeof *pts,
                          .rec = pts,
                          .ctx = &g,
                          .ws_alloc = grid_ws_alloc,
                          .ws_free = grid_ws_free,
                          .run = grid_row,
                          .progress = bp->progress,
                          .progress_ctx = bp->progress_ctx};
    int threads = omp_get_max_threads();
    int status = fadyn_work_map(&job, err);
    if (status != FADYN_OK) return status;
    st->n = na * nw;
    st->threads = threads;
    for (size_t j = 0; j < nw; j++)
        for (size_t i = 0; i < na; i++) {
            const fadyn_basin_point *p = &pts[j * na + i];
            st->counts[p->cls]++;
            st->steps += p->steps;
            st->rhs_evals += p->rhs_evals;
            if (p->predicted == FADYN_PHASE_BAD) st->predicted_bad++;
            if (p->cls != p->predicted) {
                st->disagree++;
                st->disagree_near +=
                    (size_t)fadyn_phase_near_separatrix(b, t, p->a0, p->w0, da, dw);
            }
        }
    st->wall_seconds = fadyn_wall_seconds() - t0;
    return FADYN_OK;
}
