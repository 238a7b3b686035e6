/* cmd_train.c — `fadyn train`: stochastic discrete trainers on the paper's tasks. */
#include "cli.h"
#include "fadyn.h"
#include "fadyn/clock.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const INTRO =
    "Train layered networks example by example (or in minibatches) with a learning\n"
    "rule, on Task 1 (linear map) or Task 3 (random tanh teacher) of the paper, in\n"
    "--runs independent runs (new feedback and initial weights each; the same data\n"
    "sequence), in parallel. Every --eval-every examples: the NSE on the held-out set\n"
    "and the angles of the rule's hidden update to bp's (W^T e) and pbp's (W^+ e) on\n"
    "the example about to be learned (computed, not applied).\n";

static const char *const EPILOGUE =
    "Exit status: 0 success, 1 failure, 2 bad input, 3 some run diverged (its example\n"
    "is reported; the other runs complete and are written). See docs/cli.md.\n";

#define CMD "train"

typedef struct {
    int kind; /* fadyn_task_kind, read first: the defaults depend on it */
    fadyn_task_params task;
    fadyn_train_params tp;
    const fadyn_rule_type *rule;
    size_t sizes[FADYN_MAX_DEPTH + 1], nsizes;
    fadyn_net_spec spec; /* of sizes, act, out_act, bias */
    int act, out_act;    /* fadyn_act */
    int bias, tune, force;
    size_t runs;
    unsigned long seed;
    const char *init_from;
    cli_output_opts oo;
} train_opts;

static const char *task_name(int i) {
    return i <= FADYN_TASK_TEACHER ? fadyn_task_name((fadyn_task_kind)i) : NULL;
}
static const char *act_name(int i) {
    return i <= FADYN_ACT_SIGMOID ? fadyn_act_name((fadyn_act)i) : NULL;
}

/* "activations": --act for every hidden layer, then --out-act. */
static json_t *acts_json(const cli_opt *opt, const void *base) {
    const train_opts *o = base;
    (void)opt;
    json_t *a = json_array();
    for (size_t k = 0; k + 1 < o->nsizes; k++)
        json_array_append_new(
            a, json_string(fadyn_act_name((fadyn_act)(k + 2 < o->nsizes ? o->act : o->out_act))));
    return a;
}
static const cli_kind acts_kind = {1, 0, 0, cli_parse_enum, acts_json, cli_show_enum, NULL};

typedef train_opts A;
static const cli_opt OPTS[] = {
    CLI_ENUM("task", "NAME", A, kind, task_name,
             "linear (Task 1: y* = T x, T ~ U[-1,1], x ~ N(0,I)), teacher (Task 3: fixed "
             "random 30-20-10-10 tanh net with biases), or mnist (Task 2, with options of its "
             "own: fadyn train --task mnist --help)",
             CLI_REC, .first = 1, .section = "Task, network and rule:"),
    {CLI_FIELD(rule, "rule", "NAME", A, rule, "{rules}"), CLI_REC},
    CLI_LIST(sizes, "sizes", "LIST", A, sizes, nsizes,
             "student layer sizes, inputs first; must match the task's inputs and outputs", CLI_REC,
             CLI_RANGE(1, 100000), .def = "30,20,10; with --init-from the files' shapes"),
    CLI_OPT(&acts_kind, "act", "NAME", A, act,
            "hidden activation: {names}; by default linear for the linear task, tanh for the "
            "teacher",
            .names = act_name, .json = "activations", .def = ""),
    CLI_ENUM("out-act", "NAME", A, out_act, act_name, "output activation"),
    CLI_SET("bias", A, bias, "adjustable biases (default: off linear, on teacher)", CLI_REC),
    CLI_CLEAR("no-bias", A, bias, "no adjustable biases"),
    CLI_DOUBLE("eta", "X", A, tp.eta,
               "learning rate; by default the rule's tuned rate for the task (docs/figures.md)",
               CLI_REC, CLI_POSITIVE, .def = "", .section = "Learning:"),
    CLI_SET("tune-rate", A, tune,
            "pick eta from the grid 1e-4,3e-4,...,1e-1 by the mean log10 NSE of 3 short runs "
            "(examples/4), then train with it"),
    CLI_SIZE("batch", "K", A, tp.batch, "examples per update, 1 online as the paper", CLI_REC,
             CLI_RANGE(1, 1e6)),
    CLI_SIZE("examples", "N", A, tp.examples, "examples per run", CLI_RANGE(1, 1e9)),
    CLI_SIZE("eval-every", "N", A, tp.eval_every, "examples between evaluations", CLI_REC,
             CLI_RANGE(1, 1e9), .def = "examples/100"),
    CLI_DOUBLE("decay", "A", A, tp.decay, "weight decay: W <- (1 - eta A) W + ...", CLI_REC),
    CLI_DOUBLE("np-sigma", "S", A, tp.np_sigma, "node perturbation size", CLI_REC),
    CLI_DOUBLE("drop", "F", A, tp.drop, "sparse-fa: fraction of W and B removed, fixed per run",
               CLI_REC),
    CLI_DOUBLE("init-scale", "W", A, tp.w_scale, "initial weights and biases ~ U[-W,W]", CLI_REC,
               CLI_NONNEG),
    CLI_DOUBLE("b-scale", "X", A, tp.b_scale, "feedback B ~ U[-X,X]", CLI_REC, CLI_NONNEG),
    CLI_SIZE("test", "N", A, task.n_test,
             "held-out points; by default 1000 (linear) or 5000 (teacher)", .json = "test_points",
             CLI_RANGE(1, 1e6), .def = "", .section = "The task's data:"),
    CLI_DOUBLE("teacher-gain", "G", A, task.teacher_gain,
               "teacher weights ~ U[-G,G]*sqrt(3/fan_in)", CLI_REC, CLI_NONNEG),
    CLI_DOUBLE("teacher-bias", "C", A, task.teacher_bias, "teacher biases ~ U[-C,C]", CLI_REC,
               CLI_NONNEG),
    CLI_RECORD(double, "t_scale", A, task.t_scale),
    CLI_STRING("init-from", "DIR", A, init_from,
               "the linear task's T and every run's initial weights and feedback from DIR, the "
               "files `ode --save-init DIR` (or --save-final) writes and `ode --init-from` reads: "
               "a stochastic run from the state an ODE run starts from (the same --seed, the same "
               "data for every run); --sizes from the files' shapes",
               CLI_REC),
    CLI_SIZE("inputs", "N", A, task.inputs, "inputs of the linear task", CLI_RANGE(1, 100000)),
    CLI_SIZE("outputs", "N", A, task.outputs, "outputs of the linear task", CLI_RANGE(1, 100000)),
    CLI_CLEAR("no-angles", A, tp.angles, "skip the angles (faster)", .section = "Runs:"),
    CLI_ANGLE(A, tp.angle, CLI_REC),
    CLI_SIZE("runs", "N", A, runs, "independent runs, in parallel", CLI_RANGE(1, 1000)),
    CLI_ULONG("seed", "N", A, seed, "seed of the task, data and runs"),
    CLI_SET("force", A, force,
            "run even when the estimated work (runs x examples x 6 weights, the evaluations "
            "and --tune-rate's runs) is beyond 1e13 flop (about an hour)"),
    CLI_OUTFILE("out", "FILE.tsv", A, oo.out,
                "rows averaged over runs: example nse_mean nse_sd loss_mean loss_sd "
                "angle_bp_h1_mean ...; every run in FILE.runs.tsv",
                .section = "Output:"),
    CLI_OUTFILE("summary", "FILE", A, oo.summary,
                "JSON: final_nse_mean, final_nse_sd, runs, examples, examples_per_second, "
                "wall_seconds, eta, parameters, seeds"),
    CLI_PLOT(A, oo.plot, "NSE and angles against examples (.png .svg .pdf)"),
    CLI_SET("quiet", A, oo.quiet, "no summary on standard output"),
    CLI_END,
};

/* The defaults of the task read first. */
static void defaults(void *v) {
    train_opts *o = v;
    fadyn_task_kind kind = (fadyn_task_kind)o->kind;
    o->task = fadyn_task_params_default(kind);
    o->tp = fadyn_train_params_default();
    o->tp.eta = 0.0;      /* the rule's tuned rate */
    o->tp.eval_every = 0; /* examples/100 */
    o->rule = fadyn_rule_type_find("fa");
    o->nsizes = 0; /* not given: 30,20,10, or --init-from's (check) */
    o->act = kind == FADYN_TASK_LINEAR ? FADYN_ACT_LINEAR : FADYN_ACT_TANH;
    o->out_act = FADYN_ACT_LINEAR;
    o->bias = kind == FADYN_TASK_TEACHER;
    o->runs = 5;
    o->seed = 1;
}

/* --sizes from --init-from's files when not given (30,20,10 without them),
 * and the linear task's inputs and outputs from them. */
static int init_sizes(const char *cmd, train_opts *o) {
    if (o->init_from && o->task.kind != FADYN_TASK_LINEAR) {
        cli_error(cmd, "--init-from: only with --task linear (the files hold a linear T)");
        return CLI_EXIT_USAGE;
    }
    int rc = cli_sizes_default(cmd, o->init_from, o->sizes, &o->nsizes);
    if (rc) return rc;
    if (o->init_from) {
        o->task.inputs = o->sizes[0];
        o->task.outputs = o->sizes[o->nsizes - 1];
    }
    return 0;
}

static int check(cli_ctx *c, void *v) {
    train_opts *o = v;
    int rc0 = init_sizes(c->cmd->name, o);
    if (rc0) return rc0;
    if (o->task.kind == FADYN_TASK_TEACHER) {
        o->task.inputs = o->task.teacher.sizes[0];
        o->task.outputs = o->task.teacher.sizes[o->task.teacher.depth];
    }
    o->spec = fadyn_net_spec_make(o->nsizes ? o->nsizes - 1 : 0, o->sizes, (fadyn_act)o->act,
                                  (fadyn_act)o->out_act, o->bias);
    int rc = fadyn_train_spec_check(&o->task, &o->spec, &c->err);
    if ((rc = cli_lib_check(c->cmd, o, o, sizeof *o, rc, &c->err))) return rc;
    o->task.seed = o->seed;
    if (!o->tp.eval_every) o->tp.eval_every = o->tp.examples >= 100 ? o->tp.examples / 100 : 1;
    if (o->tp.eta == 0.0) o->tp.eta = fadyn_train_default_eta(o->task.kind, o->rule);
    if ((rc = CLI_CHECK(c, fadyn_train_params_check, &o->tp))) return rc;
    /* the runs, and --tune-rate's 3 runs of examples/4 per rate of its grid */
    double weights = (double)fadyn_net_spec_nweights(&o->spec), n = (double)o->tp.examples;
    double work = fadyn_cost_training(weights, n, (double)o->runs,
                                      fadyn_cost_evaluations(n, (double)o->tp.eval_every),
                                      (double)o->task.n_test);
    if (o->tune)
        work += fadyn_cost_training(weights, n / 4, 3.0 * (double)fadyn_tune_grid_n, 21.0,
                                    (double)o->task.n_test);
    return cli_cost_check(
        CMD, o->force, work, FADYN_WORK_LIMIT, "%zu run%s x %zu examples of a %zu-weight network",
        o->runs, o->runs > 1 ? "s" : "", o->tp.examples, fadyn_net_spec_nweights(&o->spec));
}

static const cli_cmd TRAIN = {.name = "train",
                              .usage = "[OPTIONS]",
                              .intro = INTRO,
                              .opts = OPTS,
                              .epilogue = EPILOGUE,
                              .size = sizeof(train_opts),
                              .init = defaults,
                              .check = check};
const cli_cmd *const cli_cmd_train = &TRAIN;

static int write_summary(const train_opts *o, const fadyn_train_result *res, double wall,
                         const double *scores, fadyn_err *err) {
    json_t *j = cli_summary(CMD, NULL, NULL), *par = cli_json(OPTS, o);
    if (o->task.kind == FADYN_TASK_TEACHER)
        json_object_del(par, "t_scale");
    else
        json_object_del(par, "teacher_gain"), json_object_del(par, "teacher_bias");
    json_object_set_new(j, "parameters", par);
    json_object_set_new(j, "seed", json_integer((json_int_t)o->seed));
    fadyn_train_summary(res, o->runs, o->seed, &o->tp, scores, wall, j);
    return cli_summary_write(j, o->oo.summary, err);
}

/* The mean curves and the picture of `--plot`. */
typedef struct {
    char title[512];
    size_t nhidden;
    int angles;
    fadyn_angle_kind angle;
    const fadyn_train_result *res;
    size_t runs;
} train_figure;

static int write_mean(const char *path, const void *figure, fadyn_err *err) {
    const train_figure *f = figure;
    return fadyn_train_write_mean(path, f->res, f->runs, err);
}

static int draw(const fadyn_plot_target *t, const void *figure, fadyn_err *err) {
    const train_figure *f = figure;
    return fadyn_plot_train(t, f->nhidden, f->angles, f->angle, f->title, err);
}

static int outputs(const train_opts *o, const fadyn_net_spec *spec, const fadyn_train_result *res,
                   double wall, const double *scores, fadyn_err *err) {
    int rc;
    char path[FADYN_PATH_MAX];
    if (o->oo.out) {
        if ((rc = fadyn_train_write_mean(o->oo.out, res, o->runs, err))) return rc;
        const char *dot = strrchr(o->oo.out, '.');
        size_t n = dot && !strchr(dot, '/') ? (size_t)(dot - o->oo.out) : strlen(o->oo.out);
        snprintf(path, sizeof path, "%.*s.runs.tsv", (int)n, o->oo.out);
        if ((rc = fadyn_train_write_runs(path, res, o->runs, err))) return rc;
    }
    if (o->oo.summary && (rc = write_summary(o, res, wall, scores, err))) return rc;
    if (o->oo.plot) {
        fadyn_plot_target pt;
        if ((rc = fadyn_plot_target_parse(&pt, o->oo.plot, 0, 0, err))) return rc;
        train_figure fig = {{0}, spec->depth - 1, o->tp.angles, o->tp.angle, res, o->runs};
        snprintf(fig.title, sizeof fig.title, "fadyn train: task %s, rule %s, eta %g, %zu runs",
                 fadyn_task_name(o->task.kind), o->rule->name, o->tp.eta, o->runs);
        fadyn_plot_data data = {".tsv", write_mean, &fig, o->oo.out};
        rc = fadyn_plot_make(&pt, &data, 1, draw, &fig, err);
        if ((rc = cli_plot_status(CMD, rc, err))) return rc;
    }
    if (!o->oo.quiet) {
        printf("fadyn train: task %s, rule %s, sizes", fadyn_task_name(o->task.kind),
               o->rule->name);
        for (size_t k = 0; k <= spec->depth; k++)
            printf("%c%zu", k ? '-' : ' ', spec->sizes[k]);
        printf(", eta %g%s, batch %zu, %zu examples x %zu runs\n", o->tp.eta,
               o->tune ? " (tuned)" : "", o->tp.batch, o->tp.examples, o->runs);
        fadyn_strbuf b;
        fadyn_strbuf_init(&b);
        fadyn_train_report(res, o->runs, o->tp.examples, wall, &b);
        cli_put_lines(&b);
    }
    return FADYN_OK;
}

/* --init-from: the problem in the files (cli_problem_build; the rule's own
 * when it has an ODE form, else fa's, only as a container of T, B and the
 * weights), checked against the network and rule, and the linear task on
 * its T.  0, or CLI_EXIT_USAGE after one line. */
static int init_task(const train_opts *o, fadyn_problem *p, fadyn_task *task) {
    cli_problem_opts po;
    cli_problem_opts_default(&po);
    po.init_from = o->init_from;
    memcpy(po.sizes, o->sizes, sizeof po.sizes);
    po.nsizes = o->nsizes;
    if (o->rule->ode) po.rule = o->rule;
    fadyn_err err;
    fadyn_err_clear(&err);
    int rc = cli_problem_build(&po, p, &err);
    if (rc == FADYN_OK) rc = fadyn_train_init_check(p, &o->spec, o->rule, &err);
    /* each MPI rank read the files itself: every rank goes on, or none */
    rc = fadyn_work_agree(rc, &err);
    if (rc == FADYN_OK && !fadyn_work_same(fadyn_problem_hash(p)))
        rc = fadyn_err_set(&err, FADYN_EINVAL,
                           "%s: the MPI ranks read different files (each rank reads its own "
                           "copy: every rank needs the same ones)",
                           o->init_from);
    if (rc == FADYN_OK)
        rc = fadyn_task_alloc_linear(task, p->sizes[0], p->sizes[p->depth], p->T, NULL,
                                     o->task.n_test, o->task.seed, &err);
    if (rc == FADYN_OK) return 0;
    const char *msg = err.msg;
    if (strncmp(msg, "init_from ", 10) == 0) msg += 10; /* cli_problem_build's field name */
    if (strncmp(msg, "init: ", 6) == 0) msg += 6;       /* fadyn_train_init_check's */
    int named = strncmp(msg, o->init_from, strlen(o->init_from)) == 0; /* "DIR/T.txt: ..." */
    cli_error(CMD, "--init-from %s%s%s", named ? "" : o->init_from, named ? "" : ": ", msg);
    return CLI_EXIT_USAGE;
}

static void show_progress(void *ctx, double fraction) {
    cli_progress((const char *)ctx, fraction);
}

int cmd_train(int argc, char **argv) {
    for (int i = 1; i < argc; i++) /* Task 2 has its own trainer and options */
        if ((strcmp(argv[i], "--task") == 0 && i + 1 < argc && strcmp(argv[i + 1], "mnist") == 0) ||
            strcmp(argv[i], "--task=mnist") == 0)
            return cmd_train_mnist(argc, argv);
    train_opts o;
    int rc = cli_parse(&TRAIN, argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    fadyn_err err;
    fadyn_err_clear(&err);
    const fadyn_net_spec spec = o.spec;
    fadyn_task task;
    memset(&task, 0, sizeof task);
    fadyn_problem prob; /* --init-from's state, or nothing */
    memset(&prob, 0, sizeof prob);
    if (o.init_from) {
        if ((rc = init_task(&o, &prob, &task))) goto fail;
        o.tp.init = &prob;
    } else if ((rc = fadyn_task_alloc(&task, &o.task, &err))) {
        cli_error_err(CMD, &err);
        rc = cli_exit_code(rc);
        goto fail;
    }
    double scores[16], *sc = NULL;
    if (o.tune) {
        fadyn_train_params tp = o.tp;
        tp.examples = o.tp.examples / 4 ? o.tp.examples / 4 : 1;
        tp.eval_every = tp.examples >= 20 ? tp.examples / 20 : 1;
        rc = fadyn_train_tune(&task, &spec, o.rule, &tp, o.seed, 3, fadyn_tune_grid,
                              fadyn_tune_grid_n, &o.tp.eta, scores, &err);
        if (rc) {
            cli_error_err(CMD, &err);
            rc = cli_exit_code(rc);
            goto fail;
        }
        sc = scores;
    }
    fadyn_train_result *res = calloc(o.runs, sizeof *res);
    if (!res) {
        cli_error(CMD, "out of memory");
        rc = CLI_EXIT_FAILED;
        goto fail;
    }
    double t0 = fadyn_wall_seconds();
    int status = fadyn_train_runs_progress(&task, &spec, o.rule, &o.tp, o.seed, o.runs, res,
                                           show_progress, "fadyn train");
    cli_progress_done();
    double wall = fadyn_wall_seconds() - t0;
    int exit_code = cli_exit_code(status);
    if (status < 0) {
        for (size_t r = 0; r < o.runs; r++)
            if (res[r].status < 0) {
                cli_error_err(CMD, &res[r].err);
                break;
            }
    } else {
        for (size_t r = 0; r < o.runs; r++)
            if (res[r].status == FADYN_DIVERGED)
                cli_error(CMD, "run %zu diverged: %s", r, res[r].err.msg);
        if ((rc = outputs(&o, &spec, res, wall, sc, &err))) {
            cli_error_err(CMD, &err);
            exit_code = CLI_EXIT_FAILED;
        }
    }
    for (size_t r = 0; r < o.runs; r++)
        fadyn_train_result_free(&res[r]);
    free(res);
    rc = exit_code;
fail:
    fadyn_task_free(&task);
    fadyn_problem_free(&prob);
    return rc;
}
