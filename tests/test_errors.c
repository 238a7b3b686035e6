/* test_errors.c — the error catalogue (docs/errors.md), case by case: each
 * case of tests/errors_cases.h and tests/errors_bounds.h is run in a fresh
 * directory holding earlier outputs, and must exit with its status, say its
 * message on a line of stderr that starts with "fadyn" (a failing gnuplot's
 * own lines may come first), leave the earlier outputs as they were and
 * no temporary behind, and (exit 2, bad input) write nothing at all.  A
 * second test checks that docs/errors.md lists exactly these cases, with
 * the same status and message. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

typedef struct {
    const char *id;       /* its row in docs/errors.md */
    const char *argv[24]; /* after "fadyn" */
    int exit;             /* the exit status */
    const char *msg;      /* a substring of a line of stderr that starts "fadyn" */
    const char *env;      /* NAME=VALUE for the run, or NULL */
    const char *out;      /* stdout: NULL /dev/null, "" closed, or a path */
    int unchanged;        /* the directory must stay as it was (implied by exit 2) */
} err_case;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const err_case CASES[] = {
#include "errors_bounds.h"
#include "errors_cases.h"
};
#pragma GCC diagnostic pop
enum { NCASES = sizeof CASES / sizeof *CASES };

/* ---- fixtures ------------------------------------------------------------------------ */

static void put(const char *dir, const char *name, const void *bytes, size_t n) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(bytes, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

static void sh(const char *fmt, const char *a, const char *b) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, a, b, a, b);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* dir/name with 2 x 2 matrices T, B, A, W; then T.txt replaced by t (NULL: kept). */
static void matrices(const char *dir, const char *name, const char *t) {
    char d[512];
    snprintf(d, sizeof d, "%s/%s", dir, name);
    cr_assert_eq(mkdir(d, 0755), 0);
    const char *files[] = {"T.txt", "B.txt", "A.txt", "W.txt"};
    for (int k = 0; k < 4; k++)
        put(d, files[k], "0.5 0.1\n-0.2 0.3\n", 17);
    if (t) put(d, "T.txt", t, strlen(t));
}

/* A copy of the MNIST directory mn as name, its file k's bytes at off set
 * to the n bytes b (off < 0: the file cut to -off bytes; b NULL: a plain
 * copy). */
static void mnist_variant(const char *dir, const char *name, int k, long off, const void *b,
                          size_t n) {
    char d[512], f[700];
    snprintf(d, sizeof d, "%s/%s", dir, name);
    sh("cp -r %s/mn %s", dir, d);
    snprintf(f, sizeof f, "%s/%s", d, fadyn_mnist_files[k]);
    if (off < 0) cr_assert_eq(truncate(f, -off), 0);
    if (off < 0 || !b) return;
    FILE *fp = fopen(f, "r+b");
    cr_assert_not_null(fp);
    fseek(fp, off, SEEK_SET);
    cr_assert_eq(fwrite(b, 1, n, fp), n);
    fclose(fp);
}

static size_t file_size(const char *path) {
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    return (size_t)st.st_size;
}

/* The shared inputs of the cases ("%/"). */
static void fixtures(const char *x) {
    matrices(x, "good", NULL);
    matrices(x, "nonum", "1 x\n3 4\n");
    matrices(x, "shape", "1 2 3\n");
    matrices(x, "ragged", "1 2\n3\n");
    matrices(x, "nan", "1 nan\n3 4\n");
    matrices(x, "empty", "");
    matrices(x, "missing", NULL);
    sh("rm %s/missing/B.txt%.0s", x, "");

    /* unbounded reads (errors_bounds.h): T.txt a link to /dev/zero, a NUL
     * after numbers, binary garbage, a line of 65537 bytes */
    matrices(x, "zero", NULL);
    sh("ln -sf /dev/zero %s/zero/T.txt%.0s", x, "");
    matrices(x, "nul", NULL);
    put(x, "nul/T.txt", "1 2\n3 4\0 5\n", 11);
    matrices(x, "binary", "\x01\xff\xfe\x1b[31m 1\n3 4\n");
    matrices(x, "longline", NULL);
    sh("head -c 65537 /dev/zero | tr '\\0' 1 > %s/longline/T.txt%.0s", x, "");

    char mn[512];
    snprintf(mn, sizeof mn, "%s/mn", x);
    cr_assert_eq(mkdir(mn, 0755), 0);
    th_fake_mnist(mn, 20, 10, 1);
    snprintf(mn, sizeof mn, "%s/mn2", x);
    cr_assert_eq(mkdir(mn, 0755), 0);
    th_fake_mnist(mn, 20, 10, 2);
    mnist_variant(x, "mn-magic", 0, 0, "\x01\x00\x08\x03", 4);
    mnist_variant(x, "mn-type", 0, 2, "\x0d", 1);
    mnist_variant(x, "mn-trunc", 0, -116, NULL, 0);
    mnist_variant(x, "mn-extra", 0, 0, NULL, 0);
    sh("printf xyz >> %s/mn-extra/%s", x, fadyn_mnist_files[0]);
    unsigned char labels[8 + 19] = {0, 0, 8, 1, 0, 0, 0, 19};
    mnist_variant(x, "mn-count", 1, 0, labels, sizeof labels);
    snprintf(mn, sizeof mn, "%s/mn-count/%s", x, fadyn_mnist_files[1]);
    cr_assert_eq(truncate(mn, sizeof labels), 0);
    mnist_variant(x, "mn-digit", 1, 8 + 3, "\x0a", 1);

    /* a checkpoint of one run, and three broken copies */
    char ck[512];
    snprintf(mn, sizeof mn, "%s/mn", x);
    snprintf(ck, sizeof ck, "%s/ck", x);
    const char *argv[] = {"fadyn",    "train", "--task",   "mnist", "--mnist-dir",  mn,
                          "--hidden", "4",     "--epochs", "1",     "--checkpoint", ck,
                          "--quiet",  NULL};
    char err[512];
    cr_assert_eq(th_runv(argv, NULL, NULL, NULL, err, sizeof err), 0, "%s", err);
    put(x, "ck-magic", "{\"runs\": 1}\n", 12);
    sh("head -c 20 %s/ck > %s/ck-trunc", x, x);
    sh("cp %s/ck %s/ck-crc", x, x);
    snprintf(ck, sizeof ck, "%s/ck-crc", x);
    FILE *f = fopen(ck, "r+b");
    cr_assert_not_null(f);
    fseek(f, (long)file_size(ck) - 10, SEEK_SET);
    int c = fgetc(f);
    fseek(f, (long)file_size(ck) - 10, SEEK_SET);
    fputc(c ^ 0x55, f);
    fclose(f);
    /* the finished run marked new (status 0, byte 40) with its rows, under a
     * matching CRC-32 (of bytes 24 to the last 4): a new run has no rows */
    snprintf(ck, sizeof ck, "%s/ck", x);
    size_t n = file_size(ck);
    unsigned char *b = malloc(n);
    f = fopen(ck, "rb");
    cr_assert(b && f && fread(b, 1, n, f) == n);
    fclose(f);
    b[40] = 0;
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), b + 24, (uInt)(n - 28));
    memcpy(b + n - 4, &crc, 4);
    put(x, "ck-new", b, n);
    free(b);

    /* a gnuplot that reads its script and fails */
    char bin[512];
    snprintf(bin, sizeof bin, "%s/bin", x);
    cr_assert_eq(mkdir(bin, 0755), 0);
    const char *gp = "#!/bin/sh\ncat >/dev/null\necho 'line 1: fake failure' >&2\nexit 1\n";
    put(bin, "gnuplot", gp, strlen(gp));
    snprintf(bin, sizeof bin, "%s/bin/gnuplot", x);
    cr_assert_eq(chmod(bin, 0755), 0);
}

/* ---- one case ------------------------------------------------------------------------ */

/* in with "@/" read dir + "/" and "%/" fix + "/". */
static void subst(const char *in, const char *dir, const char *fix, char *out, size_t n) {
    size_t k = 0;
    for (const char *p = in; *p && k + 1 < n; p++) {
        const char *rep = p[1] == '/' ? (*p == '@' ? dir : *p == '%' ? fix : NULL) : NULL;
        if (rep) {
            k += (size_t)snprintf(out + k, n - k, "%s", rep);
            if (k >= n) k = n - 1;
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
}

static const char KEEP_TSV[] = "earlier\toutput\n1\t2\n";
static const char KEEP_JSON[] = "{\"earlier\": true}\n";

static int same_text(const char *path, const char *text) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return n == strlen(text) && memcmp(buf, text, n) == 0;
}

/* The names in dir (and one level below), sorted, joined by spaces. */
static void listing(const char *dir, char *out, size_t n) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cd '%s' && find . -mindepth 1 -maxdepth 2 | sort | tr '\\n' ' '",
             dir);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t k = fread(out, 1, n - 1, p);
    out[k] = '\0';
    pclose(p);
}

static void run_case(const err_case *c, const char *fix) {
    char dir[64];
    th_tmpdir(dir, sizeof dir);
    put(dir, "keep.tsv", KEEP_TSV, strlen(KEEP_TSV));
    put(dir, "keep.json", KEEP_JSON, strlen(KEEP_JSON));
    put(dir, "notdir", "a file\n", 7);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/adir", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    snprintf(sub, sizeof sub, "%s/dangling", dir);
    cr_assert_eq(symlink("nothing", sub), 0);
    char before[4096], after[4096];
    listing(dir, before, sizeof before);

    static char args[24][1024];
    const char *argv[26] = {"fadyn"};
    size_t na = 0;
    for (; na < 24 && c->argv[na]; na++) {
        subst(c->argv[na], dir, fix, args[na], sizeof args[na]);
        argv[na + 1] = args[na];
    }
    argv[na + 1] = NULL;
    char env[1024], out[1024], msg[1024], err[2048];
    if (c->env) subst(c->env, dir, fix, env, sizeof env);
    if (c->out) subst(c->out, dir, fix, out, sizeof out);
    subst(c->msg, dir, fix, msg, sizeof msg);
    int st = th_runv(argv, dir, c->env ? env : NULL, c->out ? out : NULL, err, sizeof err);

    cr_expect_eq(st, c->exit, "%s: exit %d, expected %d (stderr: %s)", c->id, st, c->exit, err);
    const char *at = strstr(err, msg), *line = at;
    while (line && line > err && line[-1] != '\n')
        line--;
    cr_expect(at != NULL, "%s: stderr says\n%s\nnot\n  %s", c->id, err, msg);
    cr_expect(!line || strncmp(line, "fadyn", 5) == 0,
              "%s: the message's line does not start "
              "with fadyn:\n%s",
              c->id, err);
    char path[128];
    snprintf(path, sizeof path, "%s/keep.tsv", dir);
    cr_expect(same_text(path, KEEP_TSV), "%s: keep.tsv changed", c->id);
    snprintf(path, sizeof path, "%s/keep.json", dir);
    cr_expect(same_text(path, KEEP_JSON), "%s: keep.json changed", c->id);
    snprintf(path, sizeof path, "%s/notdir", dir);
    cr_expect(same_text(path, "a file\n"), "%s: notdir changed", c->id);
    listing(dir, after, sizeof after);
    cr_expect(strstr(after, ".tmp.") == NULL, "%s: a temporary is left: %s", c->id, after);
    if (c->exit == 2 || c->unchanged)
        cr_expect_str_eq(after, before, "%s: the directory changed", c->id);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    cr_expect_eq(system(path), 0);
}

Test(errors, every_case_exits_and_says_what_the_catalogue_says, .timeout = 600) {
    char fix[64];
    th_tmpdir(fix, sizeof fix);
    fixtures(fix);
    const char *only = getenv("FADYN_ERROR_CASE"); /* one case, for debugging */
    for (size_t i = 0; i < NCASES; i++)
        if (!only || strcmp(only, CASES[i].id) == 0) run_case(&CASES[i], fix);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fix);
    cr_expect_eq(system(cmd), 0);
}

/* ---- the catalogue ------------------------------------------------------------------- */

/* The i-th cell (0-based) of a table row "| a | b | c |" into out; 0 if none. */
static int cell(const char *row, int i, char *out, size_t n) {
    const char *p = row;
    for (int k = 0; k <= i; k++) {
        p = strstr(p, "| ");
        if (!p) return 0;
        p += 2;
    }
    const char *e = strstr(p, " |");
    if (!e) return 0;
    snprintf(out, n, "%.*s", (int)(e - p), p);
    return 1;
}

static int is_id(const char *s) {
    size_t n = strlen(s);
    if (n != 5) return 0;
    for (size_t k = 0; k < 3; k++)
        if (s[k] < 'A' || s[k] > 'Z') return 0;
    return s[3] >= '0' && s[3] <= '9' && s[4] >= '0' && s[4] <= '9';
}

Test(errors, docs_errors_md_lists_exactly_the_tested_cases) {
    FILE *f = fopen("docs/errors.md", "r");
    cr_assert_not_null(f, "run the tests from the top of the tree");
    int seen[NCASES] = {0};
    char line[4096];
    size_t rows = 0;
    while (fgets(line, sizeof line, f)) {
        char id[64], code[16], msg[1024];
        if (strncmp(line, "| ", 2) != 0 || !cell(line, 0, id, sizeof id) || !is_id(id)) continue;
        rows++;
        cr_assert(cell(line, 1, code, sizeof code) && cell(line, 2, msg, sizeof msg), "%s", line);
        size_t i = 0;
        while (i < NCASES && strcmp(CASES[i].id, id) != 0)
            i++;
        if (i == NCASES) {
            cr_expect(0, "docs/errors.md: %s is not in the test table", id);
            continue;
        }
        cr_expect(!seen[i], "docs/errors.md: %s twice", id);
        seen[i] = 1;
        cr_expect_eq(atoi(code), CASES[i].exit, "docs/errors.md: %s: exit %s, the test %d", id,
                     code, CASES[i].exit);
        char quoted[1100]; /* (messages hold no newline, | or `) */
        snprintf(quoted, sizeof quoted, "`%s`", CASES[i].msg);
        cr_expect_str_eq(msg, quoted, "docs/errors.md: %s's message", id);
    }
    fclose(f);
    for (size_t i = 0; i < NCASES; i++)
        cr_expect(seen[i], "%s is tested but not in docs/errors.md", CASES[i].id);
    cr_expect(rows >= 40, "docs/errors.md lists %zu cases, fewer than 40", rows);
}

/* Every status of the library's table is explained in docs/errors.md. */
Test(errors, docs_errors_md_explains_every_status) {
    FILE *f = fopen("docs/errors.md", "r");
    cr_assert_not_null(f);
    static char doc[1 << 18];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    doc[n] = '\0';
    fclose(f);
    for (int code = -64; code <= 64; code++) {
        const char *name = fadyn_strcode(code);
        if (strcmp(name, "FADYN_UNKNOWN") == 0) continue;
        char want[80];
        snprintf(want, sizeof want, "`%s`", name);
        cr_expect(strstr(doc, want) != NULL, "docs/errors.md does not explain %s", name);
    }
}
