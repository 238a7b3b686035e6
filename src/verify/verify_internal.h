/* verify_internal.h — what the files of src/verify/ share: the instance
 * (seeded random streams, cached trajectories) and the check functions. */
#ifndef FADYN_VERIFY_INTERNAL_H
#define FADYN_VERIFY_INTERNAL_H

#include "fadyn/observer.h"
#include "fadyn/problem.h"
#include "fadyn/verify.h"

#include <gsl/gsl_rng.h>

/* How a Proof 1 trajectory starts.  Under --break c-nonzero every kind is
 * replaced by START_BIG (and START_NEAR, START_NH1 are not run). */
typedef enum {
    START_CZERO = 0, /* A = 0, W = B⁺ P S P (P = B B⁺, S skew): C = 0, W ≠ 0 */
    START_ZERO,      /* A = W = 0 (Theorem 1) */
    START_SMALL,     /* U[-ω, ω], ω = small_scale (Fig. 4) */
    START_BIG,       /* U[-ω, ω], ω = big_scale: C ≠ 0 */
    START_NEAR,      /* A = α B M, W = ½ α² M Mᵀ Bᵀ: C = 0, s(0) = near_bound × eq 47 */
    START_NH1,       /* A = W = 0 with n_h = 1, where the sharp bound on s is attained */
    START_COUNT
} start_kind;

/* One trajectory of the expected dynamics with what the checks read. */
typedef struct {
    fadyn_problem p;
    fadyn_obs *rows;
    double *vdot;    /* closed form (observer, docs/theory.md §3) */
    double *vdot_fd; /* central difference of V along the vector field */
    double *vddot;   /* central difference along the field of V̇ = 2⟨BĖ, BE⟩ (the true one) */
    double *vddot_bound; /* Lemma 4's bound on |V̈| from the state (eq 49, C = 0) */
    size_t n;
    double vbt2; /* ‖BT‖², the scale of V */
    int status;  /* FADYN_OK or the integration's outcome */
    int done;
} vtraj;

/* Theorem 1's tolerance on the NSE at the horizon (the table and the check). */
#define THM1_TOL 1e-6

/* Random streams of the check families (each draws its own instance). */
enum {
    SALT_LINEAR = 1,
    SALT_P2,
    SALT_P3,
    SALT_CHAIN111,
    SALT_CHAIN1111,
    SALT_NEAR,
    SALT_P3M,
    SALT_TRAINER
};

struct fadyn_verify_inst {
    const fadyn_verify_params *vp;
    size_t index;
    size_t sizes[3]; /* n_i, n_h, n_o after the break */
    gsl_rng *rng;
    vtraj traj[START_COUNT];
    double p3[5]; /* Proof 3 measures, computed once (proof3.c) */
    int p3_done;
};

/* The instance's stream for a family, reseeded (same draw whatever runs). */
gsl_rng *fadyn_v_inst_rng(fadyn_verify_inst *in, unsigned salt);
/* 1 under --break sign: the hidden update gets the wrong sign. */
int fadyn_v_inst_sign(const fadyn_verify_inst *in);

/* Proof 1 (proof1.c): the instance's problem for a start kind (T, B, Σ under
 * --break sigma, the start's weights), as the trajectories use it. */
int fadyn_v_inst_problem(fadyn_verify_inst *in, start_kind k, fadyn_problem *p);
/* The trajectory of a start kind, computed once. */
const vtraj *fadyn_v_inst_traj(fadyn_verify_inst *in, start_kind kind);
/* The trajectory of kind k into *out, or NULL (val[0] = NaN) if the run did
 * not reach the horizon; FADYN_ENOMEM if it could not be run. */
int fadyn_v_traj_get(fadyn_verify_inst *in, start_kind k, double *val, const vtraj **out);
start_kind fadyn_v_inst_start(const fadyn_verify_inst *in, start_kind wanted);
void fadyn_v_vtraj_free(vtraj *t);
const char *fadyn_v_start_words(start_kind k);

int fadyn_v_check_conserved(fadyn_verify_inst *in, double *val);
int fadyn_v_check_v_nonincreasing(fadyn_verify_inst *in, double *val);
int fadyn_v_check_vdot(fadyn_verify_inst *in, double *val);
int fadyn_v_check_s_paper(fadyn_verify_inst *in, double *val);
int fadyn_v_check_s_derived(fadyn_verify_inst *in, double *val);
int fadyn_v_check_s_sharp(fadyn_verify_inst *in, double *val);
int fadyn_v_check_vddot(fadyn_verify_inst *in, double *val);
int fadyn_v_check_theorem1(fadyn_verify_inst *in, double *val);
/* Fig. 4 (fig4.c) */
int fadyn_v_check_fig4(fadyn_verify_inst *in, double *val);
int fadyn_v_check_fig4_trainer(fadyn_verify_inst *in, double *val);
/* Proof 2 (proof2.c) */
int fadyn_v_check_p2_first_order(fadyn_verify_inst *in, double *val);
int fadyn_v_check_p2_gn(fadyn_verify_inst *in, double *val);
/* Proof 3 (proof3.c) */
int fadyn_v_check_p3_form(fadyn_verify_inst *in, double *val);
int fadyn_v_check_p3_scalars(fadyn_verify_inst *in, double *val);
int fadyn_v_check_p3_angle(fadyn_verify_inst *in, double *val);
int fadyn_v_check_p3_pbp_not_bp(fadyn_verify_inst *in, double *val);
/* Baldi et al. 2018 (chain.c) */
int fadyn_v_check_chain111_converges(fadyn_verify_inst *in, double *val);
int fadyn_v_check_chain111_stability(fadyn_verify_inst *in, double *val);
int fadyn_v_check_chain1111_converges(fadyn_verify_inst *in, double *val);
int fadyn_v_check_chain1111_degree7(fadyn_verify_inst *in, double *val);

#endif
