/* cli.h — shared pieces of the command-line tool: exit codes, argument
 * parsing with one-line errors, output-path checks, progress. */
#ifndef FADYN_CLI_H
#define FADYN_CLI_H

#include "fadyn/error.h"

#include <stddef.h>

/* Exit statuses of every subcommand (docs/cli.md). */
enum {
    CLI_EXIT_OK = 0,       /* success */
    CLI_EXIT_FAILED = 1,   /* a check failed, or a run failed for another reason */
    CLI_EXIT_USAGE = 2,    /* bad input: arguments, files */
    CLI_EXIT_DIVERGED = 3, /* a trajectory or training run diverged */
};

/* Print "fadyn CMD: message" to stderr (one line). */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a library error's detail (or its table message). */
void cli_error_err(const char *cmd, const fadyn_err *err);

/* The status of fadyn_plot_make: FADYN_NOPLOT (gnuplot missing, the data
 * and script written) is printed as a warning and becomes FADYN_OK; any
 * other status is returned unchanged. */
int cli_plot_status(const char *cmd, int rc, const fadyn_err *err);

/* Map a library status to an exit code: OK and NOPLOT 0, DIVERGED 3, CHECK_FAILED and
 * MAXSTEPS 1, input errors (EINVAL, EPARSE, ESHAPE, ENONFINITE, EIO) 2,
 * other errors 1. */
int cli_exit_code(int status);

/* Numbers: each prints the one-line error and returns CLI_EXIT_USAGE on
 * failure, 0 on success.  opt is the option's name, e.g. "--rtol". */
int cli_double(const char *cmd, const char *opt, const char *s, double *out);
int cli_ulong(const char *cmd, const char *opt, const char *s, unsigned long *out);
int cli_size(const char *cmd, const char *opt, const char *s, size_t *out);
/* Comma-separated lists; *n receives the count (at most max). */
int cli_size_list(const char *cmd, const char *opt, const char *s, size_t *out, size_t max,
                  size_t *n);
int cli_double_list(const char *cmd, const char *opt, const char *s, double *out, size_t max,
                    size_t *n);

/* --rule NAME: a rule of the table (fadyn/rule.h); with need_ode, one with
 * an expected-dynamics form.  The error lists the rules that would do. */
#include "fadyn/rule.h"
int cli_rule(const char *cmd, const char *s, int need_ode, const fadyn_rule_type **out);

/* Print a help text to stdout with the tokens {rules} and {ode-rules}
 * replaced by the rule table's lists (every rule; those with an ODE form). */
void cli_print_help(const char *text);

/* After getopt_long returned '?': print which option is unknown or lacks
 * its value; returns CLI_EXIT_USAGE. */
int cli_bad_option(const char *cmd, char **argv);

/* Check that an output path can be written (before any work is done). */
int cli_check_out(const char *cmd, const char *opt, const char *path);

/* Progress on stderr when it is a terminal (or FADYN_PROGRESS=1):
 * "label: 42%" rewritten in place; cli_progress_done ends the line. */
void cli_progress(const char *label, double fraction);
void cli_progress_done(void);

/* ---- the options that define a linear learning problem -------------------
 * Shared by `ode` and `compare` (problem_opts.c): --sizes --rule --sigma
 * --seed --init --init-scale --t-scale --b-scale --init-from. */
#include "fadyn/problem.h"

#include <getopt.h>

typedef struct {
    size_t sizes[FADYN_MAX_DEPTH + 1], nsizes;
    const fadyn_rule_type *rule;
    double sigma[4096];
    size_t nsigma;
    unsigned long seed;
    int zero_init;
    fadyn_init_params ip;
    const char *init_from;
} cli_problem_opts;

/* getopt_long values of the problem options; a command's own start after. */
enum {
    CLI_PO_SIZES = 256,
    CLI_PO_RULE,
    CLI_PO_SIGMA,
    CLI_PO_SEED,
    CLI_PO_INIT,
    CLI_PO_INIT_SCALE,
    CLI_PO_T_SCALE,
    CLI_PO_B_SCALE,
    CLI_PO_INIT_FROM,
    CLI_PO_END
};

/* The long-option entries, to open a command's option table. */
#define CLI_PROBLEM_LONG_OPTS                                                                      \
    {"sizes", required_argument, 0, CLI_PO_SIZES}, {"rule", required_argument, 0, CLI_PO_RULE},    \
        {"sigma", required_argument, 0, CLI_PO_SIGMA},                                             \
        {"seed", required_argument, 0, CLI_PO_SEED}, {"init", required_argument, 0, CLI_PO_INIT},  \
        {"init-scale", required_argument, 0, CLI_PO_INIT_SCALE},                                   \
        {"t-scale", required_argument, 0, CLI_PO_T_SCALE},                                         \
        {"b-scale", required_argument, 0, CLI_PO_B_SCALE}, {                                       \
        "init-from", required_argument, 0, CLI_PO_INIT_FROM                                        \
    }

/* Their --help lines. */
#define CLI_PROBLEM_HELP                                                                           \
    "  --sizes LIST        layer sizes, inputs first (default 30,20,10); more than one\n"          \
    "                      hidden layer gives a chain, fa sending e down fixed B's\n"              \
    "  --rule NAME         {ode-rules} (default fa)\n"                                             \
    "  --sigma LIST        diagonal of the input covariance: one value for all inputs\n"           \
    "                      or one per input (default 1)\n"                                         \
    "  --seed N            seed of the random draw (default 1)\n"                                  \
    "  --init KIND         random | zero: initial weights U[-w,w] or 0 (default random)\n"         \
    "  --init-scale W      w of the initial weights (default 0.01)\n"                              \
    "  --t-scale X         T ~ U[-X,X] (default 1)\n"                                              \
    "  --b-scale X         B ~ U[-X,X] (default 0.5)\n"                                            \
    "  --init-from DIR     read T, B and the initial weights from DIR instead:\n"                  \
    "                      T.txt, B.txt, A.txt (hidden x inputs), W.txt (outputs x hidden),\n"     \
    "                      whitespace-separated rows. Deeper nets: A0.txt .. A{L-2}.txt\n"         \
    "                      (weights into hidden layers 1..L-1), W.txt, and B1.txt ..\n"            \
    "                      B{L-1}.txt (Bk is hidden-k x next layer, feeding hidden layer k)\n"

/* The paper's defaults: 30-20-10, fa, Σ = I, seed 1, random U[-0.01, 0.01]. */
void cli_problem_opts_default(cli_problem_opts *o);

/* If getopt value c is a problem option, parse arg into o, set *rc (0 or
 * CLI_EXIT_USAGE) and return 1; otherwise return 0. */
int cli_problem_opt(const char *cmd, int c, const char *arg, cli_problem_opts *o, int *rc);

/* Checks that need all the options (at least 3 layers, --sigma's length,
 * scales >= 0); prints the one-line error. */
int cli_problem_check(const char *cmd, const cli_problem_opts *o);

/* Build the problem: drawn from the seed, zero, or read from --init-from;
 * then Σ. */
int cli_problem_build(const cli_problem_opts *o, fadyn_problem *p, fadyn_err *err);

/* A JSON object of the problem's parameters (sizes, rule, sigma, seed, init,
 * scales), for a command to extend with its own. */
#include <jansson.h>
json_t *cli_problem_json(const cli_problem_opts *o, const fadyn_problem *p);

/* ---- the output options: --out --summary --plot --quiet --help ---------- */
typedef struct {
    const char *out, *summary, *plot;
    int quiet;
} cli_output_opts;

enum { CLI_OO_OUT = 1024, CLI_OO_SUMMARY, CLI_OO_PLOT, CLI_OO_QUIET, CLI_OO_HELP };

#define CLI_OUTPUT_LONG_OPTS                                                                       \
    {"out", required_argument, 0, CLI_OO_OUT}, {"summary", required_argument, 0, CLI_OO_SUMMARY},  \
        {"plot", required_argument, 0, CLI_OO_PLOT}, {"quiet", no_argument, 0, CLI_OO_QUIET}, {    \
        "help", no_argument, 0, CLI_OO_HELP                                                        \
    }

/* If getopt value c is an output option (or -h), record it and return 1,
 * with *rc = -1 after printing help (the caller then exits 0), else 0. */
int cli_output_opt(int c, const char *arg, cli_output_opts *o, const char *help, int *rc);

/* Before any work: --out and --summary writable, --plot a known target. */
int cli_output_check(const char *cmd, const cli_output_opts *o);

/* After the getopt loop: reject operands ("unexpected argument"). */
int cli_no_operands(const char *cmd, int argc, char **argv);

/* Subcommands: argc/argv start at the subcommand's name. */
int cmd_ode(int argc, char **argv);
int cmd_flow(int argc, char **argv);
int cmd_basin(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_figure(int argc, char **argv);

#endif
