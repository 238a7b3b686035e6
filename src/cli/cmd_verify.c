/* cmd_verify.c — `fadyn verify`: the numerical checks of the supplementary
 * proofs, as a table, a JSON summary and a figure per instance. */
#include "cli.h"
#include "fadyn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const INTRO =
    "Check the paper's supplementary proofs numerically: each claim (a row of the\n"
    "table, see --list) is measured on an ensemble of seeded random instances; the\n"
    "worst case is compared with the claim's tolerance.\n"
    "  Proof 1 (eq 14, Lemmas 2-4, eq 47, Theorem 1) on trajectories of the expected\n"
    "  dynamics; Proof 2 (pbp ~ Gauss-Newton, eq 55-58) on sigmoid networks; Proof 3\n"
    "  (Lemma 5, eq 76-77, Theorem 2) on one training pair from zero; Fig. 4's claim;\n"
    "  Baldi et al. 2018 on the scalar chains 1-1-1 and 1-1-1-1.\n";

static const char *const EPILOGUE = "Exit status: 0 every check passes, 1 one fails, 2 bad input.\n"
                                    "See docs/verification.md.\n";

typedef struct {
    fadyn_verify_params vp;
    const char *only, *summary, *plot;
    size_t plot_instance;
    int list, quiet;
} verify_opts;

#define CMD "verify"

/* --sizes "30,20,10:12,8,4" into vp.sizes, vp.nsizes. */
static int parse_sizes(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    fadyn_verify_params *vp = &((verify_opts *)base)->vp;
    char buf[1024];
    size_t len = strlen(arg), k = 0, n;
    if (len == 0 || len >= sizeof buf || arg[0] == ':' || arg[len - 1] == ':' ||
        strstr(arg, "::")) {
        cli_error(cmd, "--sizes '%s': %s", arg, len ? "empty triple in the list" : "too long");
        return CLI_EXIT_USAGE;
    }
    strcpy(buf, arg);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save), k++) {
        if (k == FADYN_VERIFY_MAX_SIZES) {
            cli_error(cmd, "--sizes '%s': more than %d triples", arg, FADYN_VERIFY_MAX_SIZES);
            return CLI_EXIT_USAGE;
        }
        int rc = cli_read_sizes(cmd, o, tok, vp->sizes[k], 3, &n);
        if (rc) return rc;
        if (n != 3) {
            cli_error(cmd, "--sizes '%s': need n_i,n_h,n_o (one hidden layer), got %zu numbers",
                      tok, n);
            return CLI_EXIT_USAGE;
        }
    }
    vp->nsizes = k;
    return 0;
}
static json_t *sizes_json(const cli_opt *o, const void *base) {
    const fadyn_verify_params *vp = &((const verify_opts *)base)->vp;
    (void)o;
    json_t *a = json_array();
    for (size_t k = 0; k < vp->nsizes; k++)
        json_array_append_new(a,
                              json_pack("[III]", (json_int_t)vp->sizes[k][0],
                                        (json_int_t)vp->sizes[k][1], (json_int_t)vp->sizes[k][2]));
    return a;
}
static void sizes_show(const cli_opt *o, const void *base, char *buf, size_t n) {
    const fadyn_verify_params *vp = &((const verify_opts *)base)->vp;
    (void)o;
    size_t k = 0;
    for (size_t i = 0; i < vp->nsizes && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%zu,%zu,%zu", i ? ":" : "", vp->sizes[i][0],
                              vp->sizes[i][1], vp->sizes[i][2]);
}
static const cli_kind sizes_kind = {1, 0, 0, parse_sizes, sizes_json, sizes_show, NULL};

static const char *break_name(int i) {
    return i < FADYN_BREAK_COUNT ? fadyn_break_name((fadyn_break)i) : NULL;
}

typedef verify_opts A;
static const cli_opt OPTS[] = {
    CLI_SIZE("instances", "N", A, vp.instances, "instances per check", CLI_REC,
             CLI_RANGE(1, 100000), .section = "Options:"),
    CLI_ULONG("seed", "N", A, vp.seed, "seed of the ensemble", CLI_REC),
    CLI_OPT(&sizes_kind, "sizes", "LIST", A, vp,
            "network sizes n_i,n_h,n_o; several separated by ':', used in turn", CLI_REC,
            CLI_RANGE(1, 100000)),
    CLI_STRING("only", "LIST", A, only,
               "run only these checks: comma-separated names or prefixes (p1, p2, p3, fig4, "
               "baldi)"),
    CLI_SET("list", A, list, "list the checks with their claims and exit"),
    CLI_ENUM("break", "HYPOTHESIS", A, vp.brk, break_name,
             "violate one hypothesis on purpose:\n"
             "  c-nonzero  large random start U[-1,1], so C != 0\n"
             "  rank       n_o > n_h (n_h and n_o swapped, or n_o = n_h + 2\n"
             "             when equal), so B^+ B != I\n"
             "  sign       the hidden-layer update gets the wrong sign\n"
             "             (fault injected in verify's own wrapper)\n"
             "  sigma      inputs with covariance Sigma = diag(s) != I,\n"
             "             log s_j ~ U[-log 4, log 4] (Proof 1 takes\n"
             "             Sigma = I)\n"
             "the checks that rely on it must then FAIL",
             CLI_REC),
    CLI_SET("representable-target", A, vp.representable,
            "under --break rank, draw T of rank n_h, so that the network can represent it",
            CLI_REC),
    CLI_DOUBLE("t-end", "T", A, vp.integ.t_end, "horizon of the Proof 1 trajectories", CLI_REC),
    CLI_RECORD(stepper, "stepper", A, vp.integ.stepper),
    CLI_RECORD(double, "rtol", A, vp.integ.rtol),
    CLI_RECORD(double, "atol", A, vp.integ.atol),
    CLI_RECORD(string, "only", A, only),
    CLI_INT("threads", "N", A, vp.threads, "OpenMP threads over instances", CLI_RANGE(0, 1024),
            .def = "all"),
    CLI_OUTFILE("summary", "FILE", A, summary,
                "the table as JSON: a 'checks' list of objects with name, equation, claim, "
                "measure, instances, failing, worst, worst_instance, tolerance, comparison, "
                "min_fraction, not_applicable, undecided, pass, the extras, and per_instance: "
                "each instance's sizes, value and verdict"),
    CLI_OPT(&cli_k_outdir, "plot", "DIR", A, plot,
            "V, s against both bounds, the drift of C and the angles for one instance: "
            "DIR/verify-BREAK.png (.gp and .tsv beside it)",
            .def = ""),
    CLI_SIZE("plot-instance", "N", A, plot_instance, "the instance --plot draws",
             CLI_RANGE(0, 100000)),
    CLI_SET("quiet", A, quiet, "no table on standard output"),
    CLI_END,
};

static void defaults(void *v) {
    ((verify_opts *)v)->vp = fadyn_verify_params_default();
}

static int check(cli_ctx *c, void *v) {
    return CLI_CHECK(c, fadyn_verify_params_check, &((verify_opts *)v)->vp);
}

static const cli_cmd VERIFY = {.name = "verify",
                               .usage = "[OPTIONS]",
                               .intro = INTRO,
                               .opts = OPTS,
                               .epilogue = EPILOGUE,
                               .size = sizeof(verify_opts),
                               .init = defaults,
                               .check = check};
const cli_cmd *const cli_cmd_verify = &VERIFY;

static int write_summary(const verify_opts *o, const fadyn_check_result *res, size_t nc,
                         int all_pass, fadyn_err *err) {
    json_t *j = cli_summary(CMD, OPTS, o);
    fadyn_verify_summary(&o->vp, res, nc, all_pass, j);
    return cli_summary_write(j, o->summary, err);
}

static void progress(void *ctx, double fraction) {
    (void)ctx;
    cli_progress("fadyn verify", fraction);
}

int cmd_verify(int argc, char **argv) {
    verify_opts o;
    int rc = cli_parse(&VERIFY, argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    if (o.list) {
        fadyn_verify_list(&b);
        cli_put_lines(&b);
        return CLI_EXIT_OK;
    }
    fadyn_err err;
    fadyn_err_clear(&err);
    size_t nc = fadyn_check_count();
    int *sel = calloc(nc, sizeof(int));
    fadyn_check_result *res = calloc(nc, sizeof *res);
    if (!sel || !res) {
        free(sel);
        free(res);
        cli_error(CMD, "out of memory");
        return CLI_EXIT_FAILED;
    }
    if (o.only && fadyn_check_select(o.only, sel, &err) != FADYN_OK) {
        cli_error(CMD, "--only %s", err.msg);
        free(sel);
        free(res);
        return CLI_EXIT_USAGE;
    }
    int status = fadyn_verify_run(&o.vp, o.only ? sel : NULL, res, progress, NULL, &err);
    cli_progress_done();
    int exit_code = CLI_EXIT_OK;
    if (status < 0) {
        cli_error_err(CMD, &err);
        exit_code = cli_exit_code(status);
    } else {
        exit_code = status == FADYN_OK ? CLI_EXIT_OK : CLI_EXIT_FAILED;
        if (!o.quiet) {
            fadyn_verify_report(&o.vp, res, nc, &b);
            printf("fadyn verify: ");
        }
        cli_put_lines(&b);
        if (o.summary && write_summary(&o, res, nc, status == FADYN_OK, &err) != FADYN_OK) {
            cli_error_err(CMD, &err);
            exit_code = CLI_EXIT_FAILED;
        }
        if (o.plot && fadyn_work_rank() == 0 && /* one instance, drawn by rank 0 alone */
            (rc = cli_plot_status(CMD, fadyn_verify_plot(&o.vp, o.plot_instance, o.plot, &err),
                                  &err)) != FADYN_OK) {
            cli_error_err(CMD, &err);
            exit_code = CLI_EXIT_FAILED;
        }
    }
    fadyn_check_results_free(res, nc);
    free(sel);
    free(res);
    return exit_code;
}
