/* verify.c — the table of checks, the ensemble of seeded instances, and the
 * worst case of each check against its tolerance. */
#include "fadyn/verify.h"
#include "fadyn/linalg.h"
#include "fadyn/seed.h"
#include "verify_internal.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const break_names[FADYN_BREAK_COUNT] = {"none", "c-nonzero", "rank", "sign"};

int fadyn_break_parse(const char *name, fadyn_break *b) {
    for (int i = 0; i < FADYN_BREAK_COUNT; i++)
        if (strcmp(name, break_names[i]) == 0) {
            *b = (fadyn_break)i;
            return FADYN_OK;
        }
    return FADYN_EINVAL;
}

const char *fadyn_break_name(fadyn_break b) {
    return (unsigned)b < FADYN_BREAK_COUNT ? break_names[b] : "unknown";
}

fadyn_verify_params fadyn_verify_params_default(void) {
    fadyn_verify_params vp = {
        .instances = 24,
        .seed = 1,
        .nsizes = 6,
        /* n_o < n_h < n_i (the paper's case and two smaller ones), then
         * n_h > n_i, n_o = n_h, and a single output */
        .sizes = {{30, 20, 10}, {12, 8, 4}, {20, 10, 5}, {6, 10, 4}, {10, 6, 6}, {8, 5, 1}},
        .brk = FADYN_BREAK_NONE,
        .threads = 0,
        .stepper = "rk8pd",
        .rtol = 1e-10,
        .atol = 1e-12,
        .t_end = 400.0,
        .samples = 401,
        .log_time = 1,
        .skew_scale = 0.5,
        .small_scale = 0.01,
        .big_scale = 1.0,
        .fd_rel = 1e-5,
        .nse_floor = 1e-8,
        .fig4_tie_deg = 1e-6,
        .p2_eta_max = 1e-2,
        .p2_eta_min = 1e-6,
        .p2_fd_step = 1e-5,
        .p3_rate = 0.1,
        .p3_steps = 600,
        .p3_e_floor = 1e-6,
        .p3_blowup = 1e6,
        .chain_t_end = 2000.0,
        .chain_start = 2.0,
        .chain_min_bt = 0.2,
        .chain_perturb = 1e-6,
        .chain_margin = 0.05,
    };
    return vp;
}

int fadyn_verify_params_check(const fadyn_verify_params *vp, fadyn_err *err) {
    if (vp->instances < 1) return fadyn_err_set(err, FADYN_EINVAL, "--instances: need at least 1");
    if (vp->nsizes < 1 || vp->nsizes > FADYN_VERIFY_MAX_SIZES)
        return fadyn_err_set(err, FADYN_EINVAL, "--sizes: give 1 to %d triples",
                             FADYN_VERIFY_MAX_SIZES);
    for (size_t k = 0; k < vp->nsizes; k++)
        for (size_t j = 0; j < 3; j++)
            if (vp->sizes[k][j] < 1 || vp->sizes[k][j] > 1000)
                return fadyn_err_set(err, FADYN_EINVAL,
                                     "--sizes: triple %zu has a layer of size %zu (need 1..1000)",
                                     k + 1, vp->sizes[k][j]);
    if ((unsigned)vp->brk >= FADYN_BREAK_COUNT)
        return fadyn_err_set(err, FADYN_EINVAL, "--break: unknown hypothesis");
    if (vp->threads < 0) return fadyn_err_set(err, FADYN_EINVAL, "--threads: must be >= 0");
    if (!(vp->t_end >= 0.01) || !(vp->t_end <= 1e6))
        return fadyn_err_set(err, FADYN_EINVAL, "--t-end %g: need 0.01 <= t-end <= 1e6", vp->t_end);
    if (vp->samples < 3) return fadyn_err_set(err, FADYN_EINVAL, "samples: need at least 3");
    if (!(vp->p2_eta_min > 0.0 && vp->p2_eta_min < vp->p2_eta_max))
        return fadyn_err_set(err, FADYN_EINVAL, "Proof 2: need 0 < eta_min < eta_max");
    if (vp->p3_steps < 2 || !(vp->p3_rate > 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "Proof 3: need steps >= 2 and rate > 0");
    return FADYN_OK;
}

/* ---- the battery ---------------------------------------------------------- */
/* One entry per check, kept by hand. */
/* clang-format off */
#define NOX {NULL, NULL}, {FADYN_REDUCE_MAX, FADYN_REDUCE_MAX}

const fadyn_check fadyn_checks[] = {
    {"p1-conserved-c", "eq 14", "C = BW + W^T B^T - AA^T is constant along fa",
     "max_t |C(t)-C(0)| / (|BW+W^T B^T| + |AA^T|)", check_conserved, 1e-7, FADYN_REDUCE_MAX,
     NOX},
    {"p1-v-nonincreasing", "Lemma 2", "with C = 0, V = |BE|^2 never rises",
     "max rise of V between samples / V(0)", check_v_nonincreasing, 1e-9, FADYN_REDUCE_MAX,
     NOX},
    {"p1-vdot-closed-form", "eq 34", "Vdot = -2|BEA^T|^2 - |A^T BE|^2 - tr(C BEE^T B^T)",
     "max_t |closed form - central difference| / max_t |Vdot|", check_vdot, 1e-6,
     FADYN_REDUCE_MAX, NOX},
    {"p1-s-bound-eq47", "eq 47", "with C = 0, s = tr(AA^T) <= |BT|^2 + 2 n_h",
     "max_t s(t) / bound", check_s_paper, 1.0 + 1e-9, FADYN_REDUCE_MAX,
     {"s_max_over_bound_mean", NULL}, {FADYN_REDUCE_MEAN, FADYN_REDUCE_MAX}},
    {"p1-s-bound-derived", "theory 3", "with C = 0, s <= max(s(0), (2 n_h^2 |BT|)^(2/3))",
     "max_t s(t) / bound", check_s_derived, 1.0 + 1e-9, FADYN_REDUCE_MAX, NOX},
    {"p1-vddot-bounded", "Lemma 4", "Vddot stays bounded, so Vdot -> 0 (Barbalat)",
     "|Vdot(t_end)| / max_t |Vdot|", check_vddot, 1e-6, FADYN_REDUCE_MAX,
     {"vddot_max_over_V0", NULL}, {FADYN_REDUCE_MAX, FADYN_REDUCE_MAX}},
    {"p1-theorem1", "Thm 1", "from zero with B of full column rank, E -> 0",
     "NSE at the horizon t_end", check_theorem1, 1e-6, FADYN_REDUCE_MAX,
     {"nse_above_rank_floor_max", NULL}, {FADYN_REDUCE_MAX, FADYN_REDUCE_MAX}},
    {"p2-first-order", "eq 55-58", "pbp: dh_i = eta s'_i^2 x^T x dh_GN,i + O(eta^2)",
     "relative error at the smallest eta", check_p2_first_order, 1e-4, FADYN_REDUCE_MAX,
     {"remainder_order_min", NULL}, {FADYN_REDUCE_MIN, FADYN_REDUCE_MAX}},
    {"p2-equals-gn", "eq 58 eta", "with eta_i = 1/(s'_i^2 x^T x) the first-order dh is W^+ e",
     "relative error of the linearised dh", check_p2_gn, 1e-6, FADYN_REDUCE_MAX,
     {"full_step_rel_diff_max", NULL}, {FADYN_REDUCE_MAX, FADYN_REDUCE_MAX}},
    {"p3-lemma5-form", "Lemma 5", "from zero, h = s_h B y and W = s_w y (By)^T",
     "max over steps of the relative residual", check_p3_form, 1e-10, FADYN_REDUCE_MAX,
     NOX},
    {"p3-scalars", "eq 76-77", "s_h, s_w follow eq 76-77",
     "max over steps of |fit - recursion| / max(|fit|, |recursion|)", check_p3_scalars, 1e-10,
     FADYN_REDUCE_MAX, NOX},
    {"p3-angle-pbp", "Thm 2", "angle(dh_fa, dh_pbp = W^+ e) = 0 at every step",
     "max angle over steps, degrees", check_p3_angle, 1e-4, FADYN_REDUCE_MAX,
     {"angle_bp_max_deg", "angle_bp_mean_deg"}, {FADYN_REDUCE_MAX, FADYN_REDUCE_MEAN}},
    {"fig4-pbp-closer", "Fig 4", "from a small start dh_fa is closer to pbp than to bp",
     "fraction of the learning time with angle_pbp <= angle_bp", check_fig4, 0.5, FADYN_REDUCE_MIN,
     {"instances_always", "time_fraction_mean"}, {FADYN_REDUCE_MEAN, FADYN_REDUCE_MEAN}},
    {"baldi-111-converges", "Baldi Thm 2", "1-1-1 chain converges from every start (b != 0)",
     "|t - w a| / |t| at t_end", check_chain111_converges, 1e-6, FADYN_REDUCE_MAX, NOX},
    {"baldi-111-stability", "Baldi Thm 2", "an equilibrium attracts iff b w + a^2 > 0",
     "misclassified equilibria", check_chain111_stability, 0.0, FADYN_REDUCE_MAX,
     {"attracting_fraction", NULL}, {FADYN_REDUCE_MEAN, FADYN_REDUCE_MAX}},
    {"baldi-1111-converges", "Baldi Thm 3", "1-1-1-1 chain converges from every start",
     "|t - a3 a2 a1| / |t| at t_end", check_chain1111_converges, 1e-6, FADYN_REDUCE_MAX,
     NOX},
    {"baldi-1111-degree7", "Baldi Thm 3", "its limit is a root of the degree-7 polynomial",
     "|p7(a1)| / (sum of |terms|) at t_end", check_chain1111_degree7, 1e-8, FADYN_REDUCE_MAX,
     NOX},
    {NULL, NULL, NULL, NULL, NULL, 0.0, FADYN_REDUCE_MAX, NOX},
};
/* clang-format on */

size_t fadyn_check_count(void) {
    size_t n = 0;
    while (fadyn_checks[n].name)
        n++;
    return n;
}

int fadyn_check_select(const char *list, int *selected, fadyn_err *err) {
    size_t n = fadyn_check_count();
    for (size_t c = 0; c < n; c++)
        selected[c] = 0;
    const char *s = list;
    for (;;) {
        size_t len = strcspn(s, ",");
        if (len == 0)
            return fadyn_err_set(err, FADYN_EINVAL, "--only '%s': empty entry in the list", list);
        int any = 0;
        for (size_t c = 0; c < n; c++)
            if (strncmp(fadyn_checks[c].name, s, len) == 0) selected[c] = any = 1;
        if (!any)
            return fadyn_err_set(err, FADYN_EINVAL,
                                 "--only '%.*s': no check has that name or prefix (see --list)",
                                 (int)len, s);
        if (s[len] == '\0') break;
        s += len + 1;
    }
    return FADYN_OK;
}

/* ---- instances -------------------------------------------------------------- */
/* Decorrelated seeds from (seed, instance, family), by splitmix64. */
gsl_rng *inst_rng(fadyn_verify_inst *in, unsigned salt) {
    uint64_t s = fadyn_splitmix64(
        fadyn_splitmix64(fadyn_splitmix64((uint64_t)in->vp->seed) ^ (uint64_t)in->index) ^ salt);
    gsl_rng_set(in->rng, (unsigned long)(s >> 1) | 1UL);
    return in->rng;
}

int inst_sign(const fadyn_verify_inst *in) {
    return in->vp->brk == FADYN_BREAK_SIGN;
}

void fadyn_verify_instance_sizes(const fadyn_verify_params *vp, size_t i, size_t sizes[3]) {
    const size_t *s = vp->sizes[i % vp->nsizes];
    sizes[0] = s[0], sizes[1] = s[1], sizes[2] = s[2];
    if (vp->brk == FADYN_BREAK_RANK) { /* n_o > n_h: swap, or widen the output */
        if (s[1] > s[2])
            sizes[1] = s[2], sizes[2] = s[1];
        else if (s[1] == s[2])
            sizes[2] = s[1] + 2;
    }
}

static int inst_init(fadyn_verify_inst *in, const fadyn_verify_params *vp, size_t i) {
    memset(in, 0, sizeof *in);
    in->vp = vp;
    in->index = i;
    fadyn_verify_instance_sizes(vp, i, in->sizes);
    in->rng = gsl_rng_alloc(gsl_rng_mt19937);
    return in->rng ? FADYN_OK : FADYN_ENOMEM;
}

static void inst_free(fadyn_verify_inst *in) {
    for (int k = 0; k < START_COUNT; k++)
        vtraj_free(&in->traj[k]);
    gsl_rng_free(in->rng);
}

/* ---- the run ------------------------------------------------------------------ */
static int beyond(const fadyn_check *c, double v) {
    if (!isfinite(v)) return 1;
    return c->worst == FADYN_REDUCE_MIN ? v < c->tolerance : v > c->tolerance;
}

static double reduce(fadyn_reduce how, const double *v, size_t n, size_t stride, size_t *arg) {
    double acc = how == FADYN_REDUCE_MIN ? INFINITY : how == FADYN_REDUCE_MAX ? -INFINITY : 0.0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (isnan(x)) { /* a failed measurement is the worst case */
            if (arg) *arg = i;
            return NAN;
        }
        if (how == FADYN_REDUCE_MEAN)
            acc += x / (double)n;
        else if (how == FADYN_REDUCE_MAX ? x > acc : x < acc)
            acc = x, at = i;
    }
    if (arg) *arg = at;
    return acc;
}

int fadyn_verify_run(const fadyn_verify_params *vp, const int *selected, fadyn_check_result *res,
                     fadyn_progress_fn progress, void *pctx, fadyn_err *err) {
    int rc = fadyn_verify_params_check(vp, err);
    if (rc != FADYN_OK) return rc;
    const size_t nc = fadyn_check_count(), ni = vp->instances, nv = 1 + FADYN_VERIFY_NEXTRA;
    double *val = malloc(nc * ni * nv * sizeof(double));
    if (!val) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    int failed_alloc = 0;
    size_t done = 0;
    int blas = fadyn_blas_set_threads(1);
    int nthreads = vp->threads > 0 ? vp->threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic) num_threads(nthreads)
    for (size_t i = 0; i < ni; i++) {
        fadyn_verify_inst in;
        if (inst_init(&in, vp, i) != FADYN_OK) {
#pragma omp atomic write
            failed_alloc = 1;
        } else {
            for (size_t c = 0; c < nc; c++) {
                double *v = val + (c * ni + i) * nv;
                for (size_t k = 0; k < nv; k++)
                    v[k] = NAN;
                if (selected && !selected[c]) continue;
                if (fadyn_checks[c].fn(&in, v) == FADYN_ENOMEM) {
#pragma omp atomic write
                    failed_alloc = 1;
                }
            }
        }
        inst_free(&in);
#pragma omp critical(fadyn_verify_progress)
        {
            done++;
            if (progress) progress(pctx, (double)done / (double)ni);
        }
    }
    fadyn_blas_set_threads(blas);
    if (failed_alloc) {
        free(val);
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    }
    rc = FADYN_OK;
    for (size_t c = 0; c < nc; c++) {
        const fadyn_check *ck = &fadyn_checks[c];
        fadyn_check_result *r = &res[c];
        memset(r, 0, sizeof *r);
        r->check = ck;
        r->worst = NAN;
        for (size_t k = 0; k < FADYN_VERIFY_NEXTRA; k++)
            r->extra[k] = NAN;
        if (selected && !selected[c]) continue;
        const double *v = val + c * ni * nv;
        r->instances = ni;
        for (size_t i = 0; i < ni; i++)
            r->failing += (size_t)beyond(ck, v[i * nv]);
        r->worst = reduce(ck->worst, v, ni, nv, &r->worst_instance);
        for (size_t k = 0; k < FADYN_VERIFY_NEXTRA; k++)
            if (ck->extra_name[k])
                r->extra[k] = reduce(ck->extra_reduce[k], v + 1 + k, ni, nv, NULL);
        r->pass = r->failing == 0;
        if (!r->pass) rc = FADYN_CHECK_FAILED;
    }
    free(val);
    return rc;
}
