/* test_cli_ode.c — `fadyn ode` end to end: outputs, exit statuses, and every
 * bad-input case of issue 2 (one line, exit 2, nothing written). */
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

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* Bad input: exit 2, one line on stderr naming the argument, no output. */
static void expect_bad(const char *args, const char *must_mention) {
    char dir[64], cmd[2048], line[1024];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "ode %s --out %s/o.tsv --summary %s/o.json", args, dir, dir);
    int st = th_run(cmd, line, sizeof line);
    cr_expect_eq(st, 2, "'%s': exit %d (%s)", args, st, line);
    cr_expect(strstr(line, must_mention) != NULL, "'%s': message '%s' should mention '%s'", args,
              line, must_mention);
    char p[128];
    snprintf(p, sizeof p, "%s/o.tsv", dir);
    cr_expect(!exists(p), "'%s' left %s behind", args, p);
    snprintf(p, sizeof p, "%s/o.json", dir);
    cr_expect(!exists(p), "'%s' left %s behind", args, p);
}

Test(cli_ode, bad_arguments) {
    expect_bad("--stepper rk9", "--stepper");
    expect_bad("--rule hebb", "--rule");
    expect_bad("--rtol 0", "--rtol");
    expect_bad("--rtol -1e-6", "--rtol");
    expect_bad("--atol 0", "--atol");
    expect_bad("--t-end 0", "--t-end");
    expect_bad("--sizes 30,0,10", "--sizes");
    expect_bad("--sizes 30,10", "--sizes");
    expect_bad("--sizes 30,x,10", "--sizes");
    expect_bad("--sizes 30,,10", "--sizes");
    expect_bad("--rtol abc", "--rtol");
    expect_bad("--t-end nan", "--t-end");
    expect_bad("--samples 1", "--samples");
    expect_bad("--hmin 1", "--hmin"); /* above the first step: GSL would ignore it */
    expect_bad("--seed -3", "--seed");
    expect_bad("--sigma 1,2", "--sigma");
    expect_bad("--sigma -1", "--sigma");
    expect_bad("--init sideways", "--init");
    expect_bad("--plot out.gif", "--plot");
    expect_bad("--frobnicate", "frobnicate");
    expect_bad("extra", "extra");
    expect_bad("--init-from /nonexistent/dir", "/nonexistent/dir");
}

Test(cli_ode, unwritable_output_is_bad_input) {
    char line[1024];
    cr_expect_eq(th_run("ode --out /nonexistent/dir/o.tsv", line, sizeof line), 2);
    cr_expect(strstr(line, "--out") != NULL, "%s", line);
}

/* Matrix files of the wrong shape, with NaN, or missing. */
Test(cli_ode, bad_matrix_files) {
    char dir[64], cmd[512], line[1024], path[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "ode --sizes 3,2,2 --save-init %s --t-end 1 --quiet", dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(cmd, sizeof cmd, "ode --sizes 3,2,2 --init-from %s --t-end 1 --quiet", dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);

    snprintf(path, sizeof path, "%s/A.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("1 2 3\n4 5\n", f); /* ragged */
    fclose(f);
    cr_expect_eq(th_run(cmd, line, sizeof line), 2);
    cr_expect(strstr(line, "A.txt") != NULL, "%s", line);

    f = fopen(path, "w");
    fputs("1 2 3\n4 5 6\n7 8 9\n", f); /* 3 x 3, need 2 x 3 */
    fclose(f);
    cr_expect_eq(th_run(cmd, line, sizeof line), 2);
    cr_expect(strstr(line, "expected 2 x 3") != NULL, "%s", line);

    f = fopen(path, "w");
    fputs("1 nan 3\n4 5 6\n", f);
    fclose(f);
    cr_expect_eq(th_run(cmd, line, sizeof line), 2);
    cr_expect(strstr(line, "A.txt") != NULL && strstr(line, "finite") != NULL, "%s", line);

    f = fopen(path, "w");
    fputs("1 two 3\n4 5 6\n", f);
    fclose(f);
    cr_expect_eq(th_run(cmd, line, sizeof line), 2);
    cr_expect(strstr(line, "'two'") != NULL, "%s", line);

    unlink(path);
    cr_expect_eq(th_run(cmd, line, sizeof line), 2);
    cr_expect(strstr(line, "A.txt") != NULL, "%s", line);
}

/* Issue 13, class 6: --init-from files that never end, hold a NUL or
 * binary garbage: exit 2 at once, one line naming the file and the line,
 * the garbage escaped (no byte outside printable ASCII on stderr), and an
 * earlier --out kept. */
Test(cli_ode, unbounded_and_binary_matrix_files, .timeout = 60) {
    char dir[64], cmd[1024], line[1024], path[128], want[256], out[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "ode --sizes 3,2,2 --save-init %s --t-end 1 --quiet", dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(out, sizeof out, "%s/keep.tsv", dir);
    FILE *f = fopen(out, "w");
    fputs("earlier\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "ode --sizes 3,2,2 --init-from %s --t-end 1 --quiet --out %s", dir,
             out);
    snprintf(path, sizeof path, "%s/T.txt", dir);
    unlink(path);
    cr_assert_eq(symlink("/dev/zero", path), 0);
    cr_expect_eq(th_run(cmd, line, sizeof line), 2);
    snprintf(want, sizeof want, "fadyn ode: %s:1: a NUL byte at column 1 (not a text file?)", path);
    cr_expect(strstr(line, want) == line, "%s", line);
    unlink(path);
    snprintf(cmd, sizeof cmd, "ode --sizes 3,2,2 --save-init %s --t-end 1 --quiet", dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(cmd, sizeof cmd, "ode --sizes 3,2,2 --init-from %s --t-end 1 --quiet --out %s", dir,
             out);
    snprintf(path, sizeof path, "%s/A.txt", dir);
    f = fopen(path, "wb");
    fwrite("1 2 3\n\x01\xff\xfe\x1b[31m 4 5\n", 1, 19, f);
    fclose(f);
    cr_expect_eq(th_run(cmd, line, sizeof line), 2);
    snprintf(want, sizeof want, "fadyn ode: %s:2: '\\x01\\xff\\xfe\\x1b[31m' is not a number",
             path);
    cr_expect(strstr(line, want) == line, "%s", line);
    for (const char *c = line; *c && *c != '\n'; c++)
        cr_expect((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f, "raw byte 0x%02x",
                  (unsigned char)*c);
    f = fopen(path, "wb");
    fwrite("1 2 3\n4 5 6\0 garbage after a NUL\n", 1, 33, f);
    fclose(f);
    cr_expect_eq(th_run(cmd, line, sizeof line), 2);
    snprintf(want, sizeof want, "fadyn ode: %s:2: a NUL byte at column 6", path);
    cr_expect(strstr(line, want) == line, "%s", line);
    f = fopen(out, "r");
    cr_assert_not_null(f);
    cr_expect(fgets(line, sizeof line, f) && strcmp(line, "earlier\n") == 0, "--out replaced");
    fclose(f);
}

/* Issue 2's "done when": from zero, NSE < 1e-6 at t = 400, and the JSON and
 * TSV carry what they promise. */
Test(cli_ode, zero_start_learns_and_writes_outputs) {
    char dir[64], cmd[512], p[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "ode --sizes 30,20,10 --init zero --t-end 400 --samples 41 --out %s/o.tsv "
             "--summary %s/o.json --quiet",
             dir, dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(p, sizeof p, "%s/o.json", dir);
    json_error_t je;
    json_t *j = json_load_file(p, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    cr_expect_lt(json_real_value(json_object_get(j, "final_nse")), 1e-6);
    double rise = json_real_value(json_object_get(j, "V_max_rise"));
    const char *keys[] = {"final_nse",
                          "conserved_drift_max",
                          "V_max_rise",
                          "V_definition",
                          "conserved_drift_definition",
                          "angle_bp_last",
                          "angle_bp_last_t",
                          "angle_pbp_last_t",
                          "s_max",
                          "s_bound_paper",
                          "s_bound_derived",
                          "steps",
                          "rhs_evals",
                          "wall_seconds",
                          "parameters",
                          "seed",
                          "version"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        cr_expect_not_null(json_object_get(j, keys[i]), "missing %s", keys[i]);
    json_decref(j);
    snprintf(p, sizeof p, "%s/o.tsv", dir);
    FILE *f = fopen(p, "r");
    char line[512];
    cr_assert(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "t\tloss\tnse\tV\tdrift\tdrift_rel\ts\tangle_bp\tangle_pbp\n");
    int rows = 0;
    double V0 = NAN;
    while (fgets(line, sizeof line, f))
        if (rows++ == 0) cr_expect_eq(sscanf(line, "%*g %*g %*g %lg", &V0), 1);
    fclose(f);
    cr_expect_eq(rows, 41);
    /* V never rises (docs/theory.md §3) but by integration error: at rtol 1e-8
     * its rises near convergence stay below 1e-12 of V(0) */
    cr_expect_lt(rise, 1e-12 * V0, "V rose by %g, V(0) = %g", rise, V0);
}

/* --save-init / --init-from round-trip exactly: the same run twice. */
Test(cli_ode, save_and_load_give_the_same_run) {
    char dir[64], cmd[512], p1[128], p2[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "ode --sizes 5,4,3,2 --seed 9 --t-end 5 --save-init %s/init --out %s/a.tsv --quiet",
             dir, dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(p1, sizeof p1, "%s/init/A1.txt", dir);
    snprintf(p2, sizeof p2, "%s/init/B2.txt", dir);
    cr_expect(exists(p1) && exists(p2), "deep nets name layers A0.. and B1..");
    snprintf(cmd, sizeof cmd,
             "ode --sizes 5,4,3,2 --t-end 5 --init-from %s/init --out %s/b.tsv --quiet", dir, dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(cmd, sizeof cmd, "cmp -s %s/a.tsv %s/b.tsv", dir, dir);
    cr_expect_eq(system(cmd), 0, "the reloaded run differs");
}

/* A run that leaves the radius: exit 3, rows so far kept. */
Test(cli_ode, divergence_exits_3_and_keeps_rows) {
    char dir[64], cmd[512], line[1024], p[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "ode --radius 0.3 --t-end 50 --out %s/o.tsv --summary %s/o.json", dir,
             dir);
    cr_expect_eq(th_run(cmd, line, sizeof line), 3);
    cr_expect(strstr(line, "diverged") != NULL, "%s", line);
    snprintf(p, sizeof p, "%s/o.tsv", dir);
    cr_expect(exists(p));
    snprintf(p, sizeof p, "%s/o.json", dir);
    json_t *j = json_load_file(p, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_str_eq(json_string_value(json_object_get(j, "status")), "diverged");
    json_decref(j);
}

/* Issue 13: a fast start (w = 100) is no divergence for rk8pd (it said
 * "diverged near t = 0" after 0 steps): exit 0 and t_end reached. */
Test(cli_ode, fast_start_with_rk8pd_is_not_diverged) {
    char dir[64], cmd[512], line[1024] = "", p[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "ode --sizes 3,2,2 --init-scale 100 --stepper rk8pd --t-end 1 --samples 3 --quiet "
             "--summary %s/o.json",
             dir);
    cr_expect_eq(th_run(cmd, line, sizeof line), 0, "%s", line);
    snprintf(p, sizeof p, "%s/o.json", dir);
    json_t *j = json_load_file(p, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_str_eq(json_string_value(json_object_get(j, "status")), "ok");
    cr_expect_eq(json_real_value(json_object_get(j, "t_reached")), 1.0);
    cr_expect_gt(json_integer_value(json_object_get(j, "steps")), 0);
    json_decref(j);
}

/* Without gnuplot on PATH the data are still written and one line says how to get it. */
Test(cli_ode, missing_gnuplot_still_writes_data) {
    char dir[64], cmd[2048], line[1024], p[128];
    th_tmpdir(dir, sizeof dir);
    const char *bin = getenv("FADYN_BIN");
    char abs[1024];
    cr_assert_not_null(realpath(bin ? bin : "build/fadyn", abs));
    snprintf(cmd, sizeof cmd, "PATH=/nonexistent %s ode --t-end 2 --plot %s/o.png --quiet 2>%s/err",
             abs, dir, dir);
    cr_expect_eq(WEXITSTATUS(system(cmd)), 0);
    snprintf(p, sizeof p, "%s/o.tsv", dir);
    cr_expect(exists(p));
    snprintf(p, sizeof p, "%s/o.gp", dir);
    cr_expect(exists(p));
    snprintf(p, sizeof p, "%s/err", dir);
    FILE *f = fopen(p, "r");
    cr_assert(fgets(line, sizeof line, f));
    fclose(f);
    cr_expect(strstr(line, "apt-get install gnuplot") != NULL, "%s", line);
}

Test(cli_ode, help_and_version) {
    cr_expect_eq(th_run("ode --help", NULL, 0), 0);
    cr_expect_eq(th_run("--version", NULL, 0), 0);
    cr_expect_eq(th_run("help ode", NULL, 0), 0);
    cr_expect_eq(th_run("nosuchcommand", NULL, 0), 2);
}

/* Issue 13, class 5: an implicit stepper on 800 weights (each step factors
 * a Jacobian of 2 x 800 unknowns) ran for minutes from a fast start; its
 * step budget ends it in seconds with a line that says so, the rows so far
 * written (suite work_cli: not run under valgrind, where the LUs are slow). */
Test(work_cli, an_implicit_stepper_stops_at_its_budget, .timeout = 120) {
    char dir[64], cmd[512], line[1024] = "", p[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "ode --stepper rk4imp --init-scale 100 --quiet --out %s/o.tsv", dir);
    cr_expect_eq(th_run(cmd, line, sizeof line), 1, "%s", line);
    cr_expect(strstr(line, "fadyn ode: stopped at t = ") == line, "%s", line);
    cr_expect(strstr(line, ": rk4imp's step budget of 10 steps (3.1e+09 flop each at dimension "
                           "800) was reached; --force lifts it, or use an explicit stepper"),
              "%s", line);
    snprintf(p, sizeof p, "%s/o.tsv", dir);
    cr_expect(exists(p), "the rows so far are written");
}

/* Issue 10: bp's figure and summary name bp's own quantities, and a random
 * start's summary holds no bound on s (C(0) != 0) but says why. */
Test(cli_ode, labels_and_bounds_by_rule) {
    char dir[64], cmd[512], p[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "ode --rule bp --sizes 6,4,3 --t-end 5 --plot %s/bp.svg --summary %s/bp.json --quiet",
             dir, dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(p, sizeof p, "%s/bp.gp", dir);
    char *gp = th_slurp(p);
    cr_assert_not_null(gp);
    cr_expect(strstr(gp, "C = W^T W - A A^T") != NULL, "bp's C missing");
    cr_expect(strstr(gp, "eq 14") == NULL && strstr(gp, "eq 23") == NULL, "fa's labels on bp");
    free(gp);
    snprintf(p, sizeof p, "%s/bp.json", dir);
    json_t *j = json_load_file(p, 0, NULL);
    cr_assert_not_null(j);
    cr_expect(strstr(json_string_value(json_object_get(j, "conserved_drift_definition")),
                     "W^T W - A A^T") != NULL);
    cr_expect(json_is_null(json_object_get(j, "s_bound_paper")));
    cr_expect(json_is_string(json_object_get(j, "s_bound_reason")));
    json_decref(j);
    snprintf(cmd, sizeof cmd, "ode --sizes 6,4,3 --t-end 5 --summary %s/fa.json", dir);
    char line[4096];
    cr_assert_eq(th_run(cmd, line, sizeof line), 0);
    snprintf(p, sizeof p, "%s/fa.json", dir);
    j = json_load_file(p, 0, NULL);
    cr_assert_not_null(j);
    cr_expect(json_is_null(json_object_get(j, "s_bound_derived")), "random start: C(0) != 0");
    cr_expect(json_real_value(json_object_get(j, "conserved_c0_rel")) > 1e-6);
    json_decref(j);
}

/* `fadyn ode --angle abs`: the angles of every sample are the signed run's
 * min(θ, 180° − θ) (seed 7 starts with its angle to bp above 90°), the
 * summary's last angles too; "angle" recorded, the plot's axis says |cos|. */
Test(cli_ode, angle_abs_folds_the_signed_angles) {
    char dir[64], p[2][128];
    th_tmpdir(dir, sizeof dir);
    th_run_both_angles("ode --seed 7 --t-end 3 --samples 31 --quiet", dir);
    const char *cols[] = {"angle_bp", "angle_pbp"};
    th_expect_folded_runs(dir, cols, 2, 31);
    json_t *j[2];
    for (int k = 0; k < 2; k++) {
        snprintf(p[k], sizeof p[k], "%s/%s.json", dir, k ? "abs" : "signed");
        cr_assert_not_null(j[k] = json_load_file(p[k], 0, NULL));
    }
    double sl = json_real_value(json_object_get(j[0], "angle_bp_last"));
    cr_assert_float_eq(json_real_value(json_object_get(j[1], "angle_bp_last")), fmin(sl, 180 - sl),
                       1e-8);
    json_decref(j[0]);
    json_decref(j[1]);
}
