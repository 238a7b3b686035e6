/* par.h — fadyn's one threading layer for the loops it splits itself (the
 * thin products of gemm.c, the large stepper sums): chunks taken as they
 * come by the calling thread and helper threads, so that a helper whose core
 * is busy elsewhere holds no one up (private to the library).
 *
 * The calling thread always works.  A helper joins by claiming a chunk;
 * one that is not running (its core taken by another process) claims none,
 * and the caller then does every chunk and returns without waiting for it.
 * The caller waits only for chunks a helper has claimed and not finished —
 * which takes long only if the helper was preempted in the middle of one;
 * when that wait exceeds a share of the loop's own time, the next calls run
 * on the calling thread alone for a while (doubling on every further stall,
 * halving on every clean shared call), so a busy machine costs a shared
 * loop at most a few per cent over one thread. */
#ifndef FADYN_PAR_H
#define FADYN_PAR_H

#include <stddef.h>

/* fn(ctx, i) for every chunk i < n, on up to `threads` threads (the caller
 * and threads − 1 helpers, started on first use and kept).  On the calling
 * thread alone when threads <= 1, n <= 1, inside an OpenMP parallel region,
 * while another caller uses the helpers, or while backing off after a
 * stall.  Returns when every chunk is done.  fn must not call
 * fadyn_par_for itself (it would run inline). */
void fadyn_par_for(size_t n, int threads, void (*fn)(void *ctx, size_t i), void *ctx);

/* The threads fadyn's own loops may use: as many as BLAS may
 * (fadyn_blas_set_threads). */
int fadyn_par_threads(void);

/* How the shared loops went since the process started (for benchmarks and
 * tests): loops run shared, chunks taken by helpers, stalls seen, loops run
 * alone while backing off. */
typedef struct {
    unsigned long shared, helper_chunks, stalls, backed_off;
} fadyn_par_stats;
fadyn_par_stats fadyn_par_stats_get(void);

#endif
