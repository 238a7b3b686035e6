/* ode.c — a run of the expected dynamics (docs/theory.md §2) with its observer (§3). */
#include "fadyn/ode.h"
#include "fadyn/dynamics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    fadyn_observer *obs;
    fadyn_ode_result *res;
    size_t cap;
    double t_end;
    fadyn_progress_fn progress;
    void *ctx;
} sampler;

static int on_sample(void *ctx, double t, const double *y) {
    sampler *s = ctx;
    fadyn_ode_result *r = s->res;
    if (r->nrows == s->cap) return FADYN_ENOMEM; /* rows are preallocated */
    fadyn_obs *o = &r->rows[r->nrows];
    int rc = fadyn_observer_eval(s->obs, t, y, o);
    if (rc != FADYN_OK) return rc;
    if (r->nrows > 0) {
        double rise = o->V - r->rows[r->nrows - 1].V;
        if (rise > r->V_max_rise || r->nrows == 1) r->V_max_rise = rise;
    }
    r->drift_max = fmax(r->drift_max, o->drift);
    r->drift_rel_max = fmax(r->drift_rel_max, o->drift_rel);
    r->s_max = fmax(r->s_max, o->s);
    r->nrows++;
    if (s->progress) s->progress(s->ctx, t / s->t_end);
    return FADYN_OK;
}

/* Why the bounds on s (eq 47, docs/theory.md §3) do not apply, or NULL:
 * they are proved for one hidden layer under fa with Σ = I and C = 0. */
static const char *bound_reason(const fadyn_problem *p, double c0_rel) {
    if (p->depth != 2) return "the bounds on s are for one hidden layer";
    if (!p->rule->ode->lyapunov) return "the bounds on s follow from fa's C = 0, not this rule's";
    for (size_t j = 0; p->sigma && j < p->sizes[0]; j++)
        if (p->sigma[j] != 1.0) return "the bounds on s assume Sigma = I";
    if (!(c0_rel <= FADYN_C0_ZERO)) return "the bounds on s assume C = 0, and C(0) is not 0";
    return NULL;
}

/* The last row whose column col is defined: its value and time (NaN if none). */
static void last_defined(const fadyn_ode_result *res, size_t col, double *value, double *t) {
    double v[FADYN_OBS_NCOLS];
    for (size_t i = res->nrows; i-- > 0;) {
        fadyn_obs_to_array(&res->rows[i], v);
        if (!isnan(v[col])) {
            *value = v[col], *t = v[FADYN_OBS_T];
            return;
        }
    }
}

int fadyn_ode_run(const fadyn_problem *p, const fadyn_integ_params *ip, fadyn_ode_result *res) {
    return fadyn_ode_run_progress(p, ip, res, NULL, NULL);
}

int fadyn_ode_run_progress(const fadyn_problem *p, const fadyn_integ_params *ip,
                           fadyn_ode_result *res, fadyn_progress_fn progress, void *ctx) {
    memset(res, 0, sizeof *res);
    res->V_max_rise = NAN;
    res->s_bound_paper = res->s_bound_derived = NAN;
    res->final_nse = res->angle_bp_last = res->angle_pbp_last = NAN;
    res->angle_bp_last_t = res->angle_pbp_last_t = NAN;
    res->angle_floor = fadyn_ode_angle_floor(ip);
    int rc = fadyn_integ_params_check(ip, &res->err);
    if (rc != FADYN_OK) return res->status = rc;
    res->rows = calloc(ip->samples, sizeof(fadyn_obs));
    res->y = malloc(p->dim * sizeof(double));
    fadyn_dyn *dyn = fadyn_dyn_alloc(p);
    fadyn_observer *obs = fadyn_observer_alloc(p, p->w0);
    if (!res->rows || !res->y || !dyn || !obs) {
        fadyn_dyn_free(dyn);
        fadyn_observer_free(obs);
        return res->status = fadyn_err_set(&res->err, FADYN_ENOMEM, "out of memory");
    }
    fadyn_observer_set_floor(obs, res->angle_floor);
    fadyn_observer_set_angle(obs, ip->angle);
    res->c0_rel = fadyn_observer_c0_rel(obs);
    res->conserved_name = p->rule->ode->conserved_name;
    res->lyapunov = p->rule->ode->lyapunov && p->depth == 2;
    res->hidden_layers = p->depth - 1;
    memcpy(res->y, p->w0, p->dim * sizeof(double));
    sampler s = {obs, res, ip->samples, ip->t_end, progress, ctx};
    gsl_odeiv2_system sys = fadyn_dyn_system(dyn);
    rc = fadyn_integrate(&sys, ip, res->y, on_sample, &s, &res->stats, &res->err);
    if (rc == FADYN_ELAPACK)
        fadyn_err_set(&res->err, rc, "the SVD for the pseudoinverse failed near t = %g",
                      res->stats.t_reached);
    if (res->nrows > 0) {
        const fadyn_obs *last = &res->rows[res->nrows - 1];
        res->final_nse = last->nse;
        last_defined(res, FADYN_OBS_ANGLE_BP, &res->angle_bp_last, &res->angle_bp_last_t);
        last_defined(res, FADYN_OBS_ANGLE_PBP, &res->angle_pbp_last, &res->angle_pbp_last_t);
        res->s0 = res->rows[0].s;
        res->s_bound_reason = bound_reason(p, res->c0_rel);
        if (!res->s_bound_reason) {
            res->s_bound_paper = fadyn_s_bound_paper(p);
            res->s_bound_derived = fadyn_s_bound_derived(p, res->s0);
        }
    }
    fadyn_dyn_free(dyn);
    fadyn_observer_free(obs);
    return res->status = rc;
}

double fadyn_ode_angle_floor(const fadyn_integ_params *ip) {
    return fmax(FADYN_ANGLE_FLOOR, 1e3 * ip->rtol);
}

void fadyn_ode_result_free(fadyn_ode_result *res) {
    free(res->rows);
    free(res->y);
    memset(res, 0, sizeof *res);
}

/* Right-hand sides per step of an explicit stepper (stages; rk4 doubles). */
static double stages_of(const char *name) {
    static const struct {
        const char *name;
        double n;
    } t[] = {{"rk2", 3},    {"rk4", 12},       {"rkf45", 6},   {"rkck", 6},
             {"rk8pd", 13}, {"gsl-rk8pd", 13}, {"msadams", 2}, {"dop853", 12}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (strcmp(t[i].name, name) == 0) return t[i].n;
    return 13.0;
}

int fadyn_ode_work_estimate(const fadyn_problem *p, const fadyn_integ_params *ip, fadyn_ode_work *w,
                            fadyn_err *err) {
    memset(w, 0, sizeof *w);
    size_t n = p->dim;
    fadyn_dyn *d = fadyn_dyn_alloc(p);
    double *v = malloc(2 * n * sizeof *v);
    if (!d || !v) {
        fadyn_dyn_free(d);
        free(v);
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    }
    double *jv = v + n, rho = 0.0;
    for (size_t i = 0; i < n; i++) /* a start with a component along every direction */
        v[i] = 1.0 + 0.5 * sin(1.0 + (double)i);
    for (int it = 0; it < 30; it++) {
        double nv = 0.0, nj = 0.0;
        fadyn_dyn_jvp(d, p->w0, v, jv);
        for (size_t i = 0; i < n; i++)
            nv += v[i] * v[i], nj += jv[i] * jv[i];
        if (!(nj > 0.0) || !isfinite(nj)) break;
        rho = sqrt(nj / nv);
        double s = 1.0 / sqrt(nj);
        for (size_t i = 0; i < n; i++)
            v[i] = jv[i] * s;
    }
    fadyn_dyn_free(d);
    free(v);
    double f = fadyn_dyn_rhs_flops(p);
    w->rho = rho;
    if (ip->stepper->implicit) {
        double dn = (double)n;
        w->step_flops = 2.0 * dn * f + 6.0 * dn * dn * dn + 10.0 * f; /* rk4imp: an LU of 2 dim */
        double b = FADYN_IMPLICIT_WORK / w->step_flops;
        w->budget = b < 10.0 ? 10UL : b > 1e12 ? 1000000000000UL : (unsigned long)b;
        w->steps = (double)w->budget;
    } else {
        w->step_flops = stages_of(ip->stepper->name) * f;
        w->steps = fmax(ip->t_end * rho / 3.0, (double)ip->samples);
    }
    w->flops = w->steps * w->step_flops;
    return FADYN_OK;
}
