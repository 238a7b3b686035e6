/* cmd_figure.c — `fadyn figure`: the paper's Figs. 1d, 1e, 2d and 4, each a
 * recipe writing its PNG, .gp script, data and JSON summary into plots/. */
#include "cli.h"
#include "fadyn.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP =
    "usage: fadyn figure NAME... [OPTIONS]\n"
    "\n"
    "Reproduce figures of the paper. Each NAME writes DIR/NAME.png, its gnuplot\n"
    "script DIR/NAME.gp, the data (DIR/NAME*.tsv) and DIR/NAME.json:\n"
    "  fig1d  Task 1: NSE against examples for shallow, node perturbation, bp and fa,\n"
    "         each at its tuned rate (quick: 5 runs x 4000 examples; full: 20 x 20000)\n"
    "  fig1e  Task 1, fa: the angle dh_FA < dh_BP per example, mean +- 2 sd over a\n"
    "         sliding window of 10 examples (quick: 2000 examples; full: 5000)\n"
    "  fig2d  Task 3: test NSE of 3- and 4-layer students with bp and fa, n = 20 runs\n"
    "         each, Welch t-tests of 3 vs 4 layers (quick: 50000 examples; full: 300000)\n"
    "  fig4   Task 1, fa, eta = 1e-3, initial scale w in {1e-4 ... 0.25}: NSE and the\n"
    "         angles to bp and pbp (quick: 20000 examples; full: 50000)\n"
    "  all    every figure above\n"
    "\n"
    "Options:\n"
    "  --full          the paper's scale (minutes) instead of the quick default\n"
    "  --dir DIR       output directory (default plots)\n"
    "  --runs N        runs per curve or bar (default: quick/full values above)\n"
    "  --examples N    examples per run (default: quick/full values above)\n"
    "  --seed N        seed of the tasks and runs (default 1)\n"
    "  --quiet         no summary on standard output\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 bad input, 3 some run diverged (reported;\n"
    "the figure is drawn from the others).\n";

typedef struct {
    int full, quiet;
    const char *dir;
    size_t runs, examples;
    unsigned long seed;
} fig_opts;

typedef int (*recipe_fn)(const fig_opts *o, json_t *sum, int *diverged, fadyn_err *err);

#define CMD "figure"

static size_t pick(size_t given, size_t quick, size_t full, int is_full) {
    return given ? given : is_full ? full : quick;
}

static int path_in(const fig_opts *o, const char *name, char *out, size_t n) {
    int k = snprintf(out, n, "%s/%s", o->dir, name);
    return k < 0 || (size_t)k >= n ? FADYN_EINVAL : FADYN_OK;
}

/* Report the diverged runs of res; returns how many. */
static int report_diverged(const char *what, const fadyn_train_result *res, size_t n) {
    int d = 0;
    for (size_t r = 0; r < n; r++)
        if (res[r].status == FADYN_DIVERGED) {
            cli_error(CMD, "%s: run %zu diverged: %s", what, r, res[r].err.msg);
            d++;
        }
    return d;
}

static int render(const fig_opts *o, const char *name, fadyn_plot_target *pt, fadyn_err *err) {
    char png[FADYN_PATH_MAX];
    snprintf(png, sizeof png, "%s/%s.png", o->dir, name);
    return fadyn_plot_target_parse(pt, png, 1400, 700, err);
}

static int plot_status(int rc, fadyn_err *err) {
    if (rc == FADYN_ENOGNUPLOT) {
        cli_error_err(CMD, err);
        return FADYN_OK;
    }
    return rc;
}

static double final_mean(const fadyn_train_result *res, size_t n, double *sd) {
    double mu;
    fadyn_train_final_stats(res, n, &mu, sd);
    return mu;
}

/* Task 1 (seeded by --seed) and its 30-20-10 linear student. */
static int task1(const fig_opts *o, fadyn_task *task, fadyn_net_spec *spec, fadyn_err *err) {
    fadyn_task_params tp = fadyn_task_params_default(FADYN_TASK_LINEAR);
    tp.seed = o->seed;
    size_t sz[] = {30, 20, 10};
    *spec = fadyn_net_spec_make(2, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    return fadyn_task_alloc(task, &tp, err);
}

static void free_results(fadyn_train_result *res, size_t n) {
    for (size_t r = 0; r < n; r++)
        fadyn_train_result_free(&res[r]);
}

/* Fig. 1d: the four rules on Task 1. */
#define FIG1D_QUICK 4000 /* examples of the quick run, and the span of the linear panel */
static int fig1d(const fig_opts *o, json_t *sum, int *diverged, fadyn_err *err) {
    static const char *const rules[] = {"shallow", "np", "bp", "fa"};
    fadyn_task task;
    fadyn_net_spec spec;
    int rc = task1(o, &task, &spec, err);
    size_t runs = pick(o->runs, 5, 20, o->full);
    fadyn_train_params p = fadyn_train_params_default();
    p.examples = pick(o->examples, FIG1D_QUICK, 20000, o->full);
    p.eval_every = p.examples / 200 ? p.examples / 200 : 1;
    p.angles = 0;
    fadyn_train_result *res = calloc(runs, sizeof *res);
    json_t *jr = json_object();
    for (size_t i = 0; rc == FADYN_OK && i < 4; i++) {
        const fadyn_rule_type *rule = fadyn_rule_type_find(rules[i]);
        p.eta = fadyn_train_default_eta(FADYN_TASK_LINEAR, rule);
        rc = fadyn_train_runs(&task, &spec, rule, &p, o->seed, runs, res);
        if (rc == FADYN_DIVERGED) rc = FADYN_OK;
        if (rc) break;
        *diverged += report_diverged(rules[i], res, runs);
        char name[64], path[FADYN_PATH_MAX];
        snprintf(name, sizeof name, "fig1d-%s.tsv", rules[i]);
        path_in(o, name, path, sizeof path);
        rc = fadyn_train_write_mean(path, res, runs, err);
        double sd, mu = final_mean(res, runs, &sd);
        /* examples until the mean NSE first falls below 1 % */
        double *mean = malloc(res[0].nrows * res[0].ncols * sizeof(double) * 2);
        size_t nr = fadyn_train_aggregate(res, runs, mean, mean + res[0].nrows * res[0].ncols);
        double to1 = NAN;
        for (size_t k = 0; k < nr; k++)
            if (mean[k * res[0].ncols + 1] < 0.01) {
                to1 = mean[k * res[0].ncols];
                break;
            }
        free(mean);
        json_t *e = json_object();
        json_object_set_new(e, "eta", json_real(p.eta));
        json_object_set_new(e, "final_nse_mean", fadyn_json_real(mu));
        json_object_set_new(e, "final_nse_sd", fadyn_json_real(sd));
        json_object_set_new(e, "examples_to_nse_0.01", fadyn_json_real(to1));
        json_object_set_new(jr, rules[i], e);
        if (!o->quiet)
            printf("  fig1d %-8s eta %-6g final NSE %.3e +- %.1e, NSE < 1%% after %g examples\n",
                   rules[i], p.eta, mu, sd, to1);
        free_results(res, runs);
    }
    json_object_set_new(sum, "rules", jr);
    json_object_set_new(sum, "runs", json_integer((json_int_t)runs));
    json_object_set_new(sum, "examples", json_integer((json_int_t)p.examples));
    free(res);
    fadyn_task_free(&task);
    if (rc) return rc;
    fadyn_plot_target pt;
    if ((rc = render(o, "fig1d", &pt, err))) return rc;
    /* the linear panel shows the quick run's span, where bp and fa finish */
    return plot_status(
        fadyn_plot_fig1d(&pt, rules, 4,
                         (double)(p.examples < FIG1D_QUICK ? p.examples : FIG1D_QUICK), err),
        err);
}

/* Fig. 1e: fa's angle to bp per example, sliding window of 10. */
static int fig1e(const fig_opts *o, json_t *sum, int *diverged, fadyn_err *err) {
    const size_t window = 10;
    fadyn_task task;
    fadyn_net_spec spec;
    int rc = task1(o, &task, &spec, err);
    if (rc) return rc;
    fadyn_train_params p = fadyn_train_params_default();
    const fadyn_rule_type *fa = fadyn_rule_type_find("fa");
    p.eta = fadyn_train_default_eta(FADYN_TASK_LINEAR, fa);
    p.examples = pick(o->examples, 2000, 5000, o->full);
    p.eval_every = 1;
    fadyn_train_result res;
    rc = fadyn_train_run(&task, &spec, fa, &p, fadyn_train_run_seed(o->seed, 0), &res);
    fadyn_task_free(&task);
    if (rc == FADYN_DIVERGED)
        *diverged += report_diverged("fig1e", &res, 1);
    else if (rc) {
        *err = res.err;
        fadyn_train_result_free(&res);
        return rc;
    }
    char path[FADYN_PATH_MAX];
    path_in(o, "fig1e.tsv", path, sizeof path);
    fadyn_ofile f;
    if ((rc = fadyn_ofile_open(&f, path, err))) {
        fadyn_train_result_free(&res);
        return rc;
    }
    static const char *const cols[] = {"example", "angle", "mean", "sd"};
    fadyn_tsv_header(f.f, cols, 4);
    double first = NAN, last = NAN, below45 = NAN;
    for (size_t i = window - 1; i < res.nrows; i++) {
        double s = 0, s2 = 0;
        for (size_t k = i + 1 - window; k <= i; k++)
            s += res.rows[k * res.ncols + 3];
        double mu = s / (double)window;
        for (size_t k = i + 1 - window; k <= i; k++)
            s2 += (res.rows[k * res.ncols + 3] - mu) * (res.rows[k * res.ncols + 3] - mu);
        double v[4] = {res.rows[i * res.ncols], res.rows[i * res.ncols + 3], mu,
                       sqrt(s2 / (double)(window - 1))};
        fadyn_tsv_row(f.f, v, 4);
        if (!isfinite(mu)) continue; /* the error reached rounding level: no angle */
        if (isnan(first)) first = mu;
        last = mu;
        if (isnan(below45) && mu < 45.0) below45 = v[0];
    }
    rc = fadyn_ofile_commit(&f, err);
    json_object_set_new(sum, "eta", json_real(p.eta));
    json_object_set_new(sum, "examples", json_integer((json_int_t)p.examples));
    json_object_set_new(sum, "window", json_integer((json_int_t)window));
    json_object_set_new(sum, "angle_first_window", fadyn_json_real(first));
    json_object_set_new(sum, "angle_last_window", fadyn_json_real(last));
    json_object_set_new(sum, "examples_to_below_45_degrees", fadyn_json_real(below45));
    if (!o->quiet)
        printf("  fig1e angle fa-bp: %.1f deg (first window) -> %.1f deg (last); below 45 deg "
               "after %g examples\n",
               first, last, below45);
    fadyn_train_result_free(&res);
    if (rc) return rc;
    fadyn_plot_target pt;
    if ((rc = render(o, "fig1e", &pt, err))) return rc;
    return plot_status(fadyn_plot_fig1e(&pt, err), err);
}

static void show_progress(void *ctx, double fraction) {
    cli_progress((const char *)ctx, fraction);
}

/* Fig. 2d: 3 vs 4 layers on Task 3, bp and fa, Welch t-tests. */
static int fig2d(const fig_opts *o, json_t *sum, int *diverged, fadyn_err *err) {
    fadyn_task_params tp = fadyn_task_params_default(FADYN_TASK_TEACHER);
    tp.seed = o->seed;
    fadyn_task task;
    int rc = fadyn_task_alloc(&task, &tp, err);
    if (rc) return rc;
    size_t runs = pick(o->runs, 20, 20, o->full);
    fadyn_train_params p = fadyn_train_params_default();
    p.examples = pick(o->examples, 50000, 300000, o->full);
    p.eval_every = p.examples / 10;
    p.angles = 0;
    static const char *const rules[2] = {"bp", "fa"};
    size_t s3[] = {30, 20, 10}, s4[] = {30, 20, 10, 10};
    double *nse = calloc(4 * runs, sizeof(double));
    fadyn_train_result *res = calloc(runs, sizeof *res);
    char path[FADYN_PATH_MAX];
    path_in(o, "fig2d.tsv", path, sizeof path);
    fadyn_ofile f;
    if (!nse || !res) rc = fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    if (rc == FADYN_OK) rc = fadyn_ofile_open(&f, path, err);
    if (rc) {
        free(nse);
        free(res);
        fadyn_task_free(&task);
        return rc;
    }
    static const char *const cols[] = {"group", "rule_fa", "layers", "run", "nse", "mean", "sd"};
    fadyn_tsv_header(f.f, cols, 7);
    size_t ok[4] = {0};
    double mu[4], sd[4];
    for (size_t g = 0; g < 4 && rc == FADYN_OK; g++) {
        const fadyn_rule_type *rule = fadyn_rule_type_find(rules[g / 2]);
        fadyn_net_spec spec = g % 2
                                  ? fadyn_net_spec_make(3, s4, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 1)
                                  : fadyn_net_spec_make(2, s3, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 1);
        p.eta = fadyn_train_default_eta(FADYN_TASK_TEACHER, rule);
        char label[64];
        snprintf(label, sizeof label, "fig2d %s, %zu layers", rules[g / 2], g % 2 ? (size_t)4 : 3);
        rc = fadyn_train_runs_progress(&task, &spec, rule, &p, o->seed, runs, res, show_progress,
                                       label);
        cli_progress_done();
        if (rc == FADYN_DIVERGED) rc = FADYN_OK;
        if (rc) break;
        *diverged += report_diverged(rules[g / 2], res, runs);
        for (size_t r = 0; r < runs; r++)
            if (res[r].status == FADYN_OK) nse[g * runs + ok[g]++] = res[r].final_nse;
        mu[g] = final_mean(res, runs, &sd[g]);
        for (size_t r = 0; r < ok[g]; r++) {
            double v[7] = {(double)g, (double)(g / 2),   (double)(g % 2 ? 4 : 3),
                           (double)r, nse[g * runs + r], mu[g],
                           sd[g]};
            fadyn_tsv_row(f.f, v, 7);
        }
        free_results(res, runs);
    }
    if (rc)
        fadyn_ofile_abort(&f);
    else
        rc = fadyn_ofile_commit(&f, err);
    fadyn_welch w[2];
    json_t *jr = json_object();
    for (size_t k = 0; rc == FADYN_OK && k < 2; k++) {
        if (fadyn_welch_test(nse + 2 * k * runs, ok[2 * k], nse + (2 * k + 1) * runs, ok[2 * k + 1],
                             &w[k])) {
            rc = fadyn_err_set(err, FADYN_EINVAL,
                               "fig2d: need 2 finished runs per bar for the t-test");
            break;
        }
        json_t *e = json_object();
        json_object_set_new(
            e, "eta",
            json_real(fadyn_train_default_eta(FADYN_TASK_TEACHER, fadyn_rule_type_find(rules[k]))));
        json_object_set_new(e, "nse_3_layers_mean", fadyn_json_real(w[k].mean_a));
        json_object_set_new(e, "nse_3_layers_sd", fadyn_json_real(w[k].sd_a));
        json_object_set_new(e, "nse_4_layers_mean", fadyn_json_real(w[k].mean_b));
        json_object_set_new(e, "nse_4_layers_sd", fadyn_json_real(w[k].sd_b));
        json_object_set_new(e, "welch_t", fadyn_json_real(w[k].t));
        json_object_set_new(e, "welch_df", fadyn_json_real(w[k].df));
        json_object_set_new(e, "p_value", fadyn_json_real(w[k].p));
        json_object_set_new(e, "n", json_integer((json_int_t)ok[2 * k]));
        json_object_set_new(jr, rules[k], e);
        if (!o->quiet)
            printf("  fig2d %s: 3 layers %.4f +- %.4f, 4 layers %.4f +- %.4f, Welch t %.2f, p = "
                   "%.2e\n",
                   rules[k], w[k].mean_a, w[k].sd_a, w[k].mean_b, w[k].sd_b, w[k].t, w[k].p);
    }
    json_t *regime = json_object();
    json_object_set_new(regime, "teacher_sizes", json_string("30-20-10-10"));
    json_object_set_new(regime, "teacher_gain", json_real(tp.teacher_gain));
    json_object_set_new(regime, "teacher_bias", json_real(tp.teacher_bias));
    json_object_set_new(regime, "student_init_scale", json_real(p.w_scale));
    json_object_set_new(regime, "b_scale", json_real(p.b_scale));
    json_object_set_new(sum, "teacher_regime", regime);
    json_object_set_new(sum, "rules", jr);
    json_object_set_new(sum, "runs", json_integer((json_int_t)runs));
    json_object_set_new(sum, "examples", json_integer((json_int_t)p.examples));
    free(nse);
    free(res);
    fadyn_task_free(&task);
    if (rc) return rc;
    fadyn_plot_target pt;
    if ((rc = render(o, "fig2d", &pt, err))) return rc;
    return plot_status(fadyn_plot_fig2d(&pt, runs, w[0].p, w[1].p, err), err);
}

/* Fig. 4: fa on Task 1 at η = 1e-3 from initial scales ω. */
static int fig4(const fig_opts *o, json_t *sum, int *diverged, fadyn_err *err) {
    static const double omegas[] = {0.0001, 0.001, 0.01, 0.05, 0.1, 0.125, 0.15, 0.2, 0.25};
    const size_t n = sizeof omegas / sizeof omegas[0];
    fadyn_task task;
    fadyn_net_spec spec;
    int rc = task1(o, &task, &spec, err);
    if (rc) return rc;
    const fadyn_rule_type *fa = fadyn_rule_type_find("fa");
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = 1e-3;
    p.examples = pick(o->examples, 20000, 50000, o->full);
    p.eval_every = p.examples / 200;
    fadyn_train_result res[9];
    int old = fadyn_blas_set_threads(1);
#pragma omp parallel for schedule(dynamic)
    for (size_t i = 0; i < n; i++) {
        fadyn_train_params pi = p;
        pi.w_scale = omegas[i];
        fadyn_train_run(&task, &spec, fa, &pi, fadyn_train_run_seed(o->seed, 0), &res[i]);
    }
    fadyn_blas_set_threads(old);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char name[64], path[FADYN_PATH_MAX];
        if (res[i].status < 0 && rc == FADYN_OK) {
            *err = res[i].err;
            rc = res[i].status;
        }
        if (res[i].status == FADYN_DIVERGED) *diverged += report_diverged("fig4", &res[i], 1);
        snprintf(name, sizeof name, "fig4-w%zu.tsv", i);
        path_in(o, name, path, sizeof path);
        if (rc == FADYN_OK) rc = fadyn_train_write_runs(path, &res[i], 1, err);
        /* the last evaluation with defined angles (they are NaN once e is at rounding level) */
        const double *last = NULL;
        for (size_t k = res[i].nrows; k-- > 0 && !last;)
            if (isfinite(res[i].rows[k * res[i].ncols + 3])) last = res[i].rows + k * res[i].ncols;
        json_t *e = json_object();
        json_object_set_new(e, "omega", json_real(omegas[i]));
        json_object_set_new(e, "final_nse", fadyn_json_real(res[i].final_nse));
        json_object_set_new(e, "last_angle_example", fadyn_json_real(last ? last[0] : NAN));
        json_object_set_new(e, "last_angle_bp", fadyn_json_real(last ? last[3] : NAN));
        json_object_set_new(e, "last_angle_pbp", fadyn_json_real(last ? last[4] : NAN));
        json_array_append_new(arr, e);
        if (!o->quiet && last)
            printf("  fig4 omega %-6g final NSE %.2e; at example %g: angle to bp %.1f deg, to pbp "
                   "%.1f deg\n",
                   omegas[i], res[i].final_nse, last[0], last[3], last[4]);
        fadyn_train_result_free(&res[i]);
    }
    json_object_set_new(sum, "eta", json_real(p.eta));
    json_object_set_new(sum, "examples", json_integer((json_int_t)p.examples));
    json_object_set_new(sum, "omegas", arr);
    fadyn_task_free(&task);
    if (rc) return rc;
    fadyn_plot_target pt;
    if ((rc = render(o, "fig4", &pt, err))) return rc;
    return plot_status(fadyn_plot_fig4(&pt, omegas, n, err), err);
}

static const struct {
    const char *name;
    recipe_fn fn;
} recipes[] = {{"fig1d", fig1d}, {"fig1e", fig1e}, {"fig2d", fig2d}, {"fig4", fig4}, {NULL, NULL}};

enum { O_FULL = 256, O_DIR, O_RUNS, O_EXAMPLES, O_SEED, O_QUIET, O_HELP };
static const struct option long_opts[] = {
    {"full", no_argument, 0, O_FULL},       {"dir", required_argument, 0, O_DIR},
    {"runs", required_argument, 0, O_RUNS}, {"examples", required_argument, 0, O_EXAMPLES},
    {"seed", required_argument, 0, O_SEED}, {"quiet", no_argument, 0, O_QUIET},
    {"help", no_argument, 0, O_HELP},       {0, 0, 0, 0},
};

static int find_recipe(const char *name) {
    for (int i = 0; recipes[i].name; i++)
        if (strcmp(recipes[i].name, name) == 0) return i;
    return -1;
}

int cmd_figure(int argc, char **argv) {
    fig_opts o = {0, 0, "plots", 0, 0, 1};
    int c, rc = 0;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        switch (c) {
        case O_FULL:
            o.full = 1;
            break;
        case O_DIR:
            o.dir = optarg;
            break;
        case O_RUNS:
            rc = cli_size(CMD, "--runs", optarg, &o.runs);
            break;
        case O_EXAMPLES:
            rc = cli_size(CMD, "--examples", optarg, &o.examples);
            break;
        case O_SEED:
            rc = cli_ulong(CMD, "--seed", optarg, &o.seed);
            break;
        case O_QUIET:
            o.quiet = 1;
            break;
        case 'h':
        case O_HELP:
            fputs(HELP, stdout);
            return CLI_EXIT_OK;
        case '?':
        default:
            rc = cli_bad_option(CMD, argv);
        }
    }
    if (rc) return rc;
    int want[8] = {0}, any = 0;
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "all") == 0) {
            for (int k = 0; recipes[k].name; k++)
                want[k] = 1;
        } else {
            int k = find_recipe(argv[i]);
            if (k < 0) {
                cli_error(CMD, "'%s': unknown figure (fig1d, fig1e, fig2d, fig4, all)", argv[i]);
                return CLI_EXIT_USAGE;
            }
            want[k] = 1;
        }
        any = 1;
    }
    if (!any) {
        cli_error(CMD, "name a figure: fig1d, fig1e, fig2d, fig4 or all (see --help)");
        return CLI_EXIT_USAGE;
    }
    if (o.runs == 1 && (want[0] || want[2])) {
        cli_error(CMD, "--runs 1: fig1d and fig2d need at least 2 runs (sd, t-test)");
        return CLI_EXIT_USAGE;
    }
    if (o.examples && o.examples < 200) {
        cli_error(CMD, "--examples %zu: at least 200", o.examples);
        return CLI_EXIT_USAGE;
    }
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_mkdir_p(o.dir, &err) != FADYN_OK) {
        cli_error(CMD, "--dir %s", err.msg);
        return CLI_EXIT_USAGE;
    }
    char probe[FADYN_PATH_MAX];
    snprintf(probe, sizeof probe, "%s/fig.json", o.dir);
    if ((rc = cli_check_out(CMD, "--dir", probe))) return rc;
    int diverged = 0, exit_code = CLI_EXIT_OK;
    for (int k = 0; recipes[k].name; k++) {
        if (!want[k]) continue;
        json_t *sum = fadyn_json_summary_new("figure");
        json_object_set_new(sum, "figure", json_string(recipes[k].name));
        json_object_set_new(sum, "mode", json_string(o.full ? "full" : "quick"));
        json_object_set_new(sum, "seed", json_integer((json_int_t)o.seed));
        if (!o.quiet) printf("fadyn figure %s (%s):\n", recipes[k].name, o.full ? "full" : "quick");
        int d = 0;
        rc = recipes[k].fn(&o, sum, &d, &err);
        diverged += d;
        json_object_set_new(sum, "diverged_runs", json_integer(d));
        if (rc == FADYN_OK) {
            char path[FADYN_PATH_MAX];
            snprintf(path, sizeof path, "%s/%s.json", o.dir, recipes[k].name);
            rc = fadyn_json_write(sum, path, &err);
            if (rc == FADYN_OK && !o.quiet)
                printf("  wrote %s/%s.png, .gp, .tsv, .json\n", o.dir, recipes[k].name);
        }
        json_decref(sum);
        if (rc) {
            cli_error(CMD, "%s: %s", recipes[k].name, err.msg[0] ? err.msg : fadyn_strerror(rc));
            exit_code = CLI_EXIT_FAILED;
        }
    }
    if (exit_code == CLI_EXIT_OK && diverged) exit_code = CLI_EXIT_DIVERGED;
    return exit_code;
}
