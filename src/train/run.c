/* run.c — training runs: one run with its evaluation rows, many in parallel
 * (over threads and MPI ranks, fadyn/work.h), aggregation over runs and the learning-rate search.
 */
#include "fadyn/clock.h"
#include "fadyn/size.h"
#include "train_impl.h"

#include "fadyn/observer.h"
#include "fadyn/work.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

double fadyn_train_default_eta(fadyn_task_kind task, const fadyn_rule_type *rule) {
    double eta = task == FADYN_TASK_LINEAR ? rule->eta.linear : rule->eta.teacher;
    return eta > 0.0 ? eta : 1e-3;
}

const double fadyn_tune_grid[] = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1};
const size_t fadyn_tune_grid_n = sizeof fadyn_tune_grid / sizeof fadyn_tune_grid[0];

size_t fadyn_train_ncols(const fadyn_net_spec *spec) {
    return 3 + 2 * (spec->depth - 1);
}

void fadyn_train_col_name(size_t i, char *out, size_t n) {
    /* the observer's names (fadyn/observer.h), angles per hidden layer */
    const char *const first[] = {"example", fadyn_obs_names[FADYN_OBS_NSE],
                                 fadyn_obs_names[FADYN_OBS_LOSS]};
    if (i < 3)
        snprintf(out, n, "%s", first[i]);
    else
        snprintf(out, n, "%s_h%zu",
                 fadyn_obs_names[(i - 3) % 2 ? FADYN_OBS_ANGLE_PBP : FADYN_OBS_ANGLE_BP],
                 (i - 3) / 2 + 1);
}

void fadyn_train_result_free(fadyn_train_result *r) {
    free(r->rows);
    memset(r, 0, sizeof *r);
}

unsigned long fadyn_train_run_seed(unsigned long seed, size_t run) {
    return fadyn_seed_mix(seed, 100 + run);
}

/* Evaluate at the current weights: angles on row 0 of the batch in X/Y (the
 * example about to be learned), then the held-out NSE. */
static int record(fadyn_train_ws *ws, fadyn_train_result *res, size_t examples, double loss_mean) {
    double *row = res->rows + res->nrows * res->ncols;
    size_t nh = ws->L - 1;
    row[0] = (double)examples;
    row[2] = loss_mean;
    for (size_t k = 0; k < 2 * nh; k++)
        row[3 + k] = NAN;
    if (ws->par.angles && nh > 0) {
        double bp[FADYN_MAX_DEPTH], pbp[FADYN_MAX_DEPTH];
        int rc = fadyn_train_ws_angles(ws, 0, bp, pbp);
        if (rc < 0) return rc;
        for (size_t k = 0; k < nh; k++) {
            row[3 + 2 * k] = bp[k];
            row[4 + 2 * k] = pbp[k];
        }
    }
    row[1] = fadyn_train_ws_nse(ws);
    res->nrows++;
    return FADYN_OK;
}

/* The first evaluation after `done` examples: the next multiple of
 * eval_every, or with eval_per_decade = m the least ceil(10^(j/m)) > done
 * (the end of the run is always evaluated besides). */
static size_t next_eval_after(const fadyn_train_params *p, size_t done) {
    if (!p->eval_per_decade) return (done / p->eval_every + 1) * p->eval_every;
    double m = (double)p->eval_per_decade;
    double j = done ? floor(m * log10((double)done)) : 0.0;
    size_t at;
    while ((at = (size_t)ceil(pow(10.0, j / m) - 1e-9)) <= done)
        j += 1.0;
    return at;
}

/* Rows a run records at most: its evaluations, the first and the last. */
static size_t eval_rows_max(const fadyn_train_params *p) {
    if (p->eval_per_decade)
        return (size_t)((double)p->eval_per_decade * (log10((double)p->examples + 1.0) + 1.0)) + 3;
    size_t rows = SIZE_MAX; /* examples / eval_every + 3, which must not wrap (issue 13) */
    if (p->eval_every && fadyn_add_size_overflow(p->examples / p->eval_every, 3, &rows))
        rows = SIZE_MAX;
    return rows;
}

static int run_ws(fadyn_train_ws *ws, gsl_rng *data, gsl_rng *noise, fadyn_train_result *res) {
    const fadyn_train_params *p = &ws->par;
    size_t K = p->batch, done = 0, next_eval = 0, since = 0;
    double loss_acc = 0.0;
    ws->noise = noise;
    while (1) {
        size_t k = p->examples - done < K ? p->examples - done : K;
        if (K == 1 && k == 1) { /* online: the examples up to the next record, at once */
            size_t ne = next_eval > done ? next_eval : next_eval_after(p, done);
            k = p->examples - done;
            if (k > ne - done) k = ne - done;
            if (k > ws->kmax) k = ws->kmax;
        }
        /* the batch about to be learned (also the angles' example) */
        fadyn_train_ws_sample(ws, data, k ? k : 1, ws->X, ws->Y);
        if (done >= next_eval || k == 0) {
            int rc = record(ws, res, done, since ? loss_acc / (double)since : NAN);
            if (rc < 0) return fadyn_err_set(&res->err, rc, "SVD failed at example %zu", done);
            loss_acc = 0.0;
            since = 0;
            next_eval = next_eval_after(p, done);
        }
        if (k == 0) break;
        double loss;
        int rc = K == 1 ? fadyn_train_online(ws, k, ws->X, ws->Y, &loss)
                        : fadyn_train_step(ws, k, ws->X, ws->Y, noise, &loss);
        if (rc == FADYN_DIVERGED) {
            res->diverged_at = done + ws->bad_row;
            return fadyn_err_set(&res->err, FADYN_DIVERGED,
                                 "loss not finite (or beyond %g) at example %zu", p->radius,
                                 res->diverged_at);
        }
        if (rc) return fadyn_err_set(&res->err, rc, "SVD failed at example %zu", done);
        loss_acc += loss;
        since += k;
        done += k;
    }
    return FADYN_OK;
}

int fadyn_train_run(const fadyn_task *task, const fadyn_net_spec *spec, const fadyn_rule_type *rule,
                    const fadyn_train_params *par, unsigned long init_seed,
                    fadyn_train_result *res) {
    memset(res, 0, sizeof *res);
    double t0 = fadyn_wall_seconds();
    res->ncols = fadyn_train_ncols(spec);
    res->final_nse = NAN;
    size_t maxrows = eval_rows_max(par);
    res->rows = fadyn_malloc_n(maxrows, res->ncols, sizeof(double)); /* NULL on overflow */
    fadyn_train_ws *ws = fadyn_train_ws_alloc(task, spec, rule, par, &res->err);
    gsl_rng *init = gsl_rng_alloc(gsl_rng_mt19937), *data = gsl_rng_alloc(gsl_rng_mt19937),
            *noise = gsl_rng_alloc(gsl_rng_mt19937);
    if (!ws || !res->rows || !init || !data || !noise) {
        if (ws && !res->rows)
            fadyn_err_set(&res->err, FADYN_ENOMEM,
                          "no memory for %zu rows of %zu columns (examples / eval_every)", maxrows,
                          res->ncols);
        else if (ws)
            fadyn_err_set(&res->err, FADYN_ENOMEM, "out of memory");
        res->status = res->err.code ? res->err.code : FADYN_ENOMEM;
    } else {
        gsl_rng_set(init, init_seed);
        gsl_rng_set(data, fadyn_seed_mix(task->par.seed, 2)); /* one data sequence per seed */
        gsl_rng_set(noise, fadyn_seed_mix(init_seed, 7));
        fadyn_train_ws_draw(ws, init);
        if (par->init) /* the problem's state instead of the drawn one */
            fadyn_train_ws_set(ws, (const double *const *)par->init->W,
                               (const double *const *)par->init->B);
        res->status = run_ws(ws, data, noise, res);
        if (res->status == FADYN_OK && res->nrows)
            res->final_nse = res->rows[(res->nrows - 1) * res->ncols + 1];
    }
    gsl_rng_free(init);
    gsl_rng_free(data);
    gsl_rng_free(noise);
    fadyn_train_ws_free(ws);
    res->wall_seconds = fadyn_wall_seconds() - t0;
    return res->status;
}

int fadyn_train_runs(const fadyn_task *task, const fadyn_net_spec *spec,
                     const fadyn_rule_type *rule, const fadyn_train_params *par, unsigned long seed,
                     size_t nruns, fadyn_train_result *res) {
    return fadyn_train_runs_progress(task, spec, rule, par, seed, nruns, res, NULL, NULL);
}

/* ---- runs as work items (fadyn/work.h): a record is a fadyn_train_result,
 * its rows the part that travels after it */
typedef struct {
    void (*run)(void *ctx, size_t i, fadyn_train_result *res);
    void *ctx;
} map_job;

static int map_item(void *ctx, void *ws, size_t i, void *rec, fadyn_err *err) {
    (void)ws;
    (void)err; /* a run's failure is its record's status and err */
    const map_job *j = ctx;
    j->run(j->ctx, i, rec);
    return FADYN_OK;
}

static size_t rows_bytes(void *ctx, const void *rec) {
    (void)ctx;
    const fadyn_train_result *r = rec;
    return r->rows ? r->nrows * r->ncols * sizeof(double) : 0;
}

static void rows_pack(void *ctx, const void *rec, void *buf) {
    const fadyn_train_result *r = rec;
    memcpy(buf, r->rows, rows_bytes(ctx, rec));
}

static int rows_unpack(void *ctx, void *rec, const void *buf, size_t bytes, fadyn_err *err) {
    (void)ctx;
    fadyn_train_result *r = rec;
    r->rows = NULL;
    if (bytes == 0) return FADYN_OK;
    if (!(r->rows = malloc(bytes))) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    memcpy(r->rows, buf, bytes);
    return FADYN_OK;
}

static void rows_release(void *ctx, void *rec) {
    (void)ctx;
    fadyn_train_result_free(rec);
}

int fadyn_train_map(size_t n, fadyn_train_result *res,
                    void (*run)(void *ctx, size_t i, fadyn_train_result *r), void *ctx,
                    fadyn_progress_fn progress, void *pctx) {
    map_job j = {run, ctx};
    fadyn_work_job job = {.n = n,
                          .size = sizeof *res,
                          .rec = res,
                          .ctx = &j,
                          .run = map_item,
                          .extra = rows_bytes,
                          .pack = rows_pack,
                          .unpack = rows_unpack,
                          .release = rows_release,
                          .progress = progress,
                          .progress_ctx = pctx};
    int old = fadyn_blas_set_threads(1);
    fadyn_err err;
    fadyn_err_clear(&err);
    int rc = fadyn_work_map(&job, &err);
    fadyn_blas_set_threads(old);
    if (rc < 0) /* records that could not reach every rank */
        for (size_t r = 0; r < n; r++)
            if (res[r].status >= 0 && !res[r].rows) res[r].status = rc, res[r].err = err;
    return rc;
}

/* Run r of an ensemble: its seed fadyn_train_run_seed(seed, r). */
typedef struct {
    const fadyn_task *task;
    const fadyn_net_spec *spec;
    const fadyn_rule_type *rule;
    const fadyn_train_params *par;
    unsigned long seed;
} runs_job;

static void ensemble_run(void *ctx, size_t r, fadyn_train_result *res) {
    const runs_job *j = ctx;
    fadyn_train_run(j->task, j->spec, j->rule, j->par, fadyn_train_run_seed(j->seed, r), res);
}

int fadyn_train_runs_progress(const fadyn_task *task, const fadyn_net_spec *spec,
                              const fadyn_rule_type *rule, const fadyn_train_params *par,
                              unsigned long seed, size_t nruns, fadyn_train_result *res,
                              fadyn_progress_fn progress, void *ctx) {
    runs_job j = {task, spec, rule, par, seed};
    int rc = fadyn_train_map(nruns, res, ensemble_run, &j, progress, ctx);
    if (rc < 0) return rc;
    int status = FADYN_OK;
    for (size_t r = 0; r < nruns; r++) {
        if (res[r].status < 0) return res[r].status;
        if (res[r].status == FADYN_DIVERGED) status = FADYN_DIVERGED;
    }
    return status;
}

size_t fadyn_train_aggregate(const fadyn_train_result *res, size_t nruns, double *mean,
                             double *sd) {
    size_t nrows = 0, nc = nruns ? res[0].ncols : 0;
    for (size_t r = 0; r < nruns; r++)
        if (res[r].nrows > nrows) nrows = res[r].nrows;
    for (size_t i = 0; i < nrows; i++)
        for (size_t c = 0; c < nc; c++) {
            double s = 0.0, s2 = 0.0;
            size_t m = 0;
            for (size_t r = 0; r < nruns; r++) {
                if (res[r].status != FADYN_OK || i >= res[r].nrows) continue;
                double x = res[r].rows[i * nc + c];
                if (!isfinite(x)) continue;
                s += x;
                m++;
            }
            double mu = m ? s / (double)m : NAN;
            for (size_t r = 0; r < nruns; r++) {
                if (res[r].status != FADYN_OK || i >= res[r].nrows) continue;
                double x = res[r].rows[i * nc + c];
                if (isfinite(x)) s2 += (x - mu) * (x - mu);
            }
            mean[i * nc + c] = mu;
            sd[i * nc + c] = m > 1 ? sqrt(s2 / (double)(m - 1)) : NAN;
        }
    return nrows;
}

size_t fadyn_train_final_stats(const fadyn_train_result *res, size_t nruns, double *mean,
                               double *sd) {
    double s = 0.0, s2 = 0.0;
    size_t m = 0;
    for (size_t r = 0; r < nruns; r++)
        if (res[r].status == FADYN_OK) {
            s += res[r].final_nse;
            m++;
        }
    *mean = m ? s / (double)m : NAN;
    for (size_t r = 0; r < nruns; r++)
        if (res[r].status == FADYN_OK)
            s2 += (res[r].final_nse - *mean) * (res[r].final_nse - *mean);
    *sd = m > 1 ? sqrt(s2 / (double)(m - 1)) : NAN;
    return m;
}

int fadyn_train_tune(const fadyn_task *task, const fadyn_net_spec *spec,
                     const fadyn_rule_type *rule, const fadyn_train_params *par, unsigned long seed,
                     size_t runs, const double *grid, size_t ngrid, double *best, double *score,
                     fadyn_err *err) {
    fadyn_train_result *res = calloc(runs, sizeof *res);
    if (!res) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    double best_score = INFINITY;
    *best = grid[0];
    for (size_t g = 0; g < ngrid; g++) {
        fadyn_train_params p = *par;
        p.eta = grid[g];
        p.angles = 0;
        int rc = fadyn_train_runs(task, spec, rule, &p, seed, runs, res);
        double sc = 0.0;
        size_t m = 0;
        for (size_t r = 0; r < runs && rc >= 0; r++) {
            for (size_t i = 1; i < res[r].nrows; i++) {
                double nse = res[r].rows[i * res[r].ncols + 1];
                sc += isfinite(nse) && nse > 0 ? log10(nse) : INFINITY;
                m++;
            }
            if (res[r].status != FADYN_OK) sc = INFINITY; /* diverging rates lose */
        }
        for (size_t r = 0; r < runs; r++)
            fadyn_train_result_free(&res[r]);
        if (rc < 0) {
            free(res);
            return fadyn_err_set(err, rc, "tuning failed at rate %g", grid[g]);
        }
        sc = m ? sc / (double)m : INFINITY;
        if (score) score[g] = sc;
        if (sc < best_score) {
            best_score = sc;
            *best = grid[g];
        }
    }
    free(res);
    return FADYN_OK;
}
