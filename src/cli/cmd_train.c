/* cmd_train.c — `fadyn train`: stochastic discrete trainers on the paper's tasks. */
#include "cli.h"
#include "fadyn.h"
#include "fadyn/clock.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP =
    "usage: fadyn train [OPTIONS]\n"
    "\n"
    "Train layered networks example by example (or in minibatches) with a learning\n"
    "rule, on Task 1 (linear map) or Task 3 (random tanh teacher) of the paper, in\n"
    "--runs independent runs (new feedback and initial weights each; the same data\n"
    "sequence), in parallel. Every --eval-every examples: the NSE on the held-out set\n"
    "and the angles of the rule's hidden update to bp's (W^T e) and pbp's (W^+ e) on\n"
    "the example about to be learned (computed, not applied).\n"
    "\n"
    "Task and network:\n"
    "  --task NAME        linear (Task 1: y* = T x, T ~ U[-1,1], x ~ N(0,I)) or\n"
    "                     teacher (Task 3: fixed random 30-20-10-10 tanh net with\n"
    "                     biases) (default linear)\n"
    "  --inputs N         inputs of the linear task (default 30)\n"
    "  --outputs N        outputs of the linear task (default 10)\n"
    "  --teacher-gain G   teacher weights ~ U[-G,G]*sqrt(3/fan_in) (default 2)\n"
    "  --teacher-bias C   teacher biases ~ U[-C,C] (default 0.5)\n"
    "  --test N           held-out points (default linear 1000, teacher 5000)\n"
    "  --sizes LIST       student layer sizes, inputs first (default 30,20,10); must\n"
    "                     match the task's inputs and outputs\n"
    "  --act NAME         hidden activation: linear, tanh, sigmoid (default: linear\n"
    "                     for the linear task, tanh for the teacher)\n"
    "  --out-act NAME     output activation (default linear)\n"
    "  --bias, --no-bias  adjustable biases (default: off linear, on teacher)\n"
    "\n"
    "Learning:\n"
    "  --rule NAME        {rules} (default fa)\n"
    "  --eta X            learning rate (default: the rule's tuned rate for the task,\n"
    "                     docs/figures.md)\n"
    "  --tune-rate        pick eta from the grid 1e-4,3e-4,...,1e-1 by the mean log10\n"
    "                     NSE of 3 short runs (examples/4), then train with it\n"
    "  --batch K          examples per update (default 1, online as the paper)\n"
    "  --examples N       examples per run (default 10000)\n"
    "  --eval-every N     examples between evaluations (default examples/100)\n"
    "  --decay A          weight decay: W <- (1 - eta A) W + ... (default 0)\n"
    "  --np-sigma S       node perturbation size (default 0.01)\n"
    "  --drop F           sparse-fa: fraction of W and B removed, fixed per run (0.5)\n"
    "  --init-scale W     initial weights and biases ~ U[-W,W] (default 0.01)\n"
    "  --b-scale X        feedback B ~ U[-X,X] (default 0.5)\n"
    "  --no-angles        skip the angles (faster)\n"
    "  --runs N           independent runs, in parallel (default 5)\n"
    "  --seed N           seed of the task, data and runs (default 1)\n"
    "\n"
    "Output:\n"
    "  --out FILE.tsv     rows averaged over runs: example nse_mean nse_sd loss_mean\n"
    "                     loss_sd angle_bp_h1_mean ...; every run in FILE.runs.tsv\n"
    "  --summary FILE     JSON: final_nse_mean, final_nse_sd, runs, examples,\n"
    "                     examples_per_second, wall_seconds, eta, parameters, seeds\n"
    "  --plot FILE|dumb   NSE and angles against examples (.png .svg .pdf)\n"
    "  --quiet            no summary on standard output\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 bad input, 3 some run diverged (its example\n"
    "is reported; the other runs complete and are written). See docs/cli.md.\n";

typedef struct {
    fadyn_task_params task;
    fadyn_train_params tp;
    const fadyn_rule_type *rule;
    size_t sizes[FADYN_MAX_DEPTH + 1], nsizes;
    fadyn_act act, out_act;
    int act_set, bias, tune;
    size_t runs;
    unsigned long seed;
    int eval_set, test_set;
    cli_output_opts oo;
} train_opts;

enum {
    O_TASK = 256,
    O_INPUTS,
    O_OUTPUTS,
    O_TGAIN,
    O_TBIAS,
    O_TEST,
    O_SIZES,
    O_ACT,
    O_OUT_ACT,
    O_BIAS,
    O_NO_BIAS,
    O_RULE,
    O_ETA,
    O_TUNE,
    O_BATCH,
    O_EXAMPLES,
    O_EVAL,
    O_DECAY,
    O_NPS,
    O_DROP,
    O_INIT_SCALE,
    O_B_SCALE,
    O_NO_ANGLES,
    O_RUNS,
    O_SEED
};

static const struct option long_opts[] = {
    {"task", required_argument, 0, O_TASK},
    {"inputs", required_argument, 0, O_INPUTS},
    {"outputs", required_argument, 0, O_OUTPUTS},
    {"teacher-gain", required_argument, 0, O_TGAIN},
    {"teacher-bias", required_argument, 0, O_TBIAS},
    {"test", required_argument, 0, O_TEST},
    {"sizes", required_argument, 0, O_SIZES},
    {"act", required_argument, 0, O_ACT},
    {"out-act", required_argument, 0, O_OUT_ACT},
    {"bias", no_argument, 0, O_BIAS},
    {"no-bias", no_argument, 0, O_NO_BIAS},
    {"rule", required_argument, 0, O_RULE},
    {"eta", required_argument, 0, O_ETA},
    {"tune-rate", no_argument, 0, O_TUNE},
    {"batch", required_argument, 0, O_BATCH},
    {"examples", required_argument, 0, O_EXAMPLES},
    {"eval-every", required_argument, 0, O_EVAL},
    {"decay", required_argument, 0, O_DECAY},
    {"np-sigma", required_argument, 0, O_NPS},
    {"drop", required_argument, 0, O_DROP},
    {"init-scale", required_argument, 0, O_INIT_SCALE},
    {"b-scale", required_argument, 0, O_B_SCALE},
    {"no-angles", no_argument, 0, O_NO_ANGLES},
    {"runs", required_argument, 0, O_RUNS},
    {"seed", required_argument, 0, O_SEED},
    CLI_OUTPUT_LONG_OPTS,
    {0, 0, 0, 0},
};

#define CMD "train"

static int parse_act(const char *opt, const char *s, fadyn_act *a) {
    if (fadyn_act_parse(s, a) == FADYN_OK) return 0;
    cli_error(CMD, "%s '%s': unknown activation (linear, tanh, sigmoid)", opt, s);
    return CLI_EXIT_USAGE;
}

static int parse(int argc, char **argv, train_opts *o) {
    memset(o, 0, sizeof *o);
    fadyn_task_kind kind = FADYN_TASK_LINEAR;
    /* the task first: its defaults, then every option over them */
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--task") == 0) {
            if (fadyn_task_parse(argv[i + 1], &kind) != FADYN_OK) {
                cli_error(CMD, "--task '%s': unknown (linear, teacher)", argv[i + 1]);
                return CLI_EXIT_USAGE;
            }
        } else if (strncmp(argv[i], "--task=", 7) == 0 && fadyn_task_parse(argv[i] + 7, &kind)) {
            cli_error(CMD, "--task '%s': unknown (linear, teacher)", argv[i] + 7);
            return CLI_EXIT_USAGE;
        }
    o->task = fadyn_task_params_default(kind);
    o->tp = fadyn_train_params_default();
    o->rule = fadyn_rule_type_find("fa");
    size_t def[] = {30, 20, 10};
    memcpy(o->sizes, def, sizeof def);
    o->nsizes = 3;
    o->act = kind == FADYN_TASK_LINEAR ? FADYN_ACT_LINEAR : FADYN_ACT_TANH;
    o->out_act = FADYN_ACT_LINEAR;
    o->bias = kind == FADYN_TASK_TEACHER;
    o->runs = 5;
    o->seed = 1;
    int c, rc = 0;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        if (cli_output_opt(c, optarg, &o->oo, HELP, &rc)) {
            if (rc < 0) return rc;
            continue;
        }
        switch (c) {
        case O_TASK:
            break;
        case O_INPUTS:
            rc = cli_size(CMD, "--inputs", optarg, &o->task.inputs);
            break;
        case O_OUTPUTS:
            rc = cli_size(CMD, "--outputs", optarg, &o->task.outputs);
            break;
        case O_TGAIN:
            rc = cli_double(CMD, "--teacher-gain", optarg, &o->task.teacher_gain);
            break;
        case O_TBIAS:
            rc = cli_double(CMD, "--teacher-bias", optarg, &o->task.teacher_bias);
            break;
        case O_TEST:
            rc = cli_size(CMD, "--test", optarg, &o->task.n_test);
            break;
        case O_SIZES:
            rc = cli_size_list(CMD, "--sizes", optarg, o->sizes, FADYN_MAX_DEPTH + 1, &o->nsizes);
            break;
        case O_ACT:
            rc = parse_act("--act", optarg, &o->act);
            break;
        case O_OUT_ACT:
            rc = parse_act("--out-act", optarg, &o->out_act);
            break;
        case O_BIAS:
            o->bias = 1;
            break;
        case O_NO_BIAS:
            o->bias = 0;
            break;
        case O_RULE:
            rc = cli_rule(CMD, optarg, 0, &o->rule);
            break;
        case O_ETA:
            rc = cli_double(CMD, "--eta", optarg, &o->tp.eta);
            if (rc == 0 && !(o->tp.eta > 0.0)) {
                cli_error(CMD, "--eta %s: must be positive", optarg);
                rc = CLI_EXIT_USAGE;
            }
            break;
        case O_TUNE:
            o->tune = 1;
            break;
        case O_BATCH:
            rc = cli_size(CMD, "--batch", optarg, &o->tp.batch);
            break;
        case O_EXAMPLES:
            rc = cli_size(CMD, "--examples", optarg, &o->tp.examples);
            break;
        case O_EVAL:
            rc = cli_size(CMD, "--eval-every", optarg, &o->tp.eval_every);
            o->eval_set = 1;
            break;
        case O_DECAY:
            rc = cli_double(CMD, "--decay", optarg, &o->tp.decay);
            break;
        case O_NPS:
            rc = cli_double(CMD, "--np-sigma", optarg, &o->tp.np_sigma);
            break;
        case O_DROP:
            rc = cli_double(CMD, "--drop", optarg, &o->tp.drop);
            break;
        case O_INIT_SCALE:
            rc = cli_double(CMD, "--init-scale", optarg, &o->tp.w_scale);
            break;
        case O_B_SCALE:
            rc = cli_double(CMD, "--b-scale", optarg, &o->tp.b_scale);
            break;
        case O_NO_ANGLES:
            o->tp.angles = 0;
            break;
        case O_RUNS:
            rc = cli_size(CMD, "--runs", optarg, &o->runs);
            break;
        case O_SEED:
            rc = cli_ulong(CMD, "--seed", optarg, &o->seed);
            break;
        case '?':
        default:
            rc = cli_bad_option(CMD, argv);
        }
    }
    if (rc) return rc;
    if ((rc = cli_no_operands(CMD, argc, argv))) return rc;
    if (o->runs == 0) {
        cli_error(CMD, "--runs 0: need at least one run");
        return CLI_EXIT_USAGE;
    }
    if (o->nsizes < 2) {
        cli_error(CMD, "--sizes: need at least 2 layers (inputs, outputs), got %zu", o->nsizes);
        return CLI_EXIT_USAGE;
    }
    for (size_t k = 0; k < o->nsizes; k++)
        if (o->sizes[k] == 0 || o->sizes[k] > 100000) {
            cli_error(CMD, "--sizes: layer %zu has size %zu (need 1..100000)", k, o->sizes[k]);
            return CLI_EXIT_USAGE;
        }
    if (o->task.kind == FADYN_TASK_TEACHER) {
        o->task.inputs = o->task.teacher.sizes[0];
        o->task.outputs = o->task.teacher.sizes[o->task.teacher.depth];
    }
    if (o->task.inputs == 0 || o->task.outputs == 0) {
        cli_error(CMD, "--inputs, --outputs: must be at least 1");
        return CLI_EXIT_USAGE;
    }
    if (o->sizes[0] != o->task.inputs || o->sizes[o->nsizes - 1] != o->task.outputs) {
        cli_error(CMD,
                  "--sizes: task %s has %zu inputs and %zu outputs but the network %zu and %zu%s",
                  fadyn_task_name(o->task.kind), o->task.inputs, o->task.outputs, o->sizes[0],
                  o->sizes[o->nsizes - 1],
                  o->task.kind == FADYN_TASK_LINEAR ? " (set --inputs/--outputs)" : "");
        return CLI_EXIT_USAGE;
    }
    if (o->task.n_test == 0) {
        cli_error(CMD, "--test 0: need at least one held-out point");
        return CLI_EXIT_USAGE;
    }
    if (!(o->task.teacher_gain >= 0.0) || !(o->task.teacher_bias >= 0.0)) {
        cli_error(CMD, "--teacher-gain, --teacher-bias: must be >= 0");
        return CLI_EXIT_USAGE;
    }
    o->task.seed = o->seed;
    if (!o->eval_set) o->tp.eval_every = o->tp.examples >= 100 ? o->tp.examples / 100 : 1;
    if (o->tp.eta == 0.0) o->tp.eta = fadyn_train_default_eta(o->task.kind, o->rule);
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_train_params_check(&o->tp, &err) != FADYN_OK) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_USAGE;
    }
    if ((rc = cli_output_check(CMD, &o->oo))) return rc;
    return 0;
}

static json_t *params_json(const train_opts *o, const fadyn_net_spec *spec) {
    json_t *par = json_object();
    json_object_set_new(par, "task", json_string(fadyn_task_name(o->task.kind)));
    json_object_set_new(par, "rule", json_string(o->rule->name));
    json_t *sz = json_array(), *acts = json_array();
    for (size_t k = 0; k <= spec->depth; k++)
        json_array_append_new(sz, json_integer((json_int_t)spec->sizes[k]));
    for (size_t k = 0; k < spec->depth; k++)
        json_array_append_new(acts, json_string(fadyn_act_name(spec->act[k])));
    json_object_set_new(par, "sizes", sz);
    json_object_set_new(par, "activations", acts);
    json_object_set_new(par, "bias", json_boolean(spec->bias));
    json_object_set_new(par, "eta", json_real(o->tp.eta));
    json_object_set_new(par, "batch", json_integer((json_int_t)o->tp.batch));
    json_object_set_new(par, "eval_every", json_integer((json_int_t)o->tp.eval_every));
    json_object_set_new(par, "decay", json_real(o->tp.decay));
    json_object_set_new(par, "np_sigma", json_real(o->tp.np_sigma));
    json_object_set_new(par, "drop", json_real(o->tp.drop));
    json_object_set_new(par, "init_scale", json_real(o->tp.w_scale));
    json_object_set_new(par, "b_scale", json_real(o->tp.b_scale));
    json_object_set_new(par, "test_points", json_integer((json_int_t)o->task.n_test));
    if (o->task.kind == FADYN_TASK_TEACHER) {
        json_object_set_new(par, "teacher_gain", json_real(o->task.teacher_gain));
        json_object_set_new(par, "teacher_bias", json_real(o->task.teacher_bias));
    } else {
        json_object_set_new(par, "t_scale", json_real(o->task.t_scale));
    }
    return par;
}

static int write_summary(const train_opts *o, const fadyn_net_spec *spec,
                         const fadyn_train_result *res, double mean, double sd, double wall,
                         const double *scores, fadyn_err *err) {
    json_t *j = fadyn_json_summary_new("train");
    json_object_set_new(j, "parameters", params_json(o, spec));
    json_object_set_new(j, "seed", json_integer((json_int_t)o->seed));
    json_t *seeds = json_array(), *fin = json_array(), *div = json_array();
    size_t diverged = 0;
    for (size_t r = 0; r < o->runs; r++) {
        json_array_append_new(seeds, json_integer((json_int_t)fadyn_train_run_seed(o->seed, r)));
        json_array_append_new(fin, fadyn_json_real(res[r].final_nse));
        if (res[r].status == FADYN_DIVERGED) {
            json_t *d = json_object();
            json_object_set_new(d, "run", json_integer((json_int_t)r));
            json_object_set_new(d, "example", json_integer((json_int_t)res[r].diverged_at));
            json_array_append_new(div, d);
            diverged++;
        }
    }
    json_object_set_new(j, "run_seeds", seeds);
    json_object_set_new(j, "runs", json_integer((json_int_t)o->runs));
    json_object_set_new(j, "examples", json_integer((json_int_t)o->tp.examples));
    json_object_set_new(j, "eta", json_real(o->tp.eta));
    json_object_set_new(j, "eta_tuned", json_boolean(o->tune));
    if (scores) {
        json_t *g = json_array();
        for (size_t i = 0; i < fadyn_tune_grid_n; i++) {
            json_t *e = json_object();
            json_object_set_new(e, "eta", json_real(fadyn_tune_grid[i]));
            json_object_set_new(e, "mean_log10_nse", fadyn_json_real(scores[i]));
            json_array_append_new(g, e);
        }
        json_object_set_new(j, "tune_grid", g);
    }
    json_object_set_new(j, "final_nse_mean", fadyn_json_real(mean));
    json_object_set_new(j, "final_nse_sd", fadyn_json_real(sd));
    json_object_set_new(j, "final_nse", fin);
    json_object_set_new(j, "diverged", div);
    json_object_set_new(j, "status", json_string(diverged ? "diverged" : "ok"));
    double ex = (double)o->tp.examples * (double)o->runs;
    json_object_set_new(j, "examples_per_second", fadyn_json_real(ex / wall));
    json_object_set_new(j, "wall_seconds", json_real(wall));
    int rc = fadyn_json_write(j, o->oo.summary, err);
    json_decref(j);
    return rc;
}

/* The mean curves and the picture of `--plot`. */
typedef struct {
    char title[512];
    size_t nhidden;
    int angles;
    const fadyn_train_result *res;
    size_t runs;
} train_figure;

static int write_mean(const char *path, const void *figure, fadyn_err *err) {
    const train_figure *f = figure;
    return fadyn_train_write_mean(path, f->res, f->runs, err);
}

static int draw(const fadyn_plot_target *t, const void *figure, fadyn_err *err) {
    const train_figure *f = figure;
    return fadyn_plot_train(t, f->nhidden, f->angles, f->title, err);
}

static int outputs(const train_opts *o, const fadyn_net_spec *spec, const fadyn_train_result *res,
                   double wall, const double *scores, fadyn_err *err) {
    double mean, sd;
    fadyn_train_final_stats(res, o->runs, &mean, &sd);
    int rc;
    char path[FADYN_PATH_MAX];
    if (o->oo.out) {
        if ((rc = fadyn_train_write_mean(o->oo.out, res, o->runs, err))) return rc;
        const char *dot = strrchr(o->oo.out, '.');
        size_t n = dot && !strchr(dot, '/') ? (size_t)(dot - o->oo.out) : strlen(o->oo.out);
        snprintf(path, sizeof path, "%.*s.runs.tsv", (int)n, o->oo.out);
        if ((rc = fadyn_train_write_runs(path, res, o->runs, err))) return rc;
    }
    if (o->oo.summary && (rc = write_summary(o, spec, res, mean, sd, wall, scores, err))) return rc;
    if (o->oo.plot) {
        fadyn_plot_target pt;
        if ((rc = fadyn_plot_target_parse(&pt, o->oo.plot, 0, 0, err))) return rc;
        train_figure fig = {{0}, spec->depth - 1, o->tp.angles, res, o->runs};
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
        printf("  final NSE           %.4e +- %.2e (mean +- sd over finished runs)\n", mean, sd);
        for (size_t r = 0; r < o->runs; r++)
            if (res[r].status != FADYN_OK)
                printf("  run %zu               %s\n", r, res[r].err.msg);
        printf("  %.0f examples/s, %.3f s\n", (double)o->tp.examples * (double)o->runs / wall,
               wall);
    }
    return FADYN_OK;
}

static void show_progress(void *ctx, double fraction) {
    cli_progress((const char *)ctx, fraction);
}

int cmd_train(int argc, char **argv) {
    train_opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_net_spec spec = fadyn_net_spec_make(o.nsizes - 1, o.sizes, o.act, o.out_act, o.bias);
    fadyn_task task;
    if ((rc = fadyn_task_alloc(&task, &o.task, &err))) {
        cli_error_err(CMD, &err);
        fadyn_task_free(&task);
        return cli_exit_code(rc);
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
            fadyn_task_free(&task);
            return cli_exit_code(rc);
        }
        sc = scores;
    }
    fadyn_train_result *res = calloc(o.runs, sizeof *res);
    if (!res) {
        cli_error(CMD, "out of memory");
        fadyn_task_free(&task);
        return CLI_EXIT_FAILED;
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
    fadyn_task_free(&task);
    return exit_code;
}
