/* fadyn/io.h — files in and out: plain-text matrices, atomic output files,
 * TSV rows, JSON documents, and a growable string buffer.
 *
 * Every output goes to a temporary file beside its target and is renamed
 * into place on commit, so a failed run never leaves half a file and never
 * destroys an earlier one. */
#ifndef FADYN_IO_H
#define FADYN_IO_H

#include "fadyn/error.h"

#include <stdio.h>

/* Room for any path fadyn builds: a directory or stem of up to 4096 bytes
 * (Linux's PATH_MAX, the size of fadyn_plot_target's stem) and a suffix
 * such as "-fractions.tsv".  Builders report a path that does not fit. */
#define FADYN_PATH_MAX 4200

/* ---- atomic output files ------------------------------------------------ */
typedef struct {
    FILE *f;
    char *path; /* final name */
    char *tmp;  /* temporary name, renamed to path on commit */
} fadyn_ofile;

/* Open a temporary file beside path. */
int fadyn_ofile_open(fadyn_ofile *o, const char *path, fadyn_err *err);
/* Flush, close and rename into place; reports write errors. */
int fadyn_ofile_commit(fadyn_ofile *o, fadyn_err *err);
/* Close and delete the temporary; path is untouched.  Safe on a closed o. */
void fadyn_ofile_abort(fadyn_ofile *o);

/* Check that a file could be created at path (its directory exists and is
 * writable), without creating it: for validating arguments up front. */
int fadyn_path_writable(const char *path, fadyn_err *err);

/* ---- bounded text input ------------------------------------------------ */
/* Every text file fadyn reads (matrices, starts) goes through one reader
 * with bounds: a line of at most FADYN_LINE_MAX bytes, a file of at most
 * FADYN_TEXT_MAX bytes, and no NUL byte, so /dev/zero, a binary file or an
 * endless pipe fails at once with one line naming the file and the line. */
#define FADYN_LINE_MAX 65536UL       /* bytes in one line, '\n' excluded */
#define FADYN_TEXT_MAX (256UL << 20) /* bytes in one text file (256 MiB) */

typedef struct {
    FILE *f;
    const char *path; /* for messages; not copied */
    char *line;    /* the current line, NUL-terminated, its '\n' (and a '\r' before it) removed */
    size_t len;    /* its length */
    size_t lineno; /* 1 for the first line */
    size_t bytes;  /* read so far */
    size_t max_line, max_bytes; /* FADYN_LINE_MAX, FADYN_TEXT_MAX unless lowered (tests) */
} fadyn_lines;

/* Open path for reading (a regular file, a pipe, a device). */
int fadyn_lines_open(fadyn_lines *r, const char *path, fadyn_err *err);
/* The next line into r->line: 1; 0 at the end of the file; an error code
 * (FADYN_EPARSE: a NUL byte, a line or file beyond the bounds; FADYN_EIO:
 * a read error) with "PATH:LINE: ..." in err. */
int fadyn_lines_next(fadyn_lines *r, fadyn_err *err);
void fadyn_lines_close(fadyn_lines *r);

/* n bytes of s for a message: printable ASCII kept, every other byte as
 * \xHH ('\\' as \\), cut with "..." to fit out (size outn >= 8).  Returns out. */
char *fadyn_escape(const char *s, size_t n, char *out, size_t outn);

/* ---- plain-text matrices ------------------------------------------------ */
/* Read a whitespace-separated matrix of exactly rows x cols finite numbers
 * from path into out (row-major).  Blank lines and lines starting with '#'
 * are skipped.  Errors name the file, the line and what is wrong (read
 * through fadyn_lines: bounded lines and size, no NUL; bytes of the file
 * quoted in a message are escaped). */
int fadyn_matrix_read(const char *path, size_t rows, size_t cols, double *out, fadyn_err *err);

/* Read a matrix of any shape; *data is malloc'd (caller frees). */
int fadyn_matrix_read_any(const char *path, size_t *rows, size_t *cols, double **data,
                          fadyn_err *err);

/* Write rows x cols with 17 significant digits (round-trips exactly). */
int fadyn_matrix_write(const char *path, size_t rows, size_t cols, const double *a, fadyn_err *err);

/* ---- TSV -------------------------------------------------------------- */
/* A header line of tab-separated names, then rows of %.10g values ("nan",
 * "inf" spelled as gnuplot and most readers accept them). */
void fadyn_tsv_header(FILE *f, const char *const *names, size_t n);
void fadyn_tsv_row(FILE *f, const double *v, size_t n);

/* ---- strings ----------------------------------------------------------- */
typedef struct {
    char *s;
    size_t len, cap;
    int oom; /* set if an append failed */
} fadyn_strbuf;

void fadyn_strbuf_init(fadyn_strbuf *b);
void fadyn_strbuf_free(fadyn_strbuf *b);
/* printf-append; on allocation failure sets b->oom and keeps what it had. */
void fadyn_strbuf_printf(fadyn_strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Write a whole string to path atomically. */
int fadyn_write_text(const char *path, const char *text, fadyn_err *err);

/* Make a directory (and its parents); succeeds if it exists. */
int fadyn_mkdir_p(const char *path, fadyn_err *err);

/* Join dir and name into out (size n); returns FADYN_EINVAL if it does not fit. */
int fadyn_path_join(char *out, size_t n, const char *dir, const char *name);

#endif
