/* cmd_ode.c — `fadyn ode`: integrate the expected learning dynamics. */
#include "cli.h"
#include "fadyn.h"
#include "fadyn/plots.h"

#include <getopt.h>
#include <gsl/gsl_rng.h>
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
    "Problem:\n"
    "  --sizes LIST        layer sizes, inputs first (default 30,20,10); more than one\n"
    "                      hidden layer gives a chain, fa sending e down fixed B's\n"
    "  --rule NAME         fa | bp | shallow (default fa)\n"
    "  --sigma LIST        diagonal of the input covariance: one value for all inputs\n"
    "                      or one per input (default 1)\n"
    "  --seed N            seed of the random draw (default 1)\n"
    "  --init KIND         random | zero: initial weights U[-w,w] or 0 (default random)\n"
    "  --init-scale W      w of the initial weights (default 0.01)\n"
    "  --t-scale X         T ~ U[-X,X] (default 1)\n"
    "  --b-scale X         B ~ U[-X,X] (default 0.5)\n"
    "  --init-from DIR     read T, B and the initial weights from DIR instead:\n"
    "                      T.txt, B.txt, A.txt (hidden x inputs), W.txt (outputs x hidden),\n"
    "                      whitespace-separated rows. Deeper nets: A0.txt .. A{L-2}.txt\n"
    "                      (weights into hidden layers 1..L-1), W.txt, and B1.txt ..\n"
    "                      B{L-1}.txt (Bk is hidden-k x next layer, feeding hidden layer k)\n"
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
    size_t sizes[FADYN_MAX_DEPTH + 1], nsizes;
    fadyn_rule rule;
    double sigma[4096];
    size_t nsigma;
    unsigned long seed;
    int zero_init;
    fadyn_init_params ip;
    const char *init_from, *save_init, *save_final, *out, *summary, *plot;
    fadyn_integ_params integ;
    int quiet;
} ode_opts;

enum {
    O_SIZES = 256, O_RULE, O_SIGMA, O_SEED, O_INIT, O_INIT_SCALE, O_T_SCALE, O_B_SCALE,
    O_INIT_FROM, O_SAVE_INIT, O_SAVE_FINAL, O_STEPPER, O_RTOL, O_ATOL, O_T_END, O_SAMPLES,
    O_LOG_TIME, O_T_MIN, O_RADIUS, O_NMAX, O_HMIN, O_OUT, O_SUMMARY, O_PLOT, O_QUIET, O_HELP
};

static const struct option long_opts[] = {
    {"sizes", required_argument, 0, O_SIZES},
    {"rule", required_argument, 0, O_RULE},
    {"sigma", required_argument, 0, O_SIGMA},
    {"seed", required_argument, 0, O_SEED},
    {"init", required_argument, 0, O_INIT},
    {"init-scale", required_argument, 0, O_INIT_SCALE},
    {"t-scale", required_argument, 0, O_T_SCALE},
    {"b-scale", required_argument, 0, O_B_SCALE},
    {"init-from", required_argument, 0, O_INIT_FROM},
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
    {"out", required_argument, 0, O_OUT},
    {"summary", required_argument, 0, O_SUMMARY},
    {"plot", required_argument, 0, O_PLOT},
    {"quiet", no_argument, 0, O_QUIET},
    {"help", no_argument, 0, O_HELP},
    {0, 0, 0, 0},
};

#define CMD "ode"

static int parse(int argc, char **argv, ode_opts *o)
{
    memset(o, 0, sizeof *o);
    size_t def[] = {30, 20, 10};
    memcpy(o->sizes, def, sizeof def);
    o->nsizes = 3;
    o->rule = FADYN_RULE_FA;
    o->seed = 1;
    o->ip = fadyn_init_params_default();
    o->integ = fadyn_integ_params_default();
    o->integ.t_end = 200.0;
    int c, rc = 0;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        switch (c) {
        case O_SIZES:
            rc = cli_size_list(CMD, "--sizes", optarg, o->sizes, FADYN_MAX_DEPTH + 1, &o->nsizes);
            break;
        case O_RULE:
            if (fadyn_rule_parse(optarg, &o->rule) != FADYN_OK) {
                cli_error(CMD, "--rule '%s': unknown (fa, bp, shallow)", optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_SIGMA: rc = cli_double_list(CMD, "--sigma", optarg, o->sigma, 4096, &o->nsigma); break;
        case O_SEED: rc = cli_ulong(CMD, "--seed", optarg, &o->seed); break;
        case O_INIT:
            if (strcmp(optarg, "zero") == 0) o->zero_init = 1;
            else if (strcmp(optarg, "random") == 0) o->zero_init = 0;
            else {
                cli_error(CMD, "--init '%s': unknown (random, zero)", optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_INIT_SCALE: rc = cli_double(CMD, "--init-scale", optarg, &o->ip.w_scale); break;
        case O_T_SCALE: rc = cli_double(CMD, "--t-scale", optarg, &o->ip.t_scale); break;
        case O_B_SCALE: rc = cli_double(CMD, "--b-scale", optarg, &o->ip.b_scale); break;
        case O_INIT_FROM: o->init_from = optarg; break;
        case O_SAVE_INIT: o->save_init = optarg; break;
        case O_SAVE_FINAL: o->save_final = optarg; break;
        case O_STEPPER: o->integ.stepper = optarg; break;
        case O_RTOL: rc = cli_double(CMD, "--rtol", optarg, &o->integ.rtol); break;
        case O_ATOL: rc = cli_double(CMD, "--atol", optarg, &o->integ.atol); break;
        case O_T_END: rc = cli_double(CMD, "--t-end", optarg, &o->integ.t_end); break;
        case O_SAMPLES: rc = cli_size(CMD, "--samples", optarg, &o->integ.samples); break;
        case O_LOG_TIME: o->integ.log_time = 1; break;
        case O_T_MIN: rc = cli_double(CMD, "--t-min", optarg, &o->integ.t_min); break;
        case O_RADIUS: rc = cli_double(CMD, "--radius", optarg, &o->integ.radius); break;
        case O_NMAX: rc = cli_ulong(CMD, "--nmax", optarg, &o->integ.nmax); break;
        case O_HMIN: rc = cli_double(CMD, "--hmin", optarg, &o->integ.hmin); break;
        case O_OUT: o->out = optarg; break;
        case O_SUMMARY: o->summary = optarg; break;
        case O_PLOT: o->plot = optarg; break;
        case O_QUIET: o->quiet = 1; break;
        case 'h':
        case O_HELP: fputs(HELP, stdout); return -1;
        case '?':
        default:
            rc = cli_bad_option(CMD, argv);
        }
    }
    if (rc) return rc;
    if (optind < argc) {
        cli_error(CMD, "unexpected argument '%s' (see --help)", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (o->nsizes < 3) {
        cli_error(CMD, "--sizes: need at least 3 layers (inputs, hidden, outputs), got %zu",
                  o->nsizes);
        return CLI_EXIT_USAGE;
    }
    for (size_t k = 0; k < o->nsizes; k++)
        if (o->sizes[k] == 0) {
            cli_error(CMD, "--sizes: layer %zu has size 0", k);
            return CLI_EXIT_USAGE;
        }
    if (o->nsigma != 0 && o->nsigma != 1 && o->nsigma != o->sizes[0]) {
        cli_error(CMD, "--sigma: give 1 value or %zu (one per input), not %zu", o->sizes[0],
                  o->nsigma);
        return CLI_EXIT_USAGE;
    }
    if (!(o->ip.w_scale >= 0.0) || !(o->ip.t_scale >= 0.0) || !(o->ip.b_scale >= 0.0)) {
        cli_error(CMD, "--init-scale, --t-scale, --b-scale: must be >= 0");
        return CLI_EXIT_USAGE;
    }
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_integ_params_check(&o->integ, &err) != FADYN_OK) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_USAGE;
    }
    if (o->out && (rc = cli_check_out(CMD, "--out", o->out))) return rc;
    if (o->summary && (rc = cli_check_out(CMD, "--summary", o->summary))) return rc;
    return 0;
}

static int write_tsv(const char *path, const fadyn_ode_result *res, fadyn_err *err)
{
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

static const char *status_word(int status)
{
    switch (status) {
    case FADYN_OK: return "ok";
    case FADYN_DIVERGED: return "diverged";
    case FADYN_MAXSTEPS: return "step-limit";
    default: return "error";
    }
}

static int write_summary(const char *path, const ode_opts *o, const fadyn_problem *p,
                         const fadyn_ode_result *res, fadyn_err *err)
{
    json_t *j = fadyn_json_summary_new("ode");
    json_t *par = json_object();
    json_t *sz = json_array();
    for (size_t k = 0; k < o->nsizes; k++) json_array_append_new(sz, json_integer((json_int_t)o->sizes[k]));
    json_object_set_new(par, "sizes", sz);
    json_object_set_new(par, "rule", json_string(fadyn_rule_name(o->rule)));
    json_t *sig = json_array();
    for (size_t i = 0; p->sigma && i < p->sizes[0]; i++) json_array_append_new(sig, json_real(p->sigma[i]));
    json_object_set_new(par, "sigma", p->sigma ? sig : (json_decref(sig), json_string("identity")));
    json_object_set_new(par, "seed", json_integer((json_int_t)o->seed));
    json_object_set_new(par, "init", json_string(o->init_from ? "file" : o->zero_init ? "zero" : "random"));
    if (o->init_from) json_object_set_new(par, "init_from", json_string(o->init_from));
    json_object_set_new(par, "init_scale", json_real(o->ip.w_scale));
    json_object_set_new(par, "t_scale", json_real(o->ip.t_scale));
    json_object_set_new(par, "b_scale", json_real(o->ip.b_scale));
    json_object_set_new(par, "stepper", json_string(o->integ.stepper));
    json_object_set_new(par, "rtol", json_real(o->integ.rtol));
    json_object_set_new(par, "atol", json_real(o->integ.atol));
    json_object_set_new(par, "t_end", json_real(o->integ.t_end));
    json_object_set_new(par, "samples", json_integer((json_int_t)o->integ.samples));
    json_object_set_new(par, "log_time", json_boolean(o->integ.log_time));
    json_object_set_new(par, "radius", json_real(o->integ.radius));
    json_object_set_new(j, "parameters", par);
    json_object_set_new(j, "seed", json_integer((json_int_t)o->seed));
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

static void print_summary(const ode_opts *o, const fadyn_ode_result *res)
{
    printf("fadyn ode: rule %s, sizes", fadyn_rule_name(o->rule));
    for (size_t k = 0; k < o->nsizes; k++) printf("%c%zu", k ? '-' : ' ', o->sizes[k]);
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

static void on_progress(void *ctx, double fraction)
{
    (void)ctx;
    cli_progress("fadyn ode", fraction);
}

/* Build the problem from the options: drawn, zero, or read from files. */
static int build_problem(const ode_opts *o, fadyn_problem *p, fadyn_err *err)
{
    int rc = fadyn_problem_alloc(p, o->nsizes - 1, o->sizes, o->rule, err);
    if (rc) return rc;
    if (o->init_from) {
        rc = fadyn_problem_load(p, o->init_from, err);
    } else {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!r) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        gsl_rng_set(r, o->seed);
        fadyn_init_params ip = o->ip;
        if (o->zero_init) ip.w_scale = 0.0;
        fadyn_problem_draw(p, &ip, r);
        gsl_rng_free(r);
    }
    if (rc == FADYN_OK && o->nsigma > 0) {
        double *s = malloc(p->sizes[0] * sizeof(double));
        if (!s) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        for (size_t i = 0; i < p->sizes[0]; i++) s[i] = o->sigma[o->nsigma == 1 ? 0 : i];
        rc = fadyn_problem_set_sigma(p, s, err);
        free(s);
    }
    return rc;
}

int cmd_ode(int argc, char **argv)
{
    ode_opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_plot_target pt;
    if (o.plot && fadyn_plot_target_parse(&pt, o.plot, 0, 0, &err) != FADYN_OK) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_USAGE;
    }
    fadyn_problem p;
    rc = build_problem(&o, &p, &err);
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
        if (o.out && (rc = write_tsv(o.out, &res, &err))) goto io_fail;
        if (o.summary && (rc = write_summary(o.summary, &o, &p, &res, &err))) goto io_fail;
        if (o.save_final && (rc = fadyn_problem_save(&p, res.y, o.save_final, &err))) goto io_fail;
        if (o.plot) {
            char data[4200];
            fadyn_plot_sibling(&pt, ".tsv", data, sizeof data);
            if (pt.dumb || !o.out || strcmp(data, o.out) != 0)
                if ((rc = write_tsv(data, &res, &err))) goto io_fail;
            rc = fadyn_plot_ode(&pt, &p, &o.integ, &err);
            if (rc == FADYN_ENOGNUPLOT) {
                cli_error_err(CMD, &err);
            } else if (rc) {
                goto io_fail;
            }
            if (pt.dumb) remove(data);
        }
        if (!o.quiet) print_summary(&o, &res);
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
