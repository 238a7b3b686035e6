/* cmd_figure.c — `fadyn figure`: run the paper's experiments by name (the
 * recipes of fadyn/experiments.h), each writing its PNG, .gp script, data
 * and JSON summary into a directory, and report them. */
#include "cli.h"
#include "fadyn.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP_HEAD =
    "usage: fadyn figure NAME... [OPTIONS]\n"
    "\n"
    "Reproduce figures of the paper. Each NAME writes DIR/NAME.png, its gnuplot\n"
    "script DIR/NAME.gp, the data (DIR/NAME*.tsv) and DIR/NAME.json:\n";

static const char *const HELP_TAIL =
    "  all    every figure above\n"
    "\n"
    "Options:\n"
    "  --full          the paper's scale (minutes) instead of the quick default\n"
    "  --dir DIR       output directory (default plots)\n"
    "  --runs N        runs per curve or bar (default: quick/full values above;\n"
    "                  figures without several runs ignore it)\n"
    "  --examples N    examples per run (default: quick/full values above; fig3b\n"
    "                  ignores it)\n"
    "  --seed N        seed of the tasks and runs (default 1)\n"
    "  --mnist-dir DIR the MNIST files of figs 2a, 2b and S1 (default $FADYN_MNIST,\n"
    "                  else data/mnist; make data fetches them)\n"
    "  --quiet         no summary on standard output\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 bad input, 3 some run diverged (reported;\n"
    "the figure is drawn from the others).\n";

#define CMD "figure"

/* One figure's --help entry: its name, what it shows, its two scales. */
static void help_recipe(const fadyn_recipe *r) {
    const char *s = r->about;
    printf("  %-6s ", r->name);
    for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1)
        printf("%.*s\n         ", (int)(nl - s), s);
    printf("%s\n", s);
    const fadyn_recipe_scale *q = &r->quick, *f = &r->full;
    if (q->runs)
        printf("         (quick: %zu runs x %zu examples; full: %zu x %zu)\n", q->runs, q->examples,
               f->runs, f->examples);
    else if (q->examples)
        printf("         (quick: %zu examples; full: %zu)\n", q->examples, f->examples);
}

static void help(void) {
    fputs(HELP_HEAD, stdout);
    for (size_t i = 0; fadyn_recipes[i]; i++)
        help_recipe(fadyn_recipes[i]);
    fputs(HELP_TAIL, stdout);
}

/* Each line of text on stderr as "fadyn figure: LINE". */
static void error_lines(const char *text) {
    for (const char *nl; text && *text && (nl = strchr(text, '\n')); text = nl + 1)
        cli_error(CMD, "%.*s", (int)(nl - text), text);
}

static void show_progress(void *ctx, double fraction) {
    cli_progress((const char *)ctx, fraction);
}

enum { O_FULL = 256, O_DIR, O_RUNS, O_EXAMPLES, O_SEED, O_QUIET, O_HELP, O_MNIST };
static const struct option long_opts[] = {
    {"full", no_argument, 0, O_FULL},
    {"dir", required_argument, 0, O_DIR},
    {"runs", required_argument, 0, O_RUNS},
    {"examples", required_argument, 0, O_EXAMPLES},
    {"seed", required_argument, 0, O_SEED},
    {"quiet", no_argument, 0, O_QUIET},
    {"help", no_argument, 0, O_HELP},
    {"mnist-dir", required_argument, 0, O_MNIST},
    {0, 0, 0, 0},
};

typedef struct {
    fadyn_recipe_options ro;
    const char *dir;
    int quiet;
} fig_opts;

/* The options into o; -1 after --help. */
static int parse_options(int argc, char **argv, fig_opts *o) {
    int c, rc = 0;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        switch (c) {
        case O_FULL:
            o->ro.full = 1;
            break;
        case O_DIR:
            o->dir = optarg;
            break;
        case O_RUNS:
            rc = cli_size(CMD, "--runs", optarg, &o->ro.set.runs);
            break;
        case O_EXAMPLES:
            rc = cli_size(CMD, "--examples", optarg, &o->ro.set.examples);
            break;
        case O_SEED:
            rc = cli_ulong(CMD, "--seed", optarg, &o->ro.set.seed);
            break;
        case O_QUIET:
            o->quiet = 1;
            break;
        case O_MNIST:
            o->ro.set.data_dir = optarg;
            break;
        case 'h':
        case O_HELP:
            help();
            return -1;
        case '?':
        default:
            rc = cli_bad_option(CMD, argv);
        }
    }
    return rc;
}

/* The named figures into want[fadyn_recipe_count()], each checked with the
 * options before any work (--runs and --examples are ignored by a figure
 * without runs or examples). */
static int pick(int argc, char **argv, const fig_opts *o, int *want) {
    char list[256];
    fadyn_recipe_list(list, sizeof list);
    int any = 0;
    for (int i = optind; i < argc; i++) {
        int all = strcmp(argv[i], "all") == 0, found = all;
        for (size_t k = 0; fadyn_recipes[k]; k++)
            if (all || strcmp(fadyn_recipes[k]->name, argv[i]) == 0) want[k] = found = 1;
        if (!found) {
            cli_error(CMD, "'%s': unknown figure (%s, all)", argv[i], list);
            return CLI_EXIT_USAGE;
        }
        any = 1;
    }
    if (!any) {
        cli_error(CMD, "name a figure: %s or all (see --help)", list);
        return CLI_EXIT_USAGE;
    }
    for (size_t k = 0; fadyn_recipes[k]; k++) {
        if (!want[k]) continue;
        fadyn_fig_settings s;
        fadyn_err err;
        if (fadyn_recipe_settings(fadyn_recipes[k], &o->ro, &s, &err) != FADYN_OK) {
            cli_error(CMD, "%s (see --help)", err.msg);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

/* Run, write and report one figure; its exit status. */
static int one(const fadyn_recipe *r, const fig_opts *o, int *diverged) {
    fadyn_err err;
    fadyn_err_clear(&err);
    if (!o->quiet) printf("fadyn figure %s (%s):\n", r->name, o->ro.full ? "full" : "quick");
    if (!o->quiet && o->ro.full && r->seconds) { /* the long ones say how long first */
        fadyn_fig_settings s;
        if (fadyn_recipe_settings(r, &o->ro, &s, &err) == FADYN_OK) {
            double t = r->seconds(&s);
            if (t == t)
                printf("  expected time on this machine: about %.0f min (%zu runs x %zu "
                       "examples per rule)\n",
                       t / 60 < 1 ? 1 : t / 60, s.runs ? s.runs : 1, s.examples);
            fflush(stdout);
        }
    }
    char label[64];
    snprintf(label, sizeof label, "fadyn figure %s", r->name);
    fadyn_recipe_options ro = o->ro;
    ro.set.progress = show_progress;
    ro.set.progress_ctx = label;
    void *res;
    int rc = fadyn_recipe_run(r, &ro, &res, &err);
    cli_progress_done();
    if (rc < 0) {
        cli_error(CMD, "%s: %s", r->name, err.msg[0] ? err.msg : fadyn_strerror(rc));
        return CLI_EXIT_FAILED;
    }
    fadyn_strbuf lines, div;
    fadyn_strbuf_init(&lines);
    fadyn_strbuf_init(&div);
    *diverged += (int)r->report(res, &lines, &div);
    error_lines(div.s);
    int wrc = cli_plot_status(CMD, fadyn_recipe_write(r, &o->ro, res, o->dir, &err), &err);
    if (!o->quiet && lines.s) fputs(lines.s, stdout);
    if (wrc == FADYN_OK && !o->quiet)
        printf("  wrote %s/%s.png, .gp, .tsv, .json\n", o->dir, r->name);
    fadyn_strbuf_free(&lines);
    fadyn_strbuf_free(&div);
    fadyn_recipe_free(r, res);
    if (wrc) {
        cli_error(CMD, "%s: %s", r->name, err.msg[0] ? err.msg : fadyn_strerror(wrc));
        return CLI_EXIT_FAILED;
    }
    if (rc == FADYN_CHECK_FAILED) {
        cli_error(CMD, "%s: %s (see its summary)", r->name, fadyn_strerror(rc));
        return CLI_EXIT_FAILED;
    }
    return CLI_EXIT_OK;
}

int cmd_figure(int argc, char **argv) {
    fig_opts o = {fadyn_recipe_options_default(), "plots", 0};
    const char *env = getenv("FADYN_MNIST");
    if (env && *env) o.ro.set.data_dir = env;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    int *want = calloc(fadyn_recipe_count(), sizeof *want);
    if (!want) {
        cli_error(CMD, "out of memory");
        return CLI_EXIT_FAILED;
    }
    if ((rc = pick(argc, argv, &o, want))) {
        free(want);
        return rc;
    }
    fadyn_err err;
    fadyn_err_clear(&err);
    char probe[FADYN_PATH_MAX];
    snprintf(probe, sizeof probe, "%s/fig.json", o.dir);
    if (fadyn_mkdir_p(o.dir, &err) != FADYN_OK) {
        cli_error(CMD, "--dir %s", err.msg);
        rc = CLI_EXIT_USAGE;
    } else
        rc = cli_check_out(CMD, "--dir", probe);
    int diverged = 0, exit_code = rc;
    for (size_t k = 0; rc == 0 && fadyn_recipes[k]; k++)
        if (want[k] && one(fadyn_recipes[k], &o, &diverged) != CLI_EXIT_OK)
            exit_code = CLI_EXIT_FAILED;
    free(want);
    if (exit_code == CLI_EXIT_OK && diverged) exit_code = CLI_EXIT_DIVERGED;
    return exit_code;
}
