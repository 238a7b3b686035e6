/* fadyn/cost.h — the work of a run estimated up front, and the limits
 * beyond which the command line asks for --force (issue 13: `compare
 * --etas 1e-12` meant 1e13 steps, `figure fig2a --runs 1000 --examples 1e7`
 * years).  The estimates count flops the way docs/figures.md ("Speed")
 * does: 2 n_{k+1} n_k per layer forward, the same backward and the same
 * for the update, so 6 x weights per example learned and 2 x weights per
 * held-out point evaluated; they are meant to an order of magnitude (the
 * nonlinearities, the angles and the noise draws are left out). */
#ifndef FADYN_COST_H
#define FADYN_COST_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include <stddef.h>

/* Flops `ode`, `compare` and `train` may be estimated to take without
 * --force: about an hour at FADYN_WORK_RATE. */
#define FADYN_WORK_LIMIT 1e13
/* Flops one figure of `fadyn figure` may be estimated to take without
 * --force: the paper's scale (--full) of every figure is within it (fig2a's,
 * the largest, is about 3.7e14 flop: 4 rules x 20 runs x 9e5 MNIST examples). */
#define FADYN_FIGURE_WORK_LIMIT 1e15
/* The flop rate the times of the limits and of the expected-time lines
 * assume: Task 1's trainer on one core (docs/figures.md, "Speed"), so that
 * FADYN_WORK_LIMIT is an hour.  The MNIST trainer runs faster; its
 * figures measure their own rate (fadyn_recipe.seconds). */
#define FADYN_WORK_RATE 2.8e9

/* The flops of training a network of `weights` weights on `examples`
 * examples in each of `runs` runs, evaluated `evaluations` times per run
 * on `n_test` held-out points: runs x (6 weights examples + 2 weights
 * n_test evaluations).  In doubles, so that no count overflows. */
double fadyn_cost_training(double weights, double examples, double runs, double evaluations,
                           double n_test);

/* The evaluations of a run of `examples` examples evaluated every
 * `eval_every` (0: only at the end) and at the start: ceil(examples /
 * eval_every) + 1. */
double fadyn_cost_evaluations(double examples, double eval_every);

/* Seconds as the messages write them: "12 s", "40 min", "an hour",
 * "5 hours", "4 days", "3e+04 years" (about; rounded). */
void fadyn_cost_duration(double seconds, char *out, size_t n);

FADYN_API_END
#endif
