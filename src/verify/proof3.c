/* proof3.c — Proof 3 (docs/theory.md §6): discrete fa on one training pair (x, ỹ)
 * from A = W = 0 with η_A = η_W / xᵀx.  Lemma 5: h = s_h B ỹ and
 * W = s_w ỹ (Bỹ)ᵀ with s_h, s_w following eq 76–77; Theorem 2: the fa hidden
 * update is a positive multiple of pbp's W⁺ e. */
#include "fadyn/linalg.h"
#include "verify_internal.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { P3_FORM, P3_SCALARS, P3_ANGLE, P3_ANGLE_BP_MAX, P3_ANGLE_BP_MEAN };

typedef struct {
    size_t ni, nh, no;
    double *A, *W, *B, *x, *y, *By, *h, *e, *Be, *Wp, *upbp, *ubp, *dW, *block;
    fadyn_pinv_ws *ws;
} pair;

static int pair_alloc(pair *q, const size_t *sizes) {
    memset(q, 0, sizeof *q);
    size_t ni = sizes[0], nh = sizes[1], no = sizes[2];
    q->ni = ni, q->nh = nh, q->no = no;
    q->block = calloc(nh * ni + 3 * no * nh + nh * no + ni + 2 * no + 7 * nh, sizeof(double));
    q->ws = fadyn_pinv_ws_alloc(no, nh);
    if (!q->block || !q->ws) return FADYN_ENOMEM;
    double *p = q->block;
    q->A = p, p += nh * ni;
    q->W = p, p += no * nh;
    q->dW = p, p += no * nh;
    q->B = p, p += nh * no;
    q->Wp = p, p += nh * no;
    q->x = p, p += ni;
    q->y = p, p += no;
    q->e = p, p += no;
    q->By = p, p += nh;
    q->h = p, p += nh;
    q->Be = p, p += nh;
    q->upbp = p, p += nh;
    q->ubp = p, p += nh;
    return FADYN_OK;
}

static void pair_free(pair *q) {
    free(q->block);
    fadyn_pinv_ws_free(q->ws);
}

/* |a − c b| / |a| with c the least-squares coefficient; c into *coef. */
static double collinear_residual(const double *a, const double *b, size_t n, double *coef) {
    double bb = fadyn_dot(b, b, n), na = fadyn_norm(a, n);
    *coef = bb > 0.0 ? fadyn_dot(a, b, n) / bb : 0.0;
    if (na == 0.0) return 0.0;
    double r = 0.0;
    for (size_t i = 0; i < n; i++)
        r += (a[i] - *coef * b[i]) * (a[i] - *coef * b[i]);
    return sqrt(r) / na;
}

static double rel_gap(double fit, double rec) {
    double m = fmax(fabs(fit), fabs(rec));
    return m > 0.0 ? fabs(fit - rec) / m : 0.0;
}

/* The run: every measure of the three checks, into out[]. */
static int p3_run(fadyn_verify_inst *in, double *out) {
    const fadyn_verify_params *vp = in->vp;
    pair q;
    int rc = pair_alloc(&q, in->sizes);
    if (rc != FADYN_OK) {
        pair_free(&q);
        return rc;
    }
    const size_t ni = q.ni, nh = q.nh, no = q.no;
    gsl_rng *r = fadyn_v_inst_rng(in, SALT_P3);
    for (size_t i = 0; i < nh * no; i++)
        q.B[i] = gsl_rng_uniform(r) - 0.5;
    for (size_t i = 0; i < ni; i++)
        q.x[i] = gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < no; i++)
        q.y[i] = 2.0 * gsl_rng_uniform(r) - 1.0;
    if (fadyn_v_inst_start(in, START_ZERO) == START_BIG) { /* --break c-nonzero */
        for (size_t i = 0; i < nh * ni; i++)
            q.A[i] = vp->big_scale * (2.0 * gsl_rng_uniform(r) - 1.0);
        for (size_t i = 0; i < no * nh; i++)
            q.W[i] = vp->big_scale * (2.0 * gsl_rng_uniform(r) - 1.0);
    }
    fadyn_gemm(0, 0, nh, 1, no, 1.0, q.B, q.y, 0.0, q.By);
    const double beta = fadyn_dot(q.By, q.By, nh), xx = fadyn_dot(q.x, q.x, ni);
    const double ynorm = fadyn_norm(q.y, no);
    /* η = p3_rate / λ, λ = (3/2) β s_h*² the contraction rate of the flow
     * ṡ_h = 1 − s_y, ṡ_w = (1 − s_y) s_h at its fixed point s_h* = (2/β)^{1/3} */
    const double eta = vp->p3_rate / (1.5 * beta * pow(2.0 / beta, 2.0 / 3.0));
    const double etaA = eta / xx, sgn = fadyn_v_inst_sign(in) ? -1.0 : 1.0;
    double sh = 0.0, sw = 0.0; /* eq 76–77 */
    double form = 0.0, scal = 0.0, ang = 0.0, abp_max = 0.0, abp_sum = 0.0;
    size_t nang = 0;
    for (size_t k = 0; k < vp->p3_steps && rc == FADYN_OK; k++) {
        fadyn_gemm(0, 0, nh, 1, ni, 1.0, q.A, q.x, 0.0, q.h); /* h = A x */
        fadyn_gemm(0, 0, no, 1, nh, 1.0, q.W, q.h, 0.0, q.e);
        for (size_t i = 0; i < no; i++)
            q.e[i] = q.y[i] - q.e[i]; /* e = ỹ − W h */
        /* Lemma 5: h ∥ Bỹ and W ∥ ỹ(Bỹ)ᵀ, with the coefficients of eq 76–77 */
        double ch, cw;
        double rh = collinear_residual(q.h, q.By, nh, &ch);
        fadyn_gemm(0, 1, no, nh, 1, 1.0, q.y, q.By, 0.0, q.dW); /* ỹ (Bỹ)ᵀ */
        double rw = collinear_residual(q.W, q.dW, no * nh, &cw);
        form = fmax(form, fmax(rh, rw));
        scal = fmax(scal, fmax(rel_gap(ch, sh), rel_gap(cw, sw)));
        /* the step: ΔW = η e hᵀ, ΔA = η_A (B e) xᵀ (sign flipped by --break sign) */
        fadyn_gemm(0, 0, nh, 1, no, 1.0, q.B, q.e, 0.0, q.Be);
        int w_nonzero = fadyn_max_abs(q.W, no * nh) > 0.0;
        double en = fadyn_norm(q.e, no);
        if (!(en < vp->p3_blowup * ynorm)) break; /* diverged: keep the measures so far */
        if (w_nonzero && en > vp->p3_e_floor * ynorm) {
            rc = fadyn_pinv(q.ws, no, nh, q.W, q.Wp, NULL);
            fadyn_gemm(0, 0, nh, 1, no, 1.0, q.Wp, q.e, 0.0, q.upbp); /* Δh_pbp = W⁺ e */
            fadyn_gemm(1, 0, nh, 1, no, 1.0, q.W, q.e, 0.0, q.ubp);   /* Δh_bp = Wᵀ e */
            /* Δh_fa = B e, the fa rule's update (as the observer defines it) */
            double a = fadyn_angle_deg(q.Be, q.upbp, nh), b = fadyn_angle_deg(q.Be, q.ubp, nh);
            ang = (isnan(ang) || !isfinite(a)) ? NAN : fmax(ang, a); /* Theorem 2 */
            abp_max = fmax(abp_max, b);
            abp_sum += b;
            nang++;
        }
        fadyn_gemm(0, 1, no, nh, 1, eta, q.e, q.h, 1.0, q.W);
        fadyn_gemm(0, 1, nh, ni, 1, sgn * etaA, q.Be, q.x, 1.0, q.A);
        double sy = sw * sh * beta;             /* s_y = s_w s_h (Bỹ)ᵀ(Bỹ) */
        double sh_next = sh + eta * (1.0 - sy); /* eq 76 */
        sw += eta * (1.0 - sy) * sh;            /* eq 77 */
        sh = sh_next;
    }
    out[P3_FORM] = form;
    out[P3_SCALARS] = scal;
    out[P3_ANGLE] = nang ? ang : NAN;
    out[P3_ANGLE_BP_MAX] = abp_max;
    out[P3_ANGLE_BP_MEAN] = nang ? abp_sum / (double)nang : NAN;
    pair_free(&q);
    return rc;
}

static int p3_get(fadyn_verify_inst *in) {
    if (in->p3_done) return FADYN_OK;
    in->p3_done = 1;
    int rc = p3_run(in, in->p3);
    if (rc != FADYN_OK)
        for (int k = 0; k < 5; k++)
            in->p3[k] = NAN;
    return rc;
}

int fadyn_v_check_p3_form(fadyn_verify_inst *in, double *val) {
    int rc = p3_get(in);
    val[0] = in->p3[P3_FORM];
    return rc;
}

int fadyn_v_check_p3_scalars(fadyn_verify_inst *in, double *val) {
    int rc = p3_get(in);
    val[0] = in->p3[P3_SCALARS];
    return rc;
}

int fadyn_v_check_p3_angle(fadyn_verify_inst *in, double *val) {
    int rc = p3_get(in);
    val[0] = in->p3[P3_ANGLE];
    val[1] = in->p3[P3_ANGLE_BP_MAX];
    val[2] = in->p3[P3_ANGLE_BP_MEAN];
    return rc;
}

/* Theorem 2 where bp and pbp differ: m = min(n_o, n_i) pairs with orthogonal
 * inputs of equal norm and η_A = η / xᵀx, from A = W = 0.  The pairs then
 * do not interact through A and eq 66–69 hold for all of them at once: with
 * H = [h_1 … h_m], Y = [ỹ_1 … ỹ_m], E = Y − W H,
 *     W ← W + η E Hᵀ,   H ← H + η B E.
 * W has rank up to m, so Wᵀ E and W⁺ E part.  Measured at the last step
 * evaluated (every 10th, while ‖E‖ > p3_e_floor ‖Y‖): the angle of the fa
 * update B E to pbp's W⁺ E over the angle between bp's Wᵀ E and W⁺ E.  Below
 * one half, B E is nearer to pbp than to bp (triangle inequality of angles);
 * n/a where bp and pbp are less than p3m_margin apart (n_o = 1: W⁺ ∝ Wᵀ). */
int fadyn_v_check_p3_pbp_not_bp(fadyn_verify_inst *in, double *val) {
    const fadyn_verify_params *vp = in->vp;
    const size_t nh = in->sizes[1], no = in->sizes[2];
    const size_t m = no < in->sizes[0] ? no : in->sizes[0];
    if (no < 2 || m < 2) return FADYN_VERIFY_NA;
    const size_t nw = no * nh, nhm = nh * m, nom = no * m;
    double *buf = malloc((3 * nw + 4 * nhm + 2 * nom) * sizeof(double));
    fadyn_pinv_ws *ws = fadyn_pinv_ws_alloc(no, nh);
    if (!buf || !ws) {
        free(buf);
        fadyn_pinv_ws_free(ws);
        return FADYN_ENOMEM;
    }
    double *B = buf, *Wp = B + nw, *H = Wp + nw, *W = H + nhm, *Y = W + nw, *E = Y + nom;
    double *BE = E + nom, *ubp = BE + nhm, *upbp = ubp + nhm;
    gsl_rng *r = fadyn_v_inst_rng(in, SALT_P3M);
    for (size_t i = 0; i < nw; i++)
        B[i] = gsl_rng_uniform(r) - 0.5;
    for (size_t i = 0; i < nom; i++)
        Y[i] = 2.0 * gsl_rng_uniform(r) - 1.0;
    memset(H, 0, nhm * sizeof(double));
    memset(W, 0, nw * sizeof(double));
    if (fadyn_v_inst_start(in, START_ZERO) == START_BIG) /* --break c-nonzero */
        for (size_t i = 0; i < nhm + nw; i++)
            H[i] = vp->big_scale * (2.0 * gsl_rng_uniform(r) - 1.0);
    fadyn_gemm(0, 0, nh, m, no, 1.0, B, Y, 0.0, BE);
    /* η as in p3_run, from β = ‖B Y‖² (the fastest mode's rate at most) */
    const double beta = pow(fadyn_norm(BE, nhm), 2), ynorm = fadyn_norm(Y, nom);
    const double eta = vp->p3_rate / (1.5 * beta * pow(2.0 / beta, 2.0 / 3.0));
    const double sgn = fadyn_v_inst_sign(in) ? -1.0 : 1.0;
    double a_fp = NAN, a_fb = NAN, a_bp = NAN;
    int rc = FADYN_OK;
    for (size_t k = 0; k < vp->p3m_steps && rc == FADYN_OK; k++) {
        memcpy(E, Y, nom * sizeof(double));
        fadyn_gemm(0, 0, no, m, nh, -1.0, W, H, 1.0, E); /* E = Y − W H */
        double en = fadyn_norm(E, nom);
        if (!(en > vp->p3_e_floor * ynorm) || !(en < vp->p3_blowup * ynorm)) break;
        fadyn_gemm(0, 0, nh, m, no, 1.0, B, E, 0.0, BE);
        if (k % 10 == 0 && fadyn_max_abs(W, nw) > 0.0) {
            rc = fadyn_pinv(ws, no, nh, W, Wp, NULL);
            fadyn_gemm(0, 0, nh, m, no, 1.0, Wp, E, 0.0, upbp); /* W⁺ E */
            fadyn_gemm(1, 0, nh, m, no, 1.0, W, E, 0.0, ubp);   /* Wᵀ E */
            a_fp = fadyn_angle_deg(BE, upbp, nhm);
            a_fb = fadyn_angle_deg(BE, ubp, nhm);
            a_bp = fadyn_angle_deg(ubp, upbp, nhm);
        }
        fadyn_gemm(0, 1, no, nh, m, eta, E, H, 1.0, W); /* eq 68 */
        for (size_t i = 0; i < nhm; i++)
            H[i] += sgn * eta * BE[i]; /* eq 69 (sign flipped by --break sign) */
    }
    free(buf);
    fadyn_pinv_ws_free(ws);
    if (rc != FADYN_OK) return rc;
    if (a_bp < vp->p3m_margin) return FADYN_VERIFY_NA;
    val[0] = a_fp / a_bp;
    val[1] = a_fp;
    val[2] = a_fb;
    return FADYN_OK;
}
