/* test_cli_mnist.c — `fadyn train --task mnist` end to end on a small
 * synthetic MNIST directory: a run and its outputs, every kind of bad input
 * (one line, exit 2, nothing written), and SIGTERM writing a checkpoint and
 * exiting 4, the checkpoint refused for other options. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void setup(void) {
    th_tmpdir(dir, sizeof dir);
    th_fake_mnist(dir, 400, 100, 3);
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(cli_mnist, .init = setup, .fini = teardown, .timeout = 120);

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

#define BASE "train --task mnist --hidden 64 --eta 0.1 --threads 1 --quiet --mnist-dir"

Test(cli_mnist, a_run_writes_its_outputs) {
    char cmd[1024], line[512], path[256];
    snprintf(cmd, sizeof cmd,
             BASE " %s --epochs 2 --eval-every 200 --runs 2 --out %s/m.tsv --summary %s/m.json",
             dir, dir, dir);
    int st = th_run(cmd, line, sizeof line);
    cr_assert_eq(st, 0, "exit %d: %s", st, line);
    snprintf(path, sizeof path, "%s/m.runs.tsv", dir);
    cr_expect(exists(path));
    snprintf(path, sizeof path, "%s/m.json", dir);
    json_t *j = json_load_file(path, 0, NULL);
    cr_assert_not_null(j);
    json_t *te = json_object_get(j, "test_error_percent");
    cr_assert(json_is_object(te));
    cr_expect_eq(json_array_size(json_object_get(te, "final")), 2);
    json_t *pe = json_object_get(json_object_get(te, "per_evaluation"), "example");
    cr_expect_eq(json_array_size(pe), 5); /* 0, 200, 400, 600, 800 */
    cr_expect(json_real_value(json_object_get(j, "examples_per_second")) > 0);
    json_t *par = json_object_get(j, "parameters");
    cr_expect_str_eq(json_string_value(json_object_get(par, "rule")), "fa");
    cr_expect_eq(json_integer_value(json_object_get(par, "examples")), 800);
    cr_expect_eq(json_array_size(json_object_get(j, "run_seeds")), 2);
    /* the synthetic classes are learned (chance is 90 % error) */
    cr_expect_lt(json_real_value(json_object_get(te, "mean")), 30.0);
    json_decref(j);
}

/* Bad input: exit 2, one line mentioning what is wrong, nothing written. */
static void expect_bad(const char *args, const char *mention) {
    char cmd[1024], line[512], path[256];
    snprintf(cmd, sizeof cmd, "train --task mnist --quiet --summary %s/bad.json %s", dir, args);
    int st = th_run(cmd, line, sizeof line);
    cr_expect_eq(st, 2, "'%s': exit %d (%s)", args, st, line);
    cr_expect(strstr(line, mention) != NULL, "'%s': '%s' should mention '%s'", args, line, mention);
    snprintf(path, sizeof path, "%s/bad.json", dir);
    cr_expect(!exists(path), "'%s' wrote %s", args, path);
}

Test(cli_mnist, bad_input) {
    char a[512];
    expect_bad("--mnist-dir /nonexistent", "train-images-idx3-ubyte: no such file");
    snprintf(a, sizeof a, "--mnist-dir %s --rule np", dir);
    expect_bad(a, "--rule 'np'");
    snprintf(a, sizeof a, "--mnist-dir %s --epochs 1 --examples 10", dir);
    expect_bad(a, "--epochs and --examples");
    snprintf(a, sizeof a, "--mnist-dir %s --train-images 401", dir);
    expect_bad(a, "--train-images 401");
    snprintf(a, sizeof a, "--mnist-dir %s --drop 1", dir);
    expect_bad(a, "--drop 1");
    snprintf(a, sizeof a, "--mnist-dir %s --precision half", dir);
    expect_bad(a, "--precision");
    snprintf(a, sizeof a, "--mnist-dir %s --resume %s/none.ckpt", dir, dir);
    expect_bad(a, "none.ckpt");
    /* a truncated images file: named, with the byte offset */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "truncate -s 5000 %s/t10k-images-idx3-ubyte", dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(a, sizeof a, "--mnist-dir %s", dir);
    expect_bad(a, "t10k-images-idx3-ubyte: byte 5000: truncated");
}

/* Run `fadyn ARGS` in the background, SIGTERM it after `after` seconds;
 * its exit status. */
static int run_and_term(const char *args, double after) {
    const char *bin = getenv("FADYN_BIN");
    if (!bin) bin = "build/fadyn";
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s %s >/dev/null 2>%s/term.err & p=$!; sleep %g; kill -TERM $p; wait $p; exit $?",
             bin, args, dir, after);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(cli_mnist, sigterm_saves_a_checkpoint_and_exits_4) {
    char args[1024], ck[128], line[512];
    snprintf(ck, sizeof ck, "%s/run.ckpt", dir);
    /* far more examples than a second allows */
    snprintf(args, sizeof args, BASE " %s --examples 100000000 --force --checkpoint %s", dir, ck);
    int st = run_and_term(args, 1.0);
    cr_assert_eq(st, 4, "exit %d", st);
    cr_assert(exists(ck), "no checkpoint after SIGTERM");
    /* the checkpoint of other options is refused in one line */
    snprintf(args, sizeof args, BASE " %s --examples 100000000 --force --rule bp --resume %s", dir,
             ck);
    st = th_run(args, line, sizeof line);
    cr_expect_eq(st, 2, "exit %d: %s", st, line);
    cr_expect(strstr(line, "rule fa, not bp"), "%s", line);
    snprintf(args, sizeof args, BASE " %s --examples 100000000 --force --eta 0.2 --resume %s", dir,
             ck);
    st = th_run(args, line, sizeof line);
    cr_expect_eq(st, 2, "exit %d: %s", st, line);
    cr_expect(strstr(line, "eta = 0.1"), "%s", line);
}

/* --angle abs folds every example's angle below 90°, so each interval's
 * mean is at most the signed run's (the same runs, the same examples) and
 * below it where some signed angle exceeded 90°; recorded, and on the axis. */
Test(cli_mnist, angle_abs_folds_the_angles) {
    char cmd[1024], path[256];
    snprintf(cmd, sizeof cmd, BASE " %s --examples 400 --eval-every 100 --runs 1", dir);
    th_run_both_angles(cmd, dir);
    double s[16], a[16];
    snprintf(path, sizeof path, "%s/signed.tsv", dir);
    size_t n = th_tsv_column(path, "angle_mean_mean", s, 16);
    snprintf(path, sizeof path, "%s/abs.tsv", dir);
    cr_assert_eq(th_tsv_column(path, "angle_mean_mean", a, 16), n);
    cr_assert_eq(n, 5);
    size_t lower = 0;
    for (size_t i = 1; i < n; i++) { /* row 0: before any example, no angle */
        cr_assert(a[i] <= 90.0 && a[i] <= s[i] + 1e-9, "row %zu: signed %g, abs %g", i, s[i], a[i]);
        lower += a[i] < s[i] - 1e-6;
    }
    cr_assert_gt(lower, 0, "no interval with a signed angle above 90 degrees");
}

/* Runs tests/bench/mnist_tune.sh on the small set with the binary under
 * test, writing its trials to dir/NAME (returned in out) and reading its
 * standard output; `args` and `redirect` are appended to the command. */
static FILE *tune_open(const char *name, const char *args, const char *redirect, char *out,
                       size_t n, char *cmd, size_t ncmd) {
    const char *bin = getenv("FADYN_BIN");
    snprintf(out, n, "%s/%s", dir, name);
    snprintf(cmd, ncmd,
             "sh tests/bench/mnist_tune.sh --fadyn '%s' --mnist-dir '%s' --out '%s' %s %s",
             bin ? bin : "build/fadyn", dir, out, args, redirect);
    return popen(cmd, "r");
}

/* tests/bench/mnist_tune.sh on the small set: every trial one row of its
 * TSV, in stage order; the chosen eta is the bp row with the lowest test
 * error, fa's trials use it, and the chosen beta is fa's lowest. */
Test(cli_mnist, the_tuning_script_writes_every_trial_and_chooses_the_lowest) {
    char cmd[1024], out[256], chosen[512] = "";
    FILE *p = tune_open("tune.tsv",
                        "--epochs 1 --etas 0.003,0.03 --init-scales 0.01 --b-scales 0.1,1 "
                        "--threads 1",
                        "2>/dev/null", out, sizeof out, cmd, sizeof cmd);
    cr_assert_not_null(p);
    while (fgets(chosen, sizeof chosen, p))
        if (strncmp(chosen, "chosen:", 7) == 0) break;
    cr_assert_eq(pclose(p), 0, "%s", cmd);
    FILE *f = fopen(out, "r");
    cr_assert_not_null(f, "%s", out);
    char line[512], stage[6][16], rule[6][16];
    double eta[6], err[6], beta[6];
    size_t n = 0;
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "stage\trule\teta\tinit_scale\tb_scale\tinput_scale\toutput_delta\t"
                           "epochs\ttest_error_percent\tseconds\n");
    while (n < 6 && fgets(line, sizeof line, f)) {
        char bs[16];
        cr_assert_eq(sscanf(line, "%15s %15s %lf %*s %15s %*s %*s %*s %lf", stage[n], rule[n],
                            &eta[n], bs, &err[n]),
                     5, "%s", line);
        beta[n] = strcmp(bs, "-") ? atof(bs) : NAN;
        n++;
    }
    cr_expect_null(fgets(line, sizeof line, f), "more than 6 trials: %s", line);
    fclose(f);
    cr_assert_eq(n, 6);
    const char *want[6] = {"regime", "regime", "bp", "bp", "fa", "fa"};
    for (size_t i = 0; i < 6; i++)
        cr_expect_str_eq(stage[i], want[i]);
    size_t b = err[3] < err[2] ? 3 : 2, a = err[5] < err[4] ? 5 : 4;
    cr_expect_eq(eta[4], eta[b]);
    cr_expect_eq(eta[5], eta[b]);
    cr_expect(isnan(beta[2]) && beta[4] == 0.1 && beta[5] == 1.0);
    char expect[128];
    snprintf(expect, sizeof expect, "--eta %s --init-scale 0.01 --b-scale %s ",
             eta[b] == 0.003 ? "0.003" : "0.03", beta[a] == 0.1 ? "0.1" : "1");
    cr_expect(strstr(chosen, expect), "'%s' not in: %s", expect, chosen);
}

/* A bad list: one line naming the option and the value, exit 2, no table.
 * (--fadyn is the binary under test: under make sanitize in a fresh clone
 * there is no build/fadyn, and the script refused that first.) */
Test(cli_mnist, the_tuning_script_refuses_a_bad_list) {
    char cmd[1024], out[256], line[512] = "";
    FILE *p = tune_open("bad.tsv", "--etas '0.1,1e-3;x'", "2>&1", out, sizeof out, cmd, sizeof cmd);
    cr_assert_not_null(p);
    int lines = 0;
    while (fgets(line, sizeof line, p))
        lines++;
    int st = pclose(p);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %d", st);
    cr_expect_eq(lines, 1, "%s", line);
    cr_expect(strstr(line, "--etas") && strstr(line, "1e-3;x"), "%s", line);
    cr_expect(!exists(out));
}
