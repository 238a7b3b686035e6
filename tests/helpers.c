/* helpers.c — shared pieces of the Criterion tests. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const fadyn_rule_type *th_rule(const char *name) {
    const fadyn_rule_type *r = fadyn_rule_type_find(name);
    cr_assert_not_null(r, "no rule %s", name);
    return r;
}

void th_problem(fadyn_problem *p, size_t depth, const size_t *sizes, const fadyn_rule_type *rule,
                unsigned long seed, double w_scale) {
    cr_assert_eq(fadyn_problem_alloc(p, depth, sizes, rule, NULL), FADYN_OK);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    fadyn_init_params ip = fadyn_init_params_default();
    ip.w_scale = w_scale;
    fadyn_problem_draw(p, &ip, r);
    gsl_rng_free(r);
}

/* The first line (all: the whole, up to n - 1 bytes) of the stderr file
 * (fd, named path) into capture; the file removed; the exit status of st. */
static int finish(int fd, const char *path, int st, char *capture, size_t n, int all) {
    if (capture && n > 0) {
        capture[0] = '\0';
        lseek(fd, 0, SEEK_SET);
        FILE *f = fdopen(fd, "r");
        if (f && all) capture[fread(capture, 1, n - 1, f)] = '\0';
        if (f && !all && fgets(capture, (int)n, f)) capture[strcspn(capture, "\n")] = '\0';
        if (f) fclose(f);
    } else {
        close(fd);
    }
    unlink(path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int th_run(const char *args, char *capture, size_t n) {
    const char *bin = getenv("FADYN_BIN");
    if (!bin) bin = "build/fadyn";
    char err_path[] = "/tmp/fadyn-test-XXXXXX";
    int fd = mkstemp(err_path);
    cr_assert(fd >= 0);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>%s", bin, args, err_path);
    int st = system(cmd);
    return finish(fd, err_path, st, capture, n, 0);
}

int th_runv(const char *const *argv, const char *cwd, const char *env, const char *out_path,
            char *capture, size_t n) {
    const char *bin = getenv("FADYN_BIN");
    if (!bin) bin = "build/fadyn";
    char abs[4096];
    if (cwd && bin[0] != '/') {
        cr_assert_not_null(realpath(bin, abs), "%s", bin);
        bin = abs;
    }
    char err_path[] = "/tmp/fadyn-test-XXXXXX";
    int fd = mkstemp(err_path);
    cr_assert(fd >= 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int o = out_path && !*out_path ? -1 : open(out_path ? out_path : "/dev/null", O_WRONLY);
        if (o < 0 ? out_path && *out_path : dup2(o, 1) < 0) _exit(126);
        if (o < 0) close(1);
        if (dup2(fd, 2) < 0 || (cwd && chdir(cwd) != 0)) _exit(126);
        if (env) putenv((char *)env);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return finish(fd, err_path, st, capture, n, 1);
}

void th_tmpdir(char *out, size_t n) {
    snprintf(out, n, "/tmp/fadyn-test-dir-XXXXXX");
    cr_assert_not_null(mkdtemp(out));
}

void th_fake_mnist(const char *dir, size_t ntrain, size_t ntest, unsigned long seed) {
    enum { P = 784 };
    unsigned char *pattern = malloc(10 * P);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < 10 * P; i++)
        pattern[i] = gsl_rng_uniform(r) < 0.2;
    size_t n[2] = {ntrain, ntest};
    for (int set = 0; set < 2; set++) {
        unsigned char *img = malloc(n[set] * P), *lab = malloc(n[set]);
        for (size_t m = 0; m < n[set]; m++) {
            lab[m] = (unsigned char)(m % 10);
            for (size_t p = 0; p < P; p++) {
                int on =
                    pattern[lab[m] * P + p] ? gsl_rng_uniform(r) < 0.8 : gsl_rng_uniform(r) < 0.03;
                img[m * P + p] = on ? (unsigned char)(128 + gsl_rng_uniform_int(r, 128)) : 0;
            }
        }
        char path[4200];
        size_t di[3] = {n[set], 28, 28}, dl[1] = {n[set]};
        snprintf(path, sizeof path, "%s/%s", dir, fadyn_mnist_files[2 * set]);
        cr_assert_eq(fadyn_idx_write(path, 3, di, img, 0, NULL), FADYN_OK);
        snprintf(path, sizeof path, "%s/%s", dir, fadyn_mnist_files[2 * set + 1]);
        cr_assert_eq(fadyn_idx_write(path, 1, dl, lab, 0, NULL), FADYN_OK);
        free(img);
        free(lab);
    }
    gsl_rng_free(r);
    free(pattern);
}

int th_column_of(const char *hdr, const char *name) {
    int k = 0;
    size_t n = strlen(name);
    for (const char *c = hdr; *c; k++) {
        if (strncmp(c, name, n) == 0 && (c[n] == '\t' || c[n] == '\n' || c[n] == '\0')) return k;
        c = strchr(c, '\t');
        if (!c) break;
        c++;
    }
    return -1;
}

size_t th_tsv_column(const char *path, const char *name, double *out, size_t cap) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s missing", path);
    char line[16384];
    cr_assert(fgets(line, sizeof line, f), "%s is empty", path);
    int col = th_column_of(line, name);
    cr_assert_geq(col, 0, "%s: no column %s", path, name);
    size_t n = 0;
    while (n < cap && fgets(line, sizeof line, f)) {
        if (line[0] == '\n') continue; /* a blank line between gnuplot's blocks */
        const char *c = line;
        for (int i = 0; i < col && c; i++)
            if ((c = strchr(c, '\t'))) c++;
        cr_assert_not_null(c, "%s: a row without column %s", path, name);
        out[n++] = strtod(c, NULL);
    }
    fclose(f);
    return n;
}

size_t th_expect_folded(const char *signed_path, const char *abs_path, const char *col,
                        size_t *rows) {
    enum { CAP = 4096 };
    static double s[CAP], a[CAP];
    size_t n = th_tsv_column(signed_path, col, s, CAP), above = 0;
    cr_assert_eq(th_tsv_column(abs_path, col, a, CAP), n, "%s: rows differ", col);
    for (size_t i = 0; i < n; i++) {
        above += s[i] > 90.0;
        cr_assert(isnan(s[i]) ? isnan(a[i]) : fabs(a[i] - fmin(s[i], 180 - s[i])) < 1e-6,
                  "%s: %s row %zu: signed %.10g, abs %.10g", abs_path, col, i, s[i], a[i]);
    }
    if (rows) *rows = n;
    return above;
}

void th_expect_angle_kind(const char *json_path, int params, const char *gp_path,
                          fadyn_angle_kind kind) {
    json_t *j = json_load_file(json_path, 0, NULL);
    cr_assert_not_null(j, "%s", json_path);
    json_t *where = params ? json_object_get(j, "parameters") : j;
    cr_assert_str_eq(json_string_value(json_object_get(where, "angle")),
                     fadyn_angle_kind_name(kind), "%s", json_path);
    json_decref(j);
    char *gp = th_slurp(gp_path);
    cr_assert_not_null(gp, "%s", gp_path);
    fadyn_angle_kind other = kind == FADYN_ANGLE_ABS ? FADYN_ANGLE_SIGNED : FADYN_ANGLE_ABS;
    cr_assert(strstr(gp, fadyn_angle_axis_label(kind)) != NULL, "%s: no '%s'", gp_path,
              fadyn_angle_axis_label(kind));
    cr_assert(strstr(gp, fadyn_angle_axis_label(other)) == NULL, "%s: '%s'", gp_path,
              fadyn_angle_axis_label(other));
    free(gp);
}

void th_run_both_angles(const char *args, const char *dir) {
    char cmd[2048], line[512], json[512], gp[512];
    for (int k = FADYN_ANGLE_SIGNED; k <= FADYN_ANGLE_ABS; k++) {
        const char *kind = fadyn_angle_kind_name(k);
        snprintf(cmd, sizeof cmd,
                 "%s --angle %s --out %s/%s.tsv --summary %s/%s.json --plot %s/%s.svg", args, kind,
                 dir, kind, dir, kind, dir, kind);
        int st = th_run(cmd, line, sizeof line);
        cr_assert_eq(st, 0, "%s: exit %d: %s", cmd, st, line);
        snprintf(json, sizeof json, "%s/%s.json", dir, kind);
        snprintf(gp, sizeof gp, "%s/%s.gp", dir, kind);
        th_expect_angle_kind(json, 1, gp, (fadyn_angle_kind)k);
    }
}

void th_expect_folded_runs(const char *dir, const char *const *cols, size_t n, size_t rows) {
    char s[512], a[512];
    snprintf(s, sizeof s, "%s/signed.tsv", dir);
    snprintf(a, sizeof a, "%s/abs.tsv", dir);
    size_t above = 0;
    for (size_t c = 0; c < n; c++) {
        size_t got;
        above += th_expect_folded(s, a, cols[c], &got);
        cr_assert_eq(got, rows, "%s: %zu rows, not %zu", cols[c], got, rows);
    }
    cr_assert_gt(above, 0, "no signed angle above 90 degrees in %s: the test shows nothing", s);
}

char *th_slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) free(buf);
            buf = b;
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    return buf;
}
