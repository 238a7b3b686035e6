/* fadyn/work.h — work items spread over processes (MPI ranks, in a build
 * with `make MPI=1`) and, inside each process, over OpenMP threads.
 *
 * A job is n independent items (the starts of a basin grid, the runs of an
 * ensemble, the instances of a verification).  Each item writes one record
 * of a fixed size, in item order, and every item draws its randomness from
 * its own index (never from the rank or the thread), so the records are
 * the same bytes whichever process ran them.
 *
 * With more than one rank, rank 0 hands out item indices one at a time on
 * request (items differ in cost: dynamic distribution), takes items itself
 * between requests, gathers every record in item order, and then gives the
 * whole table to every rank, so the code after fadyn_work_map runs the same
 * on every rank.  Only rank 0 writes: on the other ranks an output file
 * (fadyn_ofile_open) is /dev/null, fadyn_mkdir_p makes nothing and no
 * figure is drawn.  In a plain build (no MPI) the same calls are an OpenMP
 * loop in one process, with no MPI dependency.
 *
 * Not thread-safe: fadyn_work_init, _finalize and _map are called by the
 * program's main thread (a map called inside an item, or inside an OpenMP
 * parallel region, runs in the calling thread alone). */
#ifndef FADYN_WORK_H
#define FADYN_WORK_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/ode.h" /* fadyn_progress_fn */

#include <stddef.h>

/* MPI_Init_thread (MPI_THREAD_SERIALIZED) in an MPI build, unless MPI is
 * already initialised; nothing in a plain build.  argc, argv as main's (may
 * be NULL).  FADYN_OK, or FADYN_EINVAL if MPI cannot give the thread
 * level. */
int fadyn_work_init(int *argc, char ***argv);
/* MPI_Finalize if fadyn_work_init started MPI; nothing otherwise. */
void fadyn_work_finalize(void);
/* This process's rank (0 in a plain build or before init) and the number
 * of ranks (1). */
int fadyn_work_rank(void);
int fadyn_work_ranks(void);
/* 1 if this libfadyn was built with MPI (make MPI=1). */
int fadyn_work_mpi(void);

typedef struct {
    size_t n;    /* items */
    size_t size; /* bytes of one record */
    void *rec;   /* n records of `size` bytes, item i at rec + i size */
    void *ctx;   /* passed to every function below */
    int threads; /* OpenMP threads in each rank; 0: omp_get_max_threads() */
    /* Optional per-thread workspace (NULL: none). */
    void *(*ws_alloc)(void *ctx, fadyn_err *err);
    void (*ws_free)(void *ctx, void *ws);
    /* Item i into its record.  A negative status is an error: no further
     * item is handed out, and the map returns the error of the lowest
     * item that failed.  Other statuses belong in the record. */
    int (*run)(void *ctx, void *ws, size_t i, void *rec, fadyn_err *err);
    /* Records that own memory beyond their `size` bytes (NULL if none):
     * extra(rec) is the bytes of those parts, pack writes them to buf,
     * unpack gives rec (its fixed bytes as they were sent, its pointers
     * meaningless here) parts of its own from buf, and release frees a
     * record's parts (after it was sent to another rank). */
    size_t (*extra)(void *ctx, const void *rec);
    void (*pack)(void *ctx, const void *rec, void *buf);
    int (*unpack)(void *ctx, void *rec, const void *buf, size_t bytes, fadyn_err *err);
    void (*release)(void *ctx, void *rec);
    /* Called with the fraction of items done, on rank 0, one call at a
     * time (NULL: none). */
    fadyn_progress_fn progress;
    void *progress_ctx;
} fadyn_work_job;

/* Run every item of job once, across the ranks (collective: every rank
 * calls it with the same n and size) and the threads of each; afterwards
 * every rank holds all n records.  FADYN_OK, an item's error (the lowest
 * failing item's, the same on every rank), or FADYN_ENOMEM / FADYN_EINVAL
 * (a record that could not be passed between ranks). */
int fadyn_work_map(const fadyn_work_job *job, fadyn_err *err);

/* Collective over the ranks (every rank calls it; in a plain build, or
 * with one rank, or inside a map, it returns rc at once): each rank's
 * status rc of a step taken on every rank (loading a file, say).  Returns
 * the error (rc < 0) of the lowest rank that failed, its message in *err
 * on every rank (prefixed "rank N: " when N is not 0), or this rank's rc
 * when none failed, so that every rank goes on, or stops, together. */
int fadyn_work_agree(int rc, fadyn_err *err);
/* Collective: 1 if every rank passed the same v (1 in a plain build). */
int fadyn_work_same(unsigned long long v);
/* FNV-1a (64 bits) of n bytes at p, continuing from h (0 starts one): a
 * digest of data each rank read for itself, for fadyn_work_same. */
unsigned long long fadyn_work_hash(unsigned long long h, const void *p, size_t n);

FADYN_API_END
#endif
