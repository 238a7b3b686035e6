/* fadyn/dynamics.h — the expected (batch-limit) learning dynamics of a layered
 * linear network (docs/theory.md §2), its directional derivative and Jacobian.
 *
 * State: the weights W_0 .. W_{L-1} concatenated row-major (fadyn_problem's
 * layout).  With P_k = W_{k-1}…W_0 (P_0 = I), E = T − W_{L-1}…W_0 (eq 5),
 * G_L = E Σ and, going down, G_k = M_k G_{k+1}, the hidden signal of the
 * problem's rule (fadyn/rule.h: B_{k-1} for fa, W_kᵀ for bp), the flow is
 *     Ẇ_k = G_{k+1} P_kᵀ                     (eq 12–13 for one hidden layer)
 * and for a rule without a hidden signal (shallow) only the last layer moves.
 *
 * A fadyn_dyn is a workspace: allocate one per thread; rhs/jvp/jacobian
 * allocate nothing and are thread-safe on distinct workspaces. */
#ifndef FADYN_DYNAMICS_H
#define FADYN_DYNAMICS_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/problem.h"

#include <gsl/gsl_odeiv2.h>

typedef struct fadyn_dyn fadyn_dyn;

/* The workspace keeps a pointer to p, which must outlive it. */
fadyn_dyn *fadyn_dyn_alloc(const fadyn_problem *p);
void fadyn_dyn_free(fadyn_dyn *d);

/* dydt = f(y). */
void fadyn_dyn_rhs(fadyn_dyn *d, const double *y, double *dydt);

/* jv = (∂f/∂y)(y) v, exactly (forward-mode derivative of the products). */
void fadyn_dyn_jvp(fadyn_dyn *d, const double *y, const double *v, double *jv);

/* J = ∂f/∂y at y, dim x dim row-major (J[i*dim + j] = ∂f_i/∂y_j), assembled
 * column by column from jvp. */
void fadyn_dyn_jacobian(fadyn_dyn *d, const double *y, double *J);

/* E = T − W_{L-1}…W_0 for state y (n_L x n_0), into E. */
void fadyn_dyn_error(fadyn_dyn *d, const double *y, double *E);

/* Right-hand-side and Jacobian evaluations since alloc (or reset). */
unsigned long fadyn_dyn_rhs_count(const fadyn_dyn *d);
unsigned long fadyn_dyn_jac_count(const fadyn_dyn *d);
void fadyn_dyn_reset_counts(fadyn_dyn *d);

/* A GSL system for this workspace (function and analytic Jacobian). */
gsl_odeiv2_system fadyn_dyn_system(fadyn_dyn *d);

/* Floating-point operations of one rhs call (multiply-adds count 2). */
double fadyn_dyn_rhs_flops(const fadyn_problem *p);

FADYN_API_END
#endif
