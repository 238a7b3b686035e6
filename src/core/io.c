/* io.c — atomic output files, plain-text matrices, TSV, strings. */
#include "fadyn/io.h"
#include "fadyn/work.h"

#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* ---- the outputs of a run: a transaction ---------------------------------------------
 * Every temporary is registered here (so that a signal or exit removes it),
 * and between fadyn_out_begin and fadyn_out_end a committed file waits for
 * its rename; the directories fadyn_mkdir_p made are registered too.  The
 * signal handler reads only these arrays: an entry is filled before the
 * count that shows it grows, and a name is never freed while listed. */

#define OUT_MAX 512
static struct {
    char *tmp, *path;
    volatile sig_atomic_t state; /* 0 free/done, 1 being written, 2 closed, waiting to be renamed */
} pend[OUT_MAX];
static char *made[64];
static volatile sig_atomic_t npend, nmade;
static int txn_on, txn_failed;

static void remove_all(void) {
    for (sig_atomic_t k = 0; k < npend; k++)
        if (pend[k].state) unlink(pend[k].tmp);
    for (sig_atomic_t k = nmade; k-- > 0;)
        rmdir(made[k]); /* only if left empty */
}

static void on_fatal_signal(int sig) {
    remove_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void at_exit(void) {
    for (sig_atomic_t k = 0; k < npend; k++)
        if (pend[k].state) unlink(pend[k].tmp);
}

static int out_register(char *tmp, char *path) {
    static int hooked;
    if (!hooked) {
        hooked = 1;
        atexit(at_exit);
        const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        for (int k = 0; k < 3; k++) { /* unless the program handles it itself */
            struct sigaction old;
            if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
                signal(sigs[k], on_fatal_signal);
        }
    }
    for (sig_atomic_t k = 0; k < npend; k++)
        if (!pend[k].state) {
            free(pend[k].tmp);
            free(pend[k].path);
            pend[k].tmp = tmp;
            pend[k].path = path;
            pend[k].state = 1;
            return (int)k;
        }
    if (npend == OUT_MAX) return -1;
    pend[npend].tmp = tmp;
    pend[npend].path = path;
    pend[npend].state = 1;
    return (int)npend++;
}

/* Stop tracking the directories made (the handler sees none first). */
static void forget_made(void) {
    sig_atomic_t n = nmade;
    nmade = 0;
    for (sig_atomic_t k = 0; k < n; k++)
        free(made[k]);
}

void fadyn_out_begin(void) {
    txn_on = 1;
    txn_failed = 0;
}

void fadyn_out_failed(void) {
    txn_failed = 1;
}

int fadyn_out_flush(fadyn_err *err) {
    int rc = FADYN_OK;
    for (sig_atomic_t k = 0; k < npend; k++) {
        if (pend[k].state != 2) continue;
        if (rc == FADYN_OK && rename(pend[k].tmp, pend[k].path) != 0)
            rc = fadyn_err_set(err, FADYN_EIO, "%s: cannot rename into place: %s", pend[k].path,
                               strerror(errno));
        if (rc != FADYN_OK) unlink(pend[k].tmp);
        pend[k].state = 0;
    }
    forget_made(); /* kept: they hold committed files */
    return rc;
}

int fadyn_out_end(int commit, fadyn_err *err) {
    int rc = FADYN_OK;
    if (commit && !txn_failed) {
        rc = fadyn_out_flush(err);
    } else {
        remove_all();
        for (sig_atomic_t k = 0; k < npend; k++)
            pend[k].state = 0;
        forget_made();
    }
    txn_on = 0;
    return rc;
}

/* The kind of output path is: 0 absent or a regular file (temporary +
 * rename), 1 written directly (standard output, a device, a FIFO, a
 * socket); for a symbolic link, *real gets the file it points to (malloc'd),
 * which is then what is replaced. */
static int out_kind(const char *path, char **real, fadyn_err *err) {
    struct stat st;
    *real = NULL;
    if (strcmp(path, "-") == 0) return 1;
    if (lstat(path, &st) != 0) return 0;
    if (S_ISLNK(st.st_mode)) {
        if (stat(path, &st) != 0)
            return fadyn_err_set(err, FADYN_EIO, "%s: a symbolic link to a missing file", path);
        if (S_ISREG(st.st_mode) && !(*real = realpath(path, NULL)))
            return fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
    }
    if (S_ISDIR(st.st_mode)) return fadyn_err_set(err, FADYN_EIO, "%s: is a directory", path);
    return S_ISREG(st.st_mode) ? 0 : 1;
}

int fadyn_ofile_open(fadyn_ofile *o, const char *path, fadyn_err *err) {
    memset(o, 0, sizeof *o);
    o->slot = -1;
    if (fadyn_work_rank() != 0) { /* only rank 0 writes (fadyn/work.h) */
        o->path = dup_str(path);
        o->f = o->path ? fopen("/dev/null", "w") : NULL;
        if (o->f) return FADYN_OK;
        free(o->path);
        o->path = NULL;
        return fadyn_err_set(err, FADYN_EIO, "%s: cannot open /dev/null on rank %d", path,
                             fadyn_work_rank());
    }
    char *real;
    int kind = out_kind(path, &real, err);
    if (kind < 0) {
        txn_failed = 1;
        return kind;
    }
    o->path = real ? real : dup_str(path);
    if (!o->path) return fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
    if (kind == 1) { /* written in place: nothing to rename onto a device or a pipe */
        o->f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
        if (!o->f) {
            int e = errno;
            free(o->path);
            o->path = NULL;
            txn_failed = 1;
            return fadyn_err_set(err, FADYN_EIO, "%s: cannot open: %s", path, strerror(e));
        }
        return FADYN_OK;
    }
    size_t n = strlen(o->path) + 16;
    o->tmp = malloc(n);
    if (!o->tmp) {
        free(o->path);
        o->path = NULL;
        return fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
    }
    snprintf(o->tmp, n, "%s.tmp.XXXXXX", o->path);
    /* registered before it exists: a signal between the two finds nothing to remove */
    char *tmp = dup_str(o->tmp), *dest = dup_str(o->path);
    o->slot = tmp && dest ? out_register(tmp, dest) : -1;
    if (o->slot < 0) {
        free(tmp);
        free(dest);
    }
    int fd = mkstemp(o->tmp);
    if (fd >= 0 && o->slot >= 0) memcpy(pend[o->slot].tmp, o->tmp, strlen(o->tmp));
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        fadyn_ofile_abort(o);
        txn_failed = 1;
        return fadyn_err_set(err, FADYN_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    fchmod(fd, 0644);
    return FADYN_OK;
}

/* Close o->f (not standard output: flushed only); 0 or the errno of the
 * first failure. */
static int close_out(fadyn_ofile *o) {
    int e = 0;
    if (fflush(o->f) != 0) e = errno ? errno : EIO;
    if (!e && ferror(o->f)) e = EIO;
    if (o->f != stdout && fclose(o->f) != 0 && !e) e = errno ? errno : EIO;
    o->f = NULL;
    return e;
}

static int commit(fadyn_ofile *o, int now, fadyn_err *err) {
    int rc = FADYN_OK;
    if (!o->f) return fadyn_err_set(err, FADYN_EIO, "output file not open");
    int e = close_out(o);
    if (e) {
        rc = fadyn_err_set(err, FADYN_EIO, "%s: write failed: %s", o->path, strerror(e));
        if (o->tmp) unlink(o->tmp);
        txn_failed = 1;
    } else if (o->tmp && txn_on && !now && o->slot >= 0) {
        pend[o->slot].state = 2; /* renamed by fadyn_out_end */
        o->slot = -1;
    } else if (o->tmp && rename(o->tmp, o->path) != 0) {
        rc = fadyn_err_set(err, FADYN_EIO, "%s: cannot rename into place: %s", o->path,
                           strerror(errno));
        unlink(o->tmp);
        txn_failed = 1;
    }
    if (o->slot >= 0) pend[o->slot].state = 0;
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return rc;
}

int fadyn_ofile_commit(fadyn_ofile *o, fadyn_err *err) {
    return commit(o, 0, err);
}

int fadyn_ofile_commit_now(fadyn_ofile *o, fadyn_err *err) {
    return commit(o, 1, err);
}

void fadyn_ofile_abort(fadyn_ofile *o) {
    if (o->f) {
        if (o->f != stdout) fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp) unlink(o->tmp);
    if (o->slot >= 0) pend[o->slot].state = 0;
    o->slot = -1;
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
}

static int on_proc(const char *dir) {
    struct statfs fs;
    return statfs(dir, &fs) == 0 && (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC);
}

int fadyn_path_writable(const char *path, fadyn_err *err) {
    if (!*path) return fadyn_err_set(err, FADYN_EINVAL, "'': an empty path");
    if (strcmp(path, "-") == 0) return FADYN_OK;
    for (const char *p = path; *p;) { /* every component, and the temporary's name */
        size_t n = strcspn(p, "/");
        if (n + (p[n] ? 0 : 11) > NAME_MAX)
            return fadyn_err_set(err, FADYN_EINVAL,
                                 "%s: a name of %zu bytes: at most %d (the last %d, room for the "
                                 "temporary's .tmp.XXXXXX)",
                                 path, n, NAME_MAX, NAME_MAX - 11);
        p += n + (p[n] == '/');
    }
    const char *slash = strrchr(path, '/');
    char dir[FADYN_PATH_MAX];
    if (!slash) {
        strcpy(dir, ".");
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) return fadyn_err_set(err, FADYN_EINVAL, "%s: path too long", path);
        memcpy(dir, path, n);
        dir[n ? n : 1] = '\0';
        if (n == 0) dir[0] = '/';
    }
    struct stat st;
    if (stat(dir, &st) != 0)
        return fadyn_err_set(err, FADYN_EIO, "%s: directory %s does not exist", path, dir);
    if (!S_ISDIR(st.st_mode))
        return fadyn_err_set(err, FADYN_EIO, "%s: %s is not a directory", path, dir);
    if (access(dir, W_OK) != 0)
        return fadyn_err_set(err, FADYN_EIO, "%s: directory %s is not writable", path, dir);
    if (on_proc(dir))
        return fadyn_err_set(err, FADYN_EIO,
                             "%s: %s is a kernel interface (/proc, /sys), not a "
                             "place for outputs",
                             path, dir);
    char *real;
    int kind = out_kind(path, &real, err);
    free(real);
    if (kind < 0) return kind;
    if (kind == 1 && access(path, W_OK) != 0)
        return fadyn_err_set(err, FADYN_EIO, "%s: not writable: %s", path, strerror(errno));
    return FADYN_OK;
}

int fadyn_path_same(const char *a, const char *b) {
    if (strcmp(a, b) == 0) return 1;
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    int same = 0;
    if (!ra || !rb) { /* absent: the directories' real paths and the names */
        const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
        char da[FADYN_PATH_MAX], db[FADYN_PATH_MAX];
        snprintf(da, sizeof da, "%.*s", na ? (int)(na - a) + 1 : 1, na ? a : ".");
        snprintf(db, sizeof db, "%.*s", nb ? (int)(nb - b) + 1 : 1, nb ? b : ".");
        char *xa = realpath(da, NULL), *xb = realpath(db, NULL);
        same = xa && xb && strcmp(xa, xb) == 0 && strcmp(na ? na + 1 : a, nb ? nb + 1 : b) == 0 &&
               (!ra && !rb);
        free(xa);
        free(xb);
    } else {
        same = strcmp(ra, rb) == 0;
    }
    free(ra);
    free(rb);
    return same;
}

/* ---- matrices ----------------------------------------------------------- */

/* ---- bounded text input ------------------------------------------------- */

int fadyn_lines_open(fadyn_lines *r, const char *path, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->path = path;
    r->max_line = FADYN_LINE_MAX;
    r->max_bytes = FADYN_TEXT_MAX;
    r->f = fopen(path, "r");
    if (!r->f) return fadyn_err_set(err, FADYN_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st; /* a regular file too large fails before it is read */
    if (fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode) &&
        (unsigned long long)st.st_size > (unsigned long long)r->max_bytes) {
        fclose(r->f);
        r->f = NULL;
        return fadyn_err_set(err, FADYN_EPARSE, "%s: %lld bytes, larger than %zu (not a matrix?)",
                             path, (long long)st.st_size, r->max_bytes);
    }
    if (fstat(fileno(r->f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(r->f);
        r->f = NULL;
        return fadyn_err_set(err, FADYN_EIO, "%s: is a directory", path);
    }
    r->line = malloc(r->max_line + 1);
    if (!r->line) {
        fclose(r->f);
        r->f = NULL;
        return fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
    }
    return FADYN_OK;
}

int fadyn_lines_next(fadyn_lines *r, fadyn_err *err) {
    size_t n = 0, cap = r->max_line < FADYN_LINE_MAX ? r->max_line : FADYN_LINE_MAX;
    int c, got = 0;
    flockfile(r->f);
    while ((c = getc_unlocked(r->f)) != EOF) {
        got = 1;
        if (++r->bytes > r->max_bytes) {
            funlockfile(r->f);
            return fadyn_err_set(err, FADYN_EPARSE, "%s:%zu: the file is larger than %zu bytes",
                                 r->path, r->lineno + 1, r->max_bytes);
        }
        if (c == '\n') break;
        if (c == '\0') {
            funlockfile(r->f);
            return fadyn_err_set(err, FADYN_EPARSE,
                                 "%s:%zu: a NUL byte at column %zu (not a text file?)", r->path,
                                 r->lineno + 1, n + 1);
        }
        if (n == cap) {
            funlockfile(r->f);
            return fadyn_err_set(err, FADYN_EPARSE, "%s:%zu: the line is longer than %zu bytes",
                                 r->path, r->lineno + 1, cap);
        }
        r->line[n++] = (char)c;
    }
    funlockfile(r->f);
    if (ferror(r->f))
        return fadyn_err_set(err, FADYN_EIO, "%s:%zu: read error: %s", r->path, r->lineno + 1,
                             strerror(errno));
    if (!got) return 0;
    if (n && r->line[n - 1] == '\r') n--;
    r->line[n] = '\0';
    r->len = n;
    r->lineno++;
    return 1;
}

void fadyn_lines_close(fadyn_lines *r) {
    if (r->f) fclose(r->f);
    free(r->line);
    r->f = NULL;
    r->line = NULL;
}

char *fadyn_escape(const char *s, size_t n, char *out, size_t outn) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        char piece[8];
        if (b == '\\')
            snprintf(piece, sizeof piece, "\\\\");
        else if (b >= 0x20 && b < 0x7f)
            snprintf(piece, sizeof piece, "%c", b);
        else
            snprintf(piece, sizeof piece, "\\x%02x", b);
        size_t m = strlen(piece);
        if (k + m + 4 > outn) { /* room for "..." and the NUL */
            snprintf(out + k, outn - k, "...");
            return out;
        }
        memcpy(out + k, piece, m);
        k += m;
    }
    out[k] = '\0';
    return out;
}

/* ---- matrices ----------------------------------------------------------- */

int fadyn_matrix_read_any(const char *path, size_t *rows, size_t *cols, double **data,
                          fadyn_err *err) {
    fadyn_lines in;
    int rc = fadyn_lines_open(&in, path, err);
    if (rc != FADYN_OK) return rc;
    size_t cap = 64, n = 0, r = 0, c = 0;
    double *a = malloc(cap * sizeof(double));
    if (!a) rc = fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
    int got = 0;
    while (rc == FADYN_OK && (got = fadyn_lines_next(&in, err)) == 1) {
        char *p = in.line;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\0' || *p == '#') continue;
        size_t k = 0;
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == '\r' || *p == ',')
                p++;
            if (*p == '\0') break;
            char *end;
            errno = 0;
            double x = fadyn_plus_zero(strtod(p, &end));
            if (end == p) {
                char tok[128];
                fadyn_escape(p, strcspn(p, " \t,"), tok, 64);
                rc = fadyn_err_set(err, FADYN_EPARSE, "%s:%zu: '%s' is not a number", path,
                                   in.lineno, tok);
                break;
            }
            if (!isfinite(x)) {
                rc = fadyn_err_set(err, FADYN_ENONFINITE, "%s:%zu: entry %zu is not finite", path,
                                   in.lineno, k + 1);
                break;
            }
            if (n == cap) { /* cap * 2 doubles: at most FADYN_TEXT_MAX / 2 * 2 * 8 bytes, no wrap */
                cap *= 2;
                double *b = realloc(a, cap * sizeof(double));
                if (!b) {
                    rc = fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
                    break;
                }
                a = b;
            }
            a[n++] = x;
            k++;
            p = end;
        }
        if (rc != FADYN_OK) break;
        if (r == 0)
            c = k;
        else if (k != c)
            rc = fadyn_err_set(err, FADYN_ESHAPE, "%s:%zu: %zu entries, but the first row has %zu",
                               path, in.lineno, k, c);
        r++;
    }
    if (rc == FADYN_OK && got < 0) rc = got;
    fadyn_lines_close(&in);
    if (rc == FADYN_OK && r == 0) rc = fadyn_err_set(err, FADYN_EPARSE, "%s: no numbers", path);
    if (rc != FADYN_OK) {
        free(a);
        return rc;
    }
    *rows = r;
    *cols = c;
    *data = a;
    return FADYN_OK;
}

int fadyn_matrix_read(const char *path, size_t rows, size_t cols, double *out, fadyn_err *err) {
    size_t r, c;
    double *a;
    int rc = fadyn_matrix_read_any(path, &r, &c, &a, err);
    if (rc != FADYN_OK) return rc;
    if (r != rows || c != cols) {
        free(a);
        return fadyn_err_set(err, FADYN_ESHAPE, "%s: expected %zu x %zu, found %zu x %zu", path,
                             rows, cols, r, c);
    }
    memcpy(out, a, rows * cols * sizeof(double));
    free(a);
    return FADYN_OK;
}

int fadyn_matrix_write(const char *path, size_t rows, size_t cols, const double *a,
                       fadyn_err *err) {
    fadyn_ofile o;
    int rc = fadyn_ofile_open(&o, path, err);
    if (rc != FADYN_OK) return rc;
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++)
            fprintf(o.f, "%.17g%c", fadyn_plus_zero(a[i * cols + j]), j + 1 < cols ? ' ' : '\n');
    return fadyn_ofile_commit(&o, err);
}

double fadyn_plus_zero(double x) {
    return x + 0.0; /* -0 + 0 is +0 (rounding to nearest); x + 0 is x for every other x */
}

/* ---- TSV ---------------------------------------------------------------- */

void fadyn_tsv_header(FILE *f, const char *const *names, size_t n) {
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%c", names[i], i + 1 < n ? '\t' : '\n');
}

void fadyn_tsv_row(FILE *f, const double *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.10g%c", fadyn_plus_zero(v[i]), i + 1 < n ? '\t' : '\n');
}

void fadyn_tsv_cells(FILE *f, const double *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.10g\t", fadyn_plus_zero(v[i]));
}

/* ---- strings ------------------------------------------------------------ */

void fadyn_strbuf_init(fadyn_strbuf *b) {
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

void fadyn_strbuf_free(fadyn_strbuf *b) {
    free(b->s);
    fadyn_strbuf_init(b);
}

void fadyn_strbuf_printf(fadyn_strbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0) {
        b->oom = 1;
        return;
    }
    size_t want = b->len + (size_t)need + 1;
    if (want > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < want)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)need;
}

const char *fadyn_fmt_or_na(char *buf, size_t n, const char *fmt, double x, const char *why) {
    if (isfinite(x))
        snprintf(buf, n, fmt, fadyn_plus_zero(x));
    else
        snprintf(buf, n, "n/a (%s)", why);
    return buf;
}

int fadyn_write_text(const char *path, const char *text, fadyn_err *err) {
    fadyn_ofile o;
    int rc = fadyn_ofile_open(&o, path, err);
    if (rc != FADYN_OK) return rc;
    fputs(text, o.f);
    return fadyn_ofile_commit(&o, err);
}

int fadyn_mkdir_p(const char *path, fadyn_err *err) {
    char buf[FADYN_PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) return fadyn_err_set(err, FADYN_EINVAL, "bad directory name");
    if (fadyn_work_rank() != 0) return FADYN_OK; /* only rank 0 writes (fadyn/work.h) */
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0755) == 0) {
                char *d = dup_str(buf);
                if (d && nmade < (sig_atomic_t)(sizeof made / sizeof *made)) {
                    made[nmade] = d; /* removed again if the run's outputs are dropped */
                    nmade++;
                } else {
                    free(d);
                }
            } else if (errno != EEXIST) {
                txn_failed = 1;
                return fadyn_err_set(err, FADYN_EIO, "%s: cannot create directory: %s", buf,
                                     strerror(errno));
            }
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return fadyn_err_set(err, FADYN_EIO, "%s: not a directory", path);
    return FADYN_OK;
}

int fadyn_path_join(char *out, size_t n, const char *dir, const char *name) {
    int k = snprintf(out, n, "%s/%s", dir, name);
    return (k < 0 || (size_t)k >= n) ? FADYN_EINVAL : FADYN_OK;
}
