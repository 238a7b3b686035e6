/* dop853.c — the Dormand–Prince 8(5,3) method with its own step-size
 * control and 7th-order dense output (see dop853.h).
 *
 * Method: E. Hairer, S. P. Nørsett and G. Wanner, Solving Ordinary
 * Differential Equations I (2nd ed., Springer 1993), §II.10 and the code
 * DOP853 described there: the Butcher table, the 8th-order weights, the
 * 5th- and 3rd-order error weights and the dense-output coefficients are
 * theirs (30-digit decimal values).  One step of size h from (t, y) with
 * k_1 = f(t, y):
 *
 *   k_s   = f(t + c_s h, y + h Σ_{j<s} a_sj k_j),        s = 2..12
 *   y_new = y + h Σ b_j k_j                                (order 8)
 *   e5 = Σ E5_j k_j,  e3 = Σ E3_j k_j,  sc_i = atol + rtol·max(|y_i|, |y_new,i|)
 *   err = |h| ‖e5/sc‖² / sqrt(n (‖e5/sc‖² + 0.01 ‖e3/sc‖²))
 *
 * accepted when err < 1; the next step is h·min(10, 0.9 err^(-1/8)) (no
 * growth right after a rejection), a rejected one is retried with
 * h·max(0.2, 0.9 err^(-1/8)).  f(t + h, y_new) is evaluated only for an
 * accepted step and is the next step's k_1 (12 evaluations a step).  The
 * first step comes from Hairer's starting-step rule (one evaluation).
 *
 * Dense output: with 3 more stages k_14..k_16 the solution on the step is
 * a polynomial of degree 7 in θ = (t' − t)/h, written as one weighted sum
 * of y, y_new and the k_j (weights below, `dense_terms`).  The stages are
 * computed only in a step that holds a sample time strictly inside it.
 *
 * The blow-up guard is part of the pass that forms y_new and the error
 * norm: |y_new,i| ≤ radius is tested there, and a non-finite k_j (from
 * any stage, whose value flows into y_new or the error through the later
 * stages) makes the error norm non-finite, which rejects the step; a
 * state beyond the radius in an accepted step ends the run. */
#include "dop853.h"
#include "../core/par.h"
#include "fadyn/linalg.h"
#include "rk_sum.h"
#include "vecblock.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
    DP_STAGES = 12,            /* stages of the step (k_1 .. k_12) */
    DP_K = 16,                 /* and f(t + h, y_new) = k_13, and the dense stages k_14 .. k_16 */
    DP_MAXTERMS = 12,          /* most non-zero weights in a row (the dense output's) */
    DP_FINAL = 8,              /* the k's the weights b, E5, E3 use: k_1, k_6 .. k_12 */
    DP_BLOCK = FADYN_RK_BLOCK, /* entries summed per register block, a unit of the padding */
    DP_CHUNK = 16384,          /* entries per piece of a large sum (a multiple of DP_BLOCK) */
};

/* A row of the table: k_{s+1} (0-based s) = f(t + c h, y + h Σ a_j k_{idx_j}). */
typedef struct {
    double c;
    size_t n;
    unsigned char idx[DP_MAXTERMS];
    double a[DP_MAXTERMS];
} dp_row;

/* Stages 2..12 (rows[0] gives k_2); indices are 0-based k's. */
static const dp_row stage_rows[DP_STAGES - 1] = {
    {0.526001519587677318785587544488e-1, 1, {0}, {5.26001519587677318785587544488e-2}},
    {0.789002279381515978178381316732e-1,
     2,
     {0, 1},
     {1.97250569845378994544595329183e-2, 5.91751709536136983633785987549e-2}},
    {0.118350341907227396726757197510,
     2,
     {0, 2},
     {2.95875854768068491816892993775e-2, 8.87627564304205475450678981324e-2}},
    {0.281649658092772603273242802490,
     3,
     {0, 2, 3},
     {2.41365134159266685502369798665e-1, -8.84549479328286085344864962717e-1,
      9.24834003261792003115737966543e-1}},
    {0.333333333333333333333333333333,
     3,
     {0, 3, 4},
     {3.7037037037037037037037037037e-2, 1.70828608729473871279604482173e-1,
      1.25467687566822425016691814123e-1}},
    {0.25,
     4,
     {0, 3, 4, 5},
     {3.7109375e-2, 1.70252211019544039314978060272e-1, 6.02165389804559606850219397283e-2,
      -1.7578125e-2}},
    {0.307692307692307692307692307692,
     5,
     {0, 3, 4, 5, 6},
     {3.70920001185047927108779319836e-2, 1.70383925712239993810214054705e-1,
      1.07262030446373284651809199168e-1, -1.53194377486244017527936158236e-2,
      8.27378916381402288758473766002e-3}},
    {0.651282051282051282051282051282,
     6,
     {0, 3, 4, 5, 6, 7},
     {6.24110958716075717114429577812e-1, -3.36089262944694129406857109825,
      -8.68219346841726006818189891453e-1, 2.75920996994467083049415600797e1,
      2.01540675504778934086186788979e1, -4.34898841810699588477366255144e1}},
    {0.6,
     7,
     {0, 3, 4, 5, 6, 7, 8},
     {4.77662536438264365890433908527e-1, -2.48811461997166764192642586468,
      -5.90290826836842996371446475743e-1, 2.12300514481811942347288949897e1,
      1.52792336328824235832596922938e1, -3.32882109689848629194453265587e1,
      -2.03312017085086261358222928593e-2}},
    {0.857142857142857142857142857142,
     8,
     {0, 3, 4, 5, 6, 7, 8, 9},
     {-9.3714243008598732571704021658e-1, 5.18637242884406370830023853209,
      1.09143734899672957818500254654, -8.14978701074692612513997267357,
      -1.85200656599969598641566180701e1, 2.27394870993505042818970056734e1,
      2.49360555267965238987089396762, -3.0467644718982195003823669022}},
    {1.0,
     9,
     {0, 3, 4, 5, 6, 7, 8, 9, 10},
     {2.27331014751653820792359768449, -1.05344954667372501984066689879e1,
      -2.00087205822486249909675718444, -1.79589318631187989172765950534e1,
      2.79488845294199600508499808837e1, -2.85899827713502369474065508674,
      -8.87285693353062954433549289258, 1.23605671757943030647266201528e1,
      6.43392746015763530355970484046e-1}},
};

/* The k's of the final combination and their weights: b (order 8), and the
 * error weights E5 (5th order) and E3 = b − bhh (3rd order). */
static const unsigned char final_idx[DP_FINAL] = {0, 5, 6, 7, 8, 9, 10, 11};
#define DP_B1  5.42937341165687622380535766363e-2
#define DP_B9  3.1116436695781989440891606237e-1
#define DP_B12 4.47106157277725905176885569043e-2
static const double final_b[DP_FINAL] = {DP_B1,
                                         4.45031289275240888144113950566,
                                         1.89151789931450038304281599044,
                                         -5.8012039600105847814672114227,
                                         DP_B9,
                                         -1.52160949662516078556178806805e-1,
                                         2.01365400804030348374776537501e-1,
                                         DP_B12};
static const double final_e5[DP_FINAL] = {
    0.1312004499419488073250102996e-1, -0.1225156446376204440720569753e+1,
    -0.4957589496572501915214079952,   0.1664377182454986536961530415e+1,
    -0.3503288487499736816886487290,   0.3341791187130174790297318841,
    0.8192320648511571246570742613e-1, -0.2235530786388629525884427845e-1};
static const double final_e3[DP_FINAL] = {
    DP_B1 - 0.244094488188976377952755905512, 4.45031289275240888144113950566,
    1.89151789931450038304281599044,          -5.8012039600105847814672114227,
    DP_B9 - 0.733846688281611857341361741547, -1.52160949662516078556178806805e-1,
    2.01365400804030348374776537501e-1,       DP_B12 - 0.220588235294117647058823529412e-1};

/* The three stages of the dense output, k_14 .. k_16 (k_13 = f(t + h, y_new)). */
static const dp_row dense_rows[3] = {
    {0.1,
     8,
     {0, 6, 7, 8, 9, 10, 11, 12},
     {5.61675022830479523392909219681e-2, 2.53500210216624811088794765333e-1,
      -2.46239037470802489917441475441e-1, -1.24191423263816360469010140626e-1,
      1.5329179827876569731206322685e-1, 8.20105229563468988491666602057e-3,
      7.56789766054569976138603589584e-3, -8.298e-3}},
    {0.2,
     8,
     {0, 5, 6, 7, 10, 11, 12, 13},
     {3.18346481635021405060768473261e-2, 2.83009096723667755288322961402e-2,
      5.35419883074385676223797384372e-2, -5.49237485713909884646569340306e-2,
      -1.08347328697249322858509316994e-4, 3.82571090835658412954920192323e-4,
      -3.40465008687404560802977114492e-4, 1.41312443674632500278074618366e-1}},
    {0.777777777777777777777777777778,
     8,
     {0, 5, 6, 7, 8, 12, 13, 14},
     {-4.28896301583791923408573538692e-1, -4.69762141536116384314449447206,
      7.68342119606259904184240953878, 4.06898981839711007970213554331,
      3.56727187455281109270669543021e-1, -1.39902416515901462129418009734e-3,
      2.9475147891527723389556272149, -9.15095847217987001081870187138}},
};

/* The dense-output coefficients d[r][j] of k_{dense_idx[j]}, r = 0..3: with
 * s = θ, u = 1 − θ and Δ = y_new − y,
 *   y(θ) = y + s Δ + s u (h k_1 − Δ) + s² u (2Δ − h (k_1 + k_13))
 *          + s² u² h Σ_j (d0_j + s d1_j + s u d2_j + s² u d3_j) k_j. */
enum { DP_DENSE = 12 };
static const unsigned char dense_idx[DP_DENSE] = {0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const double dense_d[4][DP_DENSE] = {
    {-0.84289382761090128651353491142e+1, 0.56671495351937776962531783590,
     -0.30689499459498916912797304727e+1, 0.23846676565120698287728149680e+1,
     0.21170345824450282767155149946e+1, -0.87139158377797299206789907490,
     0.22404374302607882758541771650e+1, 0.63157877876946881815570249290,
     -0.88990336451333310820698117400e-1, 0.18148505520854727256656404962e+2,
     -0.91946323924783554000451984436e+1, -0.44360363875948939664310572000e+1},
    {0.10427508642579134603413151009e+2, 0.24228349177525818288430175319e+3,
     0.16520045171727028198505394887e+3, -0.37454675472269020279518312152e+3,
     -0.22113666853125306036270938578e+2, 0.77334326684722638389603898808e+1,
     -0.30674084731089398182061213626e+2, -0.93321305264302278729567221706e+1,
     0.15697238121770843886131091075e+2, -0.31139403219565177677282850411e+2,
     -0.93529243588444783865713862664e+1, 0.35816841486394083752465898540e+2},
    {0.19985053242002433820987653617e+2, -0.38703730874935176555105901742e+3,
     -0.18917813819516756882830838328e+3, 0.52780815920542364900561016686e+3,
     -0.11573902539959630126141871134e+2, 0.68812326946963000169666922661e+1,
     -0.10006050966910838403183860980e+1, 0.77771377980534432092869265740,
     -0.27782057523535084065932004339e+1, -0.60196695231264120758267380846e+2,
     0.84320405506677161018159903784e+2, 0.11992291136182789328035130030e+2},
    {-0.25693933462703749003312586129e+2, -0.15418974869023643374053993627e+3,
     -0.23152937917604549567536039109e+3, 0.35763911791061412378285349910e+3,
     0.93405324183624310003907691704e+2, -0.37458323136451633156875139351e+2,
     0.10409964950896230045147246184e+3, 0.29840293426660503123344363579e+2,
     -0.43533456590011143754432175058e+2, 0.96324553959188282948394950600e+2,
     -0.39177261675615439165231486172e+2, -0.14972683625798562581422125276e+3},
};

/* Step-size control (DOP853's error exponent, SciPy's factors). */
static const double dp_safety = 0.9, dp_min_factor = 0.2, dp_max_factor = 10.0;

/* ---- the sums -------------------------------------------------------- */

/* out = base + h Σ a_j v_j over `stride` entries.  Every vector of the
 * workspace is padded with zeros to a whole number of blocks (`stride`), so
 * the sums run over whole blocks only: the padding stays zero (0 + h·0) and
 * adds nothing to the norms. */
static inline __attribute__((always_inline)) void combine_all(size_t stride, double *restrict out,
                                                              const double *restrict base, double h,
                                                              const fadyn_rk_terms *t) {
    for (size_t i = 0; i < stride; i += DP_BLOCK)
        fadyn_rk_stage_block(DP_BLOCK, out, base, h, t, i);
}

/* What the final pass returns: Σ (e5_i/sc_i)², Σ (e3_i/sc_i)², and whether
 * some |y_new,i| > radius or is NaN. */
typedef struct {
    double e5, e3;
    int beyond;
} dp_norms;

typedef struct {
    const double *k[DP_FINAL];
    double h, atol, rtol, radius;
} dp_final_args;

/* 64-bit lanes for masks and |x| (the sign bit cleared). */
typedef long long dp_v8l __attribute__((vector_size(sizeof(fadyn_rk_v8))));

static inline __attribute__((always_inline)) void dp_abs(fadyn_rk_v8 *x) {
    *x = (fadyn_rk_v8)((dp_v8l)*x & 0x7fffffffffffffffLL);
}

/* y_new = y + h Σ b_j k_j with the two error sums and the radius test, one
 * pass over the 8 k's, a block of 8 entries at a time. */
static inline __attribute__((always_inline)) void
final_block(double *restrict yn, const double *restrict y, const dp_final_args *g, size_t i,
            fadyn_rk_v8 *acc5, fadyn_rk_v8 *acc3, dp_v8l *beyond) {
    fadyn_rk_v8 sb = {0}, s5 = {0}, s3 = {0};
#pragma GCC unroll 8
    for (size_t j = 0; j < DP_FINAL; j++) {
        fadyn_rk_v8 x = FADYN_RK_ATC(g->k[j] + i);
        sb += final_b[j] * x;
        s5 += final_e5[j] * x;
        s3 += final_e3[j] * x;
    }
    fadyn_rk_v8 y0 = FADYN_RK_ATC(y + i), v = y0 + g->h * sb;
    FADYN_RK_AT(yn + i) = v;
    fadyn_rk_v8 a0 = y0, a1 = v, zero = {0};
    dp_abs(&a0), dp_abs(&a1);
    dp_v8l bigger = a1 > a0;
    fadyn_rk_v8 m = (fadyn_rk_v8)(((dp_v8l)a1 & bigger) | ((dp_v8l)a0 & ~bigger));
    fadyn_rk_v8 inv = 1.0 / (g->atol + g->rtol * m);
    fadyn_rk_v8 r5 = s5 * inv, r3 = s3 * inv;
    *acc5 += r5 * r5;
    *acc3 += r3 * r3;
    *beyond |= ~(a1 <= zero + g->radius); /* NaN compares false: beyond too */
}

static inline __attribute__((always_inline)) dp_norms
final_all(size_t stride, double *restrict yn, const double *restrict y, const dp_final_args *g) {
    fadyn_rk_v8 acc5 = {0}, acc3 = {0};
    dp_v8l beyond = {0};
    for (size_t i = 0; i < stride; i += DP_BLOCK)
        final_block(yn, y, g, i, &acc5, &acc3, &beyond);
    dp_norms r = {0.0, 0.0, 0};
    for (size_t b = 0; b < DP_BLOCK; b++) {
        r.e5 += acc5[b];
        r.e3 += acc3[b];
        r.beyond |= beyond[b] != 0;
    }
    return r;
}

/* The sums compiled for the build's target and, with GCC on x86-64, for
 * AVX2 and AVX-512, chosen at allocation by the CPU.  The same operations on
 * every entry in every version (ISO C: no contraction into FMA), so the
 * results do not depend on the CPU; only the norms' partial sums are
 * grouped by block, the same way in each. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define DP_X86 1
#else
#define DP_X86 0
#endif

typedef struct {
    void (*combine)(size_t, double *restrict, const double *restrict, double,
                    const fadyn_rk_terms *);
    dp_norms (*final)(size_t, double *restrict, const double *restrict, const dp_final_args *);
} dp_sums;

#define DP_SUMS(suffix, attr)                                                                      \
    attr static void combine_##suffix(size_t dim, double *restrict out,                            \
                                      const double *restrict base, double h,                       \
                                      const fadyn_rk_terms *t) {                                   \
        combine_all(dim, out, base, h, t);                                                         \
    }                                                                                              \
    attr static dp_norms final_##suffix(size_t dim, double *restrict yn, const double *restrict y, \
                                        const dp_final_args *g) {                                  \
        return final_all(dim, yn, y, g);                                                           \
    }

DP_SUMS(base, )
#if DP_X86
DP_SUMS(avx2, __attribute__((target("avx2"))))
DP_SUMS(avx512, __attribute__((target("avx512f"))))
#endif

static dp_sums sums_for_this_cpu(void) {
#if DP_X86
    if (__builtin_cpu_supports("avx512f")) return (dp_sums){combine_avx512, final_avx512};
    if (__builtin_cpu_supports("avx2")) return (dp_sums){combine_avx2, final_avx2};
#endif
    return (dp_sums){combine_base, final_base};
}

/* ---- the workspace --------------------------------------------------- */

struct fadyn_dop853 {
    size_t dim, stride;  /* stride: doubles per vector, padded to a cache line */
    double *block;       /* one aligned allocation for the vectors below */
    double *k[DP_K];     /* k_1 .. k_16 */
    double *y, *yn, *ys; /* state, state at t + h, stage argument */
    dp_sums sums;
    size_t chunks;     /* pieces of DP_CHUNK entries the sums are split into */
    int fsal;          /* step by step: k[0] is f at y, the end of the last step */
    dp_norms *partial; /* the final pass's sums, one per piece */
};

fadyn_dop853 *fadyn_dop853_alloc(size_t dim) {
    fadyn_dop853 *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->dim = dim;
    w->block = fadyn_vecblock_alloc(DP_K + 3, dim, &w->stride);
    w->chunks = (w->stride + DP_CHUNK - 1) / DP_CHUNK;
    w->partial = calloc(w->chunks, sizeof *w->partial);
    if (!w->block || !w->partial) {
        fadyn_dop853_free(w);
        return NULL;
    }
    for (size_t s = 0; s < DP_K; s++)
        w->k[s] = w->block + s * w->stride;
    w->y = w->block + DP_K * w->stride;
    w->yn = w->y + w->stride;
    w->ys = w->yn + w->stride;
    w->sums = sums_for_this_cpu();
    return w;
}

/* ---- the sums in pieces --------------------------------------------------
 * Large states are summed in pieces of DP_CHUNK entries (a few hundred KB
 * across the vectors of a sum), shared with helper threads when fadyn may
 * use more than one (fadyn_par_for); the final pass's norms are added up
 * piece by piece in order, so the result does not depend on the threads. */
typedef struct {
    const fadyn_dop853 *w;
    double *out;
    const double *base;
    double h;
    const fadyn_rk_terms *t;
    const dp_final_args *g;
    dp_norms *partial;
} dp_job;

static size_t piece(const fadyn_dop853 *w, size_t i, size_t *len) {
    size_t off = i * DP_CHUNK;
    *len = w->stride - off < DP_CHUNK ? w->stride - off : DP_CHUNK;
    return off;
}

static void combine_piece(void *ctx, size_t i) {
    const dp_job *j = ctx;
    size_t len, off = piece(j->w, i, &len);
    fadyn_rk_terms t = *j->t;
    for (size_t q = 0; q < t.n; q++)
        t.v[q] += off;
    j->w->sums.combine(len, j->out + off, j->base + off, j->h, &t);
}

static void final_piece(void *ctx, size_t i) {
    const dp_job *j = ctx;
    size_t len, off = piece(j->w, i, &len);
    dp_final_args g = *j->g;
    for (size_t q = 0; q < DP_FINAL; q++)
        g.k[q] += off;
    j->partial[i] = j->w->sums.final(len, j->w->yn + off, j->w->y + off, &g);
}

/* out = base + h Σ a_j v_j over the state. */
static void combine(const fadyn_dop853 *w, double *out, const double *base, double h,
                    const fadyn_rk_terms *t) {
    if (w->chunks == 1) {
        w->sums.combine(w->stride, out, base, h, t);
        return;
    }
    dp_job j = {w, out, base, h, t, NULL, NULL};
    fadyn_par_for(w->chunks, fadyn_par_threads(), combine_piece, &j);
}

/* y_new and the error sums (the final pass) over the state. */
static dp_norms final_pass(fadyn_dop853 *w, const dp_final_args *g) {
    if (w->chunks == 1) return w->sums.final(w->stride, w->yn, w->y, g);
    dp_job j = {w, NULL, NULL, 0.0, NULL, g, w->partial};
    fadyn_par_for(w->chunks, fadyn_par_threads(), final_piece, &j);
    dp_norms r = {0.0, 0.0, 0};
    for (size_t i = 0; i < w->chunks; i++) {
        r.e5 += w->partial[i].e5;
        r.e3 += w->partial[i].e3;
        r.beyond |= w->partial[i].beyond;
    }
    return r;
}

void fadyn_dop853_free(fadyn_dop853 *w) {
    if (!w) return;
    free(w->block);
    free(w->partial);
    free(w);
}

/* k = f(t, y); counts the evaluation. */
static int eval(const gsl_odeiv2_system *sys, double t, const double *y, double *k,
                fadyn_integ_stats *st) {
    st->rhs_evals++;
    return sys->function(t, y, k, sys->params);
}

/* The stages k_2 .. k_12 of a step of size h from (t, w->y). */
static int stages(fadyn_dop853 *w, const gsl_odeiv2_system *sys, double t, double h,
                  fadyn_integ_stats *st) {
    fadyn_rk_terms terms;
    for (size_t s = 1; s < DP_STAGES; s++) {
        const dp_row *r = &stage_rows[s - 1];
        fadyn_rk_terms_of(&terms, r->n, r->idx, r->a, (const double *const *)w->k);
        combine(w, w->ys, w->y, h, &terms);
        int rc = eval(sys, t + r->c * h, w->ys, w->k[s], st);
        if (rc != GSL_SUCCESS) return rc;
    }
    return GSL_SUCCESS;
}

/* The error norm of the step just formed (NaN when a stage was not finite). */
static double error_norm(const fadyn_dop853 *w, double h, dp_norms nr) {
    if (nr.e5 == 0.0 && nr.e3 == 0.0) return 0.0;
    return fabs(h) * nr.e5 / sqrt((double)w->dim * (nr.e5 + 0.01 * nr.e3));
}

/* Hairer's starting step from y with k_1 = f(t, y) (one evaluation, into
 * k_2; the stage argument is scratch). */
static int first_step(fadyn_dop853 *w, const gsl_odeiv2_system *sys, double t, double rtol,
                      double atol, double *h, fadyn_integ_stats *st) {
    const double *y = w->y, *f0 = w->k[0];
    double d0 = 0.0, d1 = 0.0, d2 = 0.0;
    for (size_t i = 0; i < w->dim; i++) {
        double sc = atol + fabs(y[i]) * rtol;
        d0 += (y[i] / sc) * (y[i] / sc);
        d1 += (f0[i] / sc) * (f0[i] / sc);
    }
    double n = (double)w->dim;
    d0 = sqrt(d0 / n), d1 = sqrt(d1 / n);
    double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
    for (size_t i = 0; i < w->dim; i++)
        w->ys[i] = y[i] + h0 * f0[i];
    int rc = eval(sys, t + h0, w->ys, w->k[1], st);
    if (rc != GSL_SUCCESS) return rc;
    for (size_t i = 0; i < w->dim; i++) {
        double sc = atol + fabs(y[i]) * rtol, e = (w->k[1][i] - f0[i]) / sc;
        d2 += e * e;
    }
    d2 = sqrt(d2 / n) / h0;
    double dm = d1 > d2 ? d1 : d2;
    double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? fmax(1e-6, h0 * 1e-3) : pow(0.01 / dm, 1.0 / 8.0);
    *h = fmin(100.0 * h0, h1); /* fmin: a NaN h1 (f not finite) gives 100 h0 */
    return GSL_SUCCESS;
}

/* The dense-output stages k_14 .. k_16 of the step of size h from t. */
static int dense_stages(fadyn_dop853 *w, const gsl_odeiv2_system *sys, double t, double h,
                        fadyn_integ_stats *st) {
    fadyn_rk_terms terms;
    for (size_t s = 0; s < 3; s++) {
        const dp_row *r = &dense_rows[s];
        fadyn_rk_terms_of(&terms, r->n, r->idx, r->a, (const double *const *)w->k);
        combine(w, w->ys, w->y, h, &terms);
        int rc = eval(sys, t + r->c * h, w->ys, w->k[13 + s], st);
        if (rc != GSL_SUCCESS) return rc;
    }
    return GSL_SUCCESS;
}

/* out = the dense output at θ in (0, 1) of the step of size h from w->y to
 * w->yn (docs above dense_d): one pass over y, y_new and 12 k's into the
 * stage argument, copied out. */
static void dense_at(fadyn_dop853 *w, double h, double theta, double *out) {
    double s = theta, u = 1.0 - theta;
    double c1 = s * u, c2 = s * s * u, c3 = s * s * u * u;
    fadyn_rk_terms t;
    t.n = DP_DENSE + 2;
    for (size_t j = 0; j < DP_DENSE; j++) {
        const double *d = &dense_d[0][j];
        double dj = d[0] + s * d[DP_DENSE] + s * u * d[2 * DP_DENSE] + s * s * u * d[3 * DP_DENSE];
        t.a[j] = c3 * dj;
        t.v[j] = w->k[dense_idx[j]];
    }
    t.a[0] += c1 - c2;             /* k_1 */
    t.a[8] += -c2;                 /* k_13 */
    double wd = s - c1 + 2.0 * c2; /* weight of Δ = y_new − y, folded in with 1/h */
    t.a[DP_DENSE] = wd / h, t.v[DP_DENSE] = w->yn;
    t.a[DP_DENSE + 1] = -wd / h, t.v[DP_DENSE + 1] = w->y;
    combine(w, w->ys, w->y, h, &t);
    memcpy(out, w->ys, w->dim * sizeof(double));
}

static int diverged(fadyn_err *err, double t, double radius) {
    return fadyn_err_set(err, FADYN_DIVERGED,
                         "diverged near t = %.6g: the state became non-finite or left radius = %g",
                         t, radius);
}

/* A failed evaluation as fadyn_integrate reports it. */
static int eval_failed(fadyn_err *err, int rc, double t, double radius) {
    if (rc == GSL_EBADFUNC) return diverged(err, t, radius);
    return fadyn_err_set(err, FADYN_EGSL, "the right-hand side failed at t = %.6g: %s", t,
                         gsl_strerror(rc));
}

/* What one step reads of the settings. */
typedef struct {
    double rtol, atol, hmin, radius;
} dp_ctl;

/* One accepted step from (t, w->y), k_1 = f(t, y) in w->k[0], ending at most
 * at t_lim: *h_abs is the step to try and receives the next proposal; on
 * success *t_new and *h are the step's end and size, w->yn is y(t_new) and
 * w->k[12] = f(t_new, y_new), not yet made current (dp_accept). */
static int dp_step(fadyn_dop853 *w, const gsl_odeiv2_system *sys, const dp_ctl *c, double t,
                   double t_lim, double *h_abs, double *t_new, double *h, fadyn_integ_stats *st,
                   fadyn_err *err) {
    double min_step = fmax(c->hmin, 10.0 * (nextafter(t, INFINITY) - t));
    if (*h_abs < min_step) *h_abs = min_step;
    int rejected = 0, nonfinite = 0;
    for (;;) {
        if (*h_abs < min_step)
            return nonfinite ? diverged(err, t, c->radius)
                             : fadyn_err_set(err, FADYN_MAXSTEPS,
                                             "stopped at t = %.6g: the step fell below hmin = %g",
                                             t, c->hmin);
        *t_new = t + *h_abs;
        if (*t_new > t_lim) *t_new = t_lim;
        *h = *t_new - t;
        int s = stages(w, sys, t, *h, st);
        if (s != GSL_SUCCESS) return eval_failed(err, s, t, c->radius);
        dp_final_args g = {{0}, *h, c->atol, c->rtol, c->radius};
        for (size_t j = 0; j < DP_FINAL; j++)
            g.k[j] = w->k[final_idx[j]];
        dp_norms nr = final_pass(w, &g);
        double e = error_norm(w, *h, nr);
        if (isfinite(e) && e < 1.0) {
            if (nr.beyond) return diverged(err, t, c->radius);
            double f = e == 0.0 ? dp_max_factor : fmin(dp_max_factor, dp_safety * pow(e, -0.125));
            *h_abs = *h * (rejected ? fmin(1.0, f) : f);
            break;
        }
        nonfinite = !isfinite(e);
        *h_abs = *h * (nonfinite ? dp_min_factor : fmax(dp_min_factor, dp_safety * pow(e, -0.125)));
        rejected = 1;
        st->failed_steps++;
    }
    st->steps++;
    int s = eval(sys, *t_new, w->yn, w->k[12], st); /* f(t + h, y_new): the next k_1 */
    return s == GSL_SUCCESS ? FADYN_OK : eval_failed(err, s, t, c->radius);
}

/* y_new and its derivative become the current point. */
static void dp_accept(fadyn_dop853 *w) {
    double *tmp = w->y;
    w->y = w->yn, w->yn = tmp;
    tmp = w->k[0];
    w->k[0] = w->k[12], w->k[12] = tmp;
}

static int dim_mismatch(const fadyn_dop853 *w, const gsl_odeiv2_system *sys, fadyn_err *err) {
    return fadyn_err_set(err, FADYN_EINVAL, "dop853: system of dimension %zu, workspace %zu",
                         sys->dimension, w->dim);
}

int fadyn_dop853_run(fadyn_dop853 *w, const gsl_odeiv2_system *sys, const fadyn_integ_params *ip,
                     double *y, fadyn_sample_fn fn, void *ctx, fadyn_integ_stats *stats,
                     fadyn_err *err) {
    fadyn_integ_stats st;
    memset(&st, 0, sizeof st);
    size_t n = w->dim;
    double t = 0.0, t_end = ip->t_end, h_abs = 0.0;
    int rc = FADYN_OK, stopped = 0; /* stopped: by the sample function, y holds its sample */
    w->fsal = 0;
    if (sys->dimension != n) {
        if (stats) *stats = st;
        return dim_mismatch(w, sys, err);
    }
    memcpy(w->y, y, n * sizeof(double));
    if (fn && (rc = fn(ctx, 0.0, y)) != FADYN_OK) {
        stopped = 1;
        goto done;
    }
    int s = eval(sys, t, w->y, w->k[0], &st);
    if (s == GSL_SUCCESS && fadyn_exceeds(w->k[0], n, INFINITY)) s = GSL_EBADFUNC;
    if (s == GSL_SUCCESS) s = first_step(w, sys, t, ip->rtol, ip->atol, &h_abs, &st);
    if (s != GSL_SUCCESS) {
        rc = eval_failed(err, s, t, ip->radius);
        goto done;
    }
    const dp_ctl c = {ip->rtol, ip->atol, ip->hmin, ip->radius};
    size_t next = 1; /* the next sample to deliver */
    while (t < t_end) {
        if (st.steps >= ip->nmax) {
            rc = fadyn_err_set(err, FADYN_MAXSTEPS,
                               "stopped at t = %.6g: the step limit (%lu steps) was reached", t,
                               ip->nmax);
            goto done;
        }
        double t_new, h;
        if ((rc = dp_step(w, sys, &c, t, t_end, &h_abs, &t_new, &h, &st, err)) != FADYN_OK)
            goto done;
        /* the samples in (t, t_new] */
        int dense_ready = 0;
        for (; fn && next < ip->samples; next++) {
            double ts = fadyn_integ_sample_time(ip, next);
            if (ts > t_new) break;
            if (ts >= t_new) {
                memcpy(y, w->yn, n * sizeof(double));
            } else {
                if (!dense_ready && (s = dense_stages(w, sys, t, h, &st)) != GSL_SUCCESS) {
                    rc = eval_failed(err, s, t, ip->radius);
                    goto done;
                }
                dense_ready = 1;
                dense_at(w, h, (ts - t) / h, y);
            }
            if ((rc = fn(ctx, ts, y)) != FADYN_OK) {
                stopped = 1;
                t = ts;
                goto done;
            }
        }
        dp_accept(w);
        t = t_new;
    }
done:
    if (!stopped) memcpy(y, w->y, n * sizeof(double)); /* the last accepted state */
    st.t_reached = t;
    if (stats) *stats = st;
    return rc;
}

void fadyn_dop853_reset(fadyn_dop853 *w) {
    w->fsal = 0;
}

int fadyn_dop853_step(fadyn_dop853 *w, const gsl_odeiv2_system *sys, const fadyn_integ_params *ip,
                      double hmin, double *t, double t1, double *h, double *y,
                      fadyn_integ_stats *st, fadyn_err *err) {
    size_t n = w->dim;
    if (sys->dimension != n) return dim_mismatch(w, sys, err);
    /* k_1 of the last step's end serves again unless the caller moved y */
    if (!w->fsal || memcmp(w->y, y, n * sizeof(double)) != 0) {
        memcpy(w->y, y, n * sizeof(double));
        int s = eval(sys, *t, w->y, w->k[0], st);
        if (s != GSL_SUCCESS) return eval_failed(err, s, *t, INFINITY);
        w->fsal = 1;
    }
    const dp_ctl c = {ip->rtol, ip->atol, hmin, INFINITY};
    double h_abs = fabs(*h), t_new, hs;
    int rc = dp_step(w, sys, &c, *t, t1, &h_abs, &t_new, &hs, st, err);
    if (rc != FADYN_OK) {
        w->fsal = 0;
        return rc;
    }
    dp_accept(w);
    memcpy(y, w->y, n * sizeof(double));
    *t = t_new;
    *h = h_abs;
    return FADYN_OK;
}
