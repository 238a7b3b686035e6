/* starts.c — starts of the 1-1-1 network read from a file: `a w` pairs, or
 * any table whose header names a0 and w0 (or a and w), such as the tables of
 * starts and ends that fadyn flow and fadyn basin write. */
#include "fadyn/io.h"
#include "fadyn/phase.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 64

/* Split line (modified in place) at tabs and spaces into at most MAX_COLS
 * fields; returns the count, or MAX_COLS + 1 if there are more. */
static size_t split(char *line, char **field) {
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(line, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
        if (n == MAX_COLS) return MAX_COLS + 1;
        field[n++] = p;
    }
    return n;
}

/* 1 if s is a whole number as strtod reads it (nan and inf included). */
static int numeric(const char *s) {
    char *end = NULL;
    (void)strtod(s, &end);
    return end != s && *end == '\0';
}

/* 1 if no field is a number: a header line. */
static int is_header(char **field, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (numeric(field[i])) return 0;
    return 1;
}

static int parse_number(const char *s, double *out) {
    char *end = NULL;
    errno = 0;
    *out = fadyn_plus_zero(strtod(s, &end)); /* "-0" is the start 0 */
    return end != s && *end == '\0' && errno != ERANGE && isfinite(*out);
}

/* Index of the column called name, or -1. */
static int column(char **field, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(field[i], name) == 0) return (int)i;
    return -1;
}

typedef struct {
    const char *path;
    int header;       /* a header line was read */
    size_t ncols;     /* fields a row must have */
    int ca, cw, cdir; /* columns of a, w and the direction (-1: none) */
    int plain;        /* the header names them a and w (not a0 and w0) */
    fadyn_phase_start *s;
    size_t n, cap;
} reader;

static int read_header(reader *r, char **field, size_t nf, size_t line, fadyn_err *err) {
    r->header = 1;
    r->ncols = nf;
    r->ca = column(field, nf, "a0");
    r->cw = column(field, nf, "w0");
    if (r->ca < 0 || r->cw < 0) {
        r->ca = column(field, nf, "a");
        r->cw = column(field, nf, "w");
        r->plain = 1;
    }
    r->cdir = column(field, nf, "direction");
    if (r->ca < 0 || r->cw < 0)
        return fadyn_err_set(err, FADYN_EPARSE,
                             "%s line %zu: a header that names no a0 and w0 (or a and w) columns "
                             "(give one 'a w' pair a line, or such a header)",
                             r->path, line);
    return FADYN_OK;
}

static int read_row(reader *r, char **field, size_t nf, size_t line, fadyn_err *err) {
    if (nf != r->ncols)
        return fadyn_err_set(err, FADYN_EPARSE, "%s line %zu: %zu fields, expected %zu%s", r->path,
                             line, nf, r->ncols, r->header ? " (as many as the header)" : " (a w)");
    fadyn_phase_start st = {0.0, 0.0, 0};
    int zero = r->header && !r->plain;
    const char *names[2] = {zero ? "a0" : "a", zero ? "w0" : "w"};
    int cols[2] = {r->ca, r->cw};
    double *dst[2] = {&st.a, &st.w};
    char q[48]; /* a field quoted in a message, escaped (fadyn_escape) */
    for (int k = 0; k < 2; k++)
        if (!parse_number(field[cols[k]], dst[k]))
            return fadyn_err_set(
                err, FADYN_EPARSE, "%s line %zu: '%s' is not a finite number (column %s)", r->path,
                line, fadyn_escape(field[cols[k]], strlen(field[cols[k]]), q, sizeof q), names[k]);
    if (r->cdir >= 0) {
        const char *d = field[r->cdir];
        if (strcmp(d, "backward") == 0)
            st.backward = 1;
        else if (strcmp(d, "forward") != 0)
            return fadyn_err_set(err, FADYN_EPARSE,
                                 "%s line %zu: direction '%s': give forward or backward", r->path,
                                 line, fadyn_escape(d, strlen(d), q, sizeof q));
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        fadyn_phase_start *s = realloc(r->s, cap * sizeof *s);
        if (!s) return fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", r->path);
        r->s = s;
        r->cap = cap;
    }
    r->s[r->n++] = st;
    return FADYN_OK;
}

int fadyn_phase_starts_read(const char *path, fadyn_phase_start **starts, size_t *n,
                            fadyn_err *err) {
    *starts = NULL;
    *n = 0;
    fadyn_lines in; /* bounded lines and size, no NUL (fadyn/io.h) */
    int rc = fadyn_lines_open(&in, path, err);
    if (rc != FADYN_OK) return rc;
    reader r = {path, 0, 2, 0, 1, -1, 0, NULL, 0, 0};
    char *field[MAX_COLS];
    int got, first = 1;
    while (rc == FADYN_OK && (got = fadyn_lines_next(&in, err)) == 1) {
        size_t line = in.lineno;
        char *buf = in.line;
        if (buf[0] == '#') continue;
        size_t nf = split(buf, field);
        if (nf == 0) continue;
        if (nf > MAX_COLS) {
            rc = fadyn_err_set(err, FADYN_EPARSE, "%s line %zu: more than %d fields", path, line,
                               MAX_COLS);
            break;
        }
        if (first && is_header(field, nf))
            rc = read_header(&r, field, nf, line, err);
        else
            rc = read_row(&r, field, nf, line, err);
        first = 0;
    }
    if (rc == FADYN_OK && got < 0) rc = got;
    fadyn_lines_close(&in);
    if (rc == FADYN_OK && r.n == 0)
        rc = fadyn_err_set(err, FADYN_EPARSE, "%s: no starts in it (one 'a w' pair a line)", path);
    if (rc != FADYN_OK) {
        free(r.s);
        return rc;
    }
    *starts = r.s;
    *n = r.n;
    return FADYN_OK;
}
