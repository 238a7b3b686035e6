/* fadyn/io.h — files in and out: plain-text matrices, atomic output files,
 * TSV rows, JSON documents, and a growable string buffer.
 *
 * Every output goes to a temporary file beside its target and is renamed
 * into place on commit, so a failed run never leaves half a file and never
 * destroys an earlier one. */
#ifndef FADYN_IO_H
#define FADYN_IO_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"

#include <stdio.h>

/* Room for any path fadyn builds: a directory or stem of up to 4096 bytes
 * (Linux's PATH_MAX, the size of fadyn_plot_target's stem) and a suffix
 * such as "-fractions.tsv".  Builders report a path that does not fit. */
#define FADYN_PATH_MAX 4200

/* ---- atomic output files ------------------------------------------------ */
typedef struct {
    FILE *f;
    char *path; /* final name (a symbolic link's: the file it points to) */
    char *tmp;  /* temporary name, renamed to path on commit; NULL: written in place */
    int slot;   /* its entry among the run's temporaries, or -1 */
} fadyn_ofile;

/* Open path for writing.  An absent path or a regular file gets a
 * temporary beside it (path.tmp.XXXXXX), renamed onto it on commit; "-"
 * (standard output), a device, a FIFO or a socket is written in place
 * (never replaced by a file); a symbolic link is written through: the
 * file it points to is replaced the same way and the link stays (a link
 * to nothing is refused); a directory is refused.  A temporary is removed
 * on abort, at exit, and on SIGINT, SIGTERM or SIGHUP (unless the program
 * handles the signal itself). */
int fadyn_ofile_open(fadyn_ofile *o, const char *path, fadyn_err *err);
/* Flush and close (write errors reported: a full disk, a closed pipe) and
 * rename into place, or, inside fadyn_out_begin .. fadyn_out_end, leave
 * the rename to fadyn_out_end. */
int fadyn_ofile_commit(fadyn_ofile *o, fadyn_err *err);
/* The same, renamed now even inside a transaction (a checkpoint). */
int fadyn_ofile_commit_now(fadyn_ofile *o, fadyn_err *err);
/* Close and delete the temporary; path is untouched.  Safe on a closed o. */
void fadyn_ofile_abort(fadyn_ofile *o);

/* ---- a run's outputs as one transaction -------------------------------- */
/* From fadyn_out_begin on, committed files wait for fadyn_out_end: with
 * commit != 0 and no output failed since begin (an open, write, rename or
 * fadyn_mkdir_p failure, or fadyn_out_failed), every one is renamed into
 * place, in order; otherwise every temporary is removed, the earlier files
 * stay as they were, and the directories fadyn_mkdir_p made are removed
 * again if empty.  fadyn_out_flush renames the waiting files now (a figure's
 * data must be in place before gnuplot reads it: fadyn_plot_render calls
 * it, so a command draws its figure last). */
void fadyn_out_begin(void);
void fadyn_out_failed(void);
int fadyn_out_flush(fadyn_err *err);
int fadyn_out_end(int commit, fadyn_err *err);

/* Check that a file could be written at path, without creating it: for
 * validating arguments up front.  Refused: an empty path, a name longer
 * than NAME_MAX (the last one NAME_MAX - 11, for the temporary's suffix), a
 * directory that is absent, not a directory or not writable, one under
 * /proc or /sys, a path that is a directory or a link to nothing, a device
 * or FIFO that is not writable.  "-" is standard output. */
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

/* 1 if a and b name the same file: equal, or the same real path (an
 * absent file: the same real directory and name). */
int fadyn_path_same(const char *a, const char *b);

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

/* Write rows x cols with 17 significant digits (round-trips exactly; -0 as 0). */
int fadyn_matrix_write(const char *path, size_t rows, size_t cols, const double *a, fadyn_err *err);

/* x with a negative zero made +0 (x + 0.0; every other value unchanged):
 * what the readers of numbers store and the writers print, so that no
 * table, summary or report says "-0". */
double fadyn_plus_zero(double x);

/* ---- TSV -------------------------------------------------------------- */
/* A header line of tab-separated names, then rows of %.10g values ("nan",
 * "inf" spelled as gnuplot and most readers accept them; -0 as 0). */
void fadyn_tsv_header(FILE *f, const char *const *names, size_t n);
void fadyn_tsv_row(FILE *f, const double *v, size_t n);
/* The same cells, each followed by a tab: the numbers before a row's words. */
void fadyn_tsv_cells(FILE *f, const double *v, size_t n);

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

/* x printed (-0 as 0) with the one-number format fmt into buf, or "n/a (why)" when
 * x is not finite (a diverged run, an undefined angle): the text reports
 * never print a bare nan.  Returns buf. */
const char *fadyn_fmt_or_na(char *buf, size_t n, const char *fmt, double x, const char *why);

/* Write a whole string to path atomically. */
int fadyn_write_text(const char *path, const char *text, fadyn_err *err);

/* Make a directory (and its parents); succeeds if it exists. */
int fadyn_mkdir_p(const char *path, fadyn_err *err);

/* Join dir and name into out (size n); returns FADYN_EINVAL if it does not fit. */
int fadyn_path_join(char *out, size_t n, const char *dir, const char *name);

FADYN_API_END
#endif
