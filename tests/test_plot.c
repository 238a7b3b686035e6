/* test_plot.c — fadyn_plot_make: data files beside the image, the one
 * already written kept, the dumb target's files removed, a missing gnuplot
 * a warning (FADYN_NOPLOT), a failing data file stopping the figure; and the
 * umbrella header including every public header. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes the string ctx to path. */
static int write_text(const char *path, const void *ctx, fadyn_err *err) {
    return fadyn_write_text(path, ctx, err);
}

static int write_fails(const char *path, const void *ctx, fadyn_err *err) {
    (void)ctx;
    return fadyn_err_set(err, FADYN_EIO, "%s: refused", path);
}

/* A script that plots the first data file; counts its calls in *ctx. */
static int draw_count(const fadyn_plot_target *t, const void *ctx, fadyn_err *err) {
    ++*(int *)ctx;
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(&b, "plot '%s.tsv' using 1:2 with lines\n",
                        t->dumb ? "fadyn-plot" : t->qbase);
    return fadyn_plot_finish(t, &b, err);
}

static char *read_all(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void rm_rf(const char *dir) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* A target DIR/fig.EXT in a fresh directory. */
static void target_in(char *dir, size_t n, const char *ext, fadyn_plot_target *t) {
    char image[128];
    th_tmpdir(dir, n);
    snprintf(image, sizeof image, "%s/fig.%s", dir, ext);
    cr_assert_eq(fadyn_plot_target_parse(t, image, 0, 0, NULL), FADYN_OK);
}

Test(plot, make_writes_data_keeps_the_written_one_and_warns_without_gnuplot) {
    char dir[64], path[256];
    fadyn_plot_target t;
    target_in(dir, sizeof dir, "png", &t);
    /* the caller's --out is fig.tsv already, with its own content */
    snprintf(path, sizeof path, "%s/fig.tsv", dir);
    cr_assert_eq(fadyn_write_text(path, "out\n", NULL), FADYN_OK);
    fadyn_plot_data data[] = {{".tsv", write_text, "0 0\n1 1\n", path},
                              {"-extra.tsv", write_text, "extra\n", NULL}};
    setenv("PATH", "/nonexistent", 1);
    int calls = 0;
    fadyn_err err;
    fadyn_err_clear(&err);
    cr_assert_eq(fadyn_plot_make(&t, data, 2, draw_count, &calls, &err), FADYN_NOPLOT);
    cr_expect_eq(calls, 1);
    cr_expect_eq(err.code, FADYN_NOPLOT);
    cr_expect(strstr(err.msg, "gnuplot not found") != NULL, "'%s'", err.msg);
    cr_expect_str_eq(read_all(path), "out\n", "the file already written is not rewritten");
    snprintf(path, sizeof path, "%s/fig-extra.tsv", dir);
    cr_expect_str_eq(read_all(path), "extra\n");
    snprintf(path, sizeof path, "%s/fig.gp", dir);
    cr_expect(exists(path), "the script is kept");
    snprintf(path, sizeof path, "%s/fig.png", dir);
    cr_expect(!exists(path), "no image without gnuplot");
    rm_rf(dir);
}

Test(plot, make_stops_at_a_failing_data_file) {
    char dir[64], path[256];
    fadyn_plot_target t;
    target_in(dir, sizeof dir, "svg", &t);
    fadyn_plot_data data[] = {{".tsv", write_fails, NULL, NULL},
                              {"-b.tsv", write_text, "b\n", NULL}};
    int calls = 0;
    fadyn_err err;
    cr_assert_eq(fadyn_plot_make(&t, data, 2, draw_count, &calls, &err), FADYN_EIO);
    cr_expect(strstr(err.msg, "refused") != NULL, "'%s'", err.msg);
    cr_expect_eq(calls, 0, "nothing is drawn after a data file failed");
    snprintf(path, sizeof path, "%s/fig-b.tsv", dir);
    cr_expect(!exists(path));
    snprintf(path, sizeof path, "%s/fig.gp", dir);
    cr_expect(!exists(path));
    rm_rf(dir);
}

Test(plot, make_on_the_dumb_target_leaves_no_files) {
    char dir[64], cwd[4096];
    th_tmpdir(dir, sizeof dir);
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir(dir), 0);
    fadyn_plot_target t;
    cr_assert_eq(fadyn_plot_target_parse(&t, "dumb", 0, 0, NULL), FADYN_OK);
    /* written names the dumb target's own path: it is written all the same */
    fadyn_plot_data data = {".tsv", write_text, "0 0\n1 1\n", "fadyn-plot.tsv"};
    setenv("PATH", "/nonexistent", 1);
    int calls = 0;
    cr_expect_eq(fadyn_plot_make(&t, &data, 1, draw_count, &calls, NULL), FADYN_NOPLOT);
    cr_expect_eq(calls, 1);
    DIR *d = opendir(".");
    cr_assert_not_null(d);
    size_t entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        entries += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    cr_expect_eq(entries, 0, "the dumb target's data file is removed");
    cr_assert_eq(chdir(cwd), 0);
    rm_rf(dir);
}

Test(plot, umbrella_header_includes_every_public_header) {
    FILE *f = fopen("include/fadyn.h", "r");
    cr_assert_not_null(f, "run the tests from the top of the tree");
    char umbrella[8192];
    size_t n = fread(umbrella, 1, sizeof umbrella - 1, f);
    umbrella[n] = '\0';
    fclose(f);
    DIR *d = opendir("include/fadyn");
    cr_assert_not_null(d);
    size_t headers = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".h") != 0) continue;
        char line[512];
        snprintf(line, sizeof line, "#include \"fadyn/%s\"\n", e->d_name);
        cr_expect(strstr(umbrella, line) != NULL, "fadyn.h does not include fadyn/%s", e->d_name);
        headers++;
    }
    closedir(d);
    cr_expect(headers > 10, "%zu headers", headers);
}

/* A side file estimated above the limit is named before it is written,
 * unless --out has written it already; a small or unknown one is not. */
Test(plot, big_side_files_are_found_before_writing) {
    fadyn_plot_target t;
    cr_assert_eq(fadyn_plot_target_parse(&t, "/tmp/fadyn-big.png", 0, 0, NULL), FADYN_OK);
    fadyn_plot_data d[4] = {{".tsv", NULL, NULL, NULL},
                            {"-a.tsv", NULL, NULL, NULL},
                            {"-b.tsv", NULL, NULL, "/tmp/fadyn-big-b.tsv"},
                            {"-c.tsv", NULL, NULL, "/tmp/elsewhere.tsv"}};
    double bytes[4] = {20e6, 5e6, 20e6, 11e6};
    size_t big[4];
    size_t n = fadyn_plot_big_files(&t, d, bytes, 4, FADYN_PLOT_BIG, big);
    cr_assert_eq(n, 2);
    cr_expect_eq(big[0], 0);
    cr_expect_eq(big[1], 3, "written elsewhere: this copy is new");
    bytes[0] = 0.0;
    cr_expect_eq(fadyn_plot_big_files(&t, d, bytes, 2, FADYN_PLOT_BIG, big), 0);
}
