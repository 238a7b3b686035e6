/* integrate.c — the GSL odeiv2 driver, with sampling, blow-up and step limits. */
#include "fadyn/integrate.h"
#include "fadyn/clock.h"
#include "fadyn/linalg.h"
#include "rk8pd.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

const fadyn_stepper_info fadyn_steppers[] = {
    {"rk2", &gsl_odeiv2_step_rk2, 0, "explicit embedded Runge-Kutta (2, 3)"},
    {"rk4", &gsl_odeiv2_step_rk4, 0, "explicit 4th-order Runge-Kutta, step-doubling error"},
    {"rkf45", &gsl_odeiv2_step_rkf45, 0, "explicit embedded Runge-Kutta-Fehlberg (4, 5)"},
    {"rkck", &gsl_odeiv2_step_rkck, 0, "explicit embedded Runge-Kutta Cash-Karp (4, 5)"},
    {"rk8pd", &fadyn_step_rk8pd, 0,
     "explicit embedded Runge-Kutta Prince-Dormand (8, 9), fadyn's vectorised stepper"},
    {"gsl-rk8pd", &gsl_odeiv2_step_rk8pd, 0, "the same method, GSL's own stepper"},
    {"msadams", &gsl_odeiv2_step_msadams, 0, "variable-order Adams (linear multistep)"},
    {"msbdf", &gsl_odeiv2_step_msbdf, 1, "variable-order BDF, implicit, for stiff problems"},
    {"bsimp", &gsl_odeiv2_step_bsimp, 1, "implicit Bulirsch-Stoer (Bader-Deuflhard)"},
    {"rk4imp", &gsl_odeiv2_step_rk4imp, 1, "implicit Gaussian 4th-order Runge-Kutta"},
    {NULL, NULL, 0, NULL},
};

const fadyn_stepper_info *fadyn_stepper_find(const char *name) {
    for (const fadyn_stepper_info *s = fadyn_steppers; s->name; s++)
        if (strcmp(s->name, name) == 0) return s;
    return NULL;
}

fadyn_integ_params fadyn_integ_params_default(void) {
    fadyn_integ_params ip = {
        .stepper = "rk8pd",
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
    };
    return ip;
}

int fadyn_integ_params_check(const fadyn_integ_params *ip, fadyn_err *err) {
    if (!ip->stepper || !fadyn_stepper_find(ip->stepper))
        return fadyn_err_set(err, FADYN_EINVAL,
                             "--stepper %s: unknown (rk2 rk4 rkf45 rkck rk8pd gsl-rk8pd msadams "
                             "msbdf bsimp rk4imp)",
                             ip->stepper ? ip->stepper : "(none)");
    if (!(ip->rtol > 0.0) || !isfinite(ip->rtol))
        return fadyn_err_set(err, FADYN_EINVAL, "--rtol %g: must be > 0", ip->rtol);
    if (!(ip->atol > 0.0) || !isfinite(ip->atol))
        return fadyn_err_set(err, FADYN_EINVAL, "--atol %g: must be > 0", ip->atol);
    if (!(ip->t_end > 0.0) || !isfinite(ip->t_end))
        return fadyn_err_set(err, FADYN_EINVAL, "--t-end %g: must be > 0 and finite", ip->t_end);
    if (ip->samples < 2)
        return fadyn_err_set(err, FADYN_EINVAL, "--samples %zu: need at least 2", ip->samples);
    if (ip->log_time && !(ip->t_min > 0.0 && ip->t_min < ip->t_end))
        return fadyn_err_set(err, FADYN_EINVAL, "--t-min %g: need 0 < t-min < t-end", ip->t_min);
    if (!(ip->radius > 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "--radius %g: must be > 0", ip->radius);
    if (!(ip->h0 > 0.0) || !(ip->hmin >= 0.0) || ip->nmax == 0)
        return fadyn_err_set(err, FADYN_EINVAL, "step controls: need h0 > 0, hmin >= 0, nmax > 0");
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

/* The system as the driver sees it: the user's, guarded against blow-up. */
typedef struct {
    const gsl_odeiv2_system *inner;
    double radius;
    unsigned long nrhs, njac;
} guard;

static int guarded_f(double t, const double y[], double dydt[], void *params) {
    guard *g = params;
    g->nrhs++;
    size_t n = g->inner->dimension;
    if (fadyn_exceeds(y, n, g->radius)) return GSL_EBADFUNC;
    int s = g->inner->function(t, y, dydt, g->inner->params);
    if (s != GSL_SUCCESS) return s;
    return fadyn_exceeds(dydt, n, INFINITY) ? GSL_EBADFUNC : GSL_SUCCESS;
}

static int guarded_j(double t, const double y[], double *dfdy, double dfdt[], void *params) {
    guard *g = params;
    g->njac++;
    return g->inner->jacobian(t, y, dfdy, dfdt, g->inner->params);
}

int fadyn_integrate(const gsl_odeiv2_system *sys, const fadyn_integ_params *ip, double *y,
                    fadyn_sample_fn fn, void *ctx, fadyn_integ_stats *stats, fadyn_err *err) {
    int rc = fadyn_integ_params_check(ip, err);
    if (rc != FADYN_OK) return rc;
    const fadyn_stepper_info *si = fadyn_stepper_find(ip->stepper);
    if (si->implicit && !sys->jacobian)
        return fadyn_err_set(err, FADYN_EINVAL, "--stepper %s needs a Jacobian", si->name);
    double t0 = fadyn_wall_seconds();
    guard g = {sys, ip->radius, 0, 0};
    gsl_odeiv2_system gs = {guarded_f, sys->jacobian ? guarded_j : NULL, sys->dimension, &g};
    fadyn_integ_stats st;
    memset(&st, 0, sizeof st);
    if (fadyn_exceeds(y, sys->dimension, ip->radius)) {
        if (stats) *stats = st;
        return fadyn_err_set(err, FADYN_DIVERGED,
                             "the initial state is non-finite or beyond "
                             "--radius %g",
                             ip->radius);
    }
    gsl_odeiv2_driver *d =
        gsl_odeiv2_driver_alloc_y_new(&gs, *si->type, ip->h0, ip->atol, ip->rtol);
    if (!d) return fadyn_err_set(err, FADYN_ENOMEM, "cannot allocate the ODE driver");
    gsl_odeiv2_driver_set_hmin(d, ip->hmin);
    double t = 0.0;
    rc = fn ? fn(ctx, 0.0, y) : 0;
    for (size_t i = 1; rc == FADYN_OK && i < ip->samples; i++) {
        double ti = fadyn_integ_sample_time(ip, i);
        /* the driver counts steps per call: give each call what is left */
        unsigned long used = (unsigned long)d->e->count;
        if (used >= ip->nmax) {
            rc = fadyn_err_set(err, FADYN_MAXSTEPS,
                               "stopped at t = %.6g: the step limit (%lu steps) was reached", t,
                               ip->nmax);
            break;
        }
        gsl_odeiv2_driver_set_nmax(d, ip->nmax - used);
        int s = gsl_odeiv2_driver_apply(d, &t, ti, y);
        if (s == GSL_EBADFUNC) {
            rc = fadyn_err_set(err, FADYN_DIVERGED,
                               "diverged near t = %.6g: the state became non-finite or left "
                               "--radius %g",
                               t, ip->radius);
        } else if (s == GSL_EMAXITER) {
            rc = fadyn_err_set(err, FADYN_MAXSTEPS,
                               "stopped at t = %.6g: the step limit (%lu steps) was reached", t,
                               ip->nmax);
        } else if (s == GSL_ENOPROG) {
            rc = fadyn_err_set(err, FADYN_MAXSTEPS,
                               "stopped at t = %.6g: the step fell below hmin = %g", t, ip->hmin);
        } else if (s != GSL_SUCCESS) {
            rc = fadyn_err_set(err, FADYN_EGSL, "GSL driver failed at t = %.6g: %s", t,
                               gsl_strerror(s));
        } else if (fn) {
            rc = fn(ctx, ti, y);
        }
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
