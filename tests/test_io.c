/* test_io.c — the bounded text reader every matrix and starts file goes
 * through (issue 13, class 6): /dev/zero, an endless pipe, a long line, a
 * large file and a NUL byte each fail at once with one line naming the
 * file and the line; bytes quoted from a file are escaped. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void write_file(const char *path, const char *bytes, size_t n) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

/* Every byte of s printable ASCII: a message stays one readable line. */
static int printable(const char *s) {
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) return 0;
    return 1;
}

Test(io, escape_keeps_printable_ascii_and_cuts_to_fit) {
    char out[64];
    cr_expect_str_eq(fadyn_escape("a b-1.5e3", 9, out, sizeof out), "a b-1.5e3");
    cr_expect_str_eq(fadyn_escape("\x01\xff\t\\'", 5, out, sizeof out), "\\x01\\xff\\x09\\\\'");
    cr_expect_str_eq(fadyn_escape("x\0y", 3, out, sizeof out), "x\\x00y");
    char big[200];
    memset(big, 0xfe, sizeof big);
    fadyn_escape(big, sizeof big, out, 16);
    cr_expect_str_eq(out, "\\xfe\\xfe\\xfe...", "cut: %s", out);
    cr_expect_leq(strlen(out), 15);
}

Test(io, dev_zero_fails_at_the_first_byte) {
    fadyn_lines r;
    fadyn_err err;
    cr_assert_eq(fadyn_lines_open(&r, "/dev/zero", &err), FADYN_OK, "%s", err.msg);
    cr_expect_eq(fadyn_lines_next(&r, &err), FADYN_EPARSE);
    cr_expect_str_eq(err.msg, "/dev/zero:1: a NUL byte at column 1 (not a text file?)");
    cr_expect_eq(r.bytes, 1, "one byte read, not the device's endless supply");
    fadyn_lines_close(&r);
    /* as a matrix: the same line */
    size_t rows, cols;
    double *a = NULL;
    cr_expect_eq(fadyn_matrix_read_any("/dev/zero", &rows, &cols, &a, &err), FADYN_EPARSE);
    cr_expect_str_eq(err.msg, "/dev/zero:1: a NUL byte at column 1 (not a text file?)");
    cr_expect_null(a);
}

/* A pipe whose writer never stops and never ends a line: the reader stops
 * at its line bound (lowered to 1000 bytes), having read no more. */
Test(io, an_endless_pipe_stops_at_the_line_bound) {
    char dir[64], fifo[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        FILE *w = fopen(fifo, "w");
        while (w && fputs("1 2 3 4 5 6 7 8 ", w) >= 0)
            ;
        _exit(0);
    }
    fadyn_lines r;
    fadyn_err err;
    cr_assert_eq(fadyn_lines_open(&r, fifo, &err), FADYN_OK, "%s", err.msg);
    r.max_line = 1000;
    cr_expect_eq(fadyn_lines_next(&r, &err), FADYN_EPARSE);
    char want[256];
    snprintf(want, sizeof want, "%s:1: the line is longer than 1000 bytes", fifo);
    cr_expect_str_eq(err.msg, want);
    cr_expect_eq(r.bytes, 1001);
    fadyn_lines_close(&r); /* the writer gets SIGPIPE */
    int status;
    cr_expect_eq(waitpid(pid, &status, 0), pid);
    cr_expect(WIFSIGNALED(status) || WIFEXITED(status));
}

Test(io, long_lines_large_files_and_nul_bytes_name_the_line) {
    char dir[64], path[128], want[256];
    th_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/m.txt", dir);
    fadyn_err err;
    size_t rows, cols;
    double *a = NULL;
    /* a line one byte over FADYN_LINE_MAX fails; one at it is read */
    size_t n = FADYN_LINE_MAX + 1;
    char *buf = malloc(n + 2);
    cr_assert_not_null(buf);
    for (size_t i = 0; i < n; i++)
        buf[i] = i % 2 ? ' ' : '1';
    buf[n] = '\n';
    write_file(path, buf, n + 1);
    cr_expect_eq(fadyn_matrix_read_any(path, &rows, &cols, &a, &err), FADYN_EPARSE);
    snprintf(want, sizeof want, "%s:1: the line is longer than %lu bytes", path, FADYN_LINE_MAX);
    cr_expect_str_eq(err.msg, want);
    buf[n - 1] = '\n'; /* FADYN_LINE_MAX bytes, "1 1 ... 1 " */
    write_file(path, buf, n);
    cr_expect_eq(fadyn_matrix_read_any(path, &rows, &cols, &a, &err), FADYN_OK, "%s", err.msg);
    cr_expect_eq(rows, 1);
    cr_expect_eq(cols, FADYN_LINE_MAX / 2);
    free(a);
    free(buf);
    /* a NUL after numbers: not ignored, named with its line and column */
    write_file(path, "1 2 3\n4 5 6\0 7\n", 15);
    cr_expect_eq(fadyn_matrix_read_any(path, &rows, &cols, &a, &err), FADYN_EPARSE);
    snprintf(want, sizeof want, "%s:2: a NUL byte at column 6 (not a text file?)", path);
    cr_expect_str_eq(err.msg, want);
    /* the file bound, while reading (lowered) and up front (a sparse file
     * one byte over FADYN_TEXT_MAX fails before any byte is read) */
    write_file(path, "1 2\n3 4\n5 6\n7 8\n", 16);
    fadyn_lines r;
    cr_assert_eq(fadyn_lines_open(&r, path, &err), FADYN_OK);
    r.max_bytes = 10;
    cr_expect_eq(fadyn_lines_next(&r, &err), 1);
    cr_expect_str_eq(r.line, "1 2");
    cr_expect_eq(fadyn_lines_next(&r, &err), 1);
    cr_expect_eq(fadyn_lines_next(&r, &err), FADYN_EPARSE);
    snprintf(want, sizeof want, "%s:3: the file is larger than 10 bytes", path);
    cr_expect_str_eq(err.msg, want);
    fadyn_lines_close(&r);
    cr_assert_eq(truncate(path, (off_t)FADYN_TEXT_MAX + 1), 0);
    cr_expect_eq(fadyn_matrix_read_any(path, &rows, &cols, &a, &err), FADYN_EPARSE);
    snprintf(want, sizeof want, "%s: %lu bytes, larger than %lu (not a matrix?)", path,
             FADYN_TEXT_MAX + 1, FADYN_TEXT_MAX);
    cr_expect_str_eq(err.msg, want);
    unlink(path);
}

/* Binary garbage in a matrix is quoted escaped, never raw. */
Test(io, garbage_is_quoted_escaped) {
    char dir[64], path[128], want[256];
    th_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/m.txt", dir);
    write_file(path, "1 2 3\n\x01\xff\xfe\x1b[31m 4\r\n", 17);
    fadyn_err err;
    size_t rows, cols;
    double *a = NULL;
    cr_expect_eq(fadyn_matrix_read_any(path, &rows, &cols, &a, &err), FADYN_EPARSE);
    snprintf(want, sizeof want, "%s:2: '\\x01\\xff\\xfe\\x1b[31m' is not a number", path);
    cr_expect_str_eq(err.msg, want);
    cr_expect(printable(err.msg), "%s", err.msg);
    /* CRLF line ends are read as line ends */
    write_file(path, "1 2\r\n3 4\r\n", 10);
    cr_expect_eq(fadyn_matrix_read_any(path, &rows, &cols, &a, &err), FADYN_OK, "%s", err.msg);
    cr_expect(rows == 2 && cols == 2 && a[3] == 4.0);
    free(a);
}

/* A negative zero is written as 0 by every writer (issue 10, "C = -0"), and
 * only the zero: -1.5 keeps its sign; read back, "-0" is +0. */
Test(io, writers_print_a_negative_zero_as_0) {
    char dir[64], p[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(p, sizeof p, "%s/t.tsv", dir);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    double v[3] = {-0.0, 0.0, -1.5};
    fadyn_tsv_cells(f, v, 1);
    fadyn_tsv_row(f, v, 3);
    fclose(f);
    char *text = th_slurp(p);
    cr_assert_str_eq(text, "0\t0\t0\t-1.5\n");
    free(text);
    char buf[32];
    cr_assert_str_eq(fadyn_fmt_or_na(buf, sizeof buf, "%g", -0.0, "none"), "0");
    snprintf(p, sizeof p, "%s/m.txt", dir);
    cr_assert_eq(fadyn_matrix_write(p, 1, 3, v, NULL), FADYN_OK);
    text = th_slurp(p);
    cr_assert_str_eq(text, "0 0 -1.5\n");
    free(text);
    snprintf(p, sizeof p, "%s/r.txt", dir);
    f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs("-0 -0.0 -1.5\n", f);
    fclose(f);
    double back[3];
    cr_assert_eq(fadyn_matrix_read(p, 1, 3, back, NULL), FADYN_OK);
    cr_assert(!signbit(back[0]) && !signbit(back[1]) && back[2] == -1.5);
    json_t *j = json_pack("{s:f,s:[f,f],s:{s:f}}", "a", -0.0, "b", -0.0, -2.0, "c", "d", -0.0);
    json_object_set_new(j, "e", fadyn_json_real(-0.0));
    snprintf(p, sizeof p, "%s/j.json", dir);
    cr_assert_eq(fadyn_json_write(j, p, NULL), FADYN_OK);
    json_decref(j);
    text = th_slurp(p);
    cr_assert(strstr(text, "-0") == NULL && strstr(text, "-2.0") != NULL, "%s", text);
    free(text);
    cr_assert(!signbit(fadyn_plus_zero(-0.0)) && fadyn_plus_zero(-1e-300) == -1e-300);
    cr_assert(!signbit(fadyn_phase_C(1.0, -0.0, -0.0)), "C at a = w = -0");
}
