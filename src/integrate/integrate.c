/* integrate.c — the GSL odeiv2 driver, with sampling, blow-up and step limits. */
#include "fadyn/integrate.h"
#include "dop853.h"
#include "fadyn/clock.h"
#include "fadyn/linalg.h"
#include "rk8pd.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const fadyn_stepper_info fadyn_steppers[] = {
    {"rk2", &gsl_odeiv2_step_rk2, 0, "explicit embedded Runge-Kutta (2, 3)", 0},
    {"rk4", &gsl_odeiv2_step_rk4, 0, "explicit 4th-order Runge-Kutta, step-doubling error", 0},
    {"rkf45", &gsl_odeiv2_step_rkf45, 0, "explicit embedded Runge-Kutta-Fehlberg (4, 5)", 0},
    {"rkck", &gsl_odeiv2_step_rkck, 0, "explicit embedded Runge-Kutta Cash-Karp (4, 5)", 0},
    {"rk8pd", &fadyn_step_rk8pd, 0,
     "explicit embedded Runge-Kutta Prince-Dormand (8, 9), fadyn's vectorised stepper", 0},
    {"gsl-rk8pd", &gsl_odeiv2_step_rk8pd, 0, "the same method, GSL's own stepper", 0},
    {"msadams", &gsl_odeiv2_step_msadams, 0, "variable-order Adams (linear multistep)", 0},
    {"msbdf", &gsl_odeiv2_step_msbdf, 1, "variable-order BDF, implicit, for stiff problems", 0},
    {"bsimp", &gsl_odeiv2_step_bsimp, 1, "implicit Bulirsch-Stoer (Bader-Deuflhard)", 0},
    {"rk4imp", &gsl_odeiv2_step_rk4imp, 1, "implicit Gaussian 4th-order Runge-Kutta", 0},
    {"dop853", NULL, 0,
     "explicit Dormand-Prince 8(5,3) with dense output and its own step control (Hairer's "
     "DOP853), fadyn's own driver",
     1},
    {NULL, NULL, 0, NULL, 0},
};

const fadyn_stepper_info *fadyn_stepper_find(const char *name) {
    if (!name) return NULL;
    for (const fadyn_stepper_info *s = fadyn_steppers; s->name; s++)
        if (strcmp(s->name, name) == 0) return s;
    return NULL;
}

int fadyn_stepper_parse(const char *name, const fadyn_stepper_info **out, fadyn_err *err) {
    const fadyn_stepper_info *si = fadyn_stepper_find(name);
    if (si) {
        *out = si;
        return FADYN_OK;
    }
    char list[512];
    size_t k = 0;
    list[0] = '\0';
    for (si = fadyn_steppers; si->name && k < sizeof list; si++)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? " " : "", si->name);
    return fadyn_err_set(err, FADYN_EINVAL, "stepper %s: unknown (%s)", name ? name : "(none)",
                         list);
}

const fadyn_stepper_info *fadyn_stepper_default(void) {
    return fadyn_stepper_find("dop853");
}

fadyn_integ_params fadyn_integ_params_default(void) {
    fadyn_integ_params ip = {
        .stepper = fadyn_stepper_default(),
        .rtol = 1e-8,
        .atol = 1e-10,
        .h0 = 1e-3,
        .hmin = 1e-12,
        .nmax = 10000000UL,
        .t_end = 100.0,
        .samples = 201,
        .log_time = 0,
        .t_min = 1e-3,
        .radius = 1e6,
        .angle = FADYN_ANGLE_SIGNED,
    };
    return ip;
}

/* The checks on what the stepping itself reads (stepper, tolerances, step
 * controls), shared by both drivers. */
static int step_params_check(const fadyn_integ_params *ip, fadyn_err *err) {
    if (!ip->stepper || (!ip->stepper->type && !ip->stepper->own_driver))
        return fadyn_err_set(err, FADYN_EINVAL,
                             "stepper: none set (resolve a name with fadyn_stepper_parse)");
    if (!(ip->rtol > 0.0) || !isfinite(ip->rtol))
        return fadyn_err_set(err, FADYN_EINVAL, "rtol %g: must be > 0", ip->rtol);
    if (!(ip->atol > 0.0) || !isfinite(ip->atol))
        return fadyn_err_set(err, FADYN_EINVAL, "atol %g: must be > 0", ip->atol);
    if (!(ip->h0 > 0.0) || !isfinite(ip->h0) || !(ip->hmin >= 0.0) || ip->nmax == 0)
        return fadyn_err_set(err, FADYN_EINVAL, "step controls: need h0 > 0, hmin >= 0, nmax > 0");
    if (ip->hmin > ip->h0)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "hmin %g: larger than the first step h0 = %g (GSL's driver needs "
                             "hmin <= h0)",
                             ip->hmin, ip->h0);
    return FADYN_OK;
}

int fadyn_integ_params_check(const fadyn_integ_params *ip, fadyn_err *err) {
    int rc = step_params_check(ip, err);
    if (rc != FADYN_OK) return rc;
    if (!(ip->t_end > 0.0) || !isfinite(ip->t_end))
        return fadyn_err_set(err, FADYN_EINVAL, "t_end %g: must be > 0 and finite", ip->t_end);
    if (ip->samples < 2)
        return fadyn_err_set(err, FADYN_EINVAL, "samples %zu: need at least 2", ip->samples);
    if (ip->log_time && !(ip->t_min > 0.0 && ip->t_min < ip->t_end))
        return fadyn_err_set(err, FADYN_EINVAL, "t_min %g: need 0 < t_min < t_end = %g", ip->t_min,
                             ip->t_end);
    if (!(ip->radius > 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "radius %g: must be > 0", ip->radius);
    return FADYN_OK;
}

double fadyn_integ_sample_time(const fadyn_integ_params *ip, size_t i) {
    size_t last = ip->samples - 1;
    if (i == 0) return 0.0;
    if (i >= last) return ip->t_end;
    if (!ip->log_time) return ip->t_end * (double)i / (double)last;
    /* t_1 = t_min … t_last = t_end, geometric */
    return ip->t_min * pow(ip->t_end / ip->t_min, (double)(i - 1) / (double)(last - 1));
}

/* The system as fadyn_integrate's driver sees it: the user's, guarded
 * against blow-up.  A trial state (a stage of a step being tried) that is
 * non-finite or beyond the radius, or a non-finite derivative, fails the
 * evaluation with GSL_FAILURE: GSL's evolve then rejects the trial step
 * and retries it with half the step (GSL_EBADFUNC would end the run, which
 * made a stage overshooting from a fast start a false divergence).  Only
 * an accepted state beyond the radius, or the step shrinking below hmin
 * while trial states kept leaving, is a divergence (fadyn_integrate). */
typedef struct {
    const gsl_odeiv2_system *inner;
    double radius;
    unsigned long nrhs, njac;
    int rejected; /* a trial state or derivative failed since the last accepted step */
} guard;

static int guarded_f(double t, const double y[], double dydt[], void *params) {
    guard *g = params;
    g->nrhs++;
    size_t n = g->inner->dimension;
    if (fadyn_exceeds(y, n, g->radius)) return g->rejected = 1, GSL_FAILURE;
    int s = g->inner->function(t, y, dydt, g->inner->params);
    if (s != GSL_SUCCESS) return s;
    return fadyn_exceeds(dydt, n, INFINITY) ? (g->rejected = 1, GSL_FAILURE) : GSL_SUCCESS;
}

static int guarded_j(double t, const double y[], double *dfdy, double dfdt[], void *params) {
    guard *g = params;
    g->njac++;
    return g->inner->jacobian(t, y, dfdy, dfdt, g->inner->params);
}

/* A GSL driver (step, control, evolve) for sys under ip's settings, or
 * fadyn's own (dop853). */
struct fadyn_integ_ws {
    gsl_odeiv2_system sys; /* what the driver integrates (its address is the driver's) */
    gsl_odeiv2_driver *d;
    fadyn_dop853 *dp;
    fadyn_integ_params ip;
    fadyn_integ_stats st; /* dop853's counts */
    double hmin;          /* ip's */
    double hmin_now;      /* this start's: min(hmin, its first step) */
};

/* Allocate ws->d for ws->sys; the one place a stepper meets GSL's driver,
 * and where every setting GSL takes is checked to have taken. */
static int ws_init(fadyn_integ_ws *ws, const fadyn_integ_params *ip, fadyn_err *err) {
    int rc = step_params_check(ip, err);
    if (rc != FADYN_OK) return rc;
    const fadyn_stepper_info *si = ip->stepper;
    if (ws->sys.dimension == 0)
        return fadyn_err_set(err, FADYN_EINVAL, "the system has dimension 0");
    if (si->implicit && !ws->sys.jacobian)
        return fadyn_err_set(err, FADYN_EINVAL, "stepper %s: needs a Jacobian", si->name);
    ws->ip = *ip;
    ws->hmin = ws->hmin_now = ip->hmin;
    if (si->own_driver) {
        ws->dp = fadyn_dop853_alloc(ws->sys.dimension);
        return ws->dp ? FADYN_OK : fadyn_err_set(err, FADYN_ENOMEM, "out of memory for dop853");
    }
    ws->d = gsl_odeiv2_driver_alloc_y_new(&ws->sys, *si->type, ip->h0, ip->atol, ip->rtol);
    if (!ws->d) return fadyn_err_set(err, FADYN_ENOMEM, "cannot allocate the ODE driver");
    /* GSL reports a refused setting through its error handler and may still
     * return GSL_SUCCESS (GSL_ERROR_NULL): check the value it kept too */
    if (gsl_odeiv2_driver_set_hmin(ws->d, ip->hmin) != GSL_SUCCESS || ws->d->hmin != ip->hmin) {
        gsl_odeiv2_driver_free(ws->d);
        ws->d = NULL;
        return fadyn_err_set(err, FADYN_EGSL, "GSL's driver refused hmin = %g (h0 = %g)", ip->hmin,
                             ip->h0);
    }
    return FADYN_OK;
}

fadyn_integ_ws *fadyn_integ_ws_alloc(const gsl_odeiv2_system *sys, const fadyn_integ_params *ip,
                                     fadyn_err *err) {
    fadyn_integ_ws *ws = calloc(1, sizeof *ws);
    if (!ws) {
        fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        return NULL;
    }
    ws->sys = *sys;
    if (ws_init(ws, ip, err) != FADYN_OK) {
        free(ws);
        return NULL;
    }
    return ws;
}

void fadyn_integ_ws_free(fadyn_integ_ws *ws) {
    if (!ws) return;
    if (ws->d) gsl_odeiv2_driver_free(ws->d);
    fadyn_dop853_free(ws->dp);
    free(ws);
}

int fadyn_integ_ws_reset(fadyn_integ_ws *ws, double h_first, fadyn_err *err) {
    ws->hmin_now = fmin(ws->hmin, fabs(h_first));
    if (ws->dp) {
        fadyn_dop853_reset(ws->dp);
        return FADYN_OK;
    }
    int s = gsl_odeiv2_driver_reset(ws->d);
    if (s != GSL_SUCCESS)
        return fadyn_err_set(err, FADYN_EGSL, "GSL driver reset failed: %s", gsl_strerror(s));
    return FADYN_OK;
}

int fadyn_integ_step(fadyn_integ_ws *ws, double *t, double t1, double *h, double *y,
                     fadyn_err *err) {
    if (ws->dp)
        return fadyn_dop853_step(ws->dp, &ws->sys, &ws->ip, ws->hmin_now, t, t1, h, y, &ws->st,
                                 err);
    gsl_odeiv2_driver *d = ws->d;
    int s = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, &ws->sys, t, t1, h, y);
    if (s != GSL_SUCCESS)
        return fadyn_err_set(err, FADYN_EGSL, "GSL evolve failed at t = %.6g: %s", *t,
                             gsl_strerror(s));
    if (fabs(*h) < ws->hmin_now)
        return fadyn_err_set(err, FADYN_MAXSTEPS,
                             "stopped at t = %.6g: the step fell below hmin = %g", *t,
                             ws->hmin_now);
    return FADYN_OK;
}

static int initial_beyond(const fadyn_integ_params *ip, fadyn_err *err) {
    return fadyn_err_set(err, FADYN_DIVERGED,
                         "the initial state is non-finite or beyond radius = %g", ip->radius);
}

/* fadyn_integrate with dop853: its own driver, the guard in its final pass. */
static int own_driver(const gsl_odeiv2_system *sys, const fadyn_integ_params *ip, double *y,
                      fadyn_sample_fn fn, void *ctx, fadyn_integ_stats *stats, fadyn_err *err,
                      double t0) {
    fadyn_integ_stats st;
    memset(&st, 0, sizeof st);
    int rc;
    if (sys->dimension == 0) {
        rc = fadyn_err_set(err, FADYN_EINVAL, "the system has dimension 0");
    } else if (fadyn_exceeds(y, sys->dimension, ip->radius)) {
        rc = initial_beyond(ip, err);
    } else {
        fadyn_dop853 *w = fadyn_dop853_alloc(sys->dimension);
        rc = w ? fadyn_dop853_run(w, sys, ip, y, fn, ctx, &st, err)
               : fadyn_err_set(err, FADYN_ENOMEM, "out of memory for dop853");
        fadyn_dop853_free(w);
    }
    st.wall_seconds = fadyn_wall_seconds() - t0;
    if (stats) *stats = st;
    return rc;
}

int fadyn_integrate(const gsl_odeiv2_system *sys, const fadyn_integ_params *ip, double *y,
                    fadyn_sample_fn fn, void *ctx, fadyn_integ_stats *stats, fadyn_err *err) {
    int rc = fadyn_integ_params_check(ip, err);
    if (rc != FADYN_OK) return rc;
    double t0 = fadyn_wall_seconds();
    if (ip->stepper->own_driver) return own_driver(sys, ip, y, fn, ctx, stats, err, t0);
    guard g = {.inner = sys, .radius = ip->radius};
    fadyn_integ_ws ws;
    memset(&ws, 0, sizeof ws);
    ws.sys = (gsl_odeiv2_system){guarded_f, sys->jacobian ? guarded_j : NULL, sys->dimension, &g};
    fadyn_integ_stats st;
    memset(&st, 0, sizeof st);
    if ((rc = ws_init(&ws, ip, err)) != FADYN_OK) return rc;
    gsl_odeiv2_driver *d = ws.d;
    if (fadyn_exceeds(y, sys->dimension, ip->radius)) {
        gsl_odeiv2_driver_free(d);
        if (stats) *stats = st;
        return initial_beyond(ip, err);
    }
    double t = 0.0, h = ip->h0;
    rc = fn ? fn(ctx, 0.0, y) : 0;
    /* GSL's evolve step by step (what gsl_odeiv2_driver_apply does), every
     * accepted state checked against the radius */
    for (size_t i = 1; rc == FADYN_OK && i < ip->samples; i++) {
        double ti = fadyn_integ_sample_time(ip, i);
        while (rc == FADYN_OK && t < ti) {
            if (d->e->count >= ip->nmax) {
                rc = fadyn_err_set(err, FADYN_MAXSTEPS,
                                   "stopped at t = %.6g: the step limit (%lu steps) was reached", t,
                                   ip->nmax);
                break;
            }
            g.rejected = 0;
            int s = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, &ws.sys, &t, ti, &h, y);
            if (s == GSL_SUCCESS && fadyn_exceeds(y, sys->dimension, ip->radius))
                rc = fadyn_err_set(err, FADYN_DIVERGED,
                                   "diverged near t = %.6g: the state became non-finite or left "
                                   "radius = %g",
                                   t, ip->radius);
            else if ((s == GSL_SUCCESS && fabs(h) < ip->hmin && t < ti) || s == GSL_FAILURE)
                /* the step underflowed: a divergence if trial states were leaving */
                rc = g.rejected
                         ? fadyn_err_set(err, FADYN_DIVERGED,
                                         "diverged near t = %.6g: the step fell below "
                                         "hmin = %g with the trial states non-finite or "
                                         "beyond radius = %g",
                                         t, ip->hmin, ip->radius)
                         : fadyn_err_set(err, FADYN_MAXSTEPS,
                                         "stopped at t = %.6g: the step fell below hmin = %g", t,
                                         ip->hmin);
            else if (s != GSL_SUCCESS)
                rc = fadyn_err_set(err, FADYN_EGSL, "GSL evolve failed at t = %.6g: %s", t,
                                   gsl_strerror(s));
        }
        if (rc == FADYN_OK && fn) rc = fn(ctx, ti, y);
    }
    st.steps = d->e->count;
    st.failed_steps = d->e->failed_steps;
    st.rhs_evals = g.nrhs;
    st.jac_evals = g.njac;
    st.t_reached = t;
    st.wall_seconds = fadyn_wall_seconds() - t0;
    if (stats) *stats = st;
    gsl_odeiv2_driver_free(d);
    return rc;
}
