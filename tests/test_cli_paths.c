/* test_cli_paths.c — hostile output paths (issue 13): names that would be
 * gnuplot commands if pasted unquoted, quotes in paths. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_png(const char *path) {
    unsigned char m[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t k = fread(m, 1, sizeof m, f);
    fclose(f);
    return k == 8 && memcmp(m, "\x89PNG\r\n\x1a\n", 8) == 0;
}

static int exists(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Directory and file names that close a quoted gnuplot string, run a
 * command (system, backquotes, a macro) or hold both kinds of quote. */
static const char *const hostile_dirs[] = {
    "a'; system \"touch PWNED\"; print '",
    "b\"; system \"touch PWNED\"; print \"",
    "c`touch PWNED`",
    "d'\"both\"'",
};
static const char *const hostile_images[] = {
    "it's.png",
    "x'; system 'touch PWNED'; print '.png",
    "`touch PWNED`@PWNED.png",
    "q\"uote\".png",
};

Test(cli_paths, plot_into_hostile_directories_runs_nothing_and_writes_the_image) {
    if (!fadyn_plot_have_gnuplot()) cr_skip_test("gnuplot not installed");
    char dir[64];
    th_tmpdir(dir, sizeof dir);
    for (size_t d = 0; d < sizeof hostile_dirs / sizeof *hostile_dirs; d++) {
        char sub[512], png[1024], err[512];
        snprintf(sub, sizeof sub, "%s/%s", dir, hostile_dirs[d]);
        cr_assert_eq(mkdir(sub, 0755), 0, "%s", sub);
        const char *img = hostile_images[d];
        snprintf(png, sizeof png, "%s/%s", sub, img);
        const char *argv[] = {"fadyn", "ode", "--t-end", "2", "--plot", png, "--quiet", NULL};
        /* from dir itself, so a `touch PWNED` run anywhere near lands in a checked place */
        cr_expect_eq(th_runv(argv, dir, NULL, NULL, err, sizeof err), 0, "%s: %s", png, err);
        cr_expect(is_png(png), "%s is not a PNG", png);
        char tsv[1024];
        snprintf(tsv, sizeof tsv, "%.*s.tsv", (int)(strlen(png) - 4), png);
        cr_expect(exists(tsv), "%s", tsv);
        char pw[1024];
        snprintf(pw, sizeof pw, "%s/PWNED", sub);
        cr_expect(!exists(pw), "a command ran in %s", sub);
    }
    char pw[128];
    snprintf(pw, sizeof pw, "%s/PWNED", dir);
    cr_expect(!exists(pw), "a command ran in %s", dir);
    cr_expect(!exists("PWNED"), "a command ran in the working directory");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* The phase portrait's script names six tables after the image. */
Test(cli_paths, flow_plot_with_a_quote_in_its_name) {
    if (!fadyn_plot_have_gnuplot()) cr_skip_test("gnuplot not installed");
    char dir[64], png[256], err[512];
    th_tmpdir(dir, sizeof dir);
    snprintf(png, sizeof png, "%s/o'; system 'touch PWNED'; '.png", dir);
    const char *argv[] = {"fadyn", "flow",   "--grid", "9x9",     "--basin-grid",
                          "11x11", "--plot", png,      "--quiet", NULL};
    cr_expect_eq(th_runv(argv, dir, NULL, NULL, err, sizeof err), 0, "%s", err);
    cr_expect(is_png(png), "%s", png);
    char pw[128];
    snprintf(pw, sizeof pw, "%s/PWNED", dir);
    cr_expect(!exists(pw));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* A newline in the image's name would end the script's command: refused up
 * front, nothing written. */
Test(cli_paths, control_character_in_the_image_name_is_refused) {
    char dir[64], png[256], err[512];
    th_tmpdir(dir, sizeof dir);
    snprintf(png, sizeof png, "%s/a\nsystem 'touch PWNED'\n.png", dir);
    const char *argv[] = {"fadyn", "ode", "--t-end", "2", "--plot", png, "--quiet", NULL};
    cr_expect_eq(th_runv(argv, dir, NULL, NULL, err, sizeof err), 2);
    cr_expect(strstr(err, "control character") != NULL, "%s", err);
    cr_expect(strchr(err, '\n') == strrchr(err, '\n'), "not one line: %s", err);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rmdir %s", dir); /* fails unless empty */
    cr_expect_eq(system(cmd), 0);
}
