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

/* "<= 1e-06", or "<= 1e-06 in >= 95%" for a check that needs a fraction. */
static void tolerance_text(const fadyn_check *c, char *out, size_t n) {
    const char *cmp = c->worst == FADYN_REDUCE_MIN ? ">=" : "<=";
    if (c->min_fraction > 0.0 && c->min_fraction < 1.0)
        snprintf(out, n, "%s %.10g in >= %g%%", cmp, c->tolerance, 100.0 * c->min_fraction);
    else
        snprintf(out, n, "%s %.10g", cmp, c->tolerance);
}

static void list_checks(void) {
    printf("%-22s %-14s %s\n", "check", "equation", "claim / measured per instance (tolerance)");
    for (const fadyn_check *c = fadyn_checks; c->name; c++) {
        char tol[64];
        tolerance_text(c, tol, sizeof tol);
        printf("%-22s %-14s %s\n%38s%s (%s)\n", c->name, c->equation, c->claim, "", c->measure,
               tol);
    }
}

static const char *comparison(const fadyn_check *c) {
    return c->worst == FADYN_REDUCE_MIN ? ">=" : "<=";
}

/* "pass", "FAIL 3/24", with the instances not applicable, undecided or
 * failing within an allowed fraction named. */
static void verdict(const fadyn_check_result *r, char *out, size_t n) {
    size_t applies = r->instances - r->not_applicable;
    int k = snprintf(out, n, "%s", r->pass ? "pass" : r->failing ? "FAIL" : "UNDECIDED");
    if (r->failing)
        k += snprintf(out + k, n - (size_t)k, r->pass ? " (%zu/%zu fail)" : " %zu/%zu", r->failing,
                      applies);
    if (r->undecided)
        k += snprintf(out + k, n - (size_t)k, "%s%zu/%zu not converged by the horizon",
                      r->failing ? ", " : " ", r->undecided, applies);
    if (r->not_applicable) snprintf(out + k, n - (size_t)k, ", %zu n/a", r->not_applicable);
}

static void print_table(const verify_opts *o, const fadyn_check_result *res, size_t nc) {
    const fadyn_verify_params *vp = &o->vp;
    printf("fadyn verify: %zu instances per check, seed %lu, break %s, sizes", vp->instances,
           vp->seed, fadyn_break_name(vp->brk));
    for (size_t k = 0; k < vp->nsizes && k < vp->instances; k++) {
        size_t s[3];
        fadyn_verify_instance_sizes(vp, k, s);
        printf(" %zu-%zu-%zu", s[0], s[1], s[2]);
    }
    printf("\n%-22s %-14s %9s  %-14s %-10s %s\n", "claim", "eq", "instances", "worst measured",
           "tolerance", "verdict");
    size_t fails = 0, run = 0;
    for (size_t c = 0; c < nc; c++) {
        const fadyn_check_result *r = &res[c];
        if (!r->instances) continue;
        char v[160], tol[64];
        verdict(r, v, sizeof v);
        snprintf(tol, sizeof tol, "%s %g", comparison(r->check), r->check->tolerance);
        if (r->check->min_fraction > 0.0 && r->check->min_fraction < 1.0)
            snprintf(tol, sizeof tol, "%s %g in %g%%", comparison(r->check), r->check->tolerance,
                     100.0 * r->check->min_fraction);
        printf("%-22s %-14s %9zu  %-14.4g %-10s %s\n", r->check->name, r->check->equation,
               r->instances, r->worst, tol, v);
        run++;
        fails += (size_t)!r->pass;
    }
    printf("notes: Proof 1 trajectories run to t = %g (Theorem 1 to %g while still learning);",
           vp->integ.t_end, 10.0 * vp->integ.t_end);
    for (size_t c = 0; c < nc; c++)
        for (size_t k = 0; res[c].instances && k < FADYN_VERIFY_NEXTRA; k++)
            if (res[c].check->extra_name[k])
                printf("\n  %s: %s %.4g", res[c].check->name, res[c].check->extra_name[k],
                       res[c].extra[k]);
    printf("\n");
    if (fails == 0)
        printf("verdict: all %zu checks pass\n", run);
    else
        printf("verdict: %zu of %zu checks FAIL\n", fails, run);
}

static int write_summary(const verify_opts *o, const fadyn_check_result *res, size_t nc,
                         int all_pass, fadyn_err *err) {
    json_t *j = fadyn_json_summary_new("verify");
    json_object_set_new(j, "parameters", cli_json(OPTS, o));
    json_object_set_new(j, "pass", json_boolean(all_pass));
    json_t *list = json_array();
    for (size_t c = 0; c < nc; c++) {
        const fadyn_check_result *r = &res[c];
        if (!r->instances) continue;
        const fadyn_check *ck = r->check;
        json_t *e = json_object();
        json_object_set_new(e, "name", json_string(ck->name));
        json_object_set_new(e, "equation", json_string(ck->equation));
        json_object_set_new(e, "claim", json_string(ck->claim));
        json_object_set_new(e, "measure", json_string(ck->measure));
        json_object_set_new(e, "instances", json_integer((json_int_t)r->instances));
        json_object_set_new(e, "failing", json_integer((json_int_t)r->failing));
        json_object_set_new(e, "worst", fadyn_json_real(r->worst));
        json_object_set_new(e, "worst_instance", json_integer((json_int_t)r->worst_instance));
        json_object_set_new(e, "tolerance", json_real(ck->tolerance));
        json_object_set_new(e, "comparison", json_string(comparison(ck)));
        json_object_set_new(e, "min_fraction",
                            json_real(ck->min_fraction > 0.0 ? ck->min_fraction : 1.0));
        json_object_set_new(e, "not_applicable", json_integer((json_int_t)r->not_applicable));
        json_object_set_new(e, "undecided", json_integer((json_int_t)r->undecided));
        json_object_set_new(e, "pass", json_boolean(r->pass));
        for (size_t k = 0; k < FADYN_VERIFY_NEXTRA; k++)
            if (ck->extra_name[k])
                json_object_set_new(e, ck->extra_name[k], fadyn_json_real(r->extra[k]));
        json_t *per = json_array(); /* every instance: its sizes, value and verdict */
        for (size_t i = 0; i < r->instances; i++) {
            size_t isz[3];
            fadyn_verify_instance_sizes(&o->vp, i, isz);
            json_t *pi = json_object(), *js = json_array();
            for (size_t q = 0; q < 3; q++)
                json_array_append_new(js, json_integer((json_int_t)isz[q]));
            json_object_set_new(pi, "instance", json_integer((json_int_t)i));
            json_object_set_new(pi, "sizes", js);
            json_object_set_new(pi, "value", fadyn_json_real(r->value[i]));
            json_object_set_new(pi, "verdict", json_string(fadyn_verdict_name(r->verdict[i])));
            json_array_append_new(per, pi);
        }
        json_object_set_new(e, "per_instance", per);
        json_array_append_new(list, e);
    }
    json_object_set_new(j, "checks", list);
    int rc = fadyn_json_write(j, o->summary, err);
    json_decref(j);
    return rc;
}

/* DIR/verify-BREAK.{tsv,gp,png} for instance o->plot_instance. */
typedef struct {
    const fadyn_verify_params *vp;
    const fadyn_verify_trace *tr;
} verify_figure;

/* The trace's observer rows, V̇, V̈ and Lemma 4's bound on |V̈|. */
static int write_trace(const char *path, const void *figure, fadyn_err *err) {
    const fadyn_verify_trace *tr = ((const verify_figure *)figure)->tr;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    enum { NC = FADYN_OBS_NCOLS + 3 };
    const char *names[NC];
    memcpy(names, fadyn_obs_names, sizeof(char *) * FADYN_OBS_NCOLS);
    names[FADYN_OBS_NCOLS] = "vdot";
    names[FADYN_OBS_NCOLS + 1] = "vddot";
    names[FADYN_OBS_NCOLS + 2] = "vddot_bound";
    fadyn_tsv_header(f.f, names, NC);
    double v[NC];
    for (size_t i = 0; i < tr->nrows; i++) {
        fadyn_obs_to_array(&tr->rows[i], v);
        v[FADYN_OBS_NCOLS] = tr->vdot[i];
        v[FADYN_OBS_NCOLS + 1] = tr->vddot[i];
        v[FADYN_OBS_NCOLS + 2] = tr->vddot_bound[i];
        fadyn_tsv_row(f.f, v, NC);
    }
    return fadyn_ofile_commit(&f, err);
}

static int draw(const fadyn_plot_target *t, const void *figure, fadyn_err *err) {
    const verify_figure *f = figure;
    return fadyn_plot_verify(t, f->vp, f->tr, err);
}

static int make_plot(const verify_opts *o, fadyn_err *err) {
    int rc = fadyn_mkdir_p(o->plot, err);
    if (rc) return rc;
    char name[64], path[FADYN_PATH_MAX];
    snprintf(name, sizeof name, "verify-%s.png", fadyn_break_name(o->vp.brk));
    if (fadyn_path_join(path, sizeof path, o->plot, name) != FADYN_OK)
        return fadyn_err_set(err, FADYN_EINVAL, "--plot %s: path too long", o->plot);
    fadyn_plot_target pt;
    if ((rc = fadyn_plot_target_parse(&pt, path, 1000, 750, err))) return rc;
    fadyn_verify_trace tr;
    if ((rc = fadyn_verify_trace_run(&o->vp, o->plot_instance, &tr, err))) return rc;
    verify_figure fig = {&o->vp, &tr};
    fadyn_plot_data data = {".tsv", write_trace, &fig, NULL};
    rc = fadyn_plot_make(&pt, &data, 1, draw, &fig, err);
    fadyn_verify_trace_free(&tr);
    return rc;
}

static void progress(void *ctx, double fraction) {
    (void)ctx;
    cli_progress("fadyn verify", fraction);
}

int cmd_verify(int argc, char **argv) {
    verify_opts o;
    int rc = cli_parse(&VERIFY, argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (o.list) {
        list_checks();
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
        cli_error_err(CMD, &err);
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
        if (!o.quiet) print_table(&o, res, nc);
        if (o.summary && write_summary(&o, res, nc, status == FADYN_OK, &err) != FADYN_OK) {
            cli_error_err(CMD, &err);
            exit_code = CLI_EXIT_FAILED;
        }
        if (o.plot && (rc = cli_plot_status(CMD, make_plot(&o, &err), &err)) != FADYN_OK) {
            cli_error_err(CMD, &err);
            exit_code = CLI_EXIT_FAILED;
        }
    }
    fadyn_check_results_free(res, nc);
    free(sel);
    free(res);
    return exit_code;
}
