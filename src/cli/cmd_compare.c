/* cmd_compare.c — `fadyn compare`: the discrete trainer against its ODE limit. */
#include "cli.h"
#include "fadyn.h"

#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const INTRO =
    "The expected ODE (eq 12-13) is the batch limit of the discrete trainer: run both\n"
    "from the same T, B and initial weights of a linear network - the trainer with\n"
    "rate eta on batches of K fresh samples x ~ N(0, S) per step, the ODE to\n"
    "t = eta*steps - and report their distance over a grid of eta and K:\n"
    "  deviation       |w_train - w_ODE| / |w_ODE| (Frobenius, all weights) at the end\n"
    "  deviation_max   the same, largest over the samples\n"
    "  loss_deviation  |NSE_train - NSE_ODE| / |NSE_ODE| (2-norm over the samples)\n"
    "Euler's error is first order in eta; the sampling noise shrinks like\n"
    "sqrt(eta/K). Cells run in parallel.\n";

static const char *const EPILOGUE =
    "Exit status: 0 success, 1 failure, 2 bad input, 3 a trainer or ODE diverged.\n";

typedef struct {
    cli_problem_opts po;
    double etas[64];
    size_t ne;
    size_t batches[64], nb;
    fadyn_compare_params cp;
    cli_output_opts oo;
} cmp_opts;

typedef cmp_opts A;
static const cli_opt OPTS[] = {
    CLI_GROUP(A, po, cli_problem_table, .section = "Problem (as fadyn ode):"),
    CLI_LIST(doubles, "etas", "LIST", A, etas, ne, "learning rates", CLI_POSITIVE,
             .section = "Grid:"),
    CLI_LIST(sizes, "batches", "LIST", A, batches, nb, "batch sizes K", CLI_RANGE(1, 1e6)),
    CLI_DOUBLE("t-end", "T", A, cp.t_end, "ODE time compared; steps = T/eta rounded up", CLI_REC),
    CLI_SIZE("samples", "N", A, cp.samples, "points along the trajectories", CLI_REC,
             CLI_RANGE(2, 1e5)),
    CLI_SIZE("repeats", "N", A, cp.repeats, "data streams averaged per cell", CLI_REC,
             CLI_RANGE(1, 1000)),
    CLI_STEPPER("stepper", A, cp.integ.stepper, "the ODE's stepper (as fadyn ode)", CLI_REC),
    CLI_DOUBLE("rtol", "X", A, cp.integ.rtol, "the ODE's relative tolerance"),
    CLI_DOUBLE("atol", "X", A, cp.integ.atol, "the ODE's absolute tolerance"),
    CLI_OUTFILE("out", "FILE.tsv", A, oo.out,
                "eta batch steps t deviation deviation_max loss_deviation nse_train nse_ode",
                .section = "Output:"),
    CLI_OUTFILE("summary", "FILE", A, oo.summary,
                "JSON: rows (eta, batch, deviation, ...), trend, parameters"),
    CLI_PLOT(A, oo.plot, "deviations against eta, one line per K"),
    CLI_SET("quiet", A, oo.quiet, "no table on standard output"),
    CLI_END,
};

static void defaults(void *v) {
    cmp_opts *o = v;
    cli_problem_opts_default(&o->po);
    double de[] = {0.01, 0.003, 0.001};
    memcpy(o->etas, de, sizeof de);
    o->ne = 3;
    size_t db[] = {10, 100, 1000};
    memcpy(o->batches, db, sizeof db);
    o->nb = 3;
    o->cp = fadyn_compare_params_default();
}

static int check(cli_ctx *c, void *v) {
    cmp_opts *o = v;
    int rc = cli_problem_check(c->cmd->name, &o->po);
    if (rc == 0) rc = CLI_CHECK(c, fadyn_compare_params_check, &o->cp);
    return rc ? rc : CLI_CHECK(c, fadyn_integ_params_check, &o->cp.integ);
}

static const cli_cmd COMPARE = {.name = "compare",
                                .usage = "[OPTIONS]",
                                .intro = INTRO,
                                .opts = OPTS,
                                .epilogue = EPILOGUE,
                                .size = sizeof(cmp_opts),
                                .init = defaults,
                                .check = check};

#define CMD "compare"

static const char *const COLS[] = {"eta",       "batch",         "steps",          "t",
                                   "deviation", "deviation_max", "loss_deviation", "nse_train",
                                   "nse_ode"};

typedef struct {
    const cmp_opts *o;
    const fadyn_compare_row *rows;
} cmp_table;

/* Rows grouped by batch, eta in the given order within a group. */
static int write_tsv(const char *path, const void *table, fadyn_err *err) {
    const cmp_opts *o = ((const cmp_table *)table)->o;
    const fadyn_compare_row *rows = ((const cmp_table *)table)->rows;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    fadyn_tsv_header(f.f, COLS, 9);
    for (size_t j = 0; j < o->nb; j++)
        for (size_t i = 0; i < o->ne; i++) {
            const fadyn_compare_row *r = &rows[i * o->nb + j];
            double v[9] = {r->eta,       (double)r->batch, (double)r->steps,  r->t,
                           r->deviation, r->deviation_max, r->loss_deviation, r->nse_train,
                           r->nse_ode};
            fadyn_tsv_row(f.f, v, 9);
        }
    return fadyn_ofile_commit(&f, err);
}

/* The trend: deviation falls with eta at the largest K, and with K at the smallest eta. */
static void trend(const cmp_opts *o, const fadyn_compare_row *rows, int *eta_ok, int *batch_ok) {
    size_t ilo = 0, ihi = 0, jlo = 0, jhi = 0;
    for (size_t i = 0; i < o->ne; i++) {
        if (o->etas[i] < o->etas[ilo]) ilo = i;
        if (o->etas[i] > o->etas[ihi]) ihi = i;
    }
    for (size_t j = 0; j < o->nb; j++) {
        if (o->batches[j] < o->batches[jlo]) jlo = j;
        if (o->batches[j] > o->batches[jhi]) jhi = j;
    }
    *eta_ok = rows[ilo * o->nb + jhi].deviation < rows[ihi * o->nb + jhi].deviation;
    *batch_ok = rows[ilo * o->nb + jhi].deviation < rows[ilo * o->nb + jlo].deviation;
}

static int write_summary(const char *path, const cmp_opts *o, const fadyn_compare_row *rows,
                         int eta_ok, int batch_ok, fadyn_err *err) {
    json_t *j = fadyn_json_summary_new("compare");
    json_object_set_new(j, "parameters", cli_json(OPTS, o));
    json_object_set_new(j, "seed", json_integer((json_int_t)o->po.seed));
    json_t *arr = json_array();
    for (size_t c = 0; c < o->ne * o->nb; c++) {
        const fadyn_compare_row *r = &rows[c];
        json_t *e = json_object();
        json_object_set_new(e, "eta", json_real(r->eta));
        json_object_set_new(e, "batch", json_integer((json_int_t)r->batch));
        json_object_set_new(e, "steps", json_integer((json_int_t)r->steps));
        json_object_set_new(e, "t", json_real(r->t));
        json_object_set_new(e, "deviation", fadyn_json_real(r->deviation));
        json_object_set_new(e, "deviation_max", fadyn_json_real(r->deviation_max));
        json_object_set_new(e, "loss_deviation", fadyn_json_real(r->loss_deviation));
        json_object_set_new(e, "nse_train", fadyn_json_real(r->nse_train));
        json_object_set_new(e, "nse_ode", fadyn_json_real(r->nse_ode));
        json_object_set_new(e, "status", json_string(r->status == FADYN_OK ? "ok" : "diverged"));
        json_array_append_new(arr, e);
    }
    json_object_set_new(j, "rows", arr);
    json_t *tr = json_object();
    json_object_set_new(tr, "shrinks_with_eta", json_boolean(eta_ok));
    json_object_set_new(tr, "shrinks_with_batch", json_boolean(batch_ok));
    json_object_set_new(j, "trend", tr);
    int rc = fadyn_json_write(j, path, err);
    json_decref(j);
    return rc;
}

static int draw(const fadyn_plot_target *t, const void *opts, fadyn_err *err) {
    const cmp_opts *o = opts;
    return fadyn_plot_compare(t, o->batches, o->nb, err);
}

static int outputs(const cmp_opts *o, const fadyn_compare_row *rows, fadyn_err *err) {
    int eta_ok, batch_ok, rc;
    trend(o, rows, &eta_ok, &batch_ok);
    cmp_table table = {o, rows};
    if (o->oo.out && (rc = write_tsv(o->oo.out, &table, err))) return rc;
    if (o->oo.summary && (rc = write_summary(o->oo.summary, o, rows, eta_ok, batch_ok, err)))
        return rc;
    if (o->oo.plot) {
        fadyn_plot_target pt;
        if ((rc = fadyn_plot_target_parse(&pt, o->oo.plot, 1300, 600, err))) return rc;
        fadyn_plot_data data = {".tsv", write_tsv, &table, o->oo.out};
        rc = fadyn_plot_make(&pt, &data, 1, draw, o, err);
        if ((rc = cli_plot_status(CMD, rc, err))) return rc;
    }
    if (!o->oo.quiet) {
        printf("fadyn compare: rule %s, sizes", o->po.rule->name);
        for (size_t k = 0; k < o->po.nsizes; k++)
            printf("%c%zu", k ? '-' : ' ', o->po.sizes[k]);
        printf(", trainer vs ODE to t = %g\n", o->cp.t_end);
        printf("  %-9s %-7s %-8s %-11s %-11s %-11s\n", "eta", "batch", "steps", "deviation",
               "dev_max", "loss_dev");
        for (size_t c = 0; c < o->ne * o->nb; c++)
            printf("  %-9g %-7zu %-8zu %-11.3e %-11.3e %-11.3e\n", rows[c].eta, rows[c].batch,
                   rows[c].steps, rows[c].deviation, rows[c].deviation_max, rows[c].loss_deviation);
        printf("  deviation shrinks as eta -> 0: %s; as K -> infinity: %s\n",
               o->ne < 2 ? "n/a (one eta)"
               : eta_ok  ? "yes"
                         : "NO",
               o->nb < 2  ? "n/a (one K)"
               : batch_ok ? "yes"
                          : "NO");
    }
    return FADYN_OK;
}

int cmd_compare(int argc, char **argv) {
    cmp_opts o;
    int rc = cli_parse(&COMPARE, argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_problem p;
    if ((rc = cli_problem_build(&o.po, &p, &err))) {
        cli_lib_check(&COMPARE, &o, &o.po, sizeof o.po, rc, &err);
        fadyn_problem_free(&p);
        return CLI_EXIT_USAGE;
    }
    fadyn_compare_row *rows = calloc(o.ne * o.nb, sizeof *rows);
    if (!rows) {
        cli_error(CMD, "out of memory");
        fadyn_problem_free(&p);
        return CLI_EXIT_FAILED;
    }
    int status =
        fadyn_compare_grid(&p, &o.cp, o.etas, o.ne, o.batches, o.nb, o.po.seed, rows, &err);
    int exit_code = cli_exit_code(status);
    if (status != FADYN_OK) cli_error_err(CMD, &err);
    if (status >= 0 && (rc = outputs(&o, rows, &err))) {
        cli_error_err(CMD, &err);
        exit_code = CLI_EXIT_FAILED;
    }
    free(rows);
    fadyn_problem_free(&p);
    return exit_code;
}
