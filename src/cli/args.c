/* args.c — argument parsing, one-line errors, exit codes, progress. */
#include "cli.h"
#include "fadyn/integrate.h"
#include "fadyn/io.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "fadyn %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_error_err(const char *cmd, const fadyn_err *err) {
    cli_error(cmd, "%s", err->msg[0] ? err->msg : fadyn_strerror(err->code));
}

int cli_plot_status(const char *cmd, int rc, const fadyn_err *err) {
    if (rc != FADYN_NOPLOT) return rc;
    cli_error_err(cmd, err);
    return FADYN_OK;
}

int cli_exit_code(int status) {
    switch (status) {
    case FADYN_OK:
    case FADYN_NOPLOT:
        return CLI_EXIT_OK;
    case FADYN_DIVERGED:
        return CLI_EXIT_DIVERGED;
    case FADYN_STOPPED:
        return CLI_EXIT_STOPPED;
    case FADYN_EINVAL:
    case FADYN_EPARSE:
    case FADYN_ESHAPE:
    case FADYN_ENONFINITE:
    case FADYN_EIO:
        return CLI_EXIT_USAGE;
    default:
        return CLI_EXIT_FAILED;
    }
}

int cli_double(const char *cmd, const char *opt, const char *s, double *out) {
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end != '\0') {
        cli_error(cmd, "%s '%s': not a number", opt, s);
        return CLI_EXIT_USAGE;
    }
    if (!isfinite(x) || errno == ERANGE) {
        cli_error(cmd, "%s '%s': not a finite number", opt, s);
        return CLI_EXIT_USAGE;
    }
    *out = x;
    return 0;
}

int cli_stepper(const char *cmd, const char *s, const fadyn_stepper_info **out) {
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_stepper_parse(s, out, &err) == FADYN_OK) return 0;
    cli_error_err(cmd, &err);
    return CLI_EXIT_USAGE;
}

int cli_ulong(const char *cmd, const char *opt, const char *s, unsigned long *out) {
    char *end;
    errno = 0;
    while (*s == ' ')
        s++;
    if (*s == '-') {
        cli_error(cmd, "%s '%s': must not be negative", opt, s);
        return CLI_EXIT_USAGE;
    }
    unsigned long x = strtoul(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE) {
        cli_error(cmd, "%s '%s': not a whole number", opt, s);
        return CLI_EXIT_USAGE;
    }
    *out = x;
    return 0;
}

int cli_size(const char *cmd, const char *opt, const char *s, size_t *out) {
    unsigned long x;
    int rc = cli_ulong(cmd, opt, s, &x);
    if (rc == 0) *out = (size_t)x;
    return rc;
}

/* Split s at commas, calling parse on each piece. */
static int each_item(const char *cmd, const char *opt, const char *s, size_t max, size_t *n,
                     int (*parse)(const char *, const char *, const char *, void *, size_t),
                     void *out) {
    char buf[4096];
    if (strlen(s) >= sizeof buf) {
        cli_error(cmd, "%s: list too long", opt);
        return CLI_EXIT_USAGE;
    }
    strcpy(buf, s);
    size_t k = 0;
    char *save = NULL;
    if (buf[0] == '\0' || buf[strlen(buf) - 1] == ',') {
        cli_error(cmd, "%s '%s': empty entry in the list", opt, s);
        return CLI_EXIT_USAGE;
    }
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (k == max) {
            cli_error(cmd, "%s '%s': more than %zu entries", opt, s, max);
            return CLI_EXIT_USAGE;
        }
        int rc = parse(cmd, opt, tok, out, k);
        if (rc) return rc;
        k++;
    }
    *n = k;
    return 0;
}

static int parse_size_item(const char *cmd, const char *opt, const char *tok, void *out, size_t k) {
    return cli_size(cmd, opt, tok, (size_t *)out + k);
}

static int parse_double_item(const char *cmd, const char *opt, const char *tok, void *out,
                             size_t k) {
    return cli_double(cmd, opt, tok, (double *)out + k);
}

int cli_size_list(const char *cmd, const char *opt, const char *s, size_t *out, size_t max,
                  size_t *n) {
    return each_item(cmd, opt, s, max, n, parse_size_item, out);
}

int cli_double_list(const char *cmd, const char *opt, const char *s, double *out, size_t max,
                    size_t *n) {
    return each_item(cmd, opt, s, max, n, parse_double_item, out);
}

int cli_bad_option(const char *cmd, char **argv) {
    const char *arg = argv[optind - 1];
    if (optopt && optopt < 256 && arg[0] == '-' && arg[1] != '-')
        cli_error(cmd, "-%c: unknown option or missing value (see --help)", optopt);
    else
        cli_error(cmd, "%s: unknown option or missing value (see --help)", arg);
    return CLI_EXIT_USAGE;
}

int cli_no_operands(const char *cmd, int argc, char **argv) {
    if (optind < argc) {
        cli_error(cmd, "unexpected argument '%s' (see --help)", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cli_check_out(const char *cmd, const char *opt, const char *path) {
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_path_writable(path, &err) != FADYN_OK) {
        cli_error(cmd, "%s %s", opt, err.msg);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static int progress_on(void) {
    const char *e = getenv("FADYN_PROGRESS");
    if (e) return strcmp(e, "0") != 0;
    return isatty(2);
}

/* CLI-only state: the last percentage shown (-1: nothing on the line). */
static int progress_last = -1;

void cli_progress(const char *label, double fraction) {
    if (!progress_on()) return;
    int pct = (int)(100.0 * fraction);
    if (pct == progress_last) return;
    fprintf(stderr, "\r%s: %3d%%", label, pct);
    fflush(stderr);
    progress_last = pct;
}

int cli_progress_enabled(void) {
    return progress_on();
}

void cli_progress_text(const char *text) {
    if (!progress_on()) return;
    fprintf(stderr, "\r%-79s", text);
    fflush(stderr);
    progress_last = 0;
}

void cli_progress_done(void) {
    if (progress_last >= 0) fputc('\n', stderr);
    progress_last = -1;
}
