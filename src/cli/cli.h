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

/* Map a library status to an exit code: OK 0, DIVERGED 3, CHECK_FAILED and
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

/* After getopt_long returned '?': print which option is unknown or lacks
 * its value; returns CLI_EXIT_USAGE. */
int cli_bad_option(const char *cmd, char **argv);

/* Check that an output path can be written (before any work is done). */
int cli_check_out(const char *cmd, const char *opt, const char *path);

/* Progress on stderr when it is a terminal (or FADYN_PROGRESS=1):
 * "label: 42%" rewritten in place; cli_progress_done ends the line. */
void cli_progress(const char *label, double fraction);
void cli_progress_done(void);

/* Subcommands: argc/argv start at the subcommand's name. */
int cmd_ode(int argc, char **argv);
int cmd_flow(int argc, char **argv);
int cmd_basin(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_figure(int argc, char **argv);

#endif
