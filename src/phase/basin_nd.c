/* basin_nd.c — sampled basins of a layered linear network under fa: where
 * random starts end (sym(W·B) definite or not) and whether the end is a
 * stable equilibrium (Jacobian eigenvalues; docs/theory.md §2–4); the
 * starts are work items over threads and MPI ranks (fadyn/work.h). */
#include "fadyn/dynamics.h"
#include "fadyn/linalg.h"
#include "fadyn/observer.h"
#include "fadyn/phase.h"
#include "fadyn/rule.h"
#include "fadyn/size.h"
#include "fadyn/work.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *fadyn_align_name(int align) {
    return align >= 0 && align < FADYN_ALIGN_NCLASS ? fadyn_nd_tally_name(align) : "?";
}

fadyn_nd_params fadyn_nd_params_default(void) {
    fadyn_nd_params np;
    np.integ = fadyn_integ_params_default();
    np.integ.t_end = 400.0;
    np.integ.samples = 41;
    np.integ.log_time = 1;
    np.integ.t_min = 1.0;
    np.nse_tol = 1e-14;
    np.speed_tol = 1e-6;
    np.def_tol = 1e-9;
    np.zero_tol = 1e-6;
    np.stability = 1;
    np.progress = NULL;
    np.progress_ctx = NULL;
    np.draw = fadyn_init_params_default();
    return np;
}

struct fadyn_nd_ws {
    const fadyn_problem *p;
    fadyn_dyn *d;
    fadyn_observer *obs; /* for the NSE only (its C(0) is p's start, unused) */
    size_t ni, nh, no, dim;
    double *block;
    double *y, *f, *J, *scratch, *re, *im; /* dim, dim, dim², dim², dim, dim */
    double *WB, *S, *AtA, *ev;             /* no², no², ni², max(ni, no) */
};

fadyn_nd_ws *fadyn_nd_ws_alloc(const fadyn_problem *p, fadyn_err *err) {
    if (p->depth != 2 || p->rule != fadyn_rule_type_find("fa") || p->sigma) {
        fadyn_err_set(err, FADYN_EINVAL,
                      "sizes: the sampled basin needs one hidden layer (3 sizes), fa, Σ = I");
        return NULL;
    }
    fadyn_nd_ws *ws = calloc(1, sizeof *ws);
    if (!ws) goto oom;
    ws->p = p;
    ws->ni = p->sizes[0], ws->nh = p->sizes[1], ws->no = p->sizes[2], ws->dim = p->dim;
    size_t N = ws->dim, ni = ws->ni, no = ws->no;
    size_t total = 4 * N + 2 * N * N + 2 * no * no + ni * ni + (ni > no ? ni : no);
    ws->block = malloc(total * sizeof(double));
    ws->d = fadyn_dyn_alloc(p);
    ws->obs = fadyn_observer_alloc(p, p->w0);
    if (!ws->block || !ws->d || !ws->obs) goto oom;
    double *q = ws->block;
    ws->y = q, q += N;
    ws->f = q, q += N;
    ws->re = q, q += N;
    ws->im = q, q += N;
    ws->J = q, q += N * N;
    ws->scratch = q, q += N * N;
    ws->WB = q, q += no * no;
    ws->S = q, q += no * no;
    ws->AtA = q, q += ni * ni;
    ws->ev = q;
    return ws;
oom:
    fadyn_nd_ws_free(ws);
    fadyn_err_set(err, FADYN_ENOMEM, "out of memory for the basin workspace");
    return NULL;
}

void fadyn_nd_ws_free(fadyn_nd_ws *ws) {
    if (!ws) return;
    fadyn_dyn_free(ws->d);
    fadyn_observer_free(ws->obs);
    free(ws->block);
    free(ws);
}

/* Stop the shared driver once the NSE (from the observer) and the speed are
 * below tolerance; FADYN_CHECK_FAILED is the private "settled" signal. */
typedef struct {
    fadyn_nd_ws *ws;
    fadyn_observer *obs;
    const fadyn_nd_params *np;
    double t, nse, speed;
    int obs_rc;
} nd_ctx;

static int nd_check(void *ctx, double t, const double *y) {
    nd_ctx *c = ctx;
    fadyn_obs o;
    c->obs_rc = fadyn_observer_eval(c->obs, t, y, &o);
    if (c->obs_rc != FADYN_OK) return c->obs_rc;
    fadyn_dyn_rhs(c->ws->d, y, c->ws->f);
    c->t = t;
    c->nse = o.nse;
    c->speed = fadyn_norm(c->ws->f, c->ws->dim);
    return c->nse < c->np->nse_tol && c->speed < c->np->speed_tol ? FADYN_CHECK_FAILED : FADYN_OK;
}

/* S = sym(W B) (eq 1 for every e iff S > 0), its extreme eigenvalues, the
 * eigenvalues ν of W B and μ of Aᵀ A. */
static int classify_end(fadyn_nd_ws *ws, const fadyn_nd_params *np, fadyn_nd_result *out) {
    size_t ni = ws->ni, nh = ws->nh, no = ws->no;
    const double *A = ws->y, *W = ws->y + nh * ni, *B = ws->p->B[0];
    fadyn_gemm(0, 0, no, no, nh, 1.0, W, B, 0.0, ws->WB);
    for (size_t i = 0; i < no; i++)
        for (size_t j = 0; j < no; j++)
            ws->S[i * no + j] = 0.5 * (ws->WB[i * no + j] + ws->WB[j * no + i]);
    if (fadyn_eig_sym(no, ws->S, ws->ev, ws->scratch) != FADYN_OK) return FADYN_ELAPACK;
    out->s_min = ws->ev[0];
    out->s_max = ws->ev[no - 1];
    double scale = fmax(fabs(out->s_min), fabs(out->s_max));
    out->align = out->s_min > np->def_tol * scale    ? FADYN_ALIGN_POSDEF
                 : out->s_max < -np->def_tol * scale ? FADYN_ALIGN_NEGDEF
                                                     : FADYN_ALIGN_INDEF;
    if (fadyn_eig_general(no, ws->WB, ws->re, ws->im, ws->scratch) != FADYN_OK)
        return FADYN_ELAPACK;
    out->nu_re_min = INFINITY;
    for (size_t j = 0; j < no; j++)
        out->nu_re_min = fmin(out->nu_re_min, ws->re[j]);
    fadyn_gemm(1, 0, ni, ni, nh, 1.0, A, A, 0.0, ws->AtA);
    if (fadyn_eig_sym(ni, ws->AtA, ws->ev, ws->scratch) != FADYN_OK) return FADYN_ELAPACK;
    out->mu_min = fmax(ws->ev[0], 0.0);
    return FADYN_OK;
}

/* Jacobian eigenvalues at the end state, the modes along the equilibrium
 * manifold (|λ| <= zero_tol·max|λ|) excluded. */
static int stability(fadyn_nd_ws *ws, const fadyn_nd_params *np, fadyn_nd_result *out) {
    size_t N = ws->dim;
    fadyn_dyn_jacobian(ws->d, ws->y, ws->J);
    if (fadyn_eig_general(N, ws->J, ws->re, ws->im, ws->scratch) != FADYN_OK) return FADYN_ELAPACK;
    double big = 0.0;
    for (size_t i = 0; i < N; i++)
        big = fmax(big, hypot(ws->re[i], ws->im[i]));
    out->zero_modes = 0;
    out->lambda_re_max = -INFINITY;
    for (size_t i = 0; i < N; i++) {
        if (hypot(ws->re[i], ws->im[i]) <= np->zero_tol * big)
            out->zero_modes++;
        else
            out->lambda_re_max = fmax(out->lambda_re_max, ws->re[i]);
    }
    out->stable = out->lambda_re_max < 0.0;
    return FADYN_OK;
}

int fadyn_nd_run(fadyn_nd_ws *ws, const double *y0, const fadyn_nd_params *np, fadyn_nd_result *out,
                 fadyn_err *err) {
    memset(out, 0, sizeof *out);
    out->stable = out->stable_reduced = -1;
    out->nse = out->speed = NAN;
    memcpy(ws->y, y0, ws->dim * sizeof(double));
    nd_ctx c = {ws, ws->obs, np, 0.0, NAN, NAN, FADYN_OK};
    gsl_odeiv2_system sys = fadyn_dyn_system(ws->d);
    fadyn_integ_stats st;
    unsigned long r0 = fadyn_dyn_rhs_count(ws->d);
    int rc = fadyn_integrate(&sys, &np->integ, ws->y, nd_check, &c, &st, err);
    out->rhs_evals = fadyn_dyn_rhs_count(ws->d) - r0;
    out->t_end = c.t;
    out->nse = c.nse;
    out->speed = c.speed;
    if (c.obs_rc != FADYN_OK) return fadyn_err_set(err, c.obs_rc, "observer failed");
    switch (rc) {
    case FADYN_CHECK_FAILED:
        out->status = FADYN_OK;
        out->converged = 1;
        break;
    case FADYN_OK:
        out->status = FADYN_OK;
        break;
    case FADYN_DIVERGED:
    case FADYN_MAXSTEPS:
        out->status = rc;
        out->t_end = st.t_reached;
        return FADYN_OK;
    default:
        return rc;
    }
    if (err) fadyn_err_clear(err);
    if (classify_end(ws, np, out) != FADYN_OK)
        return fadyn_err_set(err, FADYN_ELAPACK, "eigenvalues of W B failed");
    if (out->converged) {
        out->stable_reduced = out->nu_re_min + out->mu_min > 0.0;
        if (np->stability && stability(ws, np, out) != FADYN_OK)
            return fadyn_err_set(err, FADYN_ELAPACK, "Jacobian eigenvalues failed");
    }
    return FADYN_OK;
}

int fadyn_nd_draw(fadyn_problem *p, const size_t sizes[3], const fadyn_init_params *ip,
                  unsigned long seed, fadyn_err *err) {
    int rc = fadyn_problem_alloc(p, 2, sizes, fadyn_rule_type_find("fa"), err);
    if (rc != FADYN_OK) return rc;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    gsl_rng_set(r, seed);
    fadyn_init_params d = ip ? *ip : fadyn_init_params_default();
    d.w_scale = 1.0;
    fadyn_problem_draw(p, &d, r);
    gsl_rng_free(r);
    return FADYN_OK;
}

/* The draw of a sample: T, B at np's scales and a direction U[−1,1]. */
static int draw(fadyn_problem *p, size_t depth, const size_t *sizes, const fadyn_nd_params *np,
                unsigned long seed, fadyn_err *err) {
    if (depth != 2)
        return fadyn_err_set(err, FADYN_EINVAL, "sizes: the sampled basin needs one hidden layer");
    return fadyn_nd_draw(p, sizes, &np->draw, seed, err);
}

/* The work of one problem: a list of starts y0(k) = base + coefficients. */
typedef struct {
    size_t depth;
    const size_t *sizes;
    const fadyn_nd_params *np;
} nd_job;

static int check_job(const nd_job *job, fadyn_err *err) {
    if (job->depth != 2)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "sizes: the sampled basin needs one hidden layer (3 sizes)");
    return fadyn_integ_params_check(&job->np->integ, err);
}

/* ---- the starts as work items (fadyn/work.h): a sample (its problem drawn
 * from seed + s, every scale), a node of a slice, or a scale --------------- */
typedef struct {
    const fadyn_problem *p; /* slices and scales: the one problem */
    const fadyn_nd_params *np;
    size_t depth;
    const size_t *sizes;
    unsigned long seed; /* samples: sample s is drawn from seed + s */
    const double *scales;
    size_t nscales;
    const double *d0, *d1, *d2; /* a slice's plane w (d0 + u d1 + v d2) */
    double scale, span;
    size_t nu, nv;
} nd_items;

typedef struct {
    fadyn_nd_ws *ws;
    double *y0;
} nd_thread;

static void nd_thread_free(void *ctx, void *v) {
    (void)ctx;
    nd_thread *t = v;
    if (!t) return;
    fadyn_nd_ws_free(t->ws);
    free(t->y0);
    free(t);
}

/* The workspace and a start of the one problem. */
static void *nd_thread_alloc(void *ctx, fadyn_err *err) {
    const nd_items *it = ctx;
    nd_thread *t = calloc(1, sizeof *t);
    if (t && (t->ws = fadyn_nd_ws_alloc(it->p, err)) &&
        (t->y0 = malloc(it->p->dim * sizeof(double))))
        return t;
    if (t && t->ws) fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    nd_thread_free(ctx, t);
    return NULL;
}

/* Sample s: its problem from seed + s, its start at every scale. */
static int nd_sample(void *ctx, void *ws, size_t s, void *rec, fadyn_err *err) {
    (void)ws;
    const nd_items *it = ctx;
    fadyn_nd_result *res = rec;
    fadyn_problem p;
    memset(&p, 0, sizeof p);
    int rc = draw(&p, it->depth, it->sizes, it->np, it->seed + s, err);
    nd_thread t = {NULL, NULL};
    if (rc == FADYN_OK) {
        t.ws = fadyn_nd_ws_alloc(&p, err);
        t.y0 = malloc(p.dim * sizeof(double));
        if (!t.ws || !t.y0)
            rc = t.ws || !err->code ? fadyn_err_set(err, FADYN_ENOMEM, "out of memory") : err->code;
    }
    for (size_t k = 0; k < it->nscales && rc == FADYN_OK; k++) {
        for (size_t i = 0; i < p.dim; i++)
            t.y0[i] = it->scales[k] * p.w0[i];
        rc = fadyn_nd_run(t.ws, t.y0, it->np, &res[k], err);
    }
    free(t.y0);
    fadyn_nd_ws_free(t.ws);
    fadyn_problem_free(&p);
    return rc < 0 ? rc : FADYN_OK;
}

/* Node n = j nu + i of the slice: u_i, v_j. */
static int nd_node(void *ctx, void *ws, size_t n, void *rec, fadyn_err *err) {
    const nd_items *it = ctx;
    nd_thread *t = ws;
    double u = fadyn_nd_slice_coord(it->span, it->nu, n % it->nu);
    double v = fadyn_nd_slice_coord(it->span, it->nv, n / it->nu);
    for (size_t m = 0; m < it->p->dim; m++)
        t->y0[m] = it->scale * (it->d0[m] + u * it->d1[m] + v * it->d2[m]);
    return fadyn_nd_run(t->ws, t->y0, it->np, rec, err);
}

/* Scale k: the problem's start times scales[k]. */
static int nd_scale(void *ctx, void *ws, size_t k, void *rec, fadyn_err *err) {
    const nd_items *it = ctx;
    nd_thread *t = ws;
    for (size_t m = 0; m < it->p->dim; m++)
        t->y0[m] = it->scales[k] * it->p->w0[m];
    return fadyn_nd_run(t->ws, t->y0, it->np, rec, err);
}

/* The items of it, n records of size bytes into rec, BLAS on one thread. */
static int nd_map(nd_items *it, size_t n, size_t size, void *rec,
                  int (*run)(void *, void *, size_t, void *, fadyn_err *), fadyn_err *err) {
    fadyn_work_job job = {.n = n,
                          .size = size,
                          .rec = rec,
                          .ctx = it,
                          .ws_alloc = it->p ? nd_thread_alloc : NULL,
                          .ws_free = it->p ? nd_thread_free : NULL,
                          .run = run,
                          .progress = it->np->progress,
                          .progress_ctx = it->np->progress_ctx};
    int blas = fadyn_blas_set_threads(1);
    int rc = fadyn_work_map(&job, err);
    fadyn_blas_set_threads(blas);
    return rc;
}

int fadyn_nd_run_many(size_t depth, const size_t *sizes, unsigned long seed, size_t samples,
                      const double *scales, size_t nscales, const fadyn_nd_params *np,
                      fadyn_nd_result *res, fadyn_err *err) {
    nd_job job = {depth, sizes, np};
    int status = check_job(&job, err);
    if (status != FADYN_OK) return status;
    /* a sample's record holds its scales; res is scale-major (res[k samples + s]) */
    fadyn_nd_result *rec = fadyn_malloc_n(samples, nscales, sizeof *rec);
    if (!rec) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory for %zu starts", samples);
    nd_items it = {.np = np,
                   .depth = depth,
                   .sizes = sizes,
                   .seed = seed,
                   .scales = scales,
                   .nscales = nscales};
    status = nd_map(&it, samples, nscales * sizeof *rec, rec, nd_sample, err);
    for (size_t s = 0; s < samples; s++)
        for (size_t k = 0; k < nscales; k++)
            res[k * samples + s] = rec[s * nscales + k];
    free(rec);
    return status;
}

int fadyn_nd_slice(size_t depth, const size_t *sizes, unsigned long seed, double scale, double span,
                   size_t nu, size_t nv, const fadyn_nd_params *np, fadyn_nd_result *res,
                   fadyn_err *err) {
    nd_job job = {depth, sizes, np};
    int status = check_job(&job, err);
    if (status != FADYN_OK) return status;
    /* three draws from the seed: the base start (with T, B) and two directions */
    fadyn_problem p, d1, d2;
    memset(&p, 0, sizeof p);
    memset(&d1, 0, sizeof d1);
    memset(&d2, 0, sizeof d2);
    if ((status = draw(&p, depth, sizes, np, seed, err)) == FADYN_OK &&
        (status = draw(&d1, depth, sizes, np, seed + 1000003UL, err)) == FADYN_OK)
        status = draw(&d2, depth, sizes, np, seed + 2000003UL, err);
    if (status == FADYN_OK)
        status = fadyn_nd_slice_of(&p, p.w0, d1.w0, d2.w0, scale, span, nu, nv, np, res, err);
    fadyn_problem_free(&p);
    fadyn_problem_free(&d1);
    fadyn_problem_free(&d2);
    return status;
}

int fadyn_nd_slice_of(const fadyn_problem *p, const double *d0, const double *d1, const double *d2,
                      double scale, double span, size_t nu, size_t nv, const fadyn_nd_params *np,
                      fadyn_nd_result *res, fadyn_err *err) {
    nd_job job = {p->depth, p->sizes, np};
    int status = check_job(&job, err);
    if (status != FADYN_OK) return status;
    if (nu < 2 || nv < 2 || !(span > 0.0) || !isfinite(span) || !(scale > 0.0) || !isfinite(scale))
        return fadyn_err_set(err, FADYN_EINVAL,
                             "slice: need a grid of at least 2x2, span > 0 and scale > 0");
    nd_items it = {.p = p,
                   .np = np,
                   .d0 = d0,
                   .d1 = d1,
                   .d2 = d2,
                   .scale = scale,
                   .span = span,
                   .nu = nu,
                   .nv = nv};
    return nd_map(&it, nu * nv, sizeof *res, res, nd_node, err);
}

int fadyn_nd_run_scales(const fadyn_problem *p, const double *scales, size_t nscales,
                        const fadyn_nd_params *np, fadyn_nd_result *res, fadyn_err *err) {
    nd_job job = {p->depth, p->sizes, np};
    int status = check_job(&job, err);
    if (status != FADYN_OK) return status;
    nd_items it = {.p = p, .np = np, .scales = scales, .nscales = nscales};
    return nd_map(&it, nscales, sizeof *res, res, nd_scale, err);
}

double fadyn_nd_slice_coord(double span, size_t n, size_t i) {
    return -span + 2.0 * span * (double)i / (double)(n - 1);
}

size_t fadyn_nd_zero_modes_expected(const size_t sizes[3]) {
    return sizes[1] * (sizes[0] + sizes[2]) - sizes[2] * sizes[0];
}

int fadyn_nd_class(const fadyn_nd_result *r) {
    if (r->status == FADYN_DIVERGED) return -2;
    if (!r->converged) return -1;
    return r->align;
}

fadyn_nd_tally fadyn_nd_tally_of(const fadyn_nd_result *r, size_t n, const size_t sizes[3]) {
    fadyn_nd_tally t;
    memset(&t, 0, sizeof t);
    size_t expect = fadyn_nd_zero_modes_expected(sizes);
    for (size_t i = 0; i < n; i++) {
        int c = fadyn_nd_class(&r[i]);
        t.frac[c == -2 ? FADYN_ND_DIVERGED : c == -1 ? FADYN_ND_UNCONVERGED : c] += 1.0 / (double)n;
        if (r[i].stable == 1) t.frac[FADYN_ND_STABLE] += 1.0 / (double)n;
        if (r[i].stable >= 0) {
            t.checked++;
            t.agree += r[i].stable == r[i].stable_reduced;
            t.zero_match += r[i].zero_modes == expect;
        }
    }
    return t;
}

const char *fadyn_nd_tally_name(int k) {
    static const char *const names[FADYN_ND_NTALLY] = {"posdef",      "indefinite", "negdef",
                                                       "unconverged", "diverged",   "stable"};
    return k >= 0 && k < FADYN_ND_NTALLY ? names[k] : "?";
}

/* One unit coordinate axis "NAME:row:col" (A:0:1 is entry (0, 1) of A). */
static int axis_of(const fadyn_problem *p, const char *spec, double *d, fadyn_err *err) {
    char name[16];
    size_t row, col, index;
    int used = 0;
    if (sscanf(spec, "%15[A-Za-z0-9]:%zu:%zu%n", name, &row, &col, &used) != 3 ||
        spec[used] != '\0')
        return fadyn_err_set(err, FADYN_EINVAL,
                             "slice axis '%s': give NAME:ROW:COL, e.g. A:0:1 (a weight file's "
                             "name and an entry, from 0)",
                             spec);
    if (fadyn_problem_weight_index(p, name, row, col, &index) != FADYN_OK)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "slice axis '%s': no such entry (%s.txt is not a weight matrix of "
                             "the network, or the entry lies outside it)",
                             spec, name);
    memset(d, 0, p->dim * sizeof *d);
    d[index] = 1.0;
    return FADYN_OK;
}

int fadyn_nd_slice_dirs(const fadyn_problem *p, int kind, const char *const spec[2],
                        unsigned long seed, const fadyn_nd_params *np, double *d1, double *d2,
                        fadyn_err *err) {
    double *d[2] = {d1, d2};
    int rc = FADYN_OK;
    for (int k = 0; k < 2 && rc == FADYN_OK; k++) {
        if (kind == FADYN_ND_DIRS_FILES) {
            rc = fadyn_problem_load_weights(p, spec[k], d[k], err);
        } else if (kind == FADYN_ND_DIRS_AXES) {
            rc = axis_of(p, spec[k], d[k], err);
        } else { /* the draws fadyn_nd_slice makes */
            fadyn_problem q;
            memset(&q, 0, sizeof q);
            rc = fadyn_nd_draw(&q, p->sizes, &np->draw, seed + (k ? 2000003UL : 1000003UL), err);
            if (rc == FADYN_OK) memcpy(d[k], q.w0, p->dim * sizeof *d[k]);
            fadyn_problem_free(&q);
        }
    }
    if (rc == FADYN_OK && kind == FADYN_ND_DIRS_AXES && memcmp(d1, d2, p->dim * sizeof *d1) == 0)
        return fadyn_err_set(err, FADYN_EINVAL, "slice axes %s and %s: the same axis", spec[0],
                             spec[1]);
    return rc;
}

const char *fadyn_nd_dirs_name(int kind) {
    return kind == FADYN_ND_DIRS_FILES    ? "files"
           : kind == FADYN_ND_DIRS_AXES   ? "axes"
           : kind == FADYN_ND_DIRS_RANDOM ? "random"
                                          : NULL;
}

/* The start and the directions every rank read for itself: the same on
 * every MPI rank (fadyn_work_same), or FADYN_EINVAL on every rank. */
static int same_inputs(const fadyn_nd_user *u, const fadyn_problem *p, const double *d,
                       fadyn_err *err) {
    unsigned long long h = fadyn_problem_hash(p);
    if (u->slice) h = fadyn_work_hash(h, d, 2 * p->dim * sizeof(double));
    if (fadyn_work_same(h)) return FADYN_OK;
    return fadyn_err_set(err, FADYN_EINVAL,
                         "%s: the MPI ranks read different files (each rank reads its own copy: "
                         "every rank needs the same ones)",
                         u->init_from ? u->init_from : "the slice's directions");
}

int fadyn_nd_run_user(const fadyn_nd_user *u, const fadyn_nd_params *np, fadyn_nd_result *r,
                      fadyn_err *err) {
    fadyn_problem p;
    memset(&p, 0, sizeof p);
    int rc = u->init_from ? fadyn_problem_alloc(&p, 2, u->sizes, fadyn_rule_type_find("fa"), err)
                          : fadyn_nd_draw(&p, u->sizes, &np->draw, u->seed, err);
    if (rc == FADYN_OK && u->init_from) rc = fadyn_problem_load(&p, u->init_from, err);
    double *d = rc == FADYN_OK ? fadyn_malloc_n(2, p.dim, sizeof(double)) : NULL;
    if (rc == FADYN_OK && !d) rc = fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    if (rc == FADYN_OK && u->slice)
        rc = fadyn_nd_slice_dirs(&p, u->dirs, u->dir_spec, u->seed, np, d, d + p.dim, err);
    /* each rank read the files itself: every rank goes on, or none (fadyn/work.h) */
    rc = fadyn_work_agree(rc, err);
    if (rc == FADYN_OK) rc = same_inputs(u, &p, d, err);
    if (rc == FADYN_OK)
        rc = u->slice ? fadyn_nd_slice_of(&p, p.w0, d, d + p.dim, u->scales[0], u->span, u->na,
                                          u->nw, np, r, err)
                      : fadyn_nd_run_scales(&p, u->scales, u->nscales, np, r, err);
    free(d);
    fadyn_problem_free(&p);
    return rc;
}

void fadyn_nd_slice_about(const char *init_from, int dirs, const char *spec0, const char *spec1,
                          char *buf, size_t n) {
    int random = dirs == FADYN_ND_DIRS_RANDOM;
    snprintf(buf, n, "d_0 %s%s, d_1 and d_2 %s %s%s%s%s", init_from ? "from " : "drawn",
             init_from ? init_from : "", random ? "random" : "",
             dirs == FADYN_ND_DIRS_FILES  ? "from "
             : dirs == FADYN_ND_DIRS_AXES ? "the axes "
                                          : "",
             spec0, random ? "" : " and ", random ? "" : spec1);
}
