/* cmd_verify.c — `fadyn verify`: the numerical checks of the supplementary
 * proofs, as a table, a JSON summary and a figure per instance. */
#include "cli.h"
#include "fadyn.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP =
    "usage: fadyn verify [OPTIONS]\n"
    "\n"
    "Check the paper's supplementary proofs numerically: each claim (a row of the\n"
    "table, see --list) is measured on an ensemble of seeded random instances; the\n"
    "worst case is compared with the claim's tolerance.\n"
    "  Proof 1 (eq 14, Lemmas 2-4, eq 47, Theorem 1) on trajectories of the expected\n"
    "  dynamics; Proof 2 (pbp ~ Gauss-Newton, eq 55-58) on sigmoid networks; Proof 3\n"
    "  (Lemma 5, eq 76-77, Theorem 2) on one training pair from zero; Fig. 4's claim;\n"
    "  Baldi et al. 2018 on the scalar chains 1-1-1 and 1-1-1-1.\n"
    "\n"
    "Options:\n"
    "  --instances N       instances per check (default 24)\n"
    "  --seed N            seed of the ensemble (default 1)\n"
    "  --sizes LIST        network sizes n_i,n_h,n_o; several separated by ':', used in\n"
    "                      turn (default 30,20,10:12,8,4:20,10,5:6,10,4:10,6,6:8,5,1)\n"
    "  --only LIST         run only these checks: comma-separated names or prefixes\n"
    "                      (p1, p2, p3, fig4, baldi)\n"
    "  --list              list the checks with their claims and exit\n"
    "  --break HYPOTHESIS  violate one hypothesis on purpose:\n"
    "                        c-nonzero  large random start U[-1,1], so C != 0\n"
    "                        rank       n_o > n_h (n_h and n_o swapped, or n_o = n_h + 2\n"
    "                                   when equal), so B^+ B != I\n"
    "                        sign       the hidden-layer update gets the wrong sign\n"
    "                                   (fault injected in verify's own wrapper)\n"
    "                        sigma      inputs with covariance Sigma = diag(s) != I,\n"
    "                                   log s_j ~ U[-log 4, log 4] (Proof 1 takes\n"
    "                                   Sigma = I)\n"
    "                      the checks that rely on it must then FAIL\n"
    "  --representable-target  under --break rank, draw T of rank n_h, so that the\n"
    "                      network can represent it\n"
    "  --t-end T           horizon of the Proof 1 trajectories (default 400)\n"
    "  --threads N         OpenMP threads over instances (default: all)\n"
    "  --summary FILE      the table as JSON: a 'checks' list of objects with name,\n"
    "                      equation, claim, measure, instances, failing, worst,\n"
    "                      worst_instance, tolerance, comparison, min_fraction,\n"
    "                      not_applicable, undecided, pass, the extras, and\n"
    "                      per_instance: each instance's sizes, value and verdict\n"
    "  --plot DIR          V, s against both bounds, the drift of C and the angles for\n"
    "                      one instance: DIR/verify-BREAK.png (.gp and .tsv beside it)\n"
    "  --plot-instance N   the instance --plot draws (default 0)\n"
    "  --quiet             no table on standard output\n"
    "\n"
    "Exit status: 0 every check passes, 1 one fails, 2 bad input.\n"
    "See docs/verification.md.\n";

typedef struct {
    fadyn_verify_params vp;
    const char *only, *summary, *plot;
    size_t plot_instance;
    int list, quiet;
} verify_opts;

enum {
    O_INSTANCES = 256,
    O_REPR,
    O_SEED,
    O_SIZES,
    O_ONLY,
    O_LIST,
    O_BREAK,
    O_T_END,
    O_THREADS,
    O_SUMMARY,
    O_PLOT,
    O_PLOT_INSTANCE,
    O_QUIET,
    O_HELP
};

static const struct option long_opts[] = {
    {"instances", required_argument, 0, O_INSTANCES},
    {"seed", required_argument, 0, O_SEED},
    {"representable-target", no_argument, 0, O_REPR},
    {"sizes", required_argument, 0, O_SIZES},
    {"only", required_argument, 0, O_ONLY},
    {"list", no_argument, 0, O_LIST},
    {"break", required_argument, 0, O_BREAK},
    {"t-end", required_argument, 0, O_T_END},
    {"threads", required_argument, 0, O_THREADS},
    {"summary", required_argument, 0, O_SUMMARY},
    {"plot", required_argument, 0, O_PLOT},
    {"plot-instance", required_argument, 0, O_PLOT_INSTANCE},
    {"quiet", no_argument, 0, O_QUIET},
    {"help", no_argument, 0, O_HELP},
    {0, 0, 0, 0},
};

#define CMD "verify"

/* "30,20,10:12,8,4" into vp->sizes. */
static int parse_sizes(const char *arg, fadyn_verify_params *vp) {
    char buf[1024];
    if (strlen(arg) >= sizeof buf) {
        cli_error(CMD, "--sizes: list too long");
        return CLI_EXIT_USAGE;
    }
    strcpy(buf, arg);
    size_t k = 0;
    char *save = NULL;
    if (buf[0] == '\0' || buf[strlen(buf) - 1] == ':' || strstr(buf, "::")) {
        cli_error(CMD, "--sizes '%s': empty triple in the list", arg);
        return CLI_EXIT_USAGE;
    }
    for (char *tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
        if (k == FADYN_VERIFY_MAX_SIZES) {
            cli_error(CMD, "--sizes '%s': more than %d triples", arg, FADYN_VERIFY_MAX_SIZES);
            return CLI_EXIT_USAGE;
        }
        size_t n = 0;
        int rc = cli_size_list(CMD, "--sizes", tok, vp->sizes[k], 3, &n);
        if (rc) return rc;
        if (n != 3) {
            cli_error(CMD, "--sizes '%s': need n_i,n_h,n_o (one hidden layer), got %zu numbers",
                      tok, n);
            return CLI_EXIT_USAGE;
        }
        k++;
    }
    vp->nsizes = k;
    return 0;
}

static int parse(int argc, char **argv, verify_opts *o) {
    memset(o, 0, sizeof *o);
    o->vp = fadyn_verify_params_default();
    unsigned long threads = 0;
    int c, rc = 0;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        switch (c) {
        case O_INSTANCES:
            rc = cli_size(CMD, "--instances", optarg, &o->vp.instances);
            break;
        case O_SEED:
            rc = cli_ulong(CMD, "--seed", optarg, &o->vp.seed);
            break;
        case O_SIZES:
            rc = parse_sizes(optarg, &o->vp);
            break;
        case O_ONLY:
            o->only = optarg;
            break;
        case O_LIST:
            o->list = 1;
            break;
        case O_REPR:
            o->vp.representable = 1;
            break;
        case O_BREAK:
            if (fadyn_break_parse(optarg, &o->vp.brk) != FADYN_OK) {
                cli_error(CMD, "--break '%s': unknown (none, c-nonzero, rank, sign, sigma)",
                          optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_T_END:
            rc = cli_double(CMD, "--t-end", optarg, &o->vp.t_end);
            break;
        case O_THREADS:
            rc = cli_ulong(CMD, "--threads", optarg, &threads);
            if (rc == 0 && threads > 1024) {
                cli_error(CMD, "--threads %lu: at most 1024", threads);
                rc = CLI_EXIT_USAGE;
            }
            o->vp.threads = (int)threads;
            break;
        case O_SUMMARY:
            o->summary = optarg;
            break;
        case O_PLOT:
            o->plot = optarg;
            break;
        case O_PLOT_INSTANCE:
            rc = cli_size(CMD, "--plot-instance", optarg, &o->plot_instance);
            break;
        case O_QUIET:
            o->quiet = 1;
            break;
        case 'h':
        case O_HELP:
            fputs(HELP, stdout);
            return -1;
        case '?':
        default:
            rc = cli_bad_option(CMD, argv);
        }
    }
    if (rc) return rc;
    if ((rc = cli_no_operands(CMD, argc, argv))) return rc;
    if (o->vp.instances > 100000) {
        cli_error(CMD, "--instances %zu: at most 100000", o->vp.instances);
        return CLI_EXIT_USAGE;
    }
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_verify_params_check(&o->vp, &err) != FADYN_OK) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_USAGE;
    }
    if (o->summary && (rc = cli_check_out(CMD, "--summary", o->summary))) return rc;
    if (o->plot) { /* the directory is made, and found writable, before the work */
        char probe[FADYN_PATH_MAX];
        if (fadyn_path_join(probe, sizeof probe, o->plot, "verify.png") != FADYN_OK) {
            cli_error(CMD, "--plot %s: path too long", o->plot);
            return CLI_EXIT_USAGE;
        }
        if (fadyn_mkdir_p(o->plot, &err) != FADYN_OK) {
            cli_error(CMD, "--plot %s", err.msg);
            return CLI_EXIT_USAGE;
        }
        if ((rc = cli_check_out(CMD, "--plot", probe))) return rc;
    }
    return 0;
}

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
           vp->t_end, 10.0 * vp->t_end);
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
    const fadyn_verify_params *vp = &o->vp;
    json_t *j = fadyn_json_summary_new("verify");
    json_t *par = json_object();
    json_object_set_new(par, "instances", json_integer((json_int_t)vp->instances));
    json_object_set_new(par, "seed", json_integer((json_int_t)vp->seed));
    json_t *sz = json_array();
    for (size_t k = 0; k < vp->nsizes; k++) {
        json_t *t = json_array();
        for (size_t i = 0; i < 3; i++)
            json_array_append_new(t, json_integer((json_int_t)vp->sizes[k][i]));
        json_array_append_new(sz, t);
    }
    json_object_set_new(par, "sizes", sz);
    json_object_set_new(par, "break", json_string(fadyn_break_name(vp->brk)));
    json_object_set_new(par, "representable_target", json_boolean(vp->representable));
    json_object_set_new(par, "t_end", json_real(vp->t_end));
    json_object_set_new(par, "stepper", json_string(vp->stepper));
    json_object_set_new(par, "rtol", json_real(vp->rtol));
    json_object_set_new(par, "atol", json_real(vp->atol));
    if (o->only) json_object_set_new(par, "only", json_string(o->only));
    json_object_set_new(j, "parameters", par);
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
            fadyn_verify_instance_sizes(vp, i, isz);
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
    int rc = parse(argc, argv, &o);
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
