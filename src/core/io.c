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

int fadyn_matrix_read_any(const char *path, size_t *rows, size_t *cols, double **data,
                          fadyn_err *err) {
    FILE *f = fopen(path, "r");
    if (!f) return fadyn_err_set(err, FADYN_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 64, n = 0, r = 0, c = 0, lineno = 0;
    double *a = malloc(cap * sizeof(double));
    char *line = NULL;
    size_t lcap = 0;
    int rc = FADYN_OK;
    if (!a) rc = fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", path);
    while (rc == FADYN_OK && getline(&line, &lcap, f) >= 0) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\n' || *p == '\0' || *p == '#') continue;
        size_t k = 0;
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == '\r' || *p == ',')
                p++;
            if (*p == '\n' || *p == '\0') break;
            char *end;
            errno = 0;
            double x = strtod(p, &end);
            if (end == p) {
                char tok[32];
                size_t t = 0;
                while (p[t] && p[t] != ' ' && p[t] != '\t' && p[t] != '\n' && t < 31) {
                    tok[t] = p[t];
                    t++;
                }
                tok[t] = '\0';
                rc = fadyn_err_set(err, FADYN_EPARSE, "%s:%zu: '%s' is not a number", path, lineno,
                                   tok);
                break;
            }
            if (!isfinite(x)) {
                rc = fadyn_err_set(err, FADYN_ENONFINITE, "%s:%zu: entry %zu is not finite", path,
                                   lineno, k + 1);
                break;
            }
            if (n == cap) {
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
                               path, lineno, k, c);
        r++;
    }
    free(line);
    fclose(f);
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
