/* fig4.c — Fig. 4: fa on Task 1 at η = 1e-3 from initial weights U[-ω, ω]
 * over a range of scales ω: the NSE and the angles of fa's hidden update
 * to bp's and to pbp's (small ω: fa follows the pseudoinverse, docs/theory.md). */
#include "experiments_impl.h"
#include "fadyn/json.h"
#include "fadyn/linalg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUICK                                                                                      \
    { 0, 20000 }
#define FULL                                                                                       \
    { 0, 50000 }
#define MINIMUM                                                                                    \
    { 0, 200 }

static const double OMEGAS[] = {0.0001, 0.001, 0.01, 0.05, 0.1, 0.125, 0.15, 0.2, 0.25};

fadyn_fig4_params fadyn_fig4_params_default(void) {
    fadyn_fig4_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)QUICK);
    p.eta = 1e-3;
    p.omegas = OMEGAS;
    p.nomegas = sizeof OMEGAS / sizeof OMEGAS[0];
    return p;
}

/* Run i: omega_i's initial scale, the seed of run 0 (one start per omega). */
typedef struct {
    const fadyn_task *task;
    const fadyn_net_spec *spec;
    const fadyn_rule_type *fa;
    const fadyn_train_params *tp;
    const fadyn_fig4_params *p;
} fig4_job;

static void fig4_run_one(void *ctx, size_t i, fadyn_train_result *res) {
    const fig4_job *j = ctx;
    fadyn_train_params pi = *j->tp;
    pi.w_scale = j->p->omegas[i];
    fadyn_train_run(j->task, j->spec, j->fa, &pi, fadyn_train_run_seed(j->p->set.seed, 0), res);
}

int fadyn_fig4_run(const fadyn_fig4_params *p, fadyn_fig4_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->par = *p;
    size_t n = p->nomegas;
    int rc = fadyn_exp_check("fig4", &p->set, (fadyn_recipe_scale)MINIMUM, err);
    if (rc == FADYN_OK && !(p->eta > 0.0 && isfinite(p->eta)))
        rc = fadyn_err_set(err, FADYN_EINVAL, "fig4: eta %g: must be > 0", p->eta);
    for (size_t i = 0; rc == FADYN_OK && i < n; i++)
        if (!(p->omegas[i] >= 0.0 && isfinite(p->omegas[i])))
            rc = fadyn_err_set(err, FADYN_EINVAL, "fig4: omegas[%zu] %g: must be >= 0", i,
                               p->omegas[i]);
    if (rc) return rc;
    fadyn_task task;
    fadyn_net_spec spec;
    if ((rc = fadyn_exp_task1(p->set.seed, &task, &spec, err))) return rc;
    r->runs = fadyn_exp_runs_alloc(n, err);
    r->last = malloc((n ? n : 1) * sizeof *r->last);
    if (!r->runs || !r->last) {
        fadyn_task_free(&task);
        fadyn_fig4_result_free(r);
        return fadyn_err_set(err, FADYN_ENOMEM, "fig4: out of memory");
    }
    const fadyn_rule_type *fa = fadyn_rule_type_find("fa");
    fadyn_train_params tp = fadyn_train_params_default();
    tp.eta = p->eta;
    tp.examples = p->set.examples;
    tp.eval_every = tp.examples / 200;
    tp.angle = p->set.angle;
    fig4_job job = {&task, &spec, fa, &tp, p};
    /* over threads and MPI ranks; a failure is in its run's record, read below */
    fadyn_train_map(n, r->runs, fig4_run_one, &job, p->set.progress, p->set.progress_ctx);
    fadyn_task_free(&task);
    for (size_t i = 0; i < n; i++) {
        const fadyn_train_result *res = &r->runs[i];
        if (res->status < 0 && rc == FADYN_OK) {
            if (err) *err = res->err;
            rc = res->status;
        }
        /* the last evaluation with defined angles (they are NaN once e is at rounding level) */
        const double *last = NULL;
        for (size_t k = res->nrows; k-- > 0 && !last;)
            if (isfinite(res->rows[k * res->ncols + 3])) last = res->rows + k * res->ncols;
        for (int c = 0; c < 3; c++)
            r->last[i][c] = last ? last[c ? 2 + c : 0] : NAN;
    }
    r->diverged = fadyn_exp_diverged("fig4", r->runs, n, NULL);
    if (rc) {
        fadyn_fig4_result_free(r);
        return rc;
    }
    return r->diverged ? FADYN_DIVERGED : FADYN_OK;
}

void fadyn_fig4_summary(const fadyn_fig4_result *r, json_t *summary) {
    json_t *arr = json_array();
    for (size_t i = 0; i < r->par.nomegas; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "omega", json_real(r->par.omegas[i]));
        json_object_set_new(e, "final_nse", fadyn_json_real(r->runs[i].final_nse));
        json_object_set_new(e, "last_angle_example", fadyn_json_real(r->last[i][0]));
        json_object_set_new(e, "last_angle_bp", fadyn_json_real(r->last[i][1]));
        json_object_set_new(e, "last_angle_pbp", fadyn_json_real(r->last[i][2]));
        json_array_append_new(arr, e);
    }
    json_object_set_new(summary, "eta", json_real(r->par.eta));
    json_object_set_new(summary, "examples", json_integer((json_int_t)r->par.set.examples));
    json_object_set_new(summary, "omegas", arr);
}

static int write_run(const char *path, const void *run, fadyn_err *err) {
    return fadyn_train_write_runs(path, run, 1, err);
}

static int draw(const fadyn_plot_target *t, const void *result, fadyn_err *err) {
    const fadyn_fig4_result *r = result;
    return fadyn_plot_fig4(t, r->par.omegas, r->par.nomegas, r->par.set.angle, err);
}

int fadyn_fig4_plot(const fadyn_fig4_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    size_t n = r->par.nomegas;
    fadyn_plot_data *data = calloc(n ? n : 1, sizeof *data);
    if (!data) return fadyn_err_set(err, FADYN_ENOMEM, "fig4: out of memory");
    for (size_t i = 0; i < n; i++) { /* STEM-wI.tsv: every evaluation of run i */
        snprintf(data[i].suffix, sizeof data[i].suffix, "-w%zu.tsv", i);
        data[i].write = write_run;
        data[i].ctx = &r->runs[i];
    }
    int rc = fadyn_plot_make(t, data, n, draw, r, err);
    free(data);
    return rc;
}

size_t fadyn_fig4_report(const fadyn_fig4_result *r, fadyn_strbuf *lines, fadyn_strbuf *diverged) {
    for (size_t i = 0; lines && i < r->par.nomegas; i++)
        if (!isnan(r->last[i][0]))
            fadyn_strbuf_printf(lines,
                                "  fig4 omega %-6g final NSE %.2e; at example %g: angle to bp "
                                "%.1f deg, to pbp %.1f deg\n",
                                r->par.omegas[i], r->runs[i].final_nse, r->last[i][0],
                                r->last[i][1], r->last[i][2]);
    return fadyn_exp_diverged("fig4", r->runs, r->par.nomegas, diverged);
}

void fadyn_fig4_result_free(fadyn_fig4_result *r) {
    fadyn_exp_runs_free(r->runs, r->par.nomegas);
    free(r->last);
    r->runs = NULL;
    r->last = NULL;
}

/* One run per initial scale on Task 1, 200 evaluations on 1000 held-out points. */
static double work(const fadyn_fig_settings *s) {
    fadyn_net_spec spec = fadyn_exp_task1_spec();
    return fadyn_exp_train_work(&spec, fadyn_fig4_params_default().nomegas, s, 200, 1000);
}

FADYN_RECIPE_DEFINE(fig4,
                    "Task 1, fa, eta = 1e-3, initial scale w in {1e-4 ... 0.25}: NSE and the\n"
                    "angles to bp and pbp",
                    QUICK, FULL, MINIMUM, 1400, 700, work);
