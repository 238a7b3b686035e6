/* verify.c — the table of checks, the ensemble of seeded instances, and the
 * worst case of each check against its tolerance; the instances are work
 * items over threads and MPI ranks (fadyn/work.h). */
#include "fadyn/verify.h"
#include "fadyn/linalg.h"
#include "fadyn/seed.h"
#include "fadyn/size.h"
#include "fadyn/work.h"
#include "verify_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const break_names[FADYN_BREAK_COUNT] = {"none", "c-nonzero", "rank", "sign",
                                                           "sigma"};

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
        .integ = fadyn_integ_params_default(),
        .skew_scale = 0.5,
        .near_bound = 0.9,
        .small_scale = 0.01,
        .big_scale = 1.0,
        .sigma_spread = 4.0,
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
        .p3m_steps = 20000,
        .p3m_margin = 10.0,
        .fig4_examples = 20000,
        .fig4_eta = 1e-3,
        .chain_t_end = 2000.0,
        .chain_start = 2.0,
        .chain_min_bt = 0.2,
        .chain_perturb = 1e-6,
        .chain_margin = 0.05,
    };
    /* rk8pd, whose steps the 401 log-spaced samples keep short: the checks
     * of V's monotone decay and of the conserved quantities need the errors
     * far below the tolerance that gives (dop853's long steps stay at it) */
    vp.integ.stepper = fadyn_stepper_find("rk8pd");
    vp.integ.rtol = 1e-10;
    vp.integ.atol = 1e-12;
    vp.integ.t_end = 400.0;
    vp.integ.samples = 401;
    vp.integ.log_time = 1; /* resolves the early phase (Fig. 4, rises of V) */
    return vp;
}

int fadyn_verify_params_check(const fadyn_verify_params *vp, fadyn_err *err) {
    if (vp->instances < 1) return fadyn_err_set(err, FADYN_EINVAL, "instances: need at least 1");
    if (vp->nsizes < 1 || vp->nsizes > FADYN_VERIFY_MAX_SIZES)
        return fadyn_err_set(err, FADYN_EINVAL, "sizes: give 1 to %d triples",
                             FADYN_VERIFY_MAX_SIZES);
    for (size_t k = 0; k < vp->nsizes; k++)
        for (size_t j = 0; j < 3; j++)
            if (vp->sizes[k][j] < 1 || vp->sizes[k][j] > 1000)
                return fadyn_err_set(err, FADYN_EINVAL,
                                     "sizes: triple %zu has a layer of size %zu (need 1..1000)",
                                     k + 1, vp->sizes[k][j]);
    if ((unsigned)vp->brk >= FADYN_BREAK_COUNT)
        return fadyn_err_set(err, FADYN_EINVAL, "brk: unknown hypothesis");
    if (vp->threads < 0) return fadyn_err_set(err, FADYN_EINVAL, "threads: must be >= 0");
    const fadyn_integ_params *ip = &vp->integ;
    if (!(ip->t_end >= 0.01) || !(ip->t_end <= 1e6))
        return fadyn_err_set(err, FADYN_EINVAL, "t_end %g: need 0.01 <= t_end <= 1e6", ip->t_end);
    if (ip->samples < 3) return fadyn_err_set(err, FADYN_EINVAL, "samples: need at least 3");
    int rc = fadyn_integ_params_check(ip, err);
    if (rc != FADYN_OK) return rc;
    if (!(vp->p2_eta_min > 0.0 && vp->p2_eta_min < vp->p2_eta_max))
        return fadyn_err_set(err, FADYN_EINVAL, "Proof 2: need 0 < eta_min < eta_max");
    if (vp->p3_steps < 2 || !(vp->p3_rate > 0.0))
        return fadyn_err_set(err, FADYN_EINVAL, "Proof 3: need steps >= 2 and rate > 0");
    return FADYN_OK;
}

/* ---- the battery ---------------------------------------------------------- */
/* One entry per check, kept by hand. */
#define LE               FADYN_REDUCE_MAX /* holds iff val <= tolerance; worst = max */
#define GE               FADYN_REDUCE_MIN /* holds iff val >= tolerance; worst = min */
#define X1(a, ra)        .extra_name = {a, NULL}, .extra_reduce = {ra, FADYN_REDUCE_MAX}
#define X2(a, ra, b, rb) .extra_name = {a, b}, .extra_reduce = {ra, rb}
#define S_EXTRAS         X2("ratio_near_start_max", FADYN_REDUCE_MAX, "ratio_nh1_max", FADYN_REDUCE_MAX)

const fadyn_check fadyn_checks[] = {
    {.name = "p1-conserved-c",
     .equation = "eq 14",
     .claim = "C = BW + W^T B^T - AA^T is constant along fa",
     .measure = "max_t |C(t)-C(0)| / (|BW+W^T B^T| + |AA^T|)",
     .fn = fadyn_v_check_conserved,
     .tolerance = 1e-7,
     .worst = LE},
    {.name = "p1-v-nonincreasing",
     .equation = "Lemma 2",
     .claim = "with C = 0, V = |BE|^2 never rises",
     .measure = "max rise of V between samples / V(0)",
     .fn = fadyn_v_check_v_nonincreasing,
     .tolerance = 1e-9,
     .worst = LE},
    {.name = "p1-vdot-closed-form",
     .equation = "eq 34",
     .claim = "Vdot = -2|BEA^T|^2 - |A^T BE|^2 - tr(C BEE^T B^T)",
     .measure = "max_t |closed form - central difference| / max_t |Vdot|",
     .fn = fadyn_v_check_vdot,
     .tolerance = 1e-6,
     .worst = LE},
    {.name = "p1-s-bound-eq47",
     .equation = "eq 47",
     .claim = "with C = 0, s = tr(AA^T) <= |BT|^2 + 2 n_h",
     .measure = "max_t s(t) / bound; C = 0, near-bound and n_h = 1 starts",
     .fn = fadyn_v_check_s_paper,
     .tolerance = 1.0 + 1e-9,
     .worst = LE,
     S_EXTRAS},
    {.name = "p1-s-bound-derived",
     .equation = "theory 3",
     .claim = "with C = 0, s <= max(s(0), (2 n_h^2 |BT|)^(2/3))",
     .measure = "max_t s(t) / bound; the same starts",
     .fn = fadyn_v_check_s_derived,
     .tolerance = 1.0 + 1e-9,
     .worst = LE,
     S_EXTRAS},
    {.name = "p1-s-bound-sharp",
     .equation = "theory 3",
     .claim = "with C = 0, s <= max(s(0), (2 n_h |BT|)^(2/3)), attained for n_h = 1",
     .measure = "max_t s(t) / bound; the same starts",
     .fn = fadyn_v_check_s_sharp,
     .tolerance = 1.0 + 1e-9,
     .worst = LE,
     S_EXTRAS},
    {.name = "p1-vddot-bounded",
     .equation = "Lemma 4",
     .claim = "|Vddot| <= V ((6s + 2|C|)(s + |BW|) + 6 sqrt(V s)), eq 48-49 term by term",
     .measure = "max_t |Vddot| / bound (while |BE| > 1e-8 |BT|)",
     .fn = fadyn_v_check_vddot,
     .tolerance = 1.0 + 1e-9,
     .worst = LE,
     X1("vddot_max_over_V0", FADYN_REDUCE_MAX)},
    {.name = "p1-theorem1",
     .equation = "Thm 1",
     .claim = "from zero with B of full column rank, E -> 0",
     .measure = "NSE at the horizon (t_end, x10 while still learning)",
     .fn = fadyn_v_check_theorem1,
     .tolerance = THM1_TOL,
     .worst = LE,
     X2("nse_above_rank_floor_max", FADYN_REDUCE_MAX, "horizon_max", FADYN_REDUCE_MAX)},
    {.name = "p2-first-order",
     .equation = "eq 55-58",
     .claim = "pbp: dh_i = eta s'_i^2 x^T x dh_GN,i + O(eta^2)",
     .measure = "relative error at the smallest eta",
     .fn = fadyn_v_check_p2_first_order,
     .tolerance = 1e-4,
     .worst = LE,
     X1("remainder_order_min", FADYN_REDUCE_MIN)},
    {.name = "p2-equals-gn",
     .equation = "eq 58 eta",
     .claim = "with eta_i = 1/(s'_i^2 x^T x) the first-order dh is W^+ e",
     .measure = "relative error of the linearised dh",
     .fn = fadyn_v_check_p2_gn,
     .tolerance = 1e-6,
     .worst = LE,
     X1("full_step_rel_diff_max", FADYN_REDUCE_MAX)},
    {.name = "p3-lemma5-form",
     .equation = "Lemma 5",
     .claim = "from zero, h = s_h B y and W = s_w y (By)^T",
     .measure = "max over steps of the relative residual",
     .fn = fadyn_v_check_p3_form,
     .tolerance = 1e-10,
     .worst = LE},
    {.name = "p3-scalars",
     .equation = "eq 76-77",
     .claim = "s_h, s_w follow eq 76-77",
     .measure = "max over steps of |fit - recursion| / max(|fit|, |recursion|)",
     .fn = fadyn_v_check_p3_scalars,
     .tolerance = 1e-10,
     .worst = LE},
    {.name = "p3-angle-pbp",
     .equation = "Thm 2",
     .claim = "angle(dh_fa, dh_pbp = W^+ e) = 0 at every step",
     .measure = "max angle over steps, degrees",
     .fn = fadyn_v_check_p3_angle,
     .tolerance = 1e-4,
     .worst = LE,
     X2("angle_bp_max_deg", FADYN_REDUCE_MAX, "angle_bp_mean_deg", FADYN_REDUCE_MEAN)},
    {.name = "p3-pbp-not-bp",
     .equation = "Thm 2, m pairs",
     .claim = "m pairs from zero (bp and pbp apart): dh_fa ends on pbp's side, not bp's",
     .measure = "angle(fa, pbp) / angle(bp, pbp) at the end (n/a if angle(bp, pbp) < 10 deg)",
     .fn = fadyn_v_check_p3_pbp_not_bp,
     .tolerance = 0.5,
     .worst = LE,
     X2("angle_fa_pbp_max_deg", FADYN_REDUCE_MAX, "angle_fa_bp_min_deg", FADYN_REDUCE_MIN)},
    {.name = "fig4-pbp-closer",
     .equation = "Fig 4",
     .claim = "from a small start dh_fa is closer to pbp than to bp (expected dynamics)",
     .measure = "time-averaged angle_pbp - angle_bp (deg); holds in >= 95% of instances",
     .fn = fadyn_v_check_fig4,
     .tolerance = 1e-6,
     .worst = LE,
     .min_fraction = 0.95,
     X2("time_fraction_mean", FADYN_REDUCE_MEAN, "instances_always", FADYN_REDUCE_MEAN)},
    {.name = "fig4-trainer",
     .equation = "Fig 4",
     .claim = "the same on the stochastic trainer (Task 1, fa, eta = 1e-3, online)",
     .measure = "example-averaged angle_pbp - angle_bp (deg); holds in >= 95% of instances",
     .fn = fadyn_v_check_fig4_trainer,
     .tolerance = 1e-6,
     .worst = LE,
     .min_fraction = 0.95,
     X2("angle_pbp_mean_deg", FADYN_REDUCE_MEAN, "angle_bp_mean_deg", FADYN_REDUCE_MEAN)},
    {.name = "baldi-111-converges",
     .equation = "Baldi Thm 2",
     .claim = "1-1-1 chain converges from every start (b != 0)",
     .measure = "|t - w a| / |t| at t_end",
     .fn = fadyn_v_check_chain111_converges,
     .tolerance = 1e-6,
     .worst = LE},
    {.name = "baldi-111-stability",
     .equation = "Baldi Thm 2",
     .claim = "an equilibrium attracts iff b w + a^2 > 0",
     .measure = "misclassified equilibria",
     .fn = fadyn_v_check_chain111_stability,
     .tolerance = 0.0,
     .worst = LE,
     X1("attracting_fraction", FADYN_REDUCE_MEAN)},
    {.name = "baldi-1111-converges",
     .equation = "Baldi Thm 3",
     .claim = "1-1-1-1 chain converges from every start",
     .measure = "|t - a3 a2 a1| / |t| at t_end",
     .fn = fadyn_v_check_chain1111_converges,
     .tolerance = 1e-6,
     .worst = LE},
    {.name = "baldi-1111-degree7",
     .equation = "Baldi Thm 3",
     .claim = "its limit is a root of the degree-7 polynomial",
     .measure = "|p7(a1)| / (sum of |terms|) at t_end",
     .fn = fadyn_v_check_chain1111_degree7,
     .tolerance = 1e-8,
     .worst = LE},
    {.name = NULL},
};

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
            return fadyn_err_set(err, FADYN_EINVAL, "'%s': an empty entry in the list of checks",
                                 list);
        int any = 0;
        for (size_t c = 0; c < n; c++)
            if (strncmp(fadyn_checks[c].name, s, len) == 0) selected[c] = any = 1;
        if (!any)
            return fadyn_err_set(
                err, FADYN_EINVAL,
                "'%.*s': no check has that name or prefix (fadyn_verify_list lists them)", (int)len,
                s);
        if (s[len] == '\0') break;
        s += len + 1;
    }
    return FADYN_OK;
}

/* ---- instances -------------------------------------------------------------- */
/* Decorrelated seeds from (seed, instance, family), by splitmix64. */
gsl_rng *fadyn_v_inst_rng(fadyn_verify_inst *in, unsigned salt) {
    uint64_t s = fadyn_splitmix64(
        fadyn_splitmix64(fadyn_splitmix64((uint64_t)in->vp->seed) ^ (uint64_t)in->index) ^ salt);
    gsl_rng_set(in->rng, (unsigned long)(s >> 1) | 1UL);
    return in->rng;
}

int fadyn_v_inst_sign(const fadyn_verify_inst *in) {
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
        fadyn_v_vtraj_free(&in->traj[k]);
    gsl_rng_free(in->rng);
}

/* ---- the run ------------------------------------------------------------------ */
static const char *const verdict_names[FADYN_VERDICT_COUNT] = {"holds", "fails", "n/a",
                                                               "undecided"};

const char *fadyn_verdict_name(fadyn_verdict v) {
    return (unsigned)v < FADYN_VERDICT_COUNT ? verdict_names[v] : "unknown";
}

void fadyn_check_results_free(fadyn_check_result *res, size_t n) {
    for (size_t c = 0; res && c < n; c++) {
        free(res[c].value);
        free(res[c].verdict);
        res[c].value = NULL;
        res[c].verdict = NULL;
    }
}

static int beyond(const fadyn_check *c, double v) {
    if (!isfinite(v)) return 1;
    return c->worst == FADYN_REDUCE_MIN ? v < c->tolerance : v > c->tolerance;
}

/* Reduce v[i * stride] over the instances measured (all but n/a). */
static double reduce(fadyn_reduce how, const double *v, const fadyn_verdict *vd, size_t n,
                     size_t stride, size_t *arg) {
    double acc = how == FADYN_REDUCE_MIN ? INFINITY : how == FADYN_REDUCE_MAX ? -INFINITY : 0.0;
    size_t at = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        if (vd[i] == FADYN_VERDICT_NA) continue;
        double x = v[i * stride];
        if (isnan(x)) { /* a failed measurement is the worst case */
            if (arg) *arg = i;
            return NAN;
        }
        m++;
        if (how == FADYN_REDUCE_MEAN)
            acc += x;
        else if (how == FADYN_REDUCE_MAX ? x > acc : x < acc)
            acc = x, at = i;
    }
    if (arg) *arg = at;
    if (m == 0) return NAN;
    return how == FADYN_REDUCE_MEAN ? acc / (double)m : acc;
}

/* The verdicts, counts, worst case and extras of check c from its values. */
static int summarise(const fadyn_check *ck, const double *v, const int *how, size_t ni, size_t nv,
                     fadyn_check_result *r) {
    r->instances = ni;
    r->value = malloc(ni * sizeof(double));
    r->verdict = malloc(ni * sizeof(fadyn_verdict));
    if (!r->value || !r->verdict) return FADYN_ENOMEM;
    size_t holds = 0;
    for (size_t i = 0; i < ni; i++) {
        fadyn_verdict d = how[i] == FADYN_VERIFY_NA          ? FADYN_VERDICT_NA
                          : how[i] == FADYN_VERIFY_UNDECIDED ? FADYN_VERDICT_UNDECIDED
                          : beyond(ck, v[i * nv])            ? FADYN_VERDICT_FAILS
                                                             : FADYN_VERDICT_HOLDS;
        r->verdict[i] = d;
        r->value[i] = d == FADYN_VERDICT_NA ? NAN : v[i * nv];
        r->failing += d == FADYN_VERDICT_FAILS;
        r->not_applicable += d == FADYN_VERDICT_NA;
        r->undecided += d == FADYN_VERDICT_UNDECIDED;
        holds += d == FADYN_VERDICT_HOLDS;
    }
    r->worst = reduce(ck->worst, v, r->verdict, ni, nv, &r->worst_instance);
    for (size_t k = 0; k < FADYN_VERIFY_NEXTRA; k++)
        if (ck->extra_name[k])
            r->extra[k] = reduce(ck->extra_reduce[k], v + 1 + k, r->verdict, ni, nv, NULL);
    size_t applies = ni - r->not_applicable;
    double need = ck->min_fraction > 0.0 ? ck->min_fraction : 1.0;
    r->pass = applies > 0 && r->undecided == 0 && (double)holds >= need * (double)applies;
    return FADYN_OK;
}

/* ---- instances as work items (fadyn/work.h): instance i's record holds,
 * for every check c, its nv values and how it went; an instance's
 * randomness comes from (seed, i) only (fadyn_v_inst_rng) */
typedef struct {
    const fadyn_verify_params *vp;
    const int *selected;
    size_t nc, nv;
} verify_job;

static int verify_item(void *ctx, void *ws, size_t i, void *rec, fadyn_err *err) {
    (void)ws;
    const verify_job *j = ctx;
    double *v = rec;                       /* nc x nv values */
    int *how = (int *)(v + j->nc * j->nv); /* nc statuses, then the allocation flag */
    fadyn_verify_inst in;
    how[j->nc] = 0;
    for (size_t k = 0; k < j->nc * j->nv; k++)
        v[k] = NAN;
    for (size_t c = 0; c < j->nc; c++)
        how[c] = 0;
    if (inst_init(&in, j->vp, i) != FADYN_OK) {
        how[j->nc] = 1;
    } else {
        for (size_t c = 0; c < j->nc; c++) {
            if (j->selected && !j->selected[c]) continue;
            int st = fadyn_checks[c].fn(&in, v + c * j->nv);
            if (st == FADYN_ENOMEM) how[j->nc] = 1;
            how[c] = st > 0 ? st : 0;
        }
    }
    inst_free(&in);
    (void)err; /* a failed allocation is the record's flag, reported after every instance */
    return FADYN_OK;
}

int fadyn_verify_run(const fadyn_verify_params *vp, const int *selected, fadyn_check_result *res,
                     fadyn_progress_fn progress, void *pctx, fadyn_err *err) {
    int rc = fadyn_verify_params_check(vp, err);
    if (rc != FADYN_OK) return rc;
    const size_t nc = fadyn_check_count(), ni = vp->instances, nv = 1 + FADYN_VERIFY_NEXTRA;
    /* a record: nc nv doubles, then nc + 1 ints, padded to a double */
    size_t rsize = nc * nv * sizeof(double) + (nc + 1) * sizeof(int);
    rsize = (rsize + sizeof(double) - 1) / sizeof(double) * sizeof(double);
    char *recs = fadyn_malloc_n(ni, rsize, 1);
    double *val = fadyn_malloc_n(nc * ni, nv, sizeof(double));
    int *how = fadyn_malloc_n(nc, ni, sizeof(int));
    if (!recs || !val || !how) {
        free(recs);
        free(val);
        free(how);
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    }
    verify_job vj = {vp, selected, nc, nv};
    fadyn_work_job job = {.n = ni,
                          .size = rsize,
                          .rec = recs,
                          .ctx = &vj,
                          .threads = vp->threads,
                          .run = verify_item,
                          .progress = progress,
                          .progress_ctx = pctx};
    int blas = fadyn_blas_set_threads(1);
    rc = fadyn_work_map(&job, err);
    int failed_alloc = rc == FADYN_ENOMEM;
    for (size_t i = 0; i < ni; i++) { /* the records into val[(c ni + i) nv + k], how[c ni + i] */
        const double *v = (const double *)(recs + i * rsize);
        const int *h = (const int *)(v + nc * nv);
        failed_alloc |= h[nc];
        for (size_t c = 0; c < nc; c++) {
            memcpy(val + (c * ni + i) * nv, v + c * nv, nv * sizeof(double));
            how[c * ni + i] = h[c];
        }
    }
    free(recs);
    fadyn_blas_set_threads(blas);
    rc = failed_alloc ? FADYN_ENOMEM : FADYN_OK;
    for (size_t c = 0; c < nc; c++) {
        const fadyn_check *ck = &fadyn_checks[c];
        fadyn_check_result *r = &res[c];
        memset(r, 0, sizeof *r);
        r->check = ck;
        r->worst = NAN;
        for (size_t k = 0; k < FADYN_VERIFY_NEXTRA; k++)
            r->extra[k] = NAN;
        if (rc == FADYN_ENOMEM || (selected && !selected[c])) continue;
        if (summarise(ck, val + c * ni * nv, how + c * ni, ni, nv, r) != FADYN_OK)
            rc = FADYN_ENOMEM;
    }
    free(val);
    free(how);
    if (rc == FADYN_ENOMEM) {
        fadyn_check_results_free(res, nc);
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    }
    for (size_t c = 0; c < nc; c++)
        if (res[c].instances && !res[c].pass) rc = FADYN_CHECK_FAILED;
    return rc;
}
