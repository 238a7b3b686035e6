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
    "  deviation        |w_train - w_ODE| / |w_ODE| (Frobenius, all weights) at the\n"
    "                   end, mean over the repeats\n"
    "  deviation_max    the same, each repeat's largest over the samples, mean over\n"
    "                   the repeats\n"
    "  deviation_worst  the largest over the samples and the repeats\n"
    "  loss_deviation   |NSE_train - NSE_ODE| / |NSE_ODE| (2-norm over the samples),\n"
    "                   mean over the repeats\n"
    "Euler's error is first order in eta; the sampling noise shrinks like\n"
    "sqrt(eta/K). Cells run in parallel. A diverged cell is reported (standard\n"
    "error, TSV status ok|diverged|failed, JSON diverged) and marked in the plot;\n"
    "the trend is judged on the finite cells only.\n";

static const char *const EPILOGUE =
    "Exit status: 0 success, 1 failure, 2 bad input, 3 a trainer or ODE diverged.\n";

typedef struct {
    cli_problem_opts po;
    double etas[64];
    size_t ne;
    size_t batches[64], nb;
    fadyn_compare_params cp;
    int force;
    cli_output_opts oo;
    const char *nse;
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
    CLI_SET("force", A, force,
            "run even when the trainers' estimated work (steps t-end/eta x K x repeats x 6 "
            "weights per cell) is beyond 1e13 flop (about an hour)"),
    CLI_OUTFILE("out", "FILE.tsv", A, oo.out,
                "eta batch steps t deviation deviation_max deviation_worst loss_deviation "
                "nse_train nse_ode diverged_step status",
                .section = "Output:"),
    CLI_OUTFILE("nse", "FILE.tsv", A, nse,
                "NSE(t) of both engines per cell: cell eta batch t nse_train nse_ode (the "
                "trainer's the mean over the repeats)"),
    CLI_OUTFILE("summary", "FILE", A, oo.summary,
                "JSON: rows (eta, batch, deviation, ...), diverged, trend, parameters"),
    CLI_PLOT(A, oo.plot,
             "deviations against eta, one line per K, diverged cells marked; NSE(t) of the "
             "trainers over the ODE's (FILE-nse.tsv beside it)"),
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
    if (rc == 0) rc = CLI_CHECK(c, fadyn_integ_params_check, &o->cp.integ);
    size_t dim = 0;
    for (size_t k = 0; rc == 0 && k + 1 < o->po.nsizes; k++)
        dim += o->po.sizes[k] * o->po.sizes[k + 1];
    double work = rc ? 0.0 : fadyn_compare_work(dim, &o->cp, o->etas, o->ne, o->batches, o->nb);
    if (rc == 0)
        rc = cli_cost_check(c->cmd->name, o->force, work, FADYN_WORK_LIMIT,
                            "the trainers (t-end %g / eta steps per cell)", o->cp.t_end);
    return rc;
}

static const cli_cmd COMPARE = {.name = "compare",
                                .usage = "[OPTIONS]",
                                .intro = INTRO,
                                .opts = OPTS,
                                .epilogue = EPILOGUE,
                                .size = sizeof(cmp_opts),
                                .init = defaults,
                                .check = check};
const cli_cmd *const cli_cmd_compare = &COMPARE;

#define CMD "compare"

static int draw(const fadyn_plot_target *t, const void *table, fadyn_err *err) {
    const fadyn_compare_table *tb = table;
    return fadyn_plot_compare(t, tb->etas, tb->ne, tb->batches, tb->nb, fadyn_compare_top(tb),
                              fadyn_compare_failed(tb, NULL), err);
}

static int outputs(const cmp_opts *o, const fadyn_compare_row *rows, fadyn_err *err) {
    fadyn_compare_table table = {rows, o->etas, o->ne, o->batches, o->nb};
    int rc;
    if (o->oo.out && (rc = fadyn_compare_write(o->oo.out, &table, err))) return rc;
    if (o->nse && (rc = fadyn_compare_write_nse(o->nse, &table, err))) return rc;
    if (o->oo.summary) {
        json_t *j = cli_summary(CMD, OPTS, o);
        json_object_set_new(j, "seed", json_integer((json_int_t)o->po.seed));
        fadyn_compare_summary(&table, j);
        if ((rc = cli_summary_write(j, o->oo.summary, err))) return rc;
    }
    if (o->oo.plot) {
        fadyn_plot_target pt;
        if ((rc = fadyn_plot_target_parse(&pt, o->oo.plot, 1900, 600, err))) return rc;
        fadyn_plot_data data[2] = {{".tsv", fadyn_compare_write, &table, o->oo.out},
                                   {"-nse.tsv", fadyn_compare_write_nse, &table, o->nse}};
        rc = fadyn_plot_make(&pt, data, 2, draw, &table, err);
        if ((rc = cli_plot_status(CMD, rc, err))) return rc;
    }
    if (!o->oo.quiet) {
        printf("fadyn compare: rule %s, sizes", o->po.rule->name);
        for (size_t k = 0; k < o->po.nsizes; k++)
            printf("%c%zu", k ? '-' : ' ', o->po.sizes[k]);
        printf(", trainer vs ODE to t = %g\n", o->cp.t_end);
        fadyn_strbuf b;
        fadyn_strbuf_init(&b);
        fadyn_compare_report(&table, &b);
        cli_put_lines(&b);
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
    if (status < 0)
        cli_error_err(CMD, &err);
    else if (status != FADYN_OK) { /* every diverged cell, one line each */
        fadyn_compare_table table = {rows, o.etas, o.ne, o.batches, o.nb};
        fadyn_strbuf b;
        fadyn_strbuf_init(&b);
        fadyn_compare_failed(&table, &b);
        cli_error_lines(CMD, b.s);
        fadyn_strbuf_free(&b);
    }
    if (status >= 0 && (rc = outputs(&o, rows, &err))) {
        cli_error_err(CMD, &err);
        exit_code = CLI_EXIT_FAILED;
    }
    fadyn_compare_rows_free(rows, o.ne * o.nb);
    free(rows);
    fadyn_problem_free(&p);
    return exit_code;
}
