/* fadyn/integrate.h — GSL odeiv2 driver wrapper: stepper choice by name,
 * sample times, blow-up detection and step limits.
 *
 * Works on any gsl_odeiv2_system, so the expected dynamics of any network,
 * the 1-1-1 phase plane and the verification instances share it.
 * Lifecycle: fadyn_integ_params_default → set fields → fadyn_integrate. */
#ifndef FADYN_INTEGRATE_H
#define FADYN_INTEGRATE_H

#include "fadyn/error.h"

#include <gsl/gsl_odeiv2.h>
#include <stddef.h>

typedef struct {
    const char *name;
    const gsl_odeiv2_step_type *const *type;
    int implicit; /* needs the Jacobian */
    const char *about;
} fadyn_stepper_info;

/* The table of steppers, terminated by {NULL}. */
extern const fadyn_stepper_info fadyn_steppers[];

/* Look a stepper up by name; NULL if unknown. */
const fadyn_stepper_info *fadyn_stepper_find(const char *name);

typedef struct {
    const char *stepper; /* "rk8pd" */
    double rtol, atol;   /* 1e-8, 1e-10 */
    double h0;           /* first step, 1e-3 */
    double hmin;         /* smallest step the driver may take, 1e-12 */
    unsigned long nmax;  /* total step limit, 10 000 000 */
    double t_end;        /* 100 */
    size_t samples;      /* sample times including t = 0, 201 */
    int log_time;        /* sample times logarithmic from t_min to t_end */
    double t_min;        /* first positive sample for log time, 1e-3 */
    double radius;       /* blow-up radius on max |y_i|, 1e6 */
} fadyn_integ_params;

fadyn_integ_params fadyn_integ_params_default(void);

/* Check the parameters; one line naming the bad one. */
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
 * Returns FADYN_OK; FADYN_DIVERGED (positive: a run outcome) if the state
 * became non-finite or left the radius — the detail names the time;
 * FADYN_MAXSTEPS if nmax steps were taken or the step fell below hmin;
 * FADYN_EINVAL / FADYN_ENOMEM / FADYN_EGSL on errors.  Samples already
 * delivered stay delivered. */
int fadyn_integrate(const gsl_odeiv2_system *sys, const fadyn_integ_params *ip, double *y,
                    fadyn_sample_fn fn, void *ctx, fadyn_integ_stats *stats, fadyn_err *err);

#endif
