/* cmd_ode.c — `fadyn ode`: integrate the expected learning dynamics. */
#include "cli.h"
#include "fadyn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const INTRO =
    "Integrate the expected (batch-limit) learning dynamics of a linear network,\n"
    "  dW/dt = E S A^T,  dA/dt = B E S  (fa, eq 12-13),  dA/dt = W^T E S  (bp),\n"
    "  dA/dt = 0  (shallow),  E = T - W A,  S = diag(--sigma),\n"
    "with GSL's odeiv2 driver, and observe at every sample time the loss, NSE,\n"
    "V = |BE|^2 (fa's Lyapunov function, eq 23), the drift of the conserved\n"
    "C = BW + W^T B^T - AA^T (fa, eq 14; bp: W^T W - AA^T; in a chain the root-sum-square\n"
    "over the hidden layers), s = tr(AA^T) and the angles of the hidden update to bp's\n"
    "W^T E and pbp's W^+ E (nan once E, or a signal, is at the noise level max(1e-10,\n"
    "1e3 rtol) of |T|).\n";

static const char *const EPILOGUE =
    "Exit status: 0 success, 1 step limit or other failure, 2 bad input, 3 diverged\n"
    "(rows up to the divergence are written). See docs/cli.md.\n";

typedef struct {
    cli_problem_opts po;
    const char *save_init, *save_final;
    fadyn_integ_params integ;
    int force;
    cli_output_opts oo;
} ode_opts;

typedef ode_opts A;
static const cli_opt OPTS[] = {
    CLI_GROUP(A, po, cli_problem_table, .section = "Problem:"),
    CLI_OPT(&cli_k_outdir, "save-init", "DIR", A, save_init,
            "write T, B and the initial weights to DIR (same format)"),
    CLI_OPT(&cli_k_outdir, "save-final", "DIR", A, save_final,
            "write T, B and the final weights to DIR"),
    CLI_STEPPER("stepper", A, integ.stepper,
                "{steppers} (analytic Jacobian); dop853 is Hairer's Dormand-Prince 8(5,3) with "
                "dense output (samples do not shorten its steps; --h0 unused), rk8pd fadyn's "
                "vectorised Prince-Dormand, gsl-rk8pd GSL's own",
                CLI_REC, .section = "Integration:"),
    CLI_DOUBLE("rtol", "X", A, integ.rtol, "relative tolerance", CLI_REC),
    CLI_DOUBLE("atol", "X", A, integ.atol, "absolute tolerance", CLI_REC),
    CLI_DOUBLE("t-end", "T", A, integ.t_end, "end time", CLI_REC),
    CLI_SIZE("samples", "N", A, integ.samples, "sample times including t = 0", CLI_REC,
             CLI_RANGE(2, 1e6)),
    CLI_SET("log-time", A, integ.log_time, "logarithmic sample times from --t-min", CLI_REC),
    CLI_DOUBLE("t-min", "T", A, integ.t_min, "first sample time after 0 of --log-time"),
    CLI_DOUBLE("radius", "R", A, integ.radius, "stop as diverged when some |weight| > R", CLI_REC),
    CLI_ANGLE(A, integ.angle, CLI_REC),
    CLI_ULONG("nmax", "N", A, integ.nmax, "total step limit", CLI_RANGE(1, 1e12)),
    CLI_DOUBLE("hmin", "H", A, integ.hmin, "smallest step; at most the first step h0 (1e-3)"),
    CLI_SET("force", A, force,
            "run even when the estimated work is beyond 1e13 flop (about t-end x the "
            "Jacobian's spectral radius / 3 steps), and give implicit steppers no step budget "
            "(else 2e10 flop of steps: each factors a dim x dim Jacobian)"),
    CLI_OUTFILE("out", "FILE.tsv", A, oo.out,
                "angles nan where undefined; one row per sample: t loss nse V drift drift_rel s "
                "angle_bp angle_pbp",
                .section = "Output:"),
    CLI_OUTFILE("summary", "FILE.json", A, oo.summary,
                "final_nse, conserved_drift_max, V_max_rise, s_max, s_bound_paper and "
                "s_bound_derived (null with s_bound_reason unless fa, one hidden layer, Sigma = "
                "I, C(0) = 0), angle_bp_last and angle_bp_last_t, ..."),
    CLI_PLOT(A, oo.plot,
             "loss, V, drift and angles against t (.png .svg .pdf; 'dumb' draws in the "
             "terminal); the .gp script and .tsv data are kept beside the image"),
    CLI_SET("quiet", A, oo.quiet, "no summary on standard output"),
    CLI_END,
};

static void defaults(void *v) {
    ode_opts *o = v;
    cli_problem_opts_default(&o->po);
    o->integ = fadyn_integ_params_default();
    o->integ.t_end = 200.0;
}

static int check(cli_ctx *c, void *v) {
    ode_opts *o = v;
    int rc = cli_problem_check(c->cmd->name, &o->po);
    return rc ? rc : CLI_CHECK(c, fadyn_integ_params_check, &o->integ);
}

static const cli_cmd ODE = {.name = "ode",
                            .usage = "[OPTIONS]",
                            .intro = INTRO,
                            .opts = OPTS,
                            .epilogue = EPILOGUE,
                            .size = sizeof(ode_opts),
                            .init = defaults,
                            .check = check};
const cli_cmd *const cli_cmd_ode = &ODE;

#define CMD "ode"

static int write_summary(const char *path, const ode_opts *o, const fadyn_ode_result *res,
                         fadyn_err *err) {
    json_t *j = cli_summary(CMD, OPTS, o);
    json_object_set_new(j, "seed", json_integer((json_int_t)o->po.seed));
    fadyn_ode_summary(res, j);
    return cli_summary_write(j, path, err);
}

static void print_summary(const ode_opts *o, const fadyn_ode_result *res) {
    printf("fadyn ode: rule %s, sizes", o->po.rule->name);
    for (size_t k = 0; k < o->po.nsizes; k++)
        printf("%c%zu", k ? '-' : ' ', o->po.sizes[k]);
    printf(", stepper %s, t = 0..%g (%s)\n", o->integ.stepper->name, res->stats.t_reached,
           fadyn_ode_status_name(res->status));
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_ode_report(res, &b);
    cli_put_lines(&b);
}

static void on_progress(void *ctx, double fraction) {
    (void)ctx;
    cli_progress("fadyn ode", fraction);
}

typedef struct {
    const fadyn_problem *p;
    const fadyn_integ_params *integ;
} ode_figure;

static int draw(const fadyn_plot_target *t, const void *ctx, fadyn_err *err) {
    const ode_figure *f = ctx;
    return fadyn_plot_ode(t, f->p, f->integ, err);
}

int cmd_ode(int argc, char **argv) {
    ode_opts o;
    int rc = cli_parse(&ODE, argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_plot_target pt;
    if (o.oo.plot && fadyn_plot_target_parse(&pt, o.oo.plot, 0, 0, &err) != FADYN_OK) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_USAGE;
    }
    fadyn_problem p;
    rc = cli_problem_build(&o.po, &p, &err);
    if (rc) { /* every failure here comes from the input, memory included */
        cli_lib_check(&ODE, &o, &o.po, sizeof o.po, rc, &err);
        fadyn_problem_free(&p);
        return CLI_EXIT_USAGE;
    }
    if (o.save_init && (rc = fadyn_problem_save(&p, NULL, o.save_init, &err))) {
        cli_error(CMD, "--save-init %s", err.msg);
        fadyn_problem_free(&p);
        return cli_exit_code(rc);
    }
    fadyn_ode_work w;
    unsigned long budget = 0; /* the implicit stepper's, when it binds */
    if (!o.force && (rc = fadyn_ode_work_estimate(&p, &o.integ, &w, &err)) == FADYN_OK) {
        if (!w.budget && cli_cost_check(CMD, 0, w.flops, FADYN_WORK_LIMIT,
                                        "%.2g steps (t-end %g x spectral radius %.3g / 3) of "
                                        "%.2g flop",
                                        w.steps, o.integ.t_end, w.rho, w.step_flops)) {
            fadyn_problem_free(&p);
            return CLI_EXIT_USAGE;
        }
        if (w.budget && w.budget < o.integ.nmax) o.integ.nmax = budget = w.budget;
    }
    fadyn_ode_result res;
    int status = fadyn_ode_run_progress(&p, &o.integ, &res, on_progress, NULL);
    cli_progress_done();
    int exit_code = cli_exit_code(status);
    if (status == FADYN_MAXSTEPS && budget && res.stats.steps >= budget)
        cli_error(CMD,
                  "stopped at t = %.6g: %s's step budget of %lu steps (%.2g flop each at "
                  "dimension %zu) was reached; --force lifts it, or use an explicit stepper",
                  res.stats.t_reached, o.integ.stepper->name, budget, w.step_flops, p.dim);
    else if (status != FADYN_OK)
        cli_error_err(CMD, &res.err);
    if (status == FADYN_OK || status == FADYN_DIVERGED || status == FADYN_MAXSTEPS) {
        /* keep the rows so far, whatever the outcome */
        if (o.oo.out && (rc = fadyn_ode_write(o.oo.out, &res, &err))) goto io_fail;
        if (o.oo.summary && (rc = write_summary(o.oo.summary, &o, &res, &err))) goto io_fail;
        if (o.save_final && (rc = fadyn_problem_save(&p, res.y, o.save_final, &err))) goto io_fail;
        if (o.oo.plot) {
            fadyn_plot_data data = {".tsv", fadyn_ode_write, &res, o.oo.out};
            ode_figure fig = {&p, &o.integ};
            rc = fadyn_plot_make(&pt, &data, 1, draw, &fig, &err);
            if ((rc = cli_plot_status(CMD, rc, &err))) goto io_fail;
        }
        if (!o.oo.quiet) print_summary(&o, &res);
    }
    fadyn_ode_result_free(&res);
    fadyn_problem_free(&p);
    return exit_code;
io_fail:
    cli_error_err(CMD, &err);
    fadyn_ode_result_free(&res);
    fadyn_problem_free(&p);
    return CLI_EXIT_FAILED;
}
