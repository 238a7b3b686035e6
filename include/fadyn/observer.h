/* fadyn/observer.h — the diagnostics of a state of the expected dynamics:
 * the one place where loss, NSE, V, C, s and the angles are defined
 * (docs/theory.md §1, §3).  Everything that reports them calls this.
 *
 * With one hidden layer (A = W_0, W = W_1, B = B_0):
 *   loss  = ½ tr(E Σ Eᵀ),   nse = tr(E Σ Eᵀ) / tr(T Σ Tᵀ)
 *   V     = ‖B E‖²_F                                   (eq 23)
 *   C     = F − A Aᵀ, F the rule's first term (fadyn/rule.h):
 *           B W + Wᵀ Bᵀ (fa, eq 14), Wᵀ W (bp), 0 (shallow: A does not move)
 *   drift = ‖C(t) − C(0)‖_F; drift_rel divides by ‖first term‖ + ‖A Aᵀ‖
 *   s     = tr(A Aᵀ)                                   (eq 35)
 *   angle_bp  = ∠(u, Wᵀ E Σ),  angle_pbp = ∠(u, W⁺ E Σ), u the rule's
 *               hidden signal (B E Σ for fa, Wᵀ E Σ for bp; NaN for shallow),
 *               signed (0..180°) unless set to |cos| (0..90°)
 *   An angle is NaN where it is undefined: once E is at the noise level,
 *   √nse < floor (the trainers' rule ‖e‖ < floor·‖y*‖ in expectation), or
 *   once a signal it is taken between, a = M E Σ, is at that level,
 *   ‖a‖ < floor·‖M‖_F·‖T Σ‖_F / √n_o, the size M gives to E Σ of size
 *   floor·‖T Σ‖ in a random direction (E Σ pushed into M's near-null
 *   space): their directions are noise there.  floor is FADYN_ANGLE_FLOOR
 *   unless set.
 * Deeper chains: C sums over every hidden layer k (fa: B_{k-1} W_k + (…)ᵀ −
 * W_{k-1} W_{k-1}ᵀ); V, s and the angles refer to the last hidden layer,
 * the one fed by B_{L-2} E.
 *
 * The trainers report NSE and the angles through the same definitions:
 * fadyn_obs_nse, fadyn_obs_reference_updates and fadyn_obs_angles below,
 * with their held-out sums and one example's deltas (fadyn/train.h). */
#ifndef FADYN_OBSERVER_H
#define FADYN_OBSERVER_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/linalg.h"
#include "fadyn/problem.h"

/* The relative level below which the error and the signals count as noise
 * in the angles: the trainers' default (fadyn_train_params.angle_floor),
 * double rounding with a wide margin. */
#define FADYN_ANGLE_FLOOR 1e-10

typedef struct {
    double t, loss, nse, V, drift, drift_rel, s, angle_bp, angle_pbp;
} fadyn_obs;

/* Column names of fadyn_obs, in order, their indices and their number. */
extern const char *const fadyn_obs_names[];
enum {
    FADYN_OBS_T = 0,
    FADYN_OBS_LOSS,
    FADYN_OBS_NSE,
    FADYN_OBS_V,
    FADYN_OBS_DRIFT,
    FADYN_OBS_DRIFT_REL,
    FADYN_OBS_S,
    FADYN_OBS_ANGLE_BP,
    FADYN_OBS_ANGLE_PBP
};
#define FADYN_OBS_NCOLS 9

/* NSE = err2 / target2 (docs/theory.md §1): Σ‖y* − y‖² / Σ‖y*‖² over an
 * evaluation set, or tr(E Σ Eᵀ) / tr(T Σ Tᵀ) in expectation.  NaN unless
 * target2 > 0. */
double fadyn_obs_nse(double err2, double target2);

/* The hidden updates bp and pbp would send into a hidden layer of nk units
 * from the signals Gb and Gp (nk1 x c) arriving from the layer above:
 * ubp = W_kᵀ Gb and upbp = W_k⁺ Gp (nk x c), W_k (nk1 x nk) the weights
 * above, Wplus (nk x nk1) its pseudoinverse.  The observer passes
 * Gb = Gp = E Σ (c = n_0); a trainer one example's deltas (c = 1, BLAS
 * level 2).  Allocates nothing. */
void fadyn_obs_reference_updates(size_t nk, size_t nk1, size_t c, const double *W,
                                 const double *Wplus, const double *Gb, const double *Gp,
                                 double *ubp, double *upbp);

/* angle_bp = ∠(u, ubp) and angle_pbp = ∠(u, upbp) in degrees (n entries
 * each, fadyn_angle_deg, as kind k reports it: fadyn_angle_as), u the
 * rule's own hidden update. */
void fadyn_obs_angles(const double *u, const double *ubp, const double *upbp, size_t n,
                      fadyn_angle_kind k, double *angle_bp, double *angle_pbp);

typedef struct fadyn_observer fadyn_observer;

/* Record C(0) at state y0.  Keeps a pointer to p. */
fadyn_observer *fadyn_observer_alloc(const fadyn_problem *p, const double *y0);
void fadyn_observer_free(fadyn_observer *o);
/* The noise floor of the angles (relative, above; FADYN_ANGLE_FLOOR by
 * default).  An integration knows E only to its own error: see
 * fadyn_ode_angle_floor (fadyn/ode.h). */
void fadyn_observer_set_floor(fadyn_observer *o, double level);
/* The angles signed (the default) or from |cos| (fadyn_angle_as). */
void fadyn_observer_set_angle(fadyn_observer *o, fadyn_angle_kind k);

/* ‖C(0)‖_F ÷ (‖first term‖ + ‖A Aᵀ‖) at the state given to _alloc (0 if
 * both are 0): 0 to rounding when the start has C = 0. */
double fadyn_observer_c0_rel(const fadyn_observer *o);

/* Diagnostics of state y at time t.  FADYN_ELAPACK if the SVD fails. */
int fadyn_observer_eval(fadyn_observer *o, double t, const double *y, fadyn_obs *out);

/* Row as an array of FADYN_OBS_NCOLS doubles, in fadyn_obs_names order. */
void fadyn_obs_to_array(const fadyn_obs *r, double *v);

/* ‖B E‖², its closed-form derivative (docs/theory.md §3, any C, Σ = I):
 *   V̇ = −2‖B E Aᵀ‖² − ‖Aᵀ B E‖² − tr(C B E Eᵀ Bᵀ)
 * for one hidden layer, a rule whose entry has it (fa), Σ = I; NaN
 * otherwise. */
double fadyn_observer_vdot(fadyn_observer *o, const double *y);

/* The bounds on s = tr(AAᵀ) (one hidden layer; NaN otherwise):
 * paper eq 47, ‖BT‖² + 2 n_h; derived (docs/theory.md §3), max(s0, (2 n_h² ‖BT‖)^{2/3}). */
double fadyn_s_bound_paper(const fadyn_problem *p);
double fadyn_s_bound_derived(const fadyn_problem *p, double s0);

FADYN_API_END
#endif
