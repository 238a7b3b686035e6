/* cmd_ode.c — `fadyn ode`: integrate the expected learning dynamics. */
#include "cli.h"
#include "fadyn.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP =
    "usage: fadyn ode [OPTIONS]\n"
    "\n"
    "Integrate the expected (batch-limit) learning dynamics of a linear network,\n"
    "  dW/dt = E S A^T,  dA/dt = B E S  (fa, eq 12-13),  dA/dt = W^T E S  (bp),\n"
    "  dA/dt = 0  (shallow),  E = T - W A,  S = diag(--sigma),\n"
    "with GSL's odeiv2 driver, and observe at every sample time the loss, NSE,\n"
    "V = |BE|^2, the drift of the conserved C = BW + W^T B^T - AA^T (bp: W^T W - AA^T),\n"
    "s = tr(AA^T) and the angles of the hidden update to bp's W^T E and pbp's W^+ E.\n"
    "\n"
    "Problem:\n" CLI_PROBLEM_HELP
    "  --save-init DIR     write T, B and the initial weights to DIR (same format)\n"
    "  --save-final DIR    write T, B and the final weights to DIR\n"
    "\n"
    "Integration:\n"
    "  --stepper NAME      rk2 rk4 rkf45 rkck rk8pd gsl-rk8pd msadams, or the implicit\n"
    "                      msbdf bsimp rk4imp (analytic Jacobian) (default rk8pd:\n"
    "                      fadyn's vectorised Prince-Dormand; gsl-rk8pd is GSL's own)\n"
    "  --rtol X --atol X   tolerances (default 1e-8, 1e-10)\n"
    "  --t-end T           end time (default 200)\n"
    "  --samples N         sample times including t = 0 (default 201)\n"
    "  --log-time          logarithmic sample times from --t-min (default 1e-3)\n"
    "  --radius R          stop as diverged when some |weight| > R (default 1e6)\n"
    "  --nmax N            total step limit (default 1e7); --hmin H smallest step (1e-12)\n"
    "\n"
    "Output:\n"
    "  --out FILE.tsv      one row per sample: t loss nse V drift drift_rel s angle_bp\n"
    "                      angle_pbp\n"
    "  --summary FILE.json final_nse, conserved_drift_max, lyapunov_max_rise, s_max,\n"
    "                      s_bound_paper, s_bound_derived, steps, rhs_evals, ...\n"
    "  --plot FILE|dumb    loss, V, drift and angles against t (.png .svg .pdf; 'dumb'\n"
    "                      draws in the terminal); the .gp script and .tsv data are\n"
    "                      kept beside the image\n"
    "  --quiet             no summary on standard output\n"
    "\n"
    "Exit status: 0 success, 1 step limit or other failure, 2 bad input, 3 diverged\n"
    "(rows up to the divergence are written). See docs/cli.md.\n";

typedef struct {
    cli_problem_opts po;
    const char *save_init, *save_final;
    cli_output_opts oo;
    fadyn_integ_params integ;
} ode_opts;

enum {
    O_SAVE_INIT = CLI_PO_END,
    O_SAVE_FINAL,
    O_STEPPER,
    O_RTOL,
    O_ATOL,
    O_T_END,
    O_SAMPLES,
    O_LOG_TIME,
    O_T_MIN,
    O_RADIUS,
    O_NMAX,
    O_HMIN
};

static const struct option long_opts[] = {
    CLI_PROBLEM_LONG_OPTS,
    {"save-init", required_argument, 0, O_SAVE_INIT},
    {"save-final", required_argument, 0, O_SAVE_FINAL},
    {"stepper", required_argument, 0, O_STEPPER},
    {"rtol", required_argument, 0, O_RTOL},
    {"atol", required_argument, 0, O_ATOL},
    {"t-end", required_argument, 0, O_T_END},
    {"samples", required_argument, 0, O_SAMPLES},
    {"log-time", no_argument, 0, O_LOG_TIME},
    {"t-min", required_argument, 0, O_T_MIN},
    {"radius", required_argument, 0, O_RADIUS},
    {"nmax", required_argument, 0, O_NMAX},
    {"hmin", required_argument, 0, O_HMIN},
    CLI_OUTPUT_LONG_OPTS,
    {0, 0, 0, 0},
};

#define CMD "ode"

static int parse(int argc, char **argv, ode_opts *o) {
    memset(o, 0, sizeof *o);
    cli_problem_opts_default(&o->po);
    o->integ = fadyn_integ_params_default();
    o->integ.t_end = 200.0;
    int c, rc = 0;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        if (cli_problem_opt(CMD, c, optarg, &o->po, &rc)) continue;
        if (cli_output_opt(c, optarg, &o->oo, HELP, &rc)) {
            if (rc < 0) return rc;
            continue;
        }
        switch (c) {
        case O_SAVE_INIT:
            o->save_init = optarg;
            break;
        case O_SAVE_FINAL:
            o->save_final = optarg;
            break;
        case O_STEPPER:
            o->integ.stepper = optarg;
            break;
        case O_RTOL:
            rc = cli_double(CMD, "--rtol", optarg, &o->integ.rtol);
            break;
        case O_ATOL:
            rc = cli_double(CMD, "--atol", optarg, &o->integ.atol);
            break;
        case O_T_END:
            rc = cli_double(CMD, "--t-end", optarg, &o->integ.t_end);
            break;
        case O_SAMPLES:
            rc = cli_size(CMD, "--samples", optarg, &o->integ.samples);
            break;
        case O_LOG_TIME:
            o->integ.log_time = 1;
            break;
        case O_T_MIN:
            rc = cli_double(CMD, "--t-min", optarg, &o->integ.t_min);
            break;
        case O_RADIUS:
            rc = cli_double(CMD, "--radius", optarg, &o->integ.radius);
            break;
        case O_NMAX:
            rc = cli_ulong(CMD, "--nmax", optarg, &o->integ.nmax);
            break;
        case O_HMIN:
            rc = cli_double(CMD, "--hmin", optarg, &o->integ.hmin);
            break;
        case '?':
        default:
            rc = cli_bad_option(CMD, argv);
        }
    }
    if (rc || (rc = cli_no_operands(CMD, argc, argv)) || (rc = cli_problem_check(CMD, &o->po)))
        return rc;
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_integ_params_check(&o->integ, &err) != FADYN_OK) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_USAGE;
    }
    if ((rc = cli_output_check(CMD, &o->oo))) return rc;
    return 0;
}

static int write_tsv(const char *path, const void *result, fadyn_err *err) {
    const fadyn_ode_result *res = result;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    fadyn_tsv_header(f.f, fadyn_obs_names, FADYN_OBS_NCOLS);
    double v[FADYN_OBS_NCOLS];
    for (size_t i = 0; i < res->nrows; i++) {
        fadyn_obs_to_array(&res->rows[i], v);
        fadyn_tsv_row(f.f, v, FADYN_OBS_NCOLS);
    }
    return fadyn_ofile_commit(&f, err);
}

static const char *status_word(int status) {
    switch (status) {
    case FADYN_OK:
        return "ok";
    case FADYN_DIVERGED:
        return "diverged";
    case FADYN_MAXSTEPS:
        return "step-limit";
    default:
        return "error";
    }
}

static int write_summary(const char *path, const ode_opts *o, const fadyn_problem *p,
                         const fadyn_ode_result *res, fadyn_err *err) {
    json_t *j = fadyn_json_summary_new("ode");
    json_t *par = cli_problem_json(&o->po, p);
    json_object_set_new(par, "stepper", json_string(o->integ.stepper));
    json_object_set_new(par, "rtol", json_real(o->integ.rtol));
    json_object_set_new(par, "atol", json_real(o->integ.atol));
    json_object_set_new(par, "t_end", json_real(o->integ.t_end));
    json_object_set_new(par, "samples", json_integer((json_int_t)o->integ.samples));
    json_object_set_new(par, "log_time", json_boolean(o->integ.log_time));
    json_object_set_new(par, "radius", json_real(o->integ.radius));
    json_object_set_new(j, "parameters", par);
    json_object_set_new(j, "seed", json_integer((json_int_t)o->po.seed));
    json_object_set_new(j, "status", json_string(status_word(res->status)));
    if (res->status != FADYN_OK) json_object_set_new(j, "status_detail", json_string(res->err.msg));
    json_object_set_new(j, "t_reached", json_real(res->stats.t_reached));
    json_object_set_new(j, "final_nse", fadyn_json_real(res->final_nse));
    json_object_set_new(j, "conserved_drift_max", fadyn_json_real(res->drift_max));
    json_object_set_new(j, "conserved_drift_rel_max", fadyn_json_real(res->drift_rel_max));
    json_object_set_new(j, "lyapunov_max_rise", fadyn_json_real(res->lyapunov_max_rise));
    json_object_set_new(j, "s_max", fadyn_json_real(res->s_max));
    json_object_set_new(j, "s_bound_paper", fadyn_json_real(res->s_bound_paper));
    json_object_set_new(j, "s_bound_derived", fadyn_json_real(res->s_bound_derived));
    json_object_set_new(j, "angle_bp_final", fadyn_json_real(res->angle_bp_final));
    json_object_set_new(j, "angle_pbp_final", fadyn_json_real(res->angle_pbp_final));
    json_object_set_new(j, "steps", json_integer((json_int_t)res->stats.steps));
    json_object_set_new(j, "failed_steps", json_integer((json_int_t)res->stats.failed_steps));
    json_object_set_new(j, "rhs_evals", json_integer((json_int_t)res->stats.rhs_evals));
    json_object_set_new(j, "jac_evals", json_integer((json_int_t)res->stats.jac_evals));
    json_object_set_new(j, "wall_seconds", json_real(res->stats.wall_seconds));
    int rc = fadyn_json_write(j, path, err);
    json_decref(j);
    return rc;
}

static void print_summary(const ode_opts *o, const fadyn_ode_result *res) {
    printf("fadyn ode: rule %s, sizes", o->po.rule->name);
    for (size_t k = 0; k < o->po.nsizes; k++)
        printf("%c%zu", k ? '-' : ' ', o->po.sizes[k]);
    printf(", stepper %s, t = 0..%g (%s)\n", o->integ.stepper, res->stats.t_reached,
           status_word(res->status));
    printf("  final NSE            %.4e\n", res->final_nse);
    printf("  conserved C drift    %.3e max (relative %.3e)\n", res->drift_max, res->drift_rel_max);
    printf("  largest rise of V    %.3e\n", res->lyapunov_max_rise);
    printf("  s = tr(AA^T)         max %.4g; bound eq 47 %.4g, derived %.4g\n", res->s_max,
           res->s_bound_paper, res->s_bound_derived);
    printf("  angle to bp / pbp    %.2f / %.2f deg at the end\n", res->angle_bp_final,
           res->angle_pbp_final);
    printf("  steps %lu (%lu failed), rhs evaluations %lu, %.3f s\n", res->stats.steps,
           res->stats.failed_steps, res->stats.rhs_evals, res->stats.wall_seconds);
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
    int rc = parse(argc, argv, &o);
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
        cli_error_err(CMD, &err);
        fadyn_problem_free(&p);
        return CLI_EXIT_USAGE;
    }
    if (o.save_init && (rc = fadyn_problem_save(&p, NULL, o.save_init, &err))) {
        cli_error(CMD, "--save-init %s", err.msg);
        fadyn_problem_free(&p);
        return cli_exit_code(rc);
    }
    fadyn_ode_result res;
    int status = fadyn_ode_run_progress(&p, &o.integ, &res, on_progress, NULL);
    cli_progress_done();
    int exit_code = cli_exit_code(status);
    if (status != FADYN_OK) cli_error_err(CMD, &res.err);
    if (status == FADYN_OK || status == FADYN_DIVERGED || status == FADYN_MAXSTEPS) {
        /* keep the rows so far, whatever the outcome */
        if (o.oo.out && (rc = write_tsv(o.oo.out, &res, &err))) goto io_fail;
        if (o.oo.summary && (rc = write_summary(o.oo.summary, &o, &p, &res, &err))) goto io_fail;
        if (o.save_final && (rc = fadyn_problem_save(&p, res.y, o.save_final, &err))) goto io_fail;
        if (o.oo.plot) {
            fadyn_plot_data data = {".tsv", write_tsv, &res, o.oo.out};
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
