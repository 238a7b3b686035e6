/* rk8pd.c — the Prince–Dormand 8(9) embedded Runge–Kutta method as a GSL odeiv2
 * stepper type whose stage sums vectorise (docs/performance.md).
 *
 * Method: P. J. Prince and J. R. Dormand, "High order embedded Runge-Kutta
 * formulae", J. Comp. Appl. Math. 7 (1981) 67–75: 13 stages, 8th-order
 * solution, 7th-order embedded solution for the error estimate; the same
 * rational coefficients as GSL's gsl_odeiv2_step_rk8pd.  Every sum is formed
 * in GSL's order (left to right over the non-zero coefficients, then
 * base + h·sum) so the two steppers agree to round-off — bit for bit when
 * the compiler does not contract a·b + c into an FMA (ISO C mode, the
 * project's default).  The speed comes from the layout: the stage sums run
 * over blocks of FADYN_RK_BLOCK entries held in registers (unrolled by pragma, so
 * at -O2 too), over one aligned allocation, with restrict-qualified
 * operands, and are compiled for AVX2 as well as for the build's target,
 * chosen at run time. */
#include "rk8pd.h"
#include "rk_sum.h"
#include "vecblock.h"

#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
    RK_STAGES = 13,
    RK_MAXTERMS = 9, /* most non-zero coefficients in one row */
};

/* One row of the Butcher table: stage s uses y + h Σ_j a_j k_{idx_j}
 * (0-based k indices, zero coefficients left out) at time t + c h. */
typedef struct {
    double c;
    size_t n;
    unsigned char idx[RK_MAXTERMS];
    double a[RK_MAXTERMS];
} rk_row;

/* Stages 2..13 (rows[0] is stage 2), Prince & Dormand (1981), Table 2. */
static const rk_row rows[RK_STAGES - 1] = {
    {1.0 / 18.0, 1, {0}, {1.0 / 18.0}},
    {1.0 / 12.0, 2, {0, 1}, {1.0 / 48.0, 1.0 / 16.0}},
    {1.0 / 8.0, 2, {0, 2}, {1.0 / 32.0, 3.0 / 32.0}},
    {5.0 / 16.0, 3, {0, 2, 3}, {5.0 / 16.0, -75.0 / 64.0, 75.0 / 64.0}},
    {3.0 / 8.0, 3, {0, 3, 4}, {3.0 / 80.0, 3.0 / 16.0, 3.0 / 20.0}},
    {59.0 / 400.0,
     4,
     {0, 3, 4, 5},
     {29443841.0 / 614563906.0, 77736538.0 / 692538347.0, -28693883.0 / 1125000000.0,
      23124283.0 / 1800000000.0}},
    {93.0 / 200.0,
     5,
     {0, 3, 4, 5, 6},
     {16016141.0 / 946692911.0, 61564180.0 / 158732637.0, 22789713.0 / 633445777.0,
      545815736.0 / 2771057229.0, -180193667.0 / 1043307555.0}},
    {5490023248.0 / 9719169821.0,
     6,
     {0, 3, 4, 5, 6, 7},
     {39632708.0 / 573591083.0, -433636366.0 / 683701615.0, -421739975.0 / 2616292301.0,
      100302831.0 / 723423059.0, 790204164.0 / 839813087.0, 800635310.0 / 3783071287.0}},
    {13.0 / 20.0,
     7,
     {0, 3, 4, 5, 6, 7, 8},
     {246121993.0 / 1340847787.0, -37695042795.0 / 15268766246.0, -309121744.0 / 1061227803.0,
      -12992083.0 / 490766935.0, 6005943493.0 / 2108947869.0, 393006217.0 / 1396673457.0,
      123872331.0 / 1001029789.0}},
    {1201146811.0 / 1299019798.0,
     8,
     {0, 3, 4, 5, 6, 7, 8, 9},
     {-1028468189.0 / 846180014.0, 8478235783.0 / 508512852.0, 1311729495.0 / 1432422823.0,
      -10304129995.0 / 1701304382.0, -48777925059.0 / 3047939560.0, 15336726248.0 / 1032824649.0,
      -45442868181.0 / 3398467696.0, 3065993473.0 / 597172653.0}},
    {1.0,
     9,
     {0, 3, 4, 5, 6, 7, 8, 9, 10},
     {185892177.0 / 718116043.0, -3185094517.0 / 667107341.0, -477755414.0 / 1098053517.0,
      -703635378.0 / 230739211.0, 5731566787.0 / 1027545527.0, 5232866602.0 / 850066563.0,
      -4093664535.0 / 808688257.0, 3962137247.0 / 1805957418.0, 65686358.0 / 487910083.0}},
    {1.0, /* the coefficient of k12 is zero */
     9,
     {0, 3, 4, 5, 6, 7, 8, 9, 10},
     {403863854.0 / 491063109.0, -5068492393.0 / 434740067.0, -411421997.0 / 543043805.0,
      652783627.0 / 914296604.0, 11173962825.0 / 925320556.0, -13158990841.0 / 6184727034.0,
      3936647629.0 / 1978049680.0, -160528059.0 / 685178525.0, 248638103.0 / 1413531060.0}},
};

/* The 8th-order solution (propagated) and the 7th-order embedded one. */
static const rk_row order8 = {1.0,
                              9,
                              {0, 5, 6, 7, 8, 9, 10, 11, 12},
                              {14005451.0 / 335480064.0, -59238493.0 / 1068277825.0,
                               181606767.0 / 758867731.0, 561292985.0 / 797845732.0,
                               -1041891430.0 / 1371343529.0, 760417239.0 / 1151165299.0,
                               118820643.0 / 751138087.0, -528747749.0 / 2220607170.0, 1.0 / 4.0}};
static const rk_row order7 = {1.0,
                              8,
                              {0, 5, 6, 7, 8, 9, 10, 11},
                              {13451932.0 / 455176623.0, -808719846.0 / 976000145.0,
                               1757004468.0 / 5645159321.0, 656045339.0 / 265891186.0,
                               -3867574721.0 / 1518517206.0, 465885868.0 / 322736535.0,
                               53011238.0 / 667516719.0, 2.0 / 45.0}};

/* out = y + h Σ_j a_j k_{idx_j}: the argument of one stage. */
static inline __attribute__((always_inline)) void stage_sum(size_t dim, double *restrict out,
                                                            const double *restrict y, double h,
                                                            const fadyn_rk_terms *t) {
    size_t i = 0;
    for (; i + FADYN_RK_BLOCK <= dim; i += FADYN_RK_BLOCK)
        fadyn_rk_stage_block(FADYN_RK_BLOCK, out, y, h, t, i);
    if (i < dim) fadyn_rk_stage_block(dim - i, out, y, h, t, i);
}

static inline __attribute__((always_inline)) void final_block(size_t len, double *restrict y,
                                                              double *restrict yerr, double h,
                                                              const fadyn_rk_terms *t8,
                                                              const fadyn_rk_terms *t7, size_t i) {
    if (len == FADYN_RK_BLOCK) {
        fadyn_rk_v8 s8, s7;
        fadyn_rk_sum8(&s8, t8, i);
        fadyn_rk_sum8(&s7, t7, i);
        FADYN_RK_AT(y + i) = FADYN_RK_ATC(y + i) + h * s8;
        FADYN_RK_AT(yerr + i) = h * (s7 - s8);
        return;
    }
    double s8[FADYN_RK_BLOCK], s7[FADYN_RK_BLOCK];
    fadyn_rk_block_sum(len, s8, t8, i);
    fadyn_rk_block_sum(len, s7, t7, i);
    for (size_t b = 0; b < len; b++) {
        y[i + b] = y[i + b] + h * s8[b];
        yerr[i + b] = h * (s7[b] - s8[b]);
    }
}

/* y += h Σ Abar_j k_j and yerr = h (Σ A_j k_j − Σ Abar_j k_j) in one pass. */
static inline __attribute__((always_inline)) void final_sum(size_t dim, double *restrict y,
                                                            double *restrict yerr, double h,
                                                            const fadyn_rk_terms *t8,
                                                            const fadyn_rk_terms *t7) {
    size_t i = 0;
    for (; i + FADYN_RK_BLOCK <= dim; i += FADYN_RK_BLOCK)
        final_block(FADYN_RK_BLOCK, y, yerr, h, t8, t7, i);
    if (i < dim) final_block(dim - i, y, yerr, h, t8, t7, i);
}

/* The sums compiled twice: for the build's target (SSE2 at least) and, on
 * x86-64 with GCC, for AVX2 (4 doubles a register), chosen at run time by
 * the CPU.  The two agree bit for bit: the same operations on each entry. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RK_AVX2        1
#define RK_HAVE_AVX2() __builtin_cpu_supports("avx2")
#else
#define RK_AVX2        0
#define RK_HAVE_AVX2() 0
#endif

typedef struct {
    void (*stage)(size_t, double *restrict, const double *restrict, double, const fadyn_rk_terms *);
    void (*final)(size_t, double *restrict, double *restrict, double, const fadyn_rk_terms *,
                  const fadyn_rk_terms *);
} rk_sums;

static void stage_base(size_t dim, double *restrict out, const double *restrict y, double h,
                       const fadyn_rk_terms *t) {
    stage_sum(dim, out, y, h, t);
}

static void final_base(size_t dim, double *restrict y, double *restrict yerr, double h,
                       const fadyn_rk_terms *t8, const fadyn_rk_terms *t7) {
    final_sum(dim, y, yerr, h, t8, t7);
}

#if RK_AVX2
__attribute__((target("avx2"))) static void stage_avx2(size_t dim, double *restrict out,
                                                       const double *restrict y, double h,
                                                       const fadyn_rk_terms *t) {
    stage_sum(dim, out, y, h, t);
}

__attribute__((target("avx2"))) static void final_avx2(size_t dim, double *restrict y,
                                                       double *restrict yerr, double h,
                                                       const fadyn_rk_terms *t8,
                                                       const fadyn_rk_terms *t7) {
    final_sum(dim, y, yerr, h, t8, t7);
}
#endif

static rk_sums sums_for_this_cpu(void) {
#if RK_AVX2
    if (RK_HAVE_AVX2()) return (rk_sums){stage_avx2, final_avx2};
#endif
    return (rk_sums){stage_base, final_base};
}

typedef struct {
    size_t stride;        /* doubles per vector, padded to a cache line */
    double *block;        /* one aligned allocation for everything below */
    double *k[RK_STAGES]; /* stage derivatives (k[0] unused when dydt_in is given) */
    double *ytmp, *y0;
    rk_sums sums; /* the stage sums for this CPU */
} rk8pd_state;

static void *rk8pd_alloc(size_t dim) {
    rk8pd_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->block = fadyn_vecblock_alloc(RK_STAGES + 2, dim, &st->stride);
    if (!st->block) {
        free(st);
        return NULL;
    }
    for (size_t s = 0; s < RK_STAGES; s++)
        st->k[s] = st->block + s * st->stride;
    st->ytmp = st->block + RK_STAGES * st->stride;
    st->y0 = st->ytmp + st->stride;
    st->sums = sums_for_this_cpu();
    return st;
}

static int rk8pd_apply(void *vstate, size_t dim, double t, double h, double y[], double yerr[],
                       const double dydt_in[], double dydt_out[], const gsl_odeiv2_system *sys) {
    rk8pd_state *st = vstate;
    const double *k[RK_STAGES];
    for (size_t s = 0; s < RK_STAGES; s++)
        k[s] = st->k[s];
    if (dydt_out) memcpy(st->y0, y, dim * sizeof(double)); /* restored if dydt_out fails */
    if (dydt_in) {
        k[0] = dydt_in;
    } else {
        int rc = GSL_ODEIV_FN_EVAL(sys, t, y, st->k[0]);
        if (rc != GSL_SUCCESS) return rc;
    }
    fadyn_rk_terms terms, t7;
    for (size_t s = 1; s < RK_STAGES; s++) {
        const rk_row *r = &rows[s - 1];
        fadyn_rk_terms_of(&terms, r->n, r->idx, r->a, k);
        if (r->n == 1) { /* GSL forms (a h) k for the one-term stage: the same rounding */
            terms.a[0] *= h;
            st->sums.stage(dim, st->ytmp, y, 1.0, &terms);
        } else {
            st->sums.stage(dim, st->ytmp, y, h, &terms);
        }
        int rc = GSL_ODEIV_FN_EVAL(sys, t + r->c * h, st->ytmp, st->k[s]);
        if (rc != GSL_SUCCESS) return rc;
    }
    fadyn_rk_terms_of(&terms, order8.n, order8.idx, order8.a, k);
    fadyn_rk_terms_of(&t7, order7.n, order7.idx, order7.a, k);
    st->sums.final(dim, y, yerr, h, &terms, &t7);
    if (dydt_out) {
        int rc = GSL_ODEIV_FN_EVAL(sys, t + h, y, dydt_out);
        if (rc != GSL_SUCCESS) {
            memcpy(y, st->y0, dim * sizeof(double));
            return rc;
        }
    }
    return GSL_SUCCESS;
}

static int rk8pd_set_driver(void *vstate, const gsl_odeiv2_driver *d) {
    (void)vstate;
    (void)d;
    return GSL_SUCCESS;
}

static int rk8pd_reset(void *vstate, size_t dim) {
    rk8pd_state *st = vstate;
    (void)dim;
    memset(st->block, 0, (RK_STAGES + 2) * st->stride * sizeof(double));
    return GSL_SUCCESS;
}

static unsigned int rk8pd_order(void *vstate) {
    (void)vstate;
    return 8;
}

static void rk8pd_free(void *vstate) {
    rk8pd_state *st = vstate;
    if (!st) return;
    free(st->block);
    free(st);
}

static const gsl_odeiv2_step_type rk8pd_type = {
    "fadyn-rk8pd",
    1, /* can use dydt_in */
    1, /* gives exact dydt_out */
    rk8pd_alloc,
    rk8pd_apply,
    rk8pd_set_driver,
    rk8pd_reset,
    rk8pd_order,
    rk8pd_free,
};

const gsl_odeiv2_step_type *fadyn_step_rk8pd = &rk8pd_type;
