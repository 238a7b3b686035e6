/* mnist_run.c — MNIST runs: the evaluation rows of one run, many runs on
 * the cores (several runs at once, the rest with all threads each) and
 * across MPI ranks (each run a work item, fadyn/work.h), the checkpoint
 * file of all runs (written atomically, with a format version and a
 * checksum) and resuming from it, progress, and the TSV outputs. */
#include "fadyn/clock.h"
#include "fadyn/io.h"
#include "fadyn/linalg.h"
#include "fadyn/seed.h"
#include "fadyn/work.h"
#include "mnist_impl.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

const char *const fadyn_mnist_col_names[FADYN_MNIST_NCOLS] = {
    "example",    "epoch",       "test_error_percent", "test_loss",
    "train_loss", "train_error", "angle_mean",         "angle_sd"};

fadyn_mnist_control fadyn_mnist_control_default(void) {
    fadyn_mnist_control c;
    memset(&c, 0, sizeof c);
    return c;
}

unsigned long fadyn_mnist_run_seed(unsigned long seed, size_t run) {
    return fadyn_seed_mix(seed, 100 + run);
}

void fadyn_mnist_result_free(fadyn_mnist_result *r) {
    free(r->rows);
    free(r->rf_init);
    free(r->rf_final);
    memset(r, 0, sizeof *r);
}

/* ---- the checkpoint file ---------------------------------------------------------
 * "FADYNCKP", u32 format version, u32 byte-order tag, u64 payload length,
 * the payload, u32 CRC-32 of the payload.  Payload: u64 runs, u64 data
 * fingerprint, then per run: u64 status (0 not started, 1 in progress,
 * 2 finished, 3 diverged), u64 rows, the rows (f64), f64 train and eval
 * seconds, u64 state length, the state (fadyn_mnist_ws_save: the arrays by
 * rows of the hidden units, without the kernels' padding; version 2). */
#define CKP_MAGIC   "FADYNCKP"
#define CKP_VERSION 2u
#define CKP_ORDER   0x01020304u

enum { RUN_NEW = 0, RUN_ACTIVE, RUN_DONE, RUN_DIVERGED };

typedef struct {
    int status;
    unsigned char *state; /* latest saved state of an active run */
    size_t state_len;
} run_slot;

/* Examples over every run of one call (all rules): learned this session,
 * still to learn, in all; the runs in all; the time it started; the ranks
 * sharing them (1: this process alone). */
typedef struct {
    size_t done, left, total, items, ranks;
    double t0;
} runs_tally;

/* The runs of one rule. */
typedef struct {
    const fadyn_mnist *data;
    const fadyn_rule_type *rule;
    const fadyn_mnist_params *p;
    const fadyn_mnist_control *ctl;
    fadyn_mnist_result *res;
    run_slot *slot;
    size_t nruns;
    uint32_t fingerprint;
    int write_failed;
    fadyn_err write_err;
    runs_tally *tally;
    size_t first; /* the call's index of run 0 (rule k: k nruns) */
} runs_ctx;

/* CRC-32 of the images and labels in use: a checkpoint resumes only on the
 * same data. */
static uint32_t fingerprint(const fadyn_mnist *d, const fadyn_mnist_params *p) {
    size_t in = d->train.rows * d->train.cols;
    size_t ntr = p->n_train ? p->n_train : d->train.n, nte = p->n_test ? p->n_test : d->test.n;
    uLong c = crc32(0L, Z_NULL, 0);
    const unsigned char *parts[4] = {d->train.images, d->train.labels, d->test.images,
                                     d->test.labels};
    size_t lens[4] = {ntr * in, ntr, nte * in, nte};
    for (int i = 0; i < 4; i++)
        for (size_t o = 0; o < lens[i]; o += 1u << 30) {
            size_t k = lens[i] - o < (1u << 30) ? lens[i] - o : 1u << 30;
            c = crc32(c, parts[i] + o, (uInt)k);
        }
    return (uint32_t)c;
}

static int put_raw(FILE *f, const void *p, size_t n, uLong *crc) {
    if (crc && n) *crc = crc32(*crc, p, (uInt)n);
    return n == 0 || fwrite(p, 1, n, f) == n ? 0 : -1; /* p may be NULL when n is 0 */
}

static int put_u64(FILE *f, uint64_t v, uLong *crc) {
    return put_raw(f, &v, sizeof v, crc);
}

/* Write every run's latest state: temporary file, fsync, rename. */
static int write_checkpoint(runs_ctx *c, fadyn_err *err) {
    size_t payload = 2 * 8;
    for (size_t r = 0; r < c->nruns; r++)
        payload += 8 + 8 + c->res[r].nrows * FADYN_MNIST_NCOLS * 8 + 16 + 8 + c->slot[r].state_len;
    fadyn_ofile o;
    int rc = fadyn_ofile_open(&o, c->ctl->checkpoint, err);
    if (rc) return rc;
    uLong crc = crc32(0L, Z_NULL, 0);
    uint32_t head[2] = {CKP_VERSION, CKP_ORDER};
    int bad = put_raw(o.f, CKP_MAGIC, 8, NULL) | put_raw(o.f, head, sizeof head, NULL) |
              put_u64(o.f, payload, NULL) | put_u64(o.f, c->nruns, &crc) |
              put_u64(o.f, c->fingerprint, &crc);
    for (size_t r = 0; r < c->nruns && !bad; r++) {
        const fadyn_mnist_result *res = &c->res[r];
        double secs[2] = {res->train_seconds, res->eval_seconds};
        bad |= put_u64(o.f, (uint64_t)c->slot[r].status, &crc) | put_u64(o.f, res->nrows, &crc) |
               put_raw(o.f, res->rows, res->nrows * FADYN_MNIST_NCOLS * 8, &crc) |
               put_raw(o.f, secs, sizeof secs, &crc) | put_u64(o.f, c->slot[r].state_len, &crc) |
               put_raw(o.f, c->slot[r].state, c->slot[r].state_len, &crc);
    }
    uint32_t crc32v = (uint32_t)crc;
    bad |= put_raw(o.f, &crc32v, sizeof crc32v, NULL);
    if (bad || fflush(o.f) != 0 || fsync(fileno(o.f)) != 0) {
        fadyn_ofile_abort(&o);
        return fadyn_err_set(err, FADYN_EIO, "%s: cannot write the checkpoint", c->ctl->checkpoint);
    }
    return fadyn_ofile_commit_now(&o, err); /* in place at once: that is its point */
}

typedef struct {
    const unsigned char *b;
    size_t n, pos;
} cursor;

static int take(cursor *k, void *p, size_t n) {
    if (n > k->n - k->pos) return -1;
    memcpy(p, k->b + k->pos, n);
    k->pos += n;
    return 0;
}

/* Read a checkpoint into the slots and results; one line on refusal. */
static int read_checkpoint(runs_ctx *c, fadyn_err *err) {
    const char *path = c->ctl->resume;
    FILE *f = fopen(path, "rb");
    if (!f) return fadyn_err_set(err, FADYN_EIO, "%s: cannot open the checkpoint", path);
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 1u << 20;
            unsigned char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    int rc = FADYN_OK;
    cursor k = {buf, n, 0};
    char magic[8];
    uint32_t head[2], crc_file;
    uint64_t payload = 0;
    if (take(&k, magic, 8) || memcmp(magic, CKP_MAGIC, 8) != 0) {
        rc = fadyn_err_set(err, FADYN_EPARSE, "%s: not a fadyn checkpoint", path);
    } else if (take(&k, head, sizeof head) || take(&k, &payload, 8)) {
        rc = fadyn_err_set(err, FADYN_EPARSE, "%s: truncated at byte %zu", path, n);
    } else if (head[1] != CKP_ORDER) {
        rc = fadyn_err_set(err, FADYN_EPARSE, "%s: written on a machine of another byte order",
                           path);
    } else if (head[0] != CKP_VERSION) {
        rc = fadyn_err_set(err, FADYN_EPARSE,
                           "%s: checkpoint format version %u, this fadyn reads version %u", path,
                           head[0], CKP_VERSION);
    } else if (payload != n - k.pos - 4 || n < k.pos + 4) {
        rc = fadyn_err_set(err, FADYN_EPARSE, "%s: truncated: %zu bytes, the header says %llu",
                           path, n, (unsigned long long)(payload + k.pos + 4));
    } else {
        memcpy(&crc_file, buf + n - 4, 4);
        uLong crc = crc32(crc32(0L, Z_NULL, 0), buf + k.pos, (uInt)payload);
        if ((uint32_t)crc != crc_file)
            rc = fadyn_err_set(err, FADYN_EPARSE, "%s: checksum mismatch: the file is corrupt",
                               path);
    }
    uint64_t nruns = 0, fp = 0;
    if (rc == FADYN_OK && (take(&k, &nruns, 8) || take(&k, &fp, 8)))
        rc = fadyn_err_set(err, FADYN_EPARSE, "%s: truncated", path);
    if (rc == FADYN_OK && nruns != c->nruns)
        rc = fadyn_err_set(err, FADYN_EINVAL, "%s: written for %llu runs, this one has %zu", path,
                           (unsigned long long)nruns, c->nruns);
    if (rc == FADYN_OK && fp != c->fingerprint)
        rc = fadyn_err_set(err, FADYN_EINVAL, "%s: written for other data (the MNIST files differ)",
                           path);
    for (size_t r = 0; rc == FADYN_OK && r < c->nruns; r++) {
        uint64_t st, nrows, slen;
        double secs[2];
        fadyn_mnist_result *res = &c->res[r];
        /* a new run has no rows; others are checked against their position in run_one */
        if (take(&k, &st, 8) || take(&k, &nrows, 8) || st > RUN_DIVERGED || nrows > res->cap ||
            (st == RUN_NEW && nrows)) {
            rc = fadyn_err_set(err, FADYN_EPARSE, "%s: run %zu: corrupt header", path, r);
            break;
        }
        if (take(&k, res->rows, nrows * FADYN_MNIST_NCOLS * 8) || take(&k, secs, sizeof secs) ||
            take(&k, &slen, 8) || slen > n - k.pos) {
            rc = fadyn_err_set(err, FADYN_EPARSE, "%s: run %zu: truncated", path, r);
            break;
        }
        double last = nrows ? res->rows[(nrows - 1) * FADYN_MNIST_NCOLS] : 0.0;
        if (!(last >= 0.0 && last <= (double)c->p->examples)) { /* NaN too */
            rc = fadyn_err_set(err, FADYN_EPARSE,
                               "%s: run %zu: its last row is at example %g, "
                               "not 0 to %zu",
                               path, r, last, c->p->examples);
            break;
        }
        res->nrows = (size_t)nrows;
        if (nrows)
            res->final_test_error =
                res->rows[(nrows - 1) * FADYN_MNIST_NCOLS + FADYN_MNIST_COL_TEST_ERROR];
        res->train_seconds = secs[0];
        res->eval_seconds = secs[1];
        c->slot[r].status = (int)st;
        if (slen) {
            c->slot[r].state = malloc(slen);
            if (!c->slot[r].state) {
                rc = fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
                break;
            }
            memcpy(c->slot[r].state, buf + k.pos, slen);
            c->slot[r].state_len = slen;
            k.pos += slen;
        }
    }
    free(buf);
    return rc;
}

/* ---- one run ------------------------------------------------------------------------ */

static void add_row(fadyn_mnist_ws *ws, fadyn_mnist_result *res, double *eval_s) {
    double *row = res->rows + res->nrows * FADYN_MNIST_NCOLS;
    double t0 = fadyn_wall_seconds();
    row[FADYN_MNIST_COL_EXAMPLE] = (double)ws->done;
    row[FADYN_MNIST_COL_EPOCH] = (double)ws->done / (double)ws->n_train;
    fadyn_mnist_ws_eval(ws, &row[FADYN_MNIST_COL_TEST_ERROR], &row[FADYN_MNIST_COL_TEST_LOSS],
                        NULL);
    fadyn_mnist_ws_interval(ws, &row[FADYN_MNIST_COL_TRAIN_LOSS], &row[FADYN_MNIST_COL_TRAIN_ERROR],
                            &row[FADYN_MNIST_COL_ANGLE_MEAN], &row[FADYN_MNIST_COL_ANGLE_SD]);
    res->nrows++;
    res->final_test_error = row[FADYN_MNIST_COL_TEST_ERROR];
    *eval_s += fadyn_wall_seconds() - t0;
}

static void keep_rf(const fadyn_mnist_ws *ws, const fadyn_mnist_control *ctl, double *out,
                    double *W0) {
    size_t in = ws->net.inputs;
    fadyn_mnist_ws_get(ws, W0, NULL, NULL, NULL, NULL);
    for (size_t u = 0; u < ctl->n_rf; u++)
        memcpy(out + u * in, W0 + ctl->rf_units[u] * in, in * sizeof(double));
}

/* The next stop of a run: an evaluation, a checkpoint (at a block
 * boundary, so it changes no rounding), a segment, or the end. */
static size_t next_stop(const fadyn_mnist_ws *ws, size_t eval_every, size_t ck_every) {
    size_t d = ws->done, rb = ws->rb;
    size_t s = (d / eval_every + 1) * eval_every, seg = MNIST_SEG / rb * rb;
    size_t g = (d / seg + 1) * seg;
    if (g < s) s = g;
    if (ck_every) {
        size_t k = (d / ck_every + 1) * ck_every;
        k = (k + rb - 1) / rb * rb;
        if (k < s) s = k;
    }
    return s < ws->p.examples ? s : ws->p.examples;
}

static void save_slot(runs_ctx *c, size_t r, fadyn_mnist_ws *ws, int status) {
    unsigned char *buf = NULL;
    size_t n = 0;
    /* a finished run keeps its state only for the receptive fields asked for */
    int keep = status == RUN_ACTIVE || (c->ctl->n_rf && status != RUN_NEW);
    if (keep && fadyn_mnist_ws_save(ws, &buf, &n, NULL) != FADYN_OK) return;
    free(c->slot[r].state);
    c->slot[r].state = buf;
    c->slot[r].state_len = n;
    c->slot[r].status = status;
}

static void checkpoint_now(runs_ctx *c) {
    if (!c->ctl->checkpoint) return;
    fadyn_err e;
    fadyn_err_clear(&e);
    if (write_checkpoint(c, &e) != FADYN_OK && !c->write_failed) {
        c->write_failed = 1;
        c->write_err = e;
    }
}

static void run_one(runs_ctx *c, size_t r, size_t threads) {
    const fadyn_mnist_params *p = c->p;
    const fadyn_mnist_control *ctl = c->ctl;
    fadyn_mnist_result *res = &c->res[r];
    int finished = c->slot[r].status == RUN_DONE || c->slot[r].status == RUN_DIVERGED;
    if (finished) res->status = c->slot[r].status == RUN_DONE ? FADYN_OK : FADYN_DIVERGED;
    if (finished && !(ctl->n_rf && c->slot[r].state_len)) {
        res->done = p->examples;
        return;
    }
    fadyn_mnist_ws *ws =
        fadyn_mnist_ws_alloc(c->data, c->rule, p, res->init_seed, threads, &res->err);
    if (!ws) {
        res->status = res->err.code ? res->err.code : FADYN_ENOMEM;
        return;
    }
    double *W0 = ctl->n_rf ? malloc(p->hidden * ws->net.inputs * sizeof(double)) : NULL;
    if (ctl->n_rf && W0) keep_rf(ws, ctl, res->rf_init, W0);
    size_t K = p->batch, ev = (p->eval_every + K - 1) / K * K, ck = ctl->checkpoint_every;
    if (c->slot[r].status != RUN_NEW) {
        int bad = fadyn_mnist_ws_load(ws, c->slot[r].state, c->slot[r].state_len, &res->err);
        /* an evaluation at 0 and at every multiple of ev so far (and at the end):
         * more rows would overflow res->rows as the run goes on */
        size_t want = 1 + ws->done / ev + (ws->done == p->examples && ws->done % ev);
        if (bad) {
            char msg[sizeof res->err.msg];
            memcpy(msg, res->err.msg, sizeof msg);
            fadyn_err_set(&res->err, FADYN_EINVAL, "%.300s: run %zu: %.200s", ctl->resume, r, msg);
        } else if (!finished && res->nrows != want) {
            bad = fadyn_err_set(&res->err, FADYN_EINVAL,
                                "%.300s: run %zu: %zu evaluation rows, its position (example "
                                "%zu) has %zu",
                                ctl->resume, r, res->nrows, ws->done, want);
        }
        if (bad) {
            res->status = FADYN_EINVAL;
            fadyn_mnist_ws_free(ws);
            free(W0);
            return;
        }
    } else {
        add_row(ws, res, &res->eval_seconds);
    }
    if (finished) { /* only its fields to recover */
        if (W0) keep_rf(ws, ctl, res->rf_final, W0);
        res->done = ws->done;
        free(W0);
        fadyn_mnist_ws_free(ws);
        return;
    }
    res->status = FADYN_OK;
    while (ws->done < p->examples) {
        size_t stop = next_stop(ws, ev, ck), before = ws->done;
        double t0 = fadyn_wall_seconds();
        int rc = fadyn_mnist_ws_train(ws, stop);
        res->train_seconds += fadyn_wall_seconds() - t0;
        if (rc == FADYN_DIVERGED) {
            res->status = FADYN_DIVERGED;
            fadyn_err_set(&res->err, FADYN_DIVERGED, "the output was not finite at example %zu",
                          ws->done);
            break;
        }
        if (ws->done % ev == 0 || ws->done == p->examples) add_row(ws, res, &res->eval_seconds);
        int stopping = ctl->stop && *ctl->stop;
        int ck_due = ck && (ws->done / ck != before / ck || ws->done == p->examples);
#pragma omp critical
        {
            runs_tally *t = c->tally;
            t->done += ws->done - before;
            t->left -= ws->done - before;
            if (ck_due || stopping) {
                save_slot(c, r, ws, ws->done == p->examples ? RUN_DONE : RUN_ACTIVE);
                checkpoint_now(c);
            }
            if (ctl->progress) {
                /* over ranks: this rank's rate taken for every rank's */
                double el = fadyn_wall_seconds() - t->t0, R = (double)t->ranks,
                       rate = el > 0 ? R * (double)t->done / el : 0,
                       left = t->ranks > 1 ? (double)t->total - rate * el : (double)t->left;
                if (left < 0) left = 0;
                fadyn_mnist_progress pr = {c->first + r,
                                           t->items,
                                           ws->done,
                                           p->examples,
                                           res->final_test_error,
                                           rate,
                                           rate > 0 ? left / rate : NAN,
                                           1.0 - left / (double)(t->total ? t->total : 1)};
                ctl->progress(ctl->progress_ctx, &pr);
            }
        }
        if (stopping && ws->done < p->examples) {
            res->status = FADYN_STOPPED;
            break;
        }
    }
    res->done = ws->done;
    if (ctl->n_rf && W0) keep_rf(ws, ctl, res->rf_final, W0);
    free(W0);
#pragma omp critical
    save_slot(c, r, ws,
              res->status == FADYN_OK         ? RUN_DONE
              : res->status == FADYN_DIVERGED ? RUN_DIVERGED
                                              : RUN_ACTIVE);
    fadyn_mnist_ws_free(ws);
}

/* ---- many runs --------------------------------------------------------------------------- */

static void free_slots(run_slot *slot, size_t n) {
    for (size_t r = 0; r < n; r++)
        free(slot[r].state);
    free(slot);
}

/* A run's result before it starts: its seed, room for its rows (cap) and
 * its receptive fields (rf doubles each, 0: none). */
static int result_open(fadyn_mnist_result *res, unsigned long seed, size_t cap, size_t rf,
                       fadyn_err *err) {
    res->init_seed = seed;
    res->cap = cap;
    res->final_test_error = NAN;
    res->rows = malloc(cap * FADYN_MNIST_NCOLS * sizeof(double));
    if (rf) {
        res->rf_init = calloc(rf, sizeof(double));
        res->rf_final = calloc(rf, sizeof(double));
    }
    if (!res->rows || (rf && (!res->rf_init || !res->rf_final)))
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory for the results");
    return FADYN_OK;
}

/* Several runs at once, one thread each (a wave of a multiple of the
 * cores), the rest one after another with every thread. */
static void runs_local(runs_ctx *c, size_t cores) {
    size_t nruns = c->nruns, wave = nruns >= cores && cores > 1 ? nruns / cores * cores : 0;
#pragma omp parallel for schedule(dynamic) num_threads((int)cores) if (wave > 0)
    for (size_t r = 0; r < wave; r++)
        run_one(c, r, 1);
    for (size_t r = wave; r < nruns; r++) {
        if (c->ctl->stop && *c->ctl->stop) {
            c->res[r].status = FADYN_STOPPED;
            continue;
        }
        run_one(c, r, cores);
    }
}

/* Over MPI ranks: run r of rule k is work item k nruns + r (fadyn/work.h),
 * its record the fadyn_mnist_result, its rows and receptive fields the
 * parts that travel after it.  Each run is allocated where it runs. */
typedef struct {
    runs_ctx *c;    /* one per rule */
    size_t nruns;   /* runs of each rule */
    size_t cap, rf; /* rows of a run; doubles of each receptive-field array */
    size_t per_run; /* threads of one run */
} runs_map;

static int map_run(void *ctx, void *ws, size_t i, void *rec, fadyn_err *err) {
    (void)ws;
    (void)err; /* a run's failure is its record's status and err */
    runs_map *m = ctx;
    runs_ctx *c = &m->c[i / m->nruns];
    fadyn_mnist_result *res = rec;
    if (c->ctl->stop && *c->ctl->stop) {
        res->status = FADYN_STOPPED;
        return FADYN_OK;
    }
    if (result_open(res, res->init_seed, m->cap, m->rf, &res->err) != FADYN_OK) {
        res->status = FADYN_ENOMEM;
        return FADYN_OK;
    }
    run_one(c, i % m->nruns, m->per_run);
    return FADYN_OK;
}

static size_t run_bytes(void *ctx, const void *rec) {
    const runs_map *m = ctx;
    const fadyn_mnist_result *r = rec;
    return (r->rows ? r->nrows * FADYN_MNIST_NCOLS : 0) + (r->rf_init ? 2 * m->rf : 0);
}

static size_t run_extra(void *ctx, const void *rec) {
    return run_bytes(ctx, rec) * sizeof(double);
}

static void run_pack(void *ctx, const void *rec, void *buf) {
    const runs_map *m = ctx;
    const fadyn_mnist_result *r = rec;
    double *b = buf;
    size_t n = r->rows ? r->nrows * FADYN_MNIST_NCOLS : 0;
    if (n) memcpy(b, r->rows, n * sizeof(double));
    if (r->rf_init) {
        memcpy(b + n, r->rf_init, m->rf * sizeof(double));
        memcpy(b + n + m->rf, r->rf_final, m->rf * sizeof(double));
    }
}

static int run_unpack(void *ctx, void *rec, const void *buf, size_t bytes, fadyn_err *err) {
    const runs_map *m = ctx;
    fadyn_mnist_result *r = rec;
    const double *b = buf;
    int had_rf = r->rf_init != NULL; /* the sender's pointers: only whether they were set */
    size_t n = r->nrows * FADYN_MNIST_NCOLS, rf = had_rf ? 2 * m->rf : 0;
    r->rows = r->rf_init = r->rf_final = NULL;
    r->cap = 0;
    if (bytes != (n + rf) * sizeof(double) || r->nrows > m->cap) {
        r->nrows = 0;
        return fadyn_err_set(err, FADYN_EINVAL, "run record of %zu bytes, %zu expected", bytes,
                             (n + rf) * sizeof(double));
    }
    if (bytes == 0) return FADYN_OK;
    r->rows = n ? malloc(n * sizeof(double)) : NULL;
    if (rf) {
        r->rf_init = malloc(m->rf * sizeof(double));
        r->rf_final = malloc(m->rf * sizeof(double));
    }
    if ((n && !r->rows) || (rf && (!r->rf_init || !r->rf_final))) {
        fadyn_mnist_result_free(r);
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory for a run's results");
    }
    r->cap = r->nrows;
    if (n) memcpy(r->rows, b, n * sizeof(double));
    if (rf) {
        memcpy(r->rf_init, b + n, m->rf * sizeof(double));
        memcpy(r->rf_final, b + n + m->rf, m->rf * sizeof(double));
    }
    return FADYN_OK;
}

static void run_release(void *ctx, void *rec) {
    (void)ctx;
    fadyn_mnist_result *r = rec;
    free(r->rows);
    free(r->rf_init);
    free(r->rf_final);
    r->rows = r->rf_init = r->rf_final = NULL;
}

static int runs_ranks(runs_ctx *c, size_t nrules, size_t cores, size_t cap, size_t rf,
                      fadyn_err *err) {
    size_t n = nrules * c->nruns, per_run = n >= cores * c->tally->ranks ? 1 : cores;
    runs_map m = {c, c->nruns, cap, rf, per_run};
    fadyn_work_job job = {.n = n,
                          .size = sizeof(fadyn_mnist_result),
                          .rec = c->res, /* every rule's, one after another */
                          .ctx = &m,
                          .threads = (int)(cores / per_run),
                          .run = map_run,
                          .extra = run_extra,
                          .pack = run_pack,
                          .unpack = run_unpack,
                          .release = run_release};
    return fadyn_work_map(&job, err);
}

int fadyn_mnist_runs(const fadyn_mnist *data, const fadyn_rule_type *rule,
                     const fadyn_mnist_params *p, size_t nruns, const fadyn_mnist_control *ctl,
                     fadyn_mnist_result *res) {
    return fadyn_mnist_runs_rules(data, &rule, 1, p, nruns, ctl, res);
}

/* The first error of the set-up; every run's result says it. */
static int setup_failed(fadyn_mnist_result *res, size_t n, int rc, const fadyn_err *err) {
    for (size_t i = 0; i < n; i++) {
        res[i].status = rc;
        res[i].err = *err;
    }
    return rc;
}

static void free_ctxs(runs_ctx *c, size_t nrules) {
    for (size_t k = 0; c && k < nrules; k++)
        free_slots(c[k].slot, c[k].slot ? c[k].nruns : 0); /* read_checkpoint may fill some */
    free(c);
}

int fadyn_mnist_runs_rules(const fadyn_mnist *data, const fadyn_rule_type *const *rules,
                           size_t nrules, const fadyn_mnist_params *p, size_t nruns,
                           const fadyn_mnist_control *ctl, fadyn_mnist_result *res) {
    fadyn_err err;
    fadyn_err_clear(&err);
    size_t n = nrules * nruns;
    for (size_t i = 0; i < n; i++)
        memset(&res[i], 0, sizeof res[i]);
    if (nruns < 1 || nrules < 1) return FADYN_EINVAL;
    int rc = FADYN_OK;
    for (size_t k = 0; rc == FADYN_OK && k < nrules; k++)
        rc = fadyn_mnist_params_check(p, data, rules[k], &err);
    runs_tally tally = {0, 0, n * p->examples, n, (size_t)fadyn_work_ranks(), fadyn_wall_seconds()};
    size_t in = data->train.rows * data->train.cols, rf = ctl->n_rf * in;
    size_t cap = p->examples / ((p->eval_every + p->batch - 1) / p->batch * p->batch) + 3;
    for (size_t u = 0; rc == FADYN_OK && u < ctl->n_rf; u++)
        if (ctl->rf_units[u] >= p->hidden)
            rc = fadyn_err_set(&err, FADYN_EINVAL, "rf_units[%zu] = %zu: only %zu hidden units", u,
                               ctl->rf_units[u], p->hidden);
    if (rc == FADYN_OK && (ctl->checkpoint || ctl->resume) && tally.ranks > 1)
        rc = fadyn_err_set(&err, FADYN_EINVAL,
                           "checkpoints are written and resumed by one process, not across %zu "
                           "MPI ranks",
                           tally.ranks);
    if (rc == FADYN_OK && (ctl->checkpoint || ctl->resume) && nrules > 1)
        rc = fadyn_err_set(&err, FADYN_EINVAL, "a checkpoint holds the runs of one rule, not %zu",
                           nrules);
    runs_ctx *c = rc == FADYN_OK ? calloc(nrules, sizeof *c) : NULL;
    if (rc == FADYN_OK && !c) rc = fadyn_err_set(&err, FADYN_ENOMEM, "out of memory");
    for (size_t k = 0; rc == FADYN_OK && k < nrules; k++) {
        c[k] = (runs_ctx){.data = data,
                          .rule = rules[k],
                          .p = p,
                          .ctl = ctl,
                          .res = res + k * nruns,
                          .slot = calloc(nruns, sizeof(run_slot)),
                          .nruns = nruns,
                          .tally = &tally,
                          .first = k * nruns};
        if (!c[k].slot) rc = fadyn_err_set(&err, FADYN_ENOMEM, "out of memory");
    }
    for (size_t i = 0; rc == FADYN_OK && i < n; i++) {
        unsigned long seed = fadyn_mnist_run_seed(p->seed, i % nruns); /* run r: every rule's */
        if (tally.ranks > 1) { /* allocated where the run runs (runs_ranks) */
            res[i].init_seed = seed;
            res[i].final_test_error = NAN;
        } else {
            rc = result_open(&res[i], seed, cap, rf, &err);
        }
    }
    if (rc == FADYN_OK && (ctl->checkpoint || ctl->resume)) c->fingerprint = fingerprint(data, p);
    if (rc == FADYN_OK && ctl->resume) rc = read_checkpoint(c, &err); /* one rule */
    if (rc != FADYN_OK) {
        free_ctxs(c, nrules);
        return setup_failed(res, n, rc, &err);
    }
    tally.left = tally.total;
    for (size_t k = 0; k < nrules; k++)
        for (size_t r = 0; r < nruns; r++) {
            const fadyn_mnist_result *q = &c[k].res[r];
            size_t from = 0;
            if (c[k].slot[r].status == RUN_DONE || c[k].slot[r].status == RUN_DIVERGED)
                from = p->examples;
            else if (c[k].slot[r].status == RUN_ACTIVE && c[k].slot[r].state_len > 8)
                from = q->nrows ? (size_t)q->rows[(q->nrows - 1) * FADYN_MNIST_NCOLS] : 0;
            tally.left -= from;
        }
    size_t cores = ctl->threads ? ctl->threads : (size_t)omp_get_max_threads();
    if (cores < 1) cores = 1;
    int old = fadyn_blas_set_threads(1);
    if (tally.ranks > 1) {
        rc = runs_ranks(c, nrules, cores, cap, rf, &err);
        for (size_t i = 0; rc < 0 && i < n; i++) /* records that could not reach every rank */
            if (res[i].status >= 0) {
                res[i].status = rc;
                res[i].err = err;
            }
    } else {
        for (size_t k = 0; k < nrules; k++)
            runs_local(&c[k], cores);
    }
    fadyn_blas_set_threads(old);
    int status = FADYN_OK;
    for (size_t i = 0; i < n; i++) {
        if (res[i].status < 0) status = status < 0 ? status : res[i].status;
        if (res[i].status == FADYN_STOPPED && status >= 0) status = FADYN_STOPPED;
        if (res[i].status == FADYN_DIVERGED && status == FADYN_OK) status = FADYN_DIVERGED;
    }
    if (status == FADYN_STOPPED && ctl->checkpoint) checkpoint_now(c);
    if (c->write_failed) {
        for (size_t i = 0; i < n; i++)
            if (res[i].status >= 0) {
                res[i].status = c->write_err.code;
                res[i].err = c->write_err;
            }
        status = c->write_err.code;
    }
    free_ctxs(c, nrules);
    return status;
}

size_t fadyn_mnist_final_stats(const fadyn_mnist_result *res, size_t nruns, double *mean,
                               double *sd) {
    double s = 0.0, s2 = 0.0;
    size_t m = 0;
    for (size_t r = 0; r < nruns; r++)
        if (res[r].status == FADYN_OK) {
            s += res[r].final_test_error;
            m++;
        }
    *mean = m ? s / (double)m : NAN;
    for (size_t r = 0; r < nruns; r++)
        if (res[r].status == FADYN_OK)
            s2 += (res[r].final_test_error - *mean) * (res[r].final_test_error - *mean);
    *sd = m > 1 ? sqrt(s2 / (double)(m - 1)) : NAN;
    return m;
}

/* ---- TSV ------------------------------------------------------------------------------------ */

int fadyn_mnist_write_mean(const char *path, const fadyn_mnist_result *res, size_t nruns,
                           fadyn_err *err) {
    fadyn_ofile o;
    int rc = fadyn_ofile_open(&o, path, err);
    if (rc) return rc;
    fprintf(o.f, "example\tepoch");
    for (size_t c = 2; c < FADYN_MNIST_NCOLS; c++)
        fprintf(o.f, "\t%s_mean\t%s_sd", fadyn_mnist_col_names[c], fadyn_mnist_col_names[c]);
    fprintf(o.f, "\truns\n");
    size_t nrows = 0;
    for (size_t r = 0; r < nruns; r++)
        if (res[r].status == FADYN_OK && res[r].nrows > nrows) nrows = res[r].nrows;
    double v[2 * FADYN_MNIST_NCOLS + 1];
    for (size_t i = 0; i < nrows; i++) {
        size_t k = 0, m = 0;
        for (size_t c = 0; c < FADYN_MNIST_NCOLS; c++) {
            double s = 0, s2 = 0;
            m = 0;
            for (size_t r = 0; r < nruns; r++)
                if (res[r].status == FADYN_OK && i < res[r].nrows) {
                    double x = res[r].rows[i * FADYN_MNIST_NCOLS + c];
                    if (isfinite(x)) s += x, m++;
                }
            double mu = m ? s / (double)m : NAN;
            for (size_t r = 0; r < nruns; r++)
                if (res[r].status == FADYN_OK && i < res[r].nrows) {
                    double x = res[r].rows[i * FADYN_MNIST_NCOLS + c];
                    if (isfinite(x)) s2 += (x - mu) * (x - mu);
                }
            v[k++] = mu;
            if (c >= 2) v[k++] = m > 1 ? sqrt(s2 / (double)(m - 1)) : NAN;
        }
        size_t used = 0;
        for (size_t r = 0; r < nruns; r++)
            used += res[r].status == FADYN_OK && i < res[r].nrows;
        v[k++] = (double)used;
        fadyn_tsv_row(o.f, v, k);
    }
    return fadyn_ofile_commit(&o, err);
}

int fadyn_mnist_write_runs(const char *path, const fadyn_mnist_result *res, size_t nruns,
                           fadyn_err *err) {
    fadyn_ofile o;
    int rc = fadyn_ofile_open(&o, path, err);
    if (rc) return rc;
    fprintf(o.f, "run");
    for (size_t c = 0; c < FADYN_MNIST_NCOLS; c++)
        fprintf(o.f, "\t%s", fadyn_mnist_col_names[c]);
    fprintf(o.f, "\n");
    double v[FADYN_MNIST_NCOLS + 1];
    for (size_t r = 0; r < nruns; r++) {
        for (size_t i = 0; i < res[r].nrows; i++) {
            v[0] = (double)r;
            memcpy(v + 1, res[r].rows + i * FADYN_MNIST_NCOLS, sizeof(double) * FADYN_MNIST_NCOLS);
            fadyn_tsv_row(o.f, v, FADYN_MNIST_NCOLS + 1);
        }
        fprintf(o.f, "\n\n");
    }
    return fadyn_ofile_commit(&o, err);
}
