/* fadyn/integrate.h — the one integrator of fadyn: GSL odeiv2 steppers by
 * name, one settings struct, sample times, blow-up detection and step limits.
 *
 * Works on any gsl_odeiv2_system, so the expected dynamics of any network,
 * the 1-1-1 phase plane and the verification instances share it: every
 * engine that integrates embeds a fadyn_integ_params and goes through
 * fadyn_integrate (sampled runs) or a fadyn_integ_ws (one step at a time).
 * Lifecycle: fadyn_integ_params_default → set fields → fadyn_integrate. */
#ifndef FADYN_INTEGRATE_H
#define FADYN_INTEGRATE_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/linalg.h"

#include <gsl/gsl_odeiv2.h>
#include <stddef.h>

/* A stepper: resolved from its name once (fadyn_stepper_parse), then
 * carried by the settings as this descriptor. */
typedef struct {
    const char *name;
    const gsl_odeiv2_step_type *const *type; /* NULL for fadyn's own driver */
    int implicit;                            /* needs the Jacobian */
    const char *about;
    int own_driver; /* 1: fadyn's own driver and step control (dop853), not GSL's */
} fadyn_stepper_info;

/* The table of steppers, terminated by {NULL}. */
extern const fadyn_stepper_info fadyn_steppers[];

/* Look a stepper up by name; NULL if unknown (or name is NULL). */
const fadyn_stepper_info *fadyn_stepper_find(const char *name);

/* The same, as a parameter check: FADYN_EINVAL naming the name and listing
 * the table's names when it is unknown. */
int fadyn_stepper_parse(const char *name, const fadyn_stepper_info **out, fadyn_err *err);

/* The default stepper: DOP853 ("dop853", fadyn's own driver: fewer
 * evaluations than rk8pd at the same tolerances, docs/performance.md). */
const fadyn_stepper_info *fadyn_stepper_default(void);

/* The integrator settings.  Engines embed one (fadyn_basin_params,
 * fadyn_nd_params, fadyn_compare_params, fadyn_verify_params) and say which
 * fields they read. */
typedef struct {
    const fadyn_stepper_info *stepper; /* fadyn_stepper_default(): dop853 */
    double rtol, atol;                 /* 1e-8, 1e-10 */
    double h0;                         /* first step, 1e-3 (GSL steppers; dop853 picks its own) */
    double hmin;                       /* smallest step the driver may take, 1e-12; <= h0 */
    unsigned long nmax;                /* total step limit, 10 000 000 */
    double t_end;                      /* 100 */
    size_t samples;                    /* sample times including t = 0, 201 */
    int log_time;                      /* sample times logarithmic from t_min to t_end */
    double t_min;                      /* first positive sample for log time, 1e-3 */
    double radius;                     /* blow-up radius on max |y_i|, 1e6 */
    fadyn_angle_kind angle;            /* the observer's angles: signed (default) or |cos| */
} fadyn_integ_params;

fadyn_integ_params fadyn_integ_params_default(void);

/* Check the parameters; one line naming the bad one.  hmin > h0 is refused
 * (GSL's driver cannot honour a smallest step above the first). */
int fadyn_integ_params_check(const fadyn_integ_params *ip, fadyn_err *err);

/* Sample time i of ip (0 .. samples-1). */
double fadyn_integ_sample_time(const fadyn_integ_params *ip, size_t i);

typedef struct {
    unsigned long steps, failed_steps, rhs_evals, jac_evals;
    double t_reached;
    double wall_seconds;
} fadyn_integ_stats;

/* Called at t = 0 and at every sample time; a non-zero return stops the run
 * and is returned by fadyn_integrate. */
typedef int (*fadyn_sample_fn)(void *ctx, double t, const double *y);

/* Integrate sys from y (updated in place) over the sample times.
 * Returns FADYN_OK; FADYN_DIVERGED (positive: a run outcome) if an accepted
 * state became non-finite or left the radius, or the step fell below hmin
 * while trial states kept doing so — the detail names the time (a trial
 * stage beyond the radius only rejects that trial step, which is retried
 * smaller);
 * FADYN_MAXSTEPS if nmax steps were taken or the step fell below hmin;
 * the GSL steppers start with the step h0, dop853 chooses its first step
 * (Hairer's rule) and delivers samples through its dense output, so they
 * do not shorten its steps;
 * FADYN_EINVAL / FADYN_ENOMEM / FADYN_EGSL on errors.  Samples already
 * delivered stay delivered. */
int fadyn_integrate(const gsl_odeiv2_system *sys, const fadyn_integ_params *ip, double *y,
                    fadyn_sample_fn fn, void *ctx, fadyn_integ_stats *stats, fadyn_err *err);

/* ---- one step at a time -------------------------------------------------
 * For engines that stop on a test of their own (the basin's "settled"):
 * a driver for one system, allocated once and reset per start.  The system
 * is used as given (no blow-up guard: the caller tests the state), and
 * reads ip's stepper, rtol, atol, h0 and hmin. */
typedef struct fadyn_integ_ws fadyn_integ_ws;

/* sys is copied (its params pointer is kept).  NULL on bad parameters, an
 * implicit stepper without a Jacobian, or out of memory (err says). */
fadyn_integ_ws *fadyn_integ_ws_alloc(const gsl_odeiv2_system *sys, const fadyn_integ_params *ip,
                                     fadyn_err *err);
void fadyn_integ_ws_free(fadyn_integ_ws *ws);

/* Forget the previous start (step-size history, multistep state) before a
 * new one whose first step will be h_first; a first step below ip's hmin
 * (a start scaled to a fast flow) lowers this start's hmin to it. */
int fadyn_integ_ws_reset(fadyn_integ_ws *ws, double h_first, fadyn_err *err);

/* One adaptive step from (*t, y) towards t1 (never past it): *h is the step
 * to try and receives the next proposal.  Returns FADYN_OK; FADYN_MAXSTEPS
 * when the next proposal falls below hmin; FADYN_EGSL (detail with t) when
 * GSL fails.  y may come back non-finite from an explicit stage that
 * overshot: the caller decides (retry smaller, or diverged).  dop853 rejects
 * such a step itself and returns FADYN_DIVERGED (y unchanged) when every
 * step down to hmin is non-finite. */
int fadyn_integ_step(fadyn_integ_ws *ws, double *t, double t1, double *h, double *y,
                     fadyn_err *err);

FADYN_API_END
#endif
