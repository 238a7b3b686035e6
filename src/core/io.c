/* io.c — atomic output files, plain-text matrices, TSV, strings. */
#include "fadyn/io.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

int fadyn_ofile_open(fadyn_ofile *o, const char *path, fadyn_err *err) {
    o->f = NULL;
    o->path = dup_str(path);
    size_t n = strlen(path) + 16;
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
    }
    snprintf(o->tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return fadyn_err_set(err, FADYN_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    fchmod(fd, 0644);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return fadyn_err_set(err, FADYN_EIO, "%s: cannot open", path);
    }
    return FADYN_OK;
}

int fadyn_ofile_commit(fadyn_ofile *o, fadyn_err *err) {
    int rc = FADYN_OK;
    if (!o->f) return fadyn_err_set(err, FADYN_EIO, "output file not open");
    int bad = ferror(o->f);
    if (fclose(o->f) != 0) bad = 1;
    o->f = NULL;
    if (bad) {
        rc = fadyn_err_set(err, FADYN_EIO, "%s: write failed", o->path);
        unlink(o->tmp);
    } else if (rename(o->tmp, o->path) != 0) {
        rc = fadyn_err_set(err, FADYN_EIO, "%s: cannot rename into place: %s", o->path,
                           strerror(errno));
        unlink(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return rc;
}

void fadyn_ofile_abort(fadyn_ofile *o) {
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp) unlink(o->tmp);
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
}

int fadyn_path_writable(const char *path, fadyn_err *err) {
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
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fadyn_err_set(err, FADYN_EIO, "%s: directory %s does not exist", path, dir);
    if (access(dir, W_OK) != 0)
        return fadyn_err_set(err, FADYN_EIO, "%s: directory %s is not writable", path, dir);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return fadyn_err_set(err, FADYN_EIO, "%s: is a directory", path);
    return FADYN_OK;
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
            double x = strtod(p, &end);
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
            fprintf(o.f, "%.17g%c", a[i * cols + j], j + 1 < cols ? ' ' : '\n');
    return fadyn_ofile_commit(&o, err);
}

/* ---- TSV ---------------------------------------------------------------- */

void fadyn_tsv_header(FILE *f, const char *const *names, size_t n) {
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%c", names[i], i + 1 < n ? '\t' : '\n');
}

void fadyn_tsv_row(FILE *f, const double *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.10g%c", v[i], i + 1 < n ? '\t' : '\n');
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
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return fadyn_err_set(err, FADYN_EIO, "%s: cannot create directory: %s", buf,
                                     strerror(errno));
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
