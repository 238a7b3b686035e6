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

/* A fresh temporary directory (mkdtemp) whose name is written to out. */
void th_tmpdir(char *out, size_t n);

/* The four MNIST files of a synthetic data set in dir: ntrain and ntest
 * images of 28 x 28, class k lighting its own random set of pixels (about
 * a fifth of them) plus noise, so a network can learn it; labels cycle. */
void th_fake_mnist(const char *dir, size_t ntrain, size_t ntest, unsigned long seed);

#endif
