/* work.c — work items over MPI ranks and OpenMP threads (fadyn/work.h):
 * rank 0 serves item indices to the other ranks from a thread of its own
 * while its OpenMP threads take items too; a plain build (no FADYN_MPI) is
 * the OpenMP loop alone. */
#include "fadyn/work.h"

#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef FADYN_MPI
#include <mpi.h>
#endif

static int work_rank = 0, work_ranks = 1;
#ifdef FADYN_MPI
static int work_started = 0; /* fadyn_work_init called MPI_Init_thread */
#endif
static atomic_int work_active; /* a map is running in this process */

/* One job as seen by one rank: the items handed out, the first error by
 * item index, the progress. */
typedef struct {
    const fadyn_work_job *job;
    pthread_mutex_t m;
    atomic_size_t next; /* the next item to hand out (rank 0) */
    atomic_int stop;    /* hand out no more: an item failed, or (a worker) none left */
    size_t done;        /* items done (rank 0), under m */
    size_t bad;         /* the lowest failed item (n: a thread's workspace), under m */
    int bad_rc;
    fadyn_err bad_err;
} work_state;

static char *rec_at(const fadyn_work_job *j, size_t i) {
    return (char *)j->rec + i * j->size;
}

static int threads_of(const fadyn_work_job *j) {
    return j->threads > 0 ? j->threads : omp_get_max_threads();
}

static void note_error(work_state *s, size_t i, int rc, const fadyn_err *e) {
    pthread_mutex_lock(&s->m);
    if (s->bad_rc == 0 || i < s->bad) {
        s->bad = i;
        s->bad_rc = rc;
        s->bad_err = *e;
        if (s->bad_err.code == 0) s->bad_err.code = rc;
    }
    atomic_store(&s->stop, 1);
    pthread_mutex_unlock(&s->m);
}

static void note_done(work_state *s) {
    const fadyn_work_job *j = s->job;
    pthread_mutex_lock(&s->m);
    s->done++;
    if (j->progress) j->progress(j->progress_ctx, (double)s->done / (double)j->n);
    pthread_mutex_unlock(&s->m);
}

/* Item i into its record; its status. */
static int run_item(work_state *s, void *ws, size_t i, fadyn_err *e) {
    const fadyn_work_job *j = s->job;
    fadyn_err_clear(e);
    return j->run(j->ctx, ws, i, rec_at(j, i), e);
}

static void *ws_open(work_state *s, int *failed) {
    const fadyn_work_job *j = s->job;
    fadyn_err e;
    fadyn_err_clear(&e);
    void *ws = j->ws_alloc ? j->ws_alloc(j->ctx, &e) : NULL;
    *failed = j->ws_alloc && !ws;
    if (*failed) {
        if (e.code >= 0) fadyn_err_set(&e, FADYN_ENOMEM, "out of memory for a workspace");
        note_error(s, j->n, e.code, &e);
    }
    return ws;
}

/* This process's threads take items from s->next until none is left (a
 * plain build's whole job; rank 0's share of a distributed one). */
static void take_items(work_state *s) {
    const fadyn_work_job *j = s->job;
#pragma omp parallel num_threads(threads_of(j))
    {
        int failed;
        void *ws = ws_open(s, &failed);
        while (!failed && !atomic_load(&s->stop)) {
            size_t i = atomic_fetch_add(&s->next, 1);
            if (i >= j->n) break;
            fadyn_err e;
            int rc = run_item(s, ws, i, &e);
            if (rc < 0) note_error(s, i, rc, &e);
            note_done(s);
        }
        if (ws && j->ws_free) j->ws_free(j->ctx, ws);
    }
}

static int job_status(const work_state *s, fadyn_err *err) {
    if (s->bad_rc && err) *err = s->bad_err;
    return s->bad_rc;
}

#ifdef FADYN_MPI
/* ---- MPI: rank 0 serves, every rank works ------------------------------- */
enum { TAG_ASK = 7101, TAG_GIVE = 7102 };
static const size_t MPI_CHUNK = (size_t)1 << 30; /* bytes per MPI call (counts are int) */

/* A worker's message to rank 0: the item it finished (its record and parts
 * follow), or -1 none, or -2 a thread's error without an item; and whether
 * it wants another index.  {-1, 0}: this rank is done. */
typedef struct {
    int64_t item, more, rc, extra;
    fadyn_err err;
} work_msg;

enum { ITEM_NONE = -1, ITEM_THREAD_ERROR = -2 };

typedef struct {
    char *p;
    size_t cap;
} work_buf;

static int buf_room(work_buf *b, size_t n) {
    if (n <= b->cap) return 1;
    char *q = realloc(b->p, n);
    if (!q) return 0;
    b->p = q;
    b->cap = n;
    return 1;
}

static void send_bytes(const void *p, size_t n, int to, int tag) {
    MPI_Send(p, (int)n, MPI_BYTE, to, tag, MPI_COMM_WORLD);
}

/* Rank 0's server: every message of every other rank, until each is done. */
static void *serve(void *arg) {
    work_state *s = arg;
    const fadyn_work_job *j = s->job;
    int open = work_ranks - 1;
    work_buf b = {NULL, 0};
    long nap = 20000; /* ns between polls while idle, doubling to 1 ms */
    while (open > 0) {
        int flag = 0, count = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_ASK, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            struct timespec ts = {0, nap};
            nanosleep(&ts, NULL);
            if (nap < 1000000) nap *= 2;
            continue;
        }
        nap = 20000;
        MPI_Get_count(&st, MPI_BYTE, &count);
        if (count < (int)sizeof(work_msg) || !buf_room(&b, (size_t)count))
            MPI_Abort(MPI_COMM_WORLD, 1); /* a message that cannot be held: no way to go on */
        MPI_Recv(b.p, count, MPI_BYTE, st.MPI_SOURCE, TAG_ASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        work_msg h;
        memcpy(&h, b.p, sizeof h);
        if (h.item >= 0 && (size_t)h.item < j->n) {
            size_t i = (size_t)h.item;
            memcpy(rec_at(j, i), b.p + sizeof h, j->size);
            fadyn_err e;
            fadyn_err_clear(&e);
            int urc = j->unpack ? j->unpack(j->ctx, rec_at(j, i), b.p + sizeof h + j->size,
                                            (size_t)h.extra, &e)
                                : FADYN_OK;
            if (h.rc < 0) note_error(s, i, (int)h.rc, &h.err);
            if (urc < 0) note_error(s, i, urc, &e);
            note_done(s);
        } else if (h.item == ITEM_THREAD_ERROR) {
            note_error(s, j->n, (int)h.rc, &h.err);
        }
        if (h.more) {
            size_t i = atomic_load(&s->stop) ? j->n : atomic_fetch_add(&s->next, 1);
            int64_t give = (int64_t)(i < j->n ? i : j->n);
            MPI_Send(&give, 1, MPI_INT64_T, st.MPI_SOURCE, TAG_GIVE, MPI_COMM_WORLD);
        } else if (h.item == ITEM_NONE) {
            open--;
        }
    }
    free(b.p);
    return NULL;
}

/* One message to rank 0 (under s->m): item's record (if item >= 0), then
 * the reply if more; returns the index given, or n (none). */
static size_t ask(work_state *s, work_buf *b, int64_t item, int rc, const fadyn_err *e, int more) {
    const fadyn_work_job *j = s->job;
    work_msg h;
    memset(&h, 0, sizeof h);
    h.item = item;
    h.more = more;
    h.rc = rc;
    if (e) h.err = *e;
    size_t len = sizeof h;
    if (item >= 0) {
        const char *r = rec_at(j, (size_t)item);
        size_t extra = j->extra ? j->extra(j->ctx, r) : 0;
        if (!buf_room(b, sizeof h + j->size + extra)) {
            h.rc = FADYN_ENOMEM; /* the record stays here: rank 0 gets the error */
            fadyn_err_set(&h.err, FADYN_ENOMEM, "out of memory sending item %lld", (long long)item);
            h.item = ITEM_THREAD_ERROR;
        } else {
            h.extra = (int64_t)extra;
            memcpy(b->p + sizeof h, r, j->size);
            if (extra) j->pack(j->ctx, r, b->p + sizeof h + j->size);
            len += j->size + extra;
        }
    }
    if (!buf_room(b, sizeof h)) MPI_Abort(MPI_COMM_WORLD, 1);
    memcpy(b->p, &h, sizeof h);
    send_bytes(b->p, len, 0, TAG_ASK);
    if (item >= 0 && j->release) j->release(j->ctx, rec_at(j, (size_t)item));
    if (!more) return j->n;
    int64_t give = 0;
    MPI_Recv(&give, 1, MPI_INT64_T, 0, TAG_GIVE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return give >= 0 && (size_t)give < j->n ? (size_t)give : j->n;
}

/* A rank other than 0: its threads ask rank 0 for items, one at a time,
 * and send each record back with the next request. */
static void worker_items(work_state *s) {
    const fadyn_work_job *j = s->job;
#pragma omp parallel num_threads(threads_of(j))
    {
        work_buf b = {NULL, 0};
        fadyn_err e;
        fadyn_err_clear(&e);
        void *ws = j->ws_alloc ? j->ws_alloc(j->ctx, &e) : NULL;
        int64_t have = j->ws_alloc && !ws ? ITEM_THREAD_ERROR : ITEM_NONE;
        int rc = have == ITEM_THREAD_ERROR ? (e.code < 0 ? e.code : FADYN_ENOMEM) : FADYN_OK;
        for (;;) {
            pthread_mutex_lock(&s->m);
            int more = have != ITEM_THREAD_ERROR && !atomic_load(&s->stop);
            size_t next = j->n;
            if (have != ITEM_NONE || more)
                next = ask(s, &b, have, rc, have == ITEM_NONE ? NULL : &e, more);
            if (more && next >= j->n) atomic_store(&s->stop, 1); /* none left */
            pthread_mutex_unlock(&s->m);
            if (next >= j->n) break;
            have = (int64_t)next;
            rc = run_item(s, ws, next, &e);
        }
        if (ws && j->ws_free) j->ws_free(j->ctx, ws);
        free(b.p);
    }
    pthread_mutex_lock(&s->m);
    work_buf b = {NULL, 0};
    ask(s, &b, ITEM_NONE, 0, NULL, 0); /* this rank is done */
    free(b.p);
    pthread_mutex_unlock(&s->m);
}

static void bcast_bytes(void *p, size_t n) {
    for (size_t off = 0; off < n; off += MPI_CHUNK) {
        size_t k = n - off < MPI_CHUNK ? n - off : MPI_CHUNK;
        MPI_Bcast((char *)p + off, (int)k, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
}

/* Rank 0's records (and their parts) and the job's status to every rank. */
static int share(work_state *s, fadyn_err *err) {
    const fadyn_work_job *j = s->job;
    struct {
        int64_t rc;
        fadyn_err err;
    } st = {s->bad_rc, s->bad_err};
    bcast_bytes(&st, sizeof st);
    s->bad_rc = (int)st.rc;
    s->bad_err = st.err;
    bcast_bytes(j->rec, j->n * j->size);
    if (!j->extra) return job_status(s, err);
    uint64_t *len = malloc(j->n * sizeof *len);
    int ok = len != NULL, all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all) {
        free(len);
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory sharing %zu records", j->n);
    }
    for (size_t i = 0; work_rank == 0 && i < j->n; i++)
        len[i] = j->extra(j->ctx, rec_at(j, i));
    bcast_bytes(len, j->n * sizeof *len);
    size_t total = 0;
    for (size_t i = 0; i < j->n; i++)
        total += (size_t)len[i];
    char *blob = malloc(total ? total : 1);
    ok = blob != NULL;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    int rc = FADYN_OK;
    if (!all) {
        rc = fadyn_err_set(err, FADYN_ENOMEM, "out of memory sharing %zu bytes of records", total);
    } else {
        size_t off = 0;
        if (work_rank == 0)
            for (size_t i = 0; i < j->n; off += (size_t)len[i], i++)
                if (len[i]) j->pack(j->ctx, rec_at(j, i), blob + off);
        bcast_bytes(blob, total);
        off = 0;
        for (size_t i = 0; work_rank != 0 && i < j->n; off += (size_t)len[i], i++) {
            fadyn_err e;
            fadyn_err_clear(&e);
            int urc = j->unpack(j->ctx, rec_at(j, i), blob + off, (size_t)len[i], &e);
            if (urc < 0 && rc == FADYN_OK) {
                rc = urc;
                if (err) *err = e;
            }
        }
        MPI_Allreduce(MPI_IN_PLACE, &rc, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        if (rc < 0 && err && err->code >= 0)
            fadyn_err_set(err, rc, "a rank could not take the records it was sent");
    }
    free(blob);
    free(len);
    return rc < 0 ? rc : job_status(s, err);
}

static int map_mpi(work_state *s, fadyn_err *err) {
    if (work_rank == 0) {
        pthread_t server;
        if (pthread_create(&server, NULL, serve, s) != 0) MPI_Abort(MPI_COMM_WORLD, 1);
        take_items(s);
        pthread_join(server, NULL);
    } else {
        worker_items(s);
    }
    return share(s, err);
}
#endif

int fadyn_work_init(int *argc, char ***argv) {
#ifdef FADYN_MPI
    int inited = 0, provided = 0;
    MPI_Initialized(&inited);
    if (!inited) {
        if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
            return FADYN_EINVAL;
        work_started = 1;
    } else {
        MPI_Query_thread(&provided);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &work_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &work_ranks);
    return provided >= MPI_THREAD_SERIALIZED || work_ranks == 1 ? FADYN_OK : FADYN_EINVAL;
#else
    (void)argc;
    (void)argv;
    return FADYN_OK;
#endif
}

void fadyn_work_finalize(void) {
#ifdef FADYN_MPI
    if (work_started) MPI_Finalize();
    work_started = 0;
#endif
}

int fadyn_work_rank(void) {
    return work_rank;
}

int fadyn_work_ranks(void) {
    return work_ranks;
}

int fadyn_work_mpi(void) {
#ifdef FADYN_MPI
    return 1;
#else
    return 0;
#endif
}

#ifdef FADYN_MPI
/* A collective may be called: several ranks, the main thread, no map running. */
static int collective(void) {
    return work_ranks > 1 && !atomic_load(&work_active) && !omp_in_parallel();
}
#endif

int fadyn_work_agree(int rc, fadyn_err *err) {
#ifdef FADYN_MPI
    if (!collective()) return rc;
    struct {
        int rc, rank;
    } mine = {rc < 0 ? rc : 0, work_rank}, worst;
    MPI_Allreduce(&mine, &worst, 1, MPI_2INT, MPI_MINLOC, MPI_COMM_WORLD);
    if (worst.rc >= 0) return rc;
    fadyn_err e;
    fadyn_err_clear(&e);
    if (work_rank == worst.rank && err) e = *err;
    MPI_Bcast(&e, (int)sizeof e, MPI_BYTE, worst.rank, MPI_COMM_WORLD);
    if (err) {
        if (worst.rank != 0)
            fadyn_err_set(err, worst.rc, "rank %d: %.480s", worst.rank, e.msg);
        else
            *err = e;
    }
    return worst.rc;
#else
    (void)err;
    return rc;
#endif
}

int fadyn_work_same(unsigned long long v) {
#ifdef FADYN_MPI
    if (!collective()) return 1;
    unsigned long long lo = 0, hi = 0;
    MPI_Allreduce(&v, &lo, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&v, &hi, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
    return lo == hi;
#else
    (void)v;
    return 1;
#endif
}

unsigned long long fadyn_work_hash(unsigned long long h, const void *p, size_t n) {
    const unsigned char *b = p;
    if (h == 0) h = 14695981039346656037ULL; /* FNV's offset basis */
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL; /* FNV's 64-bit prime */
    return h;
}

int fadyn_work_map(const fadyn_work_job *job, fadyn_err *err) {
    if (job->n == 0) return FADYN_OK;
    work_state s;
    memset(&s, 0, sizeof s);
    s.job = job;
    pthread_mutex_init(&s.m, NULL);
    int was = atomic_exchange(&work_active, 1), nested = was || omp_in_parallel();
    int rc;
#ifdef FADYN_MPI
    if (work_ranks > 1 && !nested)
        rc = map_mpi(&s, err);
    else
#else
    (void)nested;
#endif
    {
        take_items(&s);
        rc = job_status(&s, err);
    }
    if (!was) atomic_store(&work_active, 0);
    pthread_mutex_destroy(&s.m);
    return rc;
}
