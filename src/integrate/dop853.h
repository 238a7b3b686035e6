/* dop853.h — fadyn's DOP853 integrator (private to the integrate module;
 * reach it by name: stepper "dop853").
 *
 * The explicit Runge–Kutta method of Dormand and Prince as given by Hairer,
 * Nørsett & Wanner (Solving ODEs I, §II.10, and their code DOP853): 12
 * stages, order 8, the combined 5th- and 3rd-order error estimate, and a
 * 7th-order continuous extension (3 more stages, spent only in steps that
 * hold a sample time).  It runs its own step-size control — the error norm
 * and step factors of DOP853 (as SciPy's solve_ivp "DOP853" has them) —
 * rather than GSL's evolve and standard control, and delivers samples
 * through the continuous extension, so sample times never shorten a step. */
#ifndef FADYN_DOP853_H
#define FADYN_DOP853_H

#include "fadyn/integrate.h"

/* Workspace for systems of dimension dim: allocate once, run many times. */
typedef struct fadyn_dop853 fadyn_dop853;
fadyn_dop853 *fadyn_dop853_alloc(size_t dim);
void fadyn_dop853_free(fadyn_dop853 *w);

/* fadyn_integrate's contract (samples, radius, nmax, hmin, stats, errors)
 * for sys of the workspace's dimension; ip->h0 is not used (the first step
 * is chosen from f(y0) and one more evaluation).  stats->wall_seconds is
 * left to the caller. */
int fadyn_dop853_run(fadyn_dop853 *w, const gsl_odeiv2_system *sys, const fadyn_integ_params *ip,
                     double *y, fadyn_sample_fn fn, void *ctx, fadyn_integ_stats *stats,
                     fadyn_err *err);

/* One step at a time (fadyn_integ_step's contract): one accepted step from
 * (*t, y) towards t1, never past it; *h is the step to try and receives the
 * next proposal; the step may not fall below hmin.  No radius (the caller
 * tests the state).  Counts go to st.  f at the step's end is kept for the
 * next step while the caller leaves y as it came back. */
int fadyn_dop853_step(fadyn_dop853 *w, const gsl_odeiv2_system *sys, const fadyn_integ_params *ip,
                      double hmin, double *t, double t1, double *h, double *y,
                      fadyn_integ_stats *st, fadyn_err *err);

/* Forget the previous start (before a new one). */
void fadyn_dop853_reset(fadyn_dop853 *w);

#endif
