/* cmd_figure.c — `fadyn figure`: run the paper's experiments by name (the
 * recipes of fadyn/experiments.h), each writing its PNG, .gp script, data
 * and JSON summary into a directory, and report them. */
#include "cli.h"
#include "fadyn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const INTRO =
    "Reproduce figures of the paper. Each NAME writes DIR/NAME.png, its gnuplot\n"
    "script DIR/NAME.gp, the data (DIR/NAME*.tsv) and DIR/NAME.json:\n";

static const char *const EPILOGUE =
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
        printf("         (quick: %zu run%s x %zu examples; full: %zu x %zu)\n", q->runs,
               q->runs == 1 ? "" : "s", q->examples, f->runs, f->examples);
    else if (q->examples)
        printf("         (quick: %zu examples; full: %zu)\n", q->examples, f->examples);
}

static void recipes_help(void) {
    for (size_t i = 0; fadyn_recipes[i]; i++)
        help_recipe(fadyn_recipes[i]);
    fputs("  all    every figure above\n", stdout);
}

/* Each line of text on stderr as "fadyn figure: LINE". */
static void show_progress(void *ctx, double fraction) {
    cli_progress((const char *)ctx, fraction);
}

#define MAX_FIGURES 32

typedef struct {
    fadyn_recipe_options ro;
    const char *dir;
    int quiet, force;
    int want[MAX_FIGURES]; /* the named figures, in the order of fadyn_recipes */
} fig_opts;

typedef fig_opts A;
static const cli_opt OPTS[] = {
    CLI_SET("full", A, ro.full, "the paper's scale (minutes) instead of the quick default",
            .section = "Options:"),
    CLI_OPT(&cli_k_outdir, "dir", "DIR", A, dir, "output directory"),
    CLI_SIZE("runs", "N", A, ro.set.runs,
             "runs per curve or bar; figures without several runs ignore it", CLI_RANGE(1, 1000),
             .def = "quick/full values above"),
    CLI_SIZE("examples", "N", A, ro.set.examples, "examples per run; fig3b ignores it",
             CLI_RANGE(1, 1e7), .def = "quick/full values above"),
    CLI_ULONG("seed", "N", A, ro.set.seed, "seed of the tasks and runs"),
    CLI_STRING("mnist-dir", "DIR", A, ro.set.data_dir,
               "the MNIST files of figs 2a, 2b and S1 (make data fetches them)",
               .def = "$FADYN_MNIST, else data/mnist"),
    CLI_ANGLE(A, ro.set.angle, .def = "signed; figs 1e, 2b and 4"),
    CLI_SET("force", A, force,
            "run a figure even when its estimated work at these settings is beyond 1e15 flop "
            "(the paper's scale of every figure is within it; the expected time is printed "
            "first)"),
    CLI_SET("quiet", A, quiet, "no summary on standard output"),
    CLI_END,
};

static void defaults(void *v) {
    fig_opts *o = v;
    o->ro = fadyn_recipe_options_default();
    o->dir = "plots";
    const char *env = getenv("FADYN_MNIST");
    if (env && *env) o->ro.set.data_dir = env;
}

/* The named figures into want[fadyn_recipe_count()], each checked with the
 * options before any work (--runs and --examples are ignored by a figure
 * without runs or examples). */
static int pick(cli_ctx *c, void *v) {
    fig_opts *o = v;
    int *want = o->want;
    char list[256];
    fadyn_recipe_list(list, sizeof list);
    int any = 0;
    for (int i = c->operands; i < c->argc; i++) {
        const char *name = c->argv[i];
        int all = strcmp(name, "all") == 0, found = all;
        for (size_t k = 0; fadyn_recipes[k]; k++)
            if (all || strcmp(fadyn_recipes[k]->name, name) == 0) want[k] = found = 1;
        if (!found) {
            cli_error(CMD, "'%s': unknown figure (%s, all)", name, list);
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
        const fadyn_recipe *r = fadyn_recipes[k];
        if (fadyn_recipe_settings(r, &o->ro, &s, &err) != FADYN_OK) {
            cli_error(CMD, "%s (see --help)", err.msg);
            return CLI_EXIT_USAGE;
        }
        if (r->work && cli_cost_check(CMD, o->force, r->work(&s), FADYN_FIGURE_WORK_LIMIT,
                                      "%s at %zu run%s x %zu examples", r->name,
                                      s.runs ? s.runs : 1, s.runs > 1 ? "s" : "", s.examples))
            return CLI_EXIT_USAGE;
    }
    return 0;
}

/* "fadyn figure: NAME: detail", the name once (the library's details
 * mostly start with it). */
static void fig_error(const fadyn_recipe *r, const fadyn_err *err, int rc) {
    const char *m = err->msg[0] ? err->msg : fadyn_strerror(rc);
    size_t n = strlen(r->name);
    if (strncmp(m, r->name, n) == 0 && m[n] == ':')
        cli_error(CMD, "%s", m);
    else
        cli_error(CMD, "%s: %s", r->name, m);
}

/* Run, write and report one figure; its exit status. */
static int one(const fadyn_recipe *r, const fig_opts *o, int *diverged) {
    fadyn_err err;
    fadyn_err_clear(&err);
    if (!o->quiet) printf("fadyn figure %s (%s):\n", r->name, o->ro.full ? "full" : "quick");
    fadyn_fig_settings s;
    if (!o->quiet && r->work && fadyn_recipe_settings(r, &o->ro, &s, &err) == FADYN_OK) {
        /* the long ones say how long first: measured where the recipe can, else at the rate */
        double flops = r->work(&s), t = flops / FADYN_WORK_RATE;
        double tm = r->seconds && (o->ro.full || t >= 60) ? r->seconds(&s) : NAN;
        int measured = isfinite(tm);
        if (measured) t = tm;
        if (t >= 60 || o->ro.full) {
            char d[64];
            fadyn_cost_duration(t, d, sizeof d);
            printf("  expected time: about %s (%zu run%s x %zu examples, about %.2g flop, %s)\n", d,
                   s.runs ? s.runs : 1, s.runs > 1 ? "s" : "", s.examples, flops,
                   measured ? "from a short timed run here" : "at 2.8 GFLOP/s");
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
        fig_error(r, &err, rc);
        return CLI_EXIT_FAILED;
    }
    fadyn_strbuf lines, div;
    fadyn_strbuf_init(&lines);
    fadyn_strbuf_init(&div);
    *diverged += (int)r->report(res, &lines, &div);
    cli_error_lines(CMD, div.s);
    int wrc = cli_plot_status(CMD, fadyn_recipe_write(r, &o->ro, res, o->dir, &err), &err);
    if (!o->quiet && lines.s) fputs(lines.s, stdout);
    if (wrc == FADYN_OK && !o->quiet)
        printf("  wrote %s/%s.png, .gp, .tsv, .json\n", o->dir, r->name);
    fadyn_strbuf_free(&lines);
    fadyn_strbuf_free(&div);
    fadyn_recipe_free(r, res);
    if (wrc) {
        fig_error(r, &err, wrc);
        return CLI_EXIT_FAILED;
    }
    if (rc == FADYN_CHECK_FAILED) {
        cli_error(CMD, "%s: %s (see its summary)", r->name, fadyn_strerror(rc));
        return CLI_EXIT_FAILED;
    }
    return CLI_EXIT_OK;
}

static const cli_cmd FIGURE = {.name = CMD,
                               .usage = "NAME... [OPTIONS]",
                               .intro = INTRO,
                               .more = recipes_help,
                               .opts = OPTS,
                               .epilogue = EPILOGUE,
                               .size = sizeof(fig_opts),
                               .init = defaults,
                               .check = pick,
                               .operands = 1};
const cli_cmd *const cli_cmd_figure = &FIGURE;

int cmd_figure(int argc, char **argv) {
    fig_opts o;
    if (fadyn_recipe_count() > MAX_FIGURES) {
        cli_error(CMD, "internal error: more than %d figures", MAX_FIGURES);
        return CLI_EXIT_FAILED;
    }
    int rc = cli_parse(&FIGURE, argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    for (size_t k = 0; fadyn_recipes[k]; k++) { /* under mpirun: the distributed ones only */
        char what[64];
        snprintf(what, sizeof what, "figure %s", fadyn_recipes[k]->name);
        if (o.want[k] && !fadyn_recipe_distributed(fadyn_recipes[k]) && cli_one_rank(CMD, what))
            return CLI_EXIT_USAGE;
    }
    int diverged = 0, exit_code = CLI_EXIT_OK;
    for (size_t k = 0; fadyn_recipes[k]; k++)
        if (o.want[k] && one(fadyn_recipes[k], &o, &diverged) != CLI_EXIT_OK)
            exit_code = CLI_EXIT_FAILED;
    if (exit_code == CLI_EXIT_OK && diverged) exit_code = CLI_EXIT_DIVERGED;
    return exit_code;
}
