/* helpers.h — small shared pieces of the Criterion tests. */
#ifndef FADYN_TEST_HELPERS_H
#define FADYN_TEST_HELPERS_H

#include "fadyn.h"

#include <gsl/gsl_rng.h>

/* The rule called name (the test fails if there is none). */
const fadyn_rule_type *th_rule(const char *name);

/* A drawn problem (paper's scales unless changed), seeded. */
void th_problem(fadyn_problem *p, size_t depth, const size_t *sizes, const fadyn_rule_type *rule,
                unsigned long seed, double w_scale);

/* Run `fadyn ARGS` (the built binary, $FADYN_BIN or build/fadyn) through the
 * shell with stdout/stderr to /dev/null unless capture is given; returns the
 * exit status.  capture (may be NULL) receives stderr's first line. */
int th_run(const char *args, char *capture, size_t n);

/* Run the built binary with argv (argv[0] is ignored; NULL-terminated)
 * without a shell, in the working directory cwd (NULL: the current one),
 * with env (one NAME=VALUE, or NULL) added to the environment,
 * stdout to out_path (NULL: /dev/null; "": stdout closed; opened for
 * writing, not truncated);
 * returns the exit status (-1 if killed).  capture (may be NULL) receives
 * stderr, all of it (up to n - 1 bytes). */
int th_runv(const char *const *argv, const char *cwd, const char *env, const char *out_path,
            char *capture, size_t n);
/* The whole file at path, malloc'd and terminated (NULL if unreadable). */
char *th_slurp(const char *path);

/* Column `name` of the header line hdr (tab-separated), or -1. */
int th_column_of(const char *hdr, const char *name);
/* The numbers of column `name` of the TSV table at path (a header line,
 * then rows, blank lines skipped; "nan" reads as NaN) into out, at most cap; their count.  The
 * test fails if the file or the column is missing. */
size_t th_tsv_column(const char *path, const char *name, double *out, size_t cap);

/* Column col of the tables at signed_path and abs_path, row by row: the abs
 * angle is min(θ, 180° − θ) of the signed θ (to 1e-6, the tables' 10
 * digits; NaN where θ is).  Returns how many θ exceed 90°; *rows, if given,
 * gets the row count. */
size_t th_expect_folded(const char *signed_path, const char *abs_path, const char *col,
                        size_t *rows);
/* The JSON at json_path records the angle's kind ("angle" in "parameters",
 * or at the top level if params is 0) and the script at gp_path labels the
 * angle axis as fadyn_angle_axis_label(kind) says (and never as the other). */
void th_expect_angle_kind(const char *json_path, int params, const char *gp_path,
                          fadyn_angle_kind kind);

/* Run `fadyn ARGS --angle KIND --out DIR/KIND.tsv --summary DIR/KIND.json
 * --plot DIR/KIND.svg` for KIND signed and abs (exit 0 each), then
 * th_expect_angle_kind on each run's JSON parameters and script. */
void th_run_both_angles(const char *args, const char *dir);
/* th_expect_folded on each of the n columns of DIR/signed.tsv and
 * DIR/abs.tsv, each of `rows` rows; the test fails unless some signed
 * angle exceeds 90° (else it would show nothing). */
void th_expect_folded_runs(const char *dir, const char *const *cols, size_t n, size_t rows);

/* A fresh temporary directory (mkdtemp) whose name is written to out. */
void th_tmpdir(char *out, size_t n);

/* The four MNIST files of a synthetic data set in dir: ntrain and ntest
 * images of 28 x 28, class k lighting its own random set of pixels (about
 * a fifth of them) plus noise, so a network can learn it; labels cycle. */
void th_fake_mnist(const char *dir, size_t ntrain, size_t ntest, unsigned long seed);

#endif
