/* test_voice.c — the library speaks of its own fields, never of the command
 * line's flags (issue 8): a scan of every string literal in the library's
 * sources, and library checks called directly. */
#include "fadyn.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does the literal s[0..n) name a flag ("--word") or a command's help? */
static int names_flag(const char *s, size_t n) {
    for (size_t i = 0; i + 2 < n; i++)
        if (s[i] == '-' && s[i + 1] == '-' && islower((unsigned char)s[i + 2]) &&
            (i == 0 || !isalnum((unsigned char)s[i - 1])))
            return 1;
    for (size_t i = 0; i + 7 < n; i++)
        if (strncmp(s + i, "--help", 6) == 0) return 1;
    return 0;
}

/* Every string literal of the file (comments and character constants
 * skipped) that names a flag is reported; returns how many. */
static int scan(const char *path) {
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = '\0';
    int bad = 0;
    size_t line = 1;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n') line++;
        if (buf[i] == '/' && buf[i + 1] == '/') {
            while (i < len && buf[i] != '\n')
                i++;
            line++;
        } else if (buf[i] == '/' && buf[i + 1] == '*') {
            for (i += 2; i + 1 < len && !(buf[i] == '*' && buf[i + 1] == '/'); i++)
                if (buf[i] == '\n') line++;
            i++;
        } else if (buf[i] == '\'') {
            for (i++; i < len && buf[i] != '\''; i++)
                if (buf[i] == '\\') i++;
        } else if (buf[i] == '"') {
            size_t start = ++i;
            for (; i < len && buf[i] != '"'; i++)
                if (buf[i] == '\\') i++;
            if (names_flag(buf + start, i - start)) {
                cr_log_error("%s:%zu: \"%.*s\" names a flag", path, line, (int)(i - start),
                             buf + start);
                bad++;
            }
        }
    }
    return bad;
}

Test(voice, no_library_string_names_a_flag) {
    const char *dirs[] = {"src/core",        "src/data",  "src/dynamics", "src/integrate",
                          "src/experiments", "src/phase", "src/rules",    "src/train",
                          "src/verify",      "src/plot",  "include/fadyn"};
    int bad = 0, files = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        DIR *dir = opendir(dirs[d]);
        cr_assert(dir, "cannot open %s (run from the repository's top)", dirs[d]);
        struct dirent *e;
        while ((e = readdir(dir))) {
            size_t n = strlen(e->d_name);
            if (n < 3 || (strcmp(e->d_name + n - 2, ".c") && strcmp(e->d_name + n - 2, ".h")))
                continue;
            char path[512];
            snprintf(path, sizeof path, "%s/%s", dirs[d], e->d_name);
            bad += scan(path);
            files++;
        }
        closedir(dir);
    }
    cr_expect_gt(files, 50, "only %d library files found", files);
    cr_expect_eq(bad, 0, "%d library strings name a command-line flag", bad);
}

Test(voice, the_scan_sees_a_flag) {
    cr_expect(names_flag("x --rtol 1", 10));
    cr_expect(names_flag("see fadyn ode --help", 20));
    cr_expect_not(names_flag("rtol 0: must be > 0", 19));
    cr_expect_not(names_flag("a -- b", 6));
}

/* Each library check names the struct's field first, and no flag. */
Test(voice, library_checks_name_the_field) {
    fadyn_err err;
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.t_end = 0;
    cr_expect_eq(fadyn_integ_params_check(&ip, &err), FADYN_EINVAL);
    cr_expect(strncmp(err.msg, "t_end 0:", 8) == 0 && !strstr(err.msg, "--"), "%s", err.msg);
    ip = fadyn_integ_params_default();
    ip.log_time = 1, ip.t_min = 200;
    cr_expect_eq(fadyn_integ_params_check(&ip, &err), FADYN_EINVAL);
    cr_expect(strncmp(err.msg, "t_min 200:", 10) == 0 && !strstr(err.msg, "--"), "%s", err.msg);
    fadyn_train_params tp = fadyn_train_params_default();
    tp.eta = 0.01, tp.eval_every = 0;
    cr_expect_eq(fadyn_train_params_check(&tp, &err), FADYN_EINVAL);
    cr_expect(strncmp(err.msg, "eval_every 0:", 13) == 0, "%s", err.msg);
    tp = fadyn_train_params_default();
    tp.eta = 0.01, tp.b_scale = -1;
    cr_expect_eq(fadyn_train_params_check(&tp, &err), FADYN_EINVAL);
    cr_expect(strncmp(err.msg, "b_scale -1:", 11) == 0, "%s", err.msg);
    fadyn_compare_params cp = fadyn_compare_params_default();
    cp.repeats = 0;
    cr_expect_eq(fadyn_compare_params_check(&cp, &err), FADYN_EINVAL);
    cr_expect(strncmp(err.msg, "repeats 0:", 10) == 0, "%s", err.msg);
    fadyn_task_params task = fadyn_task_params_default(FADYN_TASK_LINEAR);
    size_t sizes[] = {3, 4};
    fadyn_net_spec spec = fadyn_net_spec_make(1, sizes, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    cr_expect_eq(fadyn_train_spec_check(&task, &spec, &err), FADYN_EINVAL);
    cr_expect(strncmp(err.msg, "sizes:", 6) == 0 && !strstr(err.msg, "--"), "%s", err.msg);
    fadyn_problem p;
    size_t two[] = {3, 2};
    cr_expect_eq(fadyn_problem_alloc(&p, 1, two, fadyn_rule_type_find("fa"), &err), FADYN_EINVAL);
    cr_expect(strncmp(err.msg, "sizes:", 6) == 0, "%s", err.msg);
}
