/* cmd_train_mnist.c — `fadyn train --task mnist`: the paper's Task 2 on the
 * MNIST files, with evaluations, runs on the cores, progress, checkpoints
 * and SIGINT/SIGTERM saving the state to resume. */
#include "cli.h"
#include "fadyn.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP =
    "usage: fadyn train --task mnist [OPTIONS]\n"
    "\n"
    "Task 2 of the paper: a 784-1000-10 network of logistic units with biases learns\n"
    "the MNIST digits (one-hot targets, L = 1/2 |y* - y|^2, weight decay), online by\n"
    "default, with bp, fa, sparse fa, shallow learning or dfa. Each epoch is a new\n"
    "permutation of the training images drawn from the seed, the same for every rule\n"
    "and run; each run draws new weights and feedback B (run r's W0 is the same for\n"
    "every rule). Every --eval-every examples: the error on the test images, the\n"
    "training loss and error, and the angle dh_FA < dh_BP (mean and sd over the\n"
    "examples since the last evaluation).\n"
    "\n"
    "Data:\n"
    "  --mnist-dir DIR    the four IDX files, plain or .gz (default $FADYN_MNIST, else\n"
    "                     data/mnist; `make data` fetches them)\n"
    "  --train-images N   learn from the first N training images (default all)\n"
    "  --test-images N    evaluate on the first N test images (default all)\n"
    "\n"
    "Network and learning:\n"
    "  --rule NAME        {mnist-rules} (default fa)\n"
    "  --hidden N         hidden units (default 1000)\n"
    "  --eta X            learning rate (default %g, docs/figures.md)\n"
    "  --decay A          weight decay: W <- (1 - eta A) W + ... (default %g)\n"
    "  --init-scale W     W0, W and the biases ~ U[-W,W] (default %g)\n"
    "  --b-scale X        feedback B ~ U[-X,X] (default %g)\n"
    "  --drop F           sparse-fa: fraction of W and of B removed (default %g)\n"
    "  --input-scale S    inputs x = S * pixel / 255 (default %g)\n"
    "  --output-delta D   gradient: delta = e * y(1-y), the gradient of L (default);\n"
    "                     error: delta = e (the output derivative left out)\n"
    "  --batch K          examples per update, the mean of K (default 1, online)\n"
    "  --epochs E         epochs of the training set per run (default %g, where bp\n"
    "                     starts to overfit: docs/figures.md)\n"
    "  --examples N       examples per run instead of --epochs\n"
    "  --eval-every N     examples between evaluations (default one epoch)\n"
    "  --no-angles        skip the angle dh_FA < dh_BP\n"
    "  --precision P      single (default) or double\n"
    "  --runs N           independent runs (default 1)\n"
    "  --seed N           seed of the data order and of the runs (default 1)\n"
    "  --threads N        cores to use (default all): several runs at once, or the\n"
    "                     hidden units of one run split among them (same results)\n"
    "\n"
    "Checkpoints:\n"
    "  --checkpoint FILE  write the state of every run to FILE (atomically, with a\n"
    "                     format version and a checksum) every --checkpoint-every\n"
    "                     examples and when stopped (default on SIGINT/SIGTERM only:\n"
    "                     fadyn-mnist.ckpt)\n"
    "  --checkpoint-every N  examples between checkpoints (default one epoch)\n"
    "  --resume FILE      continue the runs saved in FILE: the same options give\n"
    "                     bit for bit the curves and weights of an uninterrupted run\n"
    "\n"
    "Output:\n"
    "  --out FILE.tsv     rows averaged over runs: example epoch test_error_percent_mean\n"
    "                     test_error_percent_sd ... angle_mean_mean ...; every run in\n"
    "                     FILE.runs.tsv\n"
    "  --summary FILE     JSON: test_error_percent (final mean, sd, per run, per\n"
    "                     evaluation), examples_per_second, wall_seconds, parameters,\n"
    "                     seeds, version\n"
    "  --plot FILE|dumb   test error and angle against examples (.png .svg .pdf)\n"
    "  --quiet            no progress on stderr, no summary on stdout\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 bad input (files named with the byte offset\n"
    "and fault), 3 a run diverged, 4 stopped by SIGINT or SIGTERM (the checkpoint is\n"
    "written; rerun with --resume FILE). See docs/cli.md.\n";

#define CMD "train"
#define DEFAULT_CHECKPOINT "fadyn-mnist.ckpt"

typedef struct {
    fadyn_mnist_params p;
    const fadyn_rule_type *rule;
    const char *dir, *checkpoint, *resume;
    size_t runs, threads, checkpoint_every;
    double epochs;
    int examples_set, eval_set, ck_every_set;
    cli_output_opts oo;
} mnist_opts;

enum {
    O_TASK = 256,
    O_DIR,
    O_NTRAIN,
    O_NTEST,
    O_RULE,
    O_HIDDEN,
    O_ETA,
    O_DECAY,
    O_INIT_SCALE,
    O_B_SCALE,
    O_DROP,
    O_INPUT_SCALE,
    O_OUT_DELTA,
    O_BATCH,
    O_EPOCHS,
    O_EXAMPLES,
    O_EVAL,
    O_NO_ANGLES,
    O_PRECISION,
    O_RUNS,
    O_SEED,
    O_THREADS,
    O_CKPT,
    O_CKPT_EVERY,
    O_RESUME
};

static const struct option long_opts[] = {
    {"task", required_argument, 0, O_TASK},
    {"mnist-dir", required_argument, 0, O_DIR},
    {"train-images", required_argument, 0, O_NTRAIN},
    {"test-images", required_argument, 0, O_NTEST},
    {"rule", required_argument, 0, O_RULE},
    {"hidden", required_argument, 0, O_HIDDEN},
    {"eta", required_argument, 0, O_ETA},
    {"decay", required_argument, 0, O_DECAY},
    {"init-scale", required_argument, 0, O_INIT_SCALE},
    {"b-scale", required_argument, 0, O_B_SCALE},
    {"drop", required_argument, 0, O_DROP},
    {"input-scale", required_argument, 0, O_INPUT_SCALE},
    {"output-delta", required_argument, 0, O_OUT_DELTA},
    {"batch", required_argument, 0, O_BATCH},
    {"epochs", required_argument, 0, O_EPOCHS},
    {"examples", required_argument, 0, O_EXAMPLES},
    {"eval-every", required_argument, 0, O_EVAL},
    {"no-angles", no_argument, 0, O_NO_ANGLES},
    {"precision", required_argument, 0, O_PRECISION},
    {"runs", required_argument, 0, O_RUNS},
    {"seed", required_argument, 0, O_SEED},
    {"threads", required_argument, 0, O_THREADS},
    {"checkpoint", required_argument, 0, O_CKPT},
    {"checkpoint-every", required_argument, 0, O_CKPT_EVERY},
    {"resume", required_argument, 0, O_RESUME},
    CLI_OUTPUT_LONG_OPTS,
    {0, 0, 0, 0},
};

static void print_help(void) {
    fadyn_mnist_params d = fadyn_mnist_params_default();
    char text[8192], list[256];
    snprintf(text, sizeof text, HELP, d.eta, d.decay, d.w_scale, d.b_scale, d.drop, d.input_scale,
             (double)d.examples / 60000.0);
    fadyn_mnist_rule_list(list, sizeof list);
    char *at = strstr(text, "{mnist-rules}");
    if (at) {
        *at = '\0';
        printf("%s%s%s", text, list, at + strlen("{mnist-rules}"));
    } else {
        fputs(text, stdout);
    }
}

static int parse(int argc, char **argv, mnist_opts *o) {
    memset(o, 0, sizeof *o);
    o->p = fadyn_mnist_params_default();
    o->rule = fadyn_rule_type_find("fa");
    o->dir = getenv("FADYN_MNIST") && *getenv("FADYN_MNIST") ? getenv("FADYN_MNIST") : "data/mnist";
    o->runs = 1;
    int c, rc = 0;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        if (c == 'h' || c == CLI_OO_HELP) {
            print_help();
            return -1;
        }
        if (cli_output_opt(c, optarg, &o->oo, HELP, &rc)) {
            if (rc < 0) return rc;
            continue;
        }
        switch (c) {
        case O_TASK:
            if (strcmp(optarg, "mnist") != 0) {
                cli_error(CMD, "--task '%s': give one task", optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_DIR:
            o->dir = optarg;
            break;
        case O_NTRAIN:
            rc = cli_size(CMD, "--train-images", optarg, &o->p.n_train);
            break;
        case O_NTEST:
            rc = cli_size(CMD, "--test-images", optarg, &o->p.n_test);
            break;
        case O_RULE:
            if ((rc = cli_rule(CMD, optarg, 0, &o->rule))) break;
            if (!fadyn_mnist_rule_supported(o->rule)) {
                char list[256];
                fadyn_mnist_rule_list(list, sizeof list);
                cli_error(CMD, "--rule %s: not on MNIST (%s)", optarg, list);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_HIDDEN:
            rc = cli_size(CMD, "--hidden", optarg, &o->p.hidden);
            break;
        case O_ETA:
            rc = cli_double(CMD, "--eta", optarg, &o->p.eta);
            break;
        case O_DECAY:
            rc = cli_double(CMD, "--decay", optarg, &o->p.decay);
            break;
        case O_INIT_SCALE:
            rc = cli_double(CMD, "--init-scale", optarg, &o->p.w_scale);
            break;
        case O_B_SCALE:
            rc = cli_double(CMD, "--b-scale", optarg, &o->p.b_scale);
            break;
        case O_DROP:
            rc = cli_double(CMD, "--drop", optarg, &o->p.drop);
            break;
        case O_INPUT_SCALE:
            rc = cli_double(CMD, "--input-scale", optarg, &o->p.input_scale);
            break;
        case O_OUT_DELTA:
            if (strcmp(optarg, "gradient") == 0) {
                o->p.output_deriv = 1;
            } else if (strcmp(optarg, "error") == 0) {
                o->p.output_deriv = 0;
            } else {
                cli_error(CMD, "--output-delta '%s': gradient or error", optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_BATCH:
            rc = cli_size(CMD, "--batch", optarg, &o->p.batch);
            break;
        case O_EPOCHS:
            rc = cli_double(CMD, "--epochs", optarg, &o->epochs);
            if (rc == 0 && !(o->epochs > 0 && o->epochs < 1e6)) {
                cli_error(CMD, "--epochs %s: need a positive number below 1e6", optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_EXAMPLES:
            rc = cli_size(CMD, "--examples", optarg, &o->p.examples);
            o->examples_set = 1;
            break;
        case O_EVAL:
            rc = cli_size(CMD, "--eval-every", optarg, &o->p.eval_every);
            o->eval_set = 1;
            break;
        case O_NO_ANGLES:
            o->p.angles = 0;
            break;
        case O_PRECISION:
            if (strcmp(optarg, "single") == 0) {
                o->p.precision = FADYN_MNIST_SINGLE;
            } else if (strcmp(optarg, "double") == 0) {
                o->p.precision = FADYN_MNIST_DOUBLE;
            } else {
                cli_error(CMD, "--precision '%s': single or double", optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_RUNS:
            rc = cli_size(CMD, "--runs", optarg, &o->runs);
            if (rc == 0 && (o->runs < 1 || o->runs > 1000)) {
                cli_error(CMD, "--runs %s: need 1 to 1000", optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_SEED:
            rc = cli_ulong(CMD, "--seed", optarg, &o->p.seed);
            break;
        case O_THREADS:
            rc = cli_size(CMD, "--threads", optarg, &o->threads);
            if (rc == 0 && (o->threads < 1 || o->threads > 1024)) {
                cli_error(CMD, "--threads %s: need 1 to 1024", optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_CKPT:
            o->checkpoint = optarg;
            break;
        case O_CKPT_EVERY:
            rc = cli_size(CMD, "--checkpoint-every", optarg, &o->checkpoint_every);
            if (rc == 0 && o->checkpoint_every < 1) {
                cli_error(CMD, "--checkpoint-every 0: need at least 1");
                rc = CLI_EXIT_USAGE;
            }
            o->ck_every_set = 1;
            break;
        case O_RESUME:
            o->resume = optarg;
            break;
        default:
            rc = cli_bad_option(CMD, argv);
        }
    }
    if (rc) return rc;
    if ((rc = cli_no_operands(CMD, argc, argv))) return rc;
    if (o->examples_set && o->epochs > 0) {
        cli_error(CMD, "--epochs and --examples: give one of them");
        return CLI_EXIT_USAGE;
    }
    if (o->ck_every_set && !o->checkpoint) {
        cli_error(CMD, "--checkpoint-every: needs --checkpoint FILE");
        return CLI_EXIT_USAGE;
    }
    if ((rc = cli_output_check(CMD, &o->oo))) return rc;
    if (o->checkpoint && (rc = cli_check_out(CMD, "--checkpoint", o->checkpoint))) return rc;
    return 0;
}

/* Options that need the data: sizes of the sets, epochs, library checks. */
static int finish(mnist_opts *o, const fadyn_mnist *data) {
    size_t n = o->p.n_train ? o->p.n_train : data->train.n;
    if (o->p.n_train > data->train.n || o->p.n_test > data->test.n) {
        cli_error(CMD, "--train-images %zu, --test-images %zu: the sets in %s have %zu and %zu",
                  o->p.n_train, o->p.n_test, o->dir, data->train.n, data->test.n);
        return CLI_EXIT_USAGE;
    }
    if (o->epochs > 0) o->p.examples = (size_t)llround(o->epochs * (double)n);
    if (!o->examples_set && !(o->epochs > 0)) /* the default stopping point, in epochs */
        o->p.examples = (size_t)llround((double)fadyn_mnist_params_default().examples /
                                        60000.0 * (double)n);
    if (o->p.examples < 1) o->p.examples = 1;
    if (!o->eval_set) o->p.eval_every = n;
    if (!o->ck_every_set) o->checkpoint_every = o->checkpoint ? n : 0;
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_mnist_params_check(&o->p, data, o->rule, &err) != FADYN_OK) {
        /* the library names the field; the CLI names the option */
        static const char *const map[][2] = {
            {"hidden", "--hidden"},       {"eta", "--eta"},         {"decay", "--decay"},
            {"w_scale", "--init-scale"},  {"b_scale", "--b-scale"}, {"drop", "--drop"},
            {"input_scale", "--input-scale"}, {"batch", "--batch"}, {"examples", "--examples"},
            {"eval_every", "--eval-every"}, {"n_train", "--train-images"},
            {"n_test", "--test-images"}};
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
            size_t k = strlen(map[i][0]);
            if (strncmp(err.msg, map[i][0], k) == 0 && err.msg[k] == ' ') {
                cli_error(CMD, "%s%s", map[i][1], err.msg + k);
                return CLI_EXIT_USAGE;
            }
        }
        cli_error_err(CMD, &err);
        return CLI_EXIT_USAGE;
    }
    return 0;
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
             pr->run + 1, pr->runs, pr->done, pr->examples, pr->test_error,
             pr->examples_per_second, left);
    cli_progress_text(line);
}

/* ---- outputs ------------------------------------------------------------------------ */

static json_t *params_json(const mnist_opts *o, const fadyn_mnist *data) {
    const fadyn_mnist_params *p = &o->p;
    json_t *j = json_object();
    json_object_set_new(j, "task", json_string("mnist"));
    json_object_set_new(j, "rule", json_string(o->rule->name));
    json_t *sz = json_array();
    json_array_append_new(sz, json_integer((json_int_t)(data->train.rows * data->train.cols)));
    json_array_append_new(sz, json_integer((json_int_t)p->hidden));
    json_array_append_new(sz, json_integer(FADYN_MNIST_CLASSES));
    json_object_set_new(j, "sizes", sz);
    json_object_set_new(j, "eta", json_real(p->eta));
    json_object_set_new(j, "decay", json_real(p->decay));
    json_object_set_new(j, "init_scale", json_real(p->w_scale));
    json_object_set_new(j, "b_scale", json_real(p->b_scale));
    json_object_set_new(j, "drop", json_real(p->drop));
    json_object_set_new(j, "input_scale", json_real(p->input_scale));
    json_object_set_new(j, "output_delta", json_string(p->output_deriv ? "gradient" : "error"));
    json_object_set_new(j, "batch", json_integer((json_int_t)p->batch));
    json_object_set_new(j, "examples", json_integer((json_int_t)p->examples));
    json_object_set_new(j, "eval_every", json_integer((json_int_t)p->eval_every));
    json_object_set_new(j, "angles", json_boolean(p->angles));
    json_object_set_new(j, "precision",
                        json_string(p->precision == FADYN_MNIST_DOUBLE ? "double" : "single"));
    json_object_set_new(j, "train_images",
                        json_integer((json_int_t)(p->n_train ? p->n_train : data->train.n)));
    json_object_set_new(j, "test_images",
                        json_integer((json_int_t)(p->n_test ? p->n_test : data->test.n)));
    json_object_set_new(j, "mnist_dir", json_string(o->dir));
    return j;
}

static int write_summary(const mnist_opts *o, const fadyn_mnist *data,
                         const fadyn_mnist_result *res, double wall, fadyn_err *err) {
    double mean, sd;
    size_t fin = fadyn_mnist_final_stats(res, o->runs, &mean, &sd);
    json_t *j = fadyn_json_summary_new("train");
    json_object_set_new(j, "parameters", params_json(o, data));
    json_object_set_new(j, "seed", json_integer((json_int_t)o->p.seed));
    json_t *seeds = json_array(), *final = json_array(), *div = json_array();
    double train_s = 0, eval_s = 0, examples = 0;
    for (size_t r = 0; r < o->runs; r++) {
        json_array_append_new(seeds, json_integer((json_int_t)res[r].init_seed));
        json_array_append_new(final, fadyn_json_real(res[r].final_test_error));
        if (res[r].status == FADYN_DIVERGED) json_array_append_new(div, json_integer((json_int_t)r));
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
                if (isfinite(row[FADYN_MNIST_COL_ANGLE_MEAN])) a += row[FADYN_MNIST_COL_ANGLE_MEAN], ma++;
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
    json_object_set_new(j, "examples_per_second", fadyn_json_real(train_s > 0 ? examples / train_s : NAN));
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
} mnist_figure;

static int write_mean(const char *path, const void *ctx, fadyn_err *err) {
    const mnist_figure *f = ctx;
    return fadyn_mnist_write_mean(path, f->res, f->runs, err);
}

static int draw(const fadyn_plot_target *t, const void *ctx, fadyn_err *err) {
    const mnist_figure *f = ctx;
    return fadyn_plot_mnist_train(t, f->angles, f->title, err);
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
        mnist_figure fig = {res, o->runs, {0}, o->p.angles && o->rule->signal == FADYN_SIGNAL_FEEDBACK};
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
               o->rule->name, data->train.rows * data->train.cols, o->p.hidden,
               FADYN_MNIST_CLASSES, o->p.eta, o->p.batch, o->p.examples, o->runs,
               o->runs > 1 ? "s" : "",
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
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_mnist data;
    if ((rc = fadyn_mnist_load(&data, o.dir, &err))) {
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
    ctl.checkpoint = o.checkpoint ? o.checkpoint : DEFAULT_CHECKPOINT;
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
    if (status == FADYN_STOPPED) {
        cli_error(CMD, "stopped: the state of every run is in %s; the same command with --resume %s "
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
