/* cli.h — shared pieces of the command-line tool: exit codes, one-line
 * errors, output-path checks, progress, the problem options (the option
 * tables are in opts.h). */
#ifndef FADYN_CLI_H
#define FADYN_CLI_H

#include "fadyn/error.h"
#include "fadyn/plot.h"

#include <stddef.h>

/* Exit statuses of every subcommand (docs/cli.md). */
enum {
    CLI_EXIT_OK = 0,       /* success */
    CLI_EXIT_FAILED = 1,   /* a check failed, or a run failed for another reason */
    CLI_EXIT_USAGE = 2,    /* bad input: arguments, files */
    CLI_EXIT_DIVERGED = 3, /* a trajectory or training run diverged */
    CLI_EXIT_STOPPED = 4,  /* stopped by SIGINT or SIGTERM, the state saved to resume */
};

/* Print "fadyn CMD: message" to stderr (one line). */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a library error's detail (or its table message). */
void cli_error_err(const char *cmd, const fadyn_err *err);
/* cli_error for each newline-ended line of text (NULL: none). */
void cli_error_lines(const char *cmd, const char *text);

/* The status of fadyn_plot_make: FADYN_NOPLOT (gnuplot missing, the data
 * and script written) is printed as a warning and becomes FADYN_OK; any
 * other status is returned unchanged. */
int cli_plot_status(const char *cmd, int rc, const fadyn_err *err);
/* One line on stderr for each side file of the figure estimated above
 * FADYN_PLOT_BIG (10 MB), before fadyn_plot_make writes it. */
void cli_plot_warn_big(const char *cmd, const fadyn_plot_target *t, const fadyn_plot_data *data,
                       const double *bytes, size_t ndata);

/* Map a library status to an exit code: OK and NOPLOT 0, DIVERGED 3, CHECK_FAILED and
 * MAXSTEPS 1, input errors (EINVAL, EPARSE, ESHAPE, ENONFINITE, EIO) 2,
 * other errors 1. */
int cli_exit_code(int status);

/* Print the lines of b (a library report) to stdout and free b. */
#include "fadyn/io.h"
void cli_put_lines(fadyn_strbuf *b);

/* Before a command: standard input, output and error opened if closed
 * (output onto /dev/full, so that writing it fails), outputs begun as one
 * transaction (fadyn_out_begin). */
void cli_start(void);
/* After a command that returned rc: standard output flushed (a failure,
 * e.g. a full disk or closed output, is one line and exit 1), then the
 * outputs committed unless rc is CLI_EXIT_USAGE or something failed (then
 * every earlier file stays as it was).  Returns the exit status. */
int cli_finish(const char *cmd, int rc);

/* Under mpirun with more than one rank (fadyn/work.h), a command or mode
 * that is not distributed: one line "fadyn CMD: WHAT runs in one process
 * ..." (WHAT NULL: the command) and 1, so the caller exits with
 * CLI_EXIT_USAGE; 0 with one rank. */
int cli_one_rank(const char *cmd, const char *what);

/* Under mpirun, after every rank parsed and checked the same arguments
 * (rc: 0, an exit status, or < 0 for --help): the same outcome on every
 * rank, so that none goes on alone into work the others never join.  A
 * check can see the file system differently on another rank or node (a
 * file one node lacks); if a rank failed while this one did not, rank 0
 * prints that rank's line, "fadyn CMD: rank N: ...", and every rank
 * returns the highest exit status.  rc itself with one rank. */
int cli_agree(const char *cmd, int rc);

/* The work limit (cost.c): 0 if force or flops <= limit; else one line,
 * "fadyn CMD: WHAT: about F flop (T at 2.8 GFLOP/s), beyond the limit of L
 * flop (T); --force runs it" (WHAT from fmt), and CLI_EXIT_USAGE.  The
 * limits and the rate are fadyn/cost.h's. */
int cli_cost_check(const char *cmd, int force, double flops, double limit, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Check that an output path can be written (before any work is done). */
int cli_check_out(const char *cmd, const char *opt, const char *path);

/* Progress on stderr when it is a terminal (or FADYN_PROGRESS=1):
 * "label: 42%" rewritten in place; cli_progress_done ends the line. */
void cli_progress(const char *label, double fraction);
void cli_progress_done(void);
/* The same switch; a free-form progress line rewritten in place. */
int cli_progress_enabled(void);
void cli_progress_text(const char *text);

/* ---- the options that define a linear learning problem -------------------
 * Shared by `ode` and `compare` (problem_opts.c): --sizes --rule --sigma
 * --seed --init --init-from --init-scale --t-scale --b-scale. */
#include "fadyn/problem.h"
#include "opts.h"

typedef struct {
    size_t sizes[FADYN_MAX_DEPTH + 1], nsizes;
    const fadyn_rule_type *rule;
    double sigma[4096];
    size_t nsigma;
    unsigned long seed;
    int zero_init;
    const char *init_from;
    fadyn_init_params ip;
} cli_problem_opts;

/* Their table (a CLI_GROUP of the command's). */
extern const cli_opt cli_problem_table[];

/* The paper's defaults: 30-20-10, fa, Σ = I, seed 1, random U[-0.01, 0.01]. */
void cli_problem_opts_default(cli_problem_opts *o);

/* Checks that need all the options (at most 1e7 weights, --sigma's
 * length); --sizes not given: read from --init-from's files, else
 * 30,20,10.  Prints the one-line error. */
int cli_problem_check(const char *cmd, cli_problem_opts *o);
/* sizes[] and *nsizes from the shapes of the matrices in dir (--init-from):
 * 0, or CLI_EXIT_USAGE after one line naming the option. */
int cli_sizes_from_files(const char *cmd, const char *dir, size_t *sizes, size_t *nsizes);
/* --sizes when not given (*nsizes 0): from init_from's files
 * (cli_sizes_from_files) if given, else 30,20,10; given: unchanged. */
int cli_sizes_default(const char *cmd, const char *init_from, size_t *sizes, size_t *nsizes);

/* Build the problem: drawn from the seed, zero, or read from --init-from;
 * then Σ. */
int cli_problem_build(const cli_problem_opts *o, fadyn_problem *p, fadyn_err *err);

/* ---- the output options: --out --summary --plot --quiet ----------------- */
typedef struct {
    const char *out, *summary, *plot;
    int quiet;
} cli_output_opts;

/* Each subcommand's option table, for cli_parse without running the
 * command (the parsers' fuzz targets, tests/fuzz/). */
extern const cli_cmd *const cli_cmd_ode,
    *const cli_cmd_flow, *const cli_cmd_basin, *const cli_cmd_verify,
                                                   *const cli_cmd_train,
                                                       *const cli_cmd_train_mnist,
                                                           *const cli_cmd_compare,
                                                               *const cli_cmd_figure;

/* Subcommands: argc/argv start at the subcommand's name. */
int cmd_ode(int argc, char **argv);
int cmd_flow(int argc, char **argv);
int cmd_basin(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_train(int argc, char **argv);
/* `fadyn train --task mnist` (cmd_train_mnist.c), called by cmd_train. */
int cmd_train_mnist(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_figure(int argc, char **argv);

#endif
