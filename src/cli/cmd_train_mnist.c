/* cmd_train_mnist.c — `fadyn train --task mnist`: the paper's Task 2 on the
 * MNIST files, with evaluations, runs on the cores, progress, checkpoints
 * and SIGINT/SIGTERM saving the state to resume. */
#include "cli.h"
#include "fadyn.h"
#include "opts.h"

#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const INTRO =
    "Task 2 of the paper: a 784-1000-10 network of logistic units with biases learns\n"
    "the MNIST digits (one-hot targets, L = 1/2 |y* - y|^2, weight decay), online by\n"
    "default. Each epoch is a new permutation of the training images drawn from the\n"
    "seed, the same for every rule and run; each run draws new weights and feedback B\n"
    "(run r's W0 is the same for every rule). Every --eval-every examples: the error\n"
    "on the test images, the training loss and error, and the angle dh_FA < dh_BP\n"
    "(mean and sd over the examples since the last evaluation).\n";

static const char *const EPILOGUE =
    "Exit status: 0 success, 1 failure, 2 bad input (a data file is named with the\n"
    "byte offset and fault), 3 a run diverged, 4 stopped by SIGINT or SIGTERM (the\n"
    "checkpoint is written; the same command with --resume FILE continues). Under\n"
    "mpirun the runs are shared out among the ranks, with the same outputs; the\n"
    "checkpoint options then refuse (docs/scaling.md). See docs/cli.md.\n";

#define CMD                "train"
#define DEFAULT_CHECKPOINT "fadyn-mnist.ckpt"

typedef struct {
    int task; /* mnist: checked by cmd_train's dispatch */
    fadyn_mnist_params p;
    int precision; /* fadyn_mnist_precision */
    const fadyn_rule_type *rule;
    const char *dir, *checkpoint, *resume;
    size_t runs, threads, checkpoint_every;
    double epochs;
    int force;
    cli_output_opts oo;
} mnist_opts;

static const char *task_name(int i) {
    return i == 0 ? "mnist" : NULL;
}
static const char *precision_name(int i) {
    return i == FADYN_MNIST_SINGLE ? "single" : i == FADYN_MNIST_DOUBLE ? "double" : NULL;
}
static const char *delta_name(int i) {
    return i == 0 ? "error" : i == 1 ? "gradient" : NULL;
}

/* --rule: a rule of the table that the MNIST trainer runs. */
static int parse_rule(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    int rc = cli_k_rule.parse(cmd, o, arg, base);
    if (rc || fadyn_mnist_rule_supported(((mnist_opts *)base)->rule)) return rc;
    char list[256];
    fadyn_mnist_rule_list(list, sizeof list);
    cli_error(cmd, "--rule '%s': not on MNIST (%s)", arg, list);
    return CLI_EXIT_USAGE;
}
static const cli_kind rule_kind = {1, 0, 0, parse_rule, cli_json_named, cli_show_named, NULL};

typedef mnist_opts M;
static const cli_opt OPTS[] = {
    CLI_ENUM("task", "mnist", M, task, task_name, "Task 2 (the other tasks: fadyn train --help)",
             .def = "", .section = "Data:"),
    CLI_STRING("mnist-dir", "DIR", M, dir,
               "the four IDX files, plain or .gz; by default $FADYN_MNIST, else data/mnist (make "
               "data fetches them)",
               .json = "mnist_dir", .def = ""),
    CLI_SIZE("train-images", "N", M, p.n_train, "learn from the first N training images",
             CLI_RANGE(0, 1e8), .def = "all"),
    CLI_SIZE("test-images", "N", M, p.n_test, "evaluate on the first N test images",
             CLI_RANGE(0, 1e8), .def = "all"),
    {CLI_FIELD_K(&rule_kind, "rule", "NAME", M, rule, "{mnist-rules}"), CLI_REC,
     .section = "Network and learning:"},
    CLI_SIZE("hidden", "N", M, p.hidden, "hidden units", CLI_REC, CLI_RANGE(1, 65536)),
    CLI_DOUBLE("eta", "X", M, p.eta, "learning rate (docs/figures.md)", CLI_REC, CLI_POSITIVE),
    CLI_DOUBLE("decay", "A", M, p.decay, "weight decay: W <- (1 - eta A) W + ...", CLI_REC,
               CLI_NONNEG),
    CLI_DOUBLE("init-scale", "W", M, p.w_scale, "W0, W and the biases ~ U[-W,W]", CLI_REC,
               CLI_NONNEG),
    CLI_DOUBLE("b-scale", "X", M, p.b_scale, "feedback B ~ U[-X,X]", CLI_REC, CLI_NONNEG),
    CLI_DOUBLE("drop", "F", M, p.drop, "sparse-fa: fraction of W and of B removed, fixed per run",
               CLI_REC),
    CLI_DOUBLE("input-scale", "S", M, p.input_scale, "inputs x = S * pixel / 255", CLI_REC,
               CLI_POSITIVE),
    CLI_ENUM("output-delta", "D", M, p.output_deriv, delta_name,
             "gradient: delta = e * y(1-y), the gradient of L; error: delta = e (the output "
             "derivative left out)",
             CLI_REC),
    CLI_SIZE("batch", "K", M, p.batch, "examples per update, the mean of K; 1 is online", CLI_REC,
             CLI_RANGE(1, 1024)),
    CLI_DOUBLE("epochs", "E", M, epochs,
               "epochs of the training set per run; by default where bp starts to overfit "
               "(docs/figures.md)",
               CLI_REC, CLI_RANGE(0, 1e6), .def = ""),
    CLI_SIZE("examples", "N", M, p.examples, "examples per run instead of --epochs", CLI_REC,
             CLI_RANGE(0, 1e10), .def = ""),
    CLI_SIZE("eval-every", "N", M, p.eval_every, "examples between evaluations", CLI_REC,
             CLI_RANGE(0, 1e10), .def = "one epoch"),
    CLI_CLEAR("no-angles", M, p.angles, "skip the angle dh_FA < dh_BP"),
    CLI_ANGLE(M, p.angle, CLI_REC),
    CLI_ENUM("precision", "P", M, precision, precision_name, "the weights in single or double",
             CLI_REC),
    CLI_SIZE("runs", "N", M, runs, "independent runs", CLI_REC, CLI_RANGE(1, 1000),
             .section = "Runs:"),
    CLI_ULONG("seed", "N", M, p.seed, "seed of the data order and of the runs", CLI_REC),
    CLI_SET("force", M, force,
            "run even when the estimated work (runs x examples x 6 weights, and the "
            "evaluations) is beyond 1e13 flop (about an hour)"),
    CLI_SIZE("threads", "N", M, threads,
             "cores to use (in each MPI rank): several runs at once, or one run's hidden units "
             "split among them (the same results either way)",
             CLI_RANGE(0, 1024), .def = "all"),
    CLI_OPT(&cli_k_outfile, "checkpoint", "FILE", M, checkpoint,
            "write the state of every run to FILE (atomically, with a format version and a "
            "checksum) every --checkpoint-every examples and when stopped; without it a "
            "signal writes " DEFAULT_CHECKPOINT,
            .def = "", .section = "Checkpoints:"),
    CLI_SIZE("checkpoint-every", "N", M, checkpoint_every, "examples between checkpoints",
             CLI_RANGE(1, 1e10), .def = "one epoch"),
    CLI_STRING("resume", "FILE", M, resume,
               "continue the runs saved in FILE: the same options give bit for bit the curves and "
               "weights of an uninterrupted run",
               .def = ""),
    CLI_OUTFILE("out", "FILE.tsv", M, oo.out,
                "rows averaged over runs: example epoch test_error_percent_mean "
                "test_error_percent_sd ... angle_mean_mean ...; every run in FILE.runs.tsv",
                .section = "Output:"),
    CLI_OUTFILE("summary", "FILE", M, oo.summary,
                "JSON: test_error_percent (final mean, sd, per run, per evaluation), "
                "examples_per_second, wall_seconds, parameters, seeds, version"),
    CLI_PLOT(M, oo.plot, "test error and angle against examples (.png .svg .pdf)"),
    CLI_SET("quiet", M, oo.quiet, "no progress on stderr, no summary on stdout"),
    CLI_END,
};

static void defaults(void *v) {
    mnist_opts *o = v;
    o->p = fadyn_mnist_params_default();
    o->p.eval_every = 0; /* one epoch */
    o->p.examples = 0;   /* --epochs, or the stopping point */
    o->precision = (int)o->p.precision;
    o->rule = fadyn_rule_type_find("fa");
    const char *env = getenv("FADYN_MNIST");
    o->dir = env && *env ? env : "data/mnist";
    o->runs = 1;
}

static int check(cli_ctx *c, void *v) {
    (void)c;
    mnist_opts *o = v;
    if (o->p.examples && o->epochs > 0) {
        cli_error(CMD, "--epochs and --examples: give one of them");
        return CLI_EXIT_USAGE;
    }
    if (o->checkpoint_every && !o->checkpoint) {
        cli_error(CMD, "--checkpoint-every: needs --checkpoint FILE");
        return CLI_EXIT_USAGE;
    }
    int ranks = fadyn_work_ranks();
    if (ranks > 1 && (o->checkpoint || o->resume)) {
        cli_error(CMD,
                  "%s: checkpoints are written and resumed by one process, not across %d MPI "
                  "ranks; run without mpirun to checkpoint",
                  o->checkpoint ? "--checkpoint" : "--resume", ranks);
        return CLI_EXIT_USAGE;
    }
    if (o->checkpoint && cli_check_out(CMD, "--checkpoint", o->checkpoint)) return CLI_EXIT_USAGE;
    o->p.precision = (fadyn_mnist_precision)o->precision;
    return 0;
}

static const cli_cmd MNIST = {.name = "train",
                              .usage = "--task mnist [OPTIONS]",
                              .intro = INTRO,
                              .opts = OPTS,
                              .epilogue = EPILOGUE,
                              .size = sizeof(mnist_opts),
                              .init = defaults,
                              .check = check};
const cli_cmd *const cli_cmd_train_mnist = &MNIST;

/* What needs the data: the epochs in examples, one epoch's default
 * intervals, the library's checks (their field named as its option). */
static int finish(mnist_opts *o, const fadyn_mnist *data) {
    size_t n = o->p.n_train ? o->p.n_train : data->train.n;
    if (n > data->train.n) n = data->train.n;
    double epochs =
        o->epochs > 0 ? o->epochs : (double)fadyn_mnist_params_default().examples / 60000.0;
    if (!o->p.examples) o->p.examples = (size_t)fmax(1.0, round(epochs * (double)n));
    if (!o->p.eval_every) o->p.eval_every = n;
    if (!o->checkpoint_every && o->checkpoint) o->checkpoint_every = n;
    fadyn_err err;
    fadyn_err_clear(&err);
    int rc = fadyn_mnist_params_check(&o->p, data, o->rule, &err);
    if ((rc = cli_lib_check(&MNIST, o, &o->p, sizeof o->p, rc, &err))) return rc;
    size_t inputs = data->train.rows * data->train.cols;
    size_t n_test = o->p.n_test && o->p.n_test < data->test.n ? o->p.n_test : data->test.n;
    return cli_cost_check(CMD, o->force, fadyn_mnist_work(&o->p, inputs, n_test, o->runs),
                          FADYN_WORK_LIMIT, "%zu run%s x %zu examples of a %zu-%zu-%d network",
                          o->runs, o->runs > 1 ? "s" : "", o->p.examples, inputs, o->p.hidden,
                          FADYN_MNIST_CLASSES);
}

/* ---- signals and progress -------------------------------------------------------- */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1; /* the runs stop at their next segment and save their state */
}

static void install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = (int)SA_RESETHAND; /* a second signal ends the process at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void progress(void *ctx, const fadyn_mnist_progress *pr) {
    (void)ctx;
    char line[256], left[64];
    double s = pr->seconds_left;
    if (!isfinite(s))
        snprintf(left, sizeof left, "?");
    else if (s < 90)
        snprintf(left, sizeof left, "%.0f s", s);
    else if (s < 5400)
        snprintf(left, sizeof left, "%.0f min", s / 60);
    else
        snprintf(left, sizeof left, "%.1f h", s / 3600);
    snprintf(line, sizeof line,
             "fadyn train: run %zu/%zu, %zu/%zu examples, test error %.2f %%, %.0f examples/s, "
             "%s left",
             pr->run + 1, pr->runs, pr->done, pr->examples, pr->test_error, pr->examples_per_second,
             left);
    cli_progress_text(line);
}

/* ---- outputs ------------------------------------------------------------------------ */

static int write_summary(const mnist_opts *o, const fadyn_mnist *data,
                         const fadyn_mnist_result *res, double wall, fadyn_err *err) {
    double mean, sd;
    size_t fin = fadyn_mnist_final_stats(res, o->runs, &mean, &sd);
    json_t *j = fadyn_json_summary_new("train");
    json_t *par = cli_json(OPTS, o);
    json_object_set_new(par, "task", json_string("mnist"));
    json_t *sz = json_array();
    json_array_append_new(sz, json_integer((json_int_t)(data->train.rows * data->train.cols)));
    json_array_append_new(sz, json_integer((json_int_t)o->p.hidden));
    json_array_append_new(sz, json_integer(FADYN_MNIST_CLASSES));
    json_object_set_new(par, "sizes", sz);
    json_object_set_new(par, "train_images",
                        json_integer((json_int_t)(o->p.n_train ? o->p.n_train : data->train.n)));
    json_object_set_new(par, "test_images",
                        json_integer((json_int_t)(o->p.n_test ? o->p.n_test : data->test.n)));
    json_object_set_new(j, "parameters", par);
    json_object_set_new(j, "seed", json_integer((json_int_t)o->p.seed));
    json_t *seeds = json_array(), *final = json_array(), *div = json_array();
    double train_s = 0, eval_s = 0, examples = 0;
    for (size_t r = 0; r < o->runs; r++) {
        json_array_append_new(seeds, json_integer((json_int_t)res[r].init_seed));
        json_array_append_new(final, fadyn_json_real(res[r].final_test_error));
        if (res[r].status == FADYN_DIVERGED)
            json_array_append_new(div, json_integer((json_int_t)r));
        train_s += res[r].train_seconds;
        eval_s += res[r].eval_seconds;
        examples += (double)res[r].done;
    }
    json_object_set_new(j, "run_seeds", seeds);
    json_t *te = json_object();
    json_object_set_new(te, "mean", fadyn_json_real(mean));
    json_object_set_new(te, "sd", fadyn_json_real(sd));
    json_object_set_new(te, "runs", json_integer((json_int_t)fin));
    json_object_set_new(te, "final", final);
    if (o->rule->paper_mnist > 0) json_object_set_new(te, "paper", json_real(o->rule->paper_mnist));
    /* per evaluation: mean and sd over the finished runs */
    json_t *ex = json_array(), *mu = json_array(), *sdv = json_array(), *am = json_array();
    size_t nrows = 0;
    for (size_t r = 0; r < o->runs; r++)
        if (res[r].status == FADYN_OK && res[r].nrows > nrows) nrows = res[r].nrows;
    for (size_t i = 0; i < nrows; i++) {
        double s = 0, s2 = 0, a = 0, xe = 0;
        size_t m = 0, ma = 0;
        for (size_t r = 0; r < o->runs; r++)
            if (res[r].status == FADYN_OK && i < res[r].nrows) {
                const double *row = res[r].rows + i * FADYN_MNIST_NCOLS;
                xe = row[FADYN_MNIST_COL_EXAMPLE];
                s += row[FADYN_MNIST_COL_TEST_ERROR];
                s2 += row[FADYN_MNIST_COL_TEST_ERROR] * row[FADYN_MNIST_COL_TEST_ERROR];
                m++;
                if (isfinite(row[FADYN_MNIST_COL_ANGLE_MEAN]))
                    a += row[FADYN_MNIST_COL_ANGLE_MEAN], ma++;
            }
        double mm = m ? s / (double)m : NAN;
        json_array_append_new(ex, json_integer((json_int_t)xe));
        json_array_append_new(mu, fadyn_json_real(mm));
        json_array_append_new(
            sdv, fadyn_json_real(m > 1 ? sqrt(fmax(0, (s2 - (double)m * mm * mm) / (double)(m - 1)))
                                       : NAN));
        json_array_append_new(am, fadyn_json_real(ma ? a / (double)ma : NAN));
    }
    json_t *pe = json_object();
    json_object_set_new(pe, "example", ex);
    json_object_set_new(pe, "mean", mu);
    json_object_set_new(pe, "sd", sdv);
    json_object_set_new(te, "per_evaluation", pe);
    json_object_set_new(j, "test_error_percent", te);
    json_object_set_new(j, "angle_mean_per_evaluation", am);
    json_object_set_new(j, "runs", json_integer((json_int_t)o->runs));
    json_object_set_new(j, "diverged", div);
    json_object_set_new(j, "examples_per_second",
                        fadyn_json_real(train_s > 0 ? examples / train_s : NAN));
    json_object_set_new(j, "train_seconds", json_real(train_s));
    json_object_set_new(j, "eval_seconds", json_real(eval_s));
    json_object_set_new(j, "wall_seconds", json_real(wall));
    int rc = fadyn_json_write(j, o->oo.summary, err);
    json_decref(j);
    return rc;
}

typedef struct {
    const fadyn_mnist_result *res;
    size_t runs;
    char title[512];
    int angles;
    fadyn_angle_kind angle;
} mnist_figure;

static int write_mean(const char *path, const void *ctx, fadyn_err *err) {
    const mnist_figure *f = ctx;
    return fadyn_mnist_write_mean(path, f->res, f->runs, err);
}

static int draw(const fadyn_plot_target *t, const void *ctx, fadyn_err *err) {
    const mnist_figure *f = ctx;
    return fadyn_plot_mnist_train(t, f->angles, f->angle, f->title, err);
}

static int outputs(const mnist_opts *o, const fadyn_mnist *data, const fadyn_mnist_result *res,
                   double wall, fadyn_err *err) {
    int rc;
    if (o->oo.out) {
        char path[FADYN_PATH_MAX];
        if ((rc = fadyn_mnist_write_mean(o->oo.out, res, o->runs, err))) return rc;
        const char *dot = strrchr(o->oo.out, '.');
        size_t n = dot && !strchr(dot, '/') ? (size_t)(dot - o->oo.out) : strlen(o->oo.out);
        snprintf(path, sizeof path, "%.*s.runs.tsv", (int)n, o->oo.out);
        if ((rc = fadyn_mnist_write_runs(path, res, o->runs, err))) return rc;
    }
    if (o->oo.summary && (rc = write_summary(o, data, res, wall, err))) return rc;
    if (o->oo.plot) {
        fadyn_plot_target pt;
        if ((rc = fadyn_plot_target_parse(&pt, o->oo.plot, 0, 0, err))) return rc;
        mnist_figure fig = {
            res, o->runs, {0}, o->p.angles && o->rule->signal == FADYN_SIGNAL_FEEDBACK, o->p.angle};
        snprintf(fig.title, sizeof fig.title, "fadyn train: MNIST, rule %s, eta %g, %zu run%s",
                 o->rule->name, o->p.eta, o->runs, o->runs > 1 ? "s" : "");
        fadyn_plot_data d = {".tsv", write_mean, &fig, o->oo.out};
        rc = fadyn_plot_make(&pt, &d, 1, draw, &fig, err);
        if ((rc = cli_plot_status(CMD, rc, err))) return rc;
    }
    if (!o->oo.quiet) {
        double mean, sd, train_s = 0, examples = 0;
        size_t fin = fadyn_mnist_final_stats(res, o->runs, &mean, &sd);
        for (size_t r = 0; r < o->runs; r++) {
            train_s += res[r].train_seconds;
            examples += (double)res[r].done;
        }
        printf("fadyn train: task mnist, rule %s, %zu-%zu-%d, eta %g, batch %zu, %zu examples "
               "x %zu run%s, %s precision\n",
               o->rule->name, data->train.rows * data->train.cols, o->p.hidden, FADYN_MNIST_CLASSES,
               o->p.eta, o->p.batch, o->p.examples, o->runs, o->runs > 1 ? "s" : "",
               o->p.precision == FADYN_MNIST_DOUBLE ? "double" : "single");
        printf("  final test error    %.2f %%", mean);
        if (fin > 1) printf(" +- %.2f (mean +- sd over %zu runs)", sd, fin);
        if (o->rule->paper_mnist > 0) printf("; the paper: %.1f %% (n = 20)", o->rule->paper_mnist);
        printf("\n");
        for (size_t r = 0; r < o->runs; r++)
            if (res[r].status != FADYN_OK) printf("  run %zu  %s\n", r, res[r].err.msg);
        printf("  %.0f examples/s per run, %.1f s\n", train_s > 0 ? examples / train_s : 0, wall);
    }
    return FADYN_OK;
}

int cmd_train_mnist(int argc, char **argv) {
    mnist_opts o;
    int rc = cli_parse(&MNIST, argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_mnist data;
    if ((rc = fadyn_mnist_load_agree(&data, o.dir, &err))) { /* every MPI rank, or none */
        cli_error_err(CMD, &err);
        return CLI_EXIT_USAGE;
    }
    if ((rc = finish(&o, &data))) {
        fadyn_mnist_free(&data);
        return rc;
    }
    fadyn_mnist_result *res = calloc(o.runs, sizeof *res);
    if (!res) {
        cli_error(CMD, "out of memory");
        fadyn_mnist_free(&data);
        return CLI_EXIT_FAILED;
    }
    fadyn_mnist_control ctl = fadyn_mnist_control_default();
    ctl.threads = o.threads;
    int ranks = fadyn_work_ranks(); /* several: no checkpoint (check) */
    ctl.checkpoint = ranks > 1 ? NULL : o.checkpoint ? o.checkpoint : DEFAULT_CHECKPOINT;
    ctl.checkpoint_every = o.checkpoint_every;
    ctl.resume = o.resume;
    ctl.stop = &stop_requested;
    if (!o.oo.quiet && cli_progress_enabled()) ctl.progress = progress;
    install_signals();
    double t0 = fadyn_wall_seconds();
    int status = fadyn_mnist_runs(&data, o.rule, &o.p, o.runs, &ctl, res);
    double wall = fadyn_wall_seconds() - t0;
    cli_progress_done();
    int exit_code = cli_exit_code(status);
    if (status == FADYN_STOPPED && ranks > 1) {
        cli_error(CMD, "stopped: under %d MPI ranks no checkpoint is written", ranks);
    } else if (status == FADYN_STOPPED) {
        cli_error(CMD,
                  "stopped: the state of every run is in %s; the same command with --resume %s "
                  "continues it",
                  ctl.checkpoint, ctl.checkpoint);
    } else if (status < 0) {
        for (size_t r = 0; r < o.runs; r++)
            if (res[r].status < 0) {
                cli_error_err(CMD, &res[r].err);
                break;
            }
    } else {
        for (size_t r = 0; r < o.runs; r++)
            if (res[r].status == FADYN_DIVERGED) cli_error(CMD, "run %zu: %s", r, res[r].err.msg);
        if ((rc = outputs(&o, &data, res, wall, &err))) {
            cli_error_err(CMD, &err);
            exit_code = cli_exit_code(rc);
        }
    }
    for (size_t r = 0; r < o.runs; r++)
        fadyn_mnist_result_free(&res[r]);
    free(res);
    fadyn_mnist_free(&data);
    return exit_code;
}
