/* test_cli_paths.c — hostile output paths (issue 13): names that would be
 * gnuplot commands if pasted unquoted, quotes in paths; devices, FIFOs and
 * symbolic links as outputs; a signal while the outputs are written. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int is_png(const char *path) {
    unsigned char m[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t k = fread(m, 1, sizeof m, f);
    fclose(f);
    return k == 8 && memcmp(m, "\x89PNG\r\n\x1a\n", 8) == 0;
}

static void rm_rf(const char *dir) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* The first line of path into line (the test fails if there is none). */
static void first_line(const char *path, char *line, size_t n) {
    FILE *f = fopen(path, "r");
    line[0] = '\0';
    cr_assert_not_null(f, "%s", path);
    cr_expect_not_null(fgets(line, (int)n, f), "%s is empty", path);
    fclose(f);
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
    rm_rf(dir);
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
    rm_rf(dir);
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

/* ---- special files: written in place, never replaced (issue 13, class 2) ---------- */

static const char *fadyn_bin(void) {
    const char *bin = getenv("FADYN_BIN");
    return bin ? bin : "build/fadyn";
}

Test(cli_paths, dev_null_is_written_and_stays_a_device) {
    struct stat before, after;
    cr_assert_eq(stat("/dev/null", &before), 0);
    cr_assert(S_ISCHR(before.st_mode));
    const char *argv[] = {"fadyn", "ode", "--t-end", "1", "--out", "/dev/null", "--quiet", NULL};
    char err[512];
    cr_expect_eq(th_runv(argv, NULL, NULL, NULL, err, sizeof err), 0, "%s", err);
    cr_assert_eq(stat("/dev/null", &after), 0);
    cr_expect(S_ISCHR(after.st_mode), "/dev/null is no longer a character device");
    cr_expect_eq(after.st_rdev, before.st_rdev);
    cr_expect_eq(after.st_ino, before.st_ino);
}

Test(cli_paths, dev_full_fails_the_run_and_stays_a_device) {
    struct stat st;
    cr_assert_eq(stat("/dev/full", &st), 0);
    cr_assert(S_ISCHR(st.st_mode));
    const char *argv[] = {"fadyn", "ode", "--t-end", "1", "--out", "/dev/full", "--quiet", NULL};
    char err[512];
    cr_expect_eq(th_runv(argv, NULL, NULL, NULL, err, sizeof err), 1, "%s", err);
    cr_expect(strstr(err, "No space left on device") != NULL, "%s", err);
    cr_assert_eq(stat("/dev/full", &st), 0);
    cr_expect(S_ISCHR(st.st_mode), "/dev/full is no longer a character device");
}

/* A FIFO with a reader gets the table through the pipe and stays a FIFO. */
Test(cli_paths, fifo_is_written_through_and_stays_a_fifo) {
    char dir[64], fifo[128], got[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    snprintf(got, sizeof got, "%s/got", dir);
    cr_assert_eq(mkfifo(fifo, 0644), 0);
    pid_t reader = fork();
    cr_assert(reader >= 0);
    if (reader == 0) {
        FILE *in = fopen(fifo, "r"), *out = fopen(got, "w");
        int c;
        while (in && out && (c = fgetc(in)) != EOF)
            fputc(c, out);
        _exit(in && out && fclose(out) == 0 ? 0 : 1);
    }
    const char *argv[] = {"fadyn", "ode", "--t-end", "1", "--out", fifo, "--quiet", NULL};
    char err[512];
    cr_expect_eq(th_runv(argv, NULL, NULL, NULL, err, sizeof err), 0, "%s", err);
    int st;
    cr_assert_eq(waitpid(reader, &st, 0), reader);
    struct stat sb;
    cr_assert_eq(lstat(fifo, &sb), 0);
    cr_expect(S_ISFIFO(sb.st_mode), "the FIFO was replaced");
    char line[256];
    first_line(got, line, sizeof line);
    cr_expect(strncmp(line, "t\tloss\tnse", 10) == 0, "the reader got '%s'", line);
    rm_rf(dir);
}

/* A symbolic link is written through: its target is replaced, the link stays. */
Test(cli_paths, symlink_is_written_through_to_its_target) {
    char dir[64], link[128], target[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(target, sizeof target, "%s/target.tsv", dir);
    snprintf(link, sizeof link, "%s/link.tsv", dir);
    FILE *f = fopen(target, "w");
    cr_assert_not_null(f);
    fputs("old\n", f);
    fclose(f);
    cr_assert_eq(symlink("target.tsv", link), 0);
    const char *argv[] = {"fadyn", "ode", "--t-end", "1", "--out", link, "--quiet", NULL};
    char err[512];
    cr_expect_eq(th_runv(argv, NULL, NULL, NULL, err, sizeof err), 0, "%s", err);
    struct stat sb;
    cr_assert_eq(lstat(link, &sb), 0);
    cr_expect(S_ISLNK(sb.st_mode), "the link was replaced by a file");
    char buf[64] = "";
    cr_expect_gt(readlink(link, buf, sizeof buf - 1), 0);
    cr_expect_str_eq(buf, "target.tsv");
    char line[256];
    first_line(target, line, sizeof line);
    cr_expect(strncmp(line, "t\tloss", 6) == 0, "the target holds '%s'", line);
    rm_rf(dir);
}

/* ---- a signal while the outputs are written (issue 13, class 7) ------------------- */

static void nap_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int count_tmp(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strstr(e->d_name, ".tmp.") != NULL;
    if (d) closedir(d);
    return n;
}

/* --out is written (a temporary waiting for the end of the run), then
 * --summary, a FIFO nobody reads, blocks: SIGINT then must leave no
 * temporary and no --out behind.  Up to 60 s of waiting for the temporary,
 * 300 s in all: under make sanitize at a load of 21 on the 2-core machine
 * the test timed out at 60 s. */
Test(cli_paths, sigint_while_writing_leaves_no_temporary, .timeout = 300) {
    char dir[64], fifo[128], out[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(fifo, sizeof fifo, "%s/summary.json", dir);
    snprintf(out, sizeof out, "%s/o.tsv", dir);
    cr_assert_eq(mkfifo(fifo, 0644), 0);
    const char *bin = fadyn_bin();
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        execl(bin, "fadyn", "ode", "--t-end", "1", "--out", out, "--summary", fifo, "--quiet",
              (char *)NULL);
        _exit(127);
    }
    int waited = 0;
    while (count_tmp(dir) == 0 && waited++ < 6000)
        nap_ms(10);
    cr_expect_eq(count_tmp(dir), 1, "no temporary of --out appeared");
    nap_ms(50); /* fadyn is now blocked opening the FIFO */
    cr_assert_eq(kill(pid, SIGINT), 0);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "status %d", st);
    cr_expect_eq(count_tmp(dir), 0, "a temporary was left behind");
    cr_expect(!exists(out), "--out was committed by an interrupted run");
    rm_rf(dir);
}

/* ---- no bare nan in the text reports (issue 13, class 7) -------------------------- */

/* stdout of fadyn argv into a file; its text (static, up to 16 KiB). */
static const char *stdout_of(const char *const *argv, int want) {
    static char text[16384];
    char dir[64], out[128], err[512];
    th_tmpdir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/stdout", dir);
    FILE *f = fopen(out, "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_expect_eq(th_runv(argv, NULL, NULL, out, err, sizeof err), want, "%s", err);
    f = fopen(out, "r");
    cr_assert_not_null(f);
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    rm_rf(dir);
    return text;
}

Test(cli_paths, reports_say_na_not_nan) {
    static const struct {
        const char *argv[8];
        int exit;
        const char *want;
    } runs[] = {
        {{"fadyn", "ode", "--init-scale", "100", "--radius", "50"},
         3,
         "largest rise of V    n/a (diverged)"},
        {{"fadyn", "ode", "--sigma", "1e-300", "--t-end", "1"},
         0,
         "angle to bp / pbp    undefined at every sample"},
        {{"fadyn", "compare", "--etas", "10"}, 3, "n/a (diverged)"},
        {{"fadyn", "train", "--eta", "10", "--runs", "1"},
         3,
         "final NSE           n/a (no run finished)"},
    };
    for (size_t k = 0; k < sizeof runs / sizeof *runs; k++) {
        const char *t = stdout_of(runs[k].argv, runs[k].exit);
        cr_expect(strstr(t, runs[k].want) != NULL, "%s: %s", runs[k].argv[1], t);
        cr_expect(strstr(t, "nan") == NULL, "%s: %s", runs[k].argv[1], t);
    }
}

/* ---- a full disk (issue 13, class 7) ----------------------------------------------- */

/* --save-final onto a 40 KiB tmpfs (a private mount namespace; skipped
 * where mounting is not allowed) fails with one line; the directory it
 * made is removed, no temporary is left, and --out's earlier file stays. */
Test(cli_paths, disk_full_save_final_leaves_nothing, .timeout = 60) {
    char dir[64], cmd[2048], keep[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(keep, sizeof keep, "%s/keep.tsv", dir);
    FILE *f = fopen(keep, "w");
    cr_assert_not_null(f);
    fputs("earlier\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "unshare -m sh -c 'mount -t tmpfs -o size=40k none %s/full 2>/dev/null || exit 99; "
             "%s ode --sizes 30,200,10 --t-end 1 --out %s --save-final %s/full/fin --quiet "
             "2>%s/err; echo $? >%s/rc; ls -A %s/full >%s/left' 2>/dev/null",
             dir, fadyn_bin(), keep, dir, dir, dir, dir, dir);
    char full[128];
    snprintf(full, sizeof full, "%s/full", dir);
    cr_assert_eq(mkdir(full, 0755), 0);
    int st = system(cmd);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        rm_rf(dir);
        cr_skip_test("no private tmpfs here (unshare -m and mount need root)");
    }
    char path[160], line[512];
    snprintf(path, sizeof path, "%s/rc", dir);
    first_line(path, line, sizeof line);
    cr_expect_eq(atoi(line), 1, "exit %s", line);
    snprintf(path, sizeof path, "%s/err", dir);
    first_line(path, line, sizeof line);
    cr_expect(strstr(line, "No space left on device") != NULL, "%s", line);
    snprintf(path, sizeof path, "%s/left", dir);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_expect_eq(fgetc(f), EOF, "the full disk still holds something");
    fclose(f);
    first_line(keep, line, sizeof line);
    cr_expect_str_eq(line, "earlier\n", "--out's earlier file was replaced");
    rm_rf(dir);
}
