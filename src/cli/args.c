/* args.c — one-line errors, exit codes, output paths, progress. */
#include "cli.h"
#include "fadyn/io.h"
#include "fadyn/work.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The text of the last error line, for cli_agree. */
static char last_error[512];

void cli_error(const char *cmd, const char *fmt, ...) {
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(last_error, sizeof last_error, "%.511s", msg);
    /* one line whatever the names in it hold: control bytes escaped */
    fprintf(stderr, "fadyn %s: ", cmd);
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            fprintf(stderr, *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : "\\x%02x", *p);
        else
            fputc(*p, stderr);
    fputc('\n', stderr);
}

void cli_error_err(const char *cmd, const fadyn_err *err) {
    if (strncmp(err->msg, "target ", 7) == 0) /* a plot target's error (fadyn/plot.h) */
        cli_error(cmd, "--plot %s", err->msg + 7);
    else
        cli_error(cmd, "%s", err->msg[0] ? err->msg : fadyn_strerror(err->code));
}

void cli_error_lines(const char *cmd, const char *text) {
    for (const char *nl; text && *text && (nl = strchr(text, '\n')); text = nl + 1)
        cli_error(cmd, "%.*s", (int)(nl - text), text);
}

int cli_plot_status(const char *cmd, int rc, const fadyn_err *err) {
    if (rc != FADYN_NOPLOT) return rc;
    cli_error_err(cmd, err);
    return FADYN_OK;
}

void cli_plot_warn_big(const char *cmd, const fadyn_plot_target *t, const fadyn_plot_data *data,
                       const double *bytes, size_t ndata) {
    size_t big[64],
        n = fadyn_plot_big_files(t, data, bytes, ndata < 64 ? ndata : 64, FADYN_PLOT_BIG, big);
    char path[FADYN_PATH_MAX];
    for (size_t k = 0; k < n; k++)
        if (fadyn_plot_sibling(t, data[big[k]].suffix, path, sizeof path) == FADYN_OK)
            fprintf(stderr, "fadyn %s: note: --plot writes %s beside the image, about %.0f MB\n",
                    cmd, path, bytes[big[k]] / 1e6);
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

void cli_put_lines(fadyn_strbuf *b) {
    if (b->s) fputs(b->s, stdout);
    fadyn_strbuf_free(b);
}

static int stdout_closed;

void cli_start(void) {
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) { /* else a temporary would get fd */
            int k = open(fd == 1 ? "/dev/full" : "/dev/null", fd ? O_WRONLY : O_RDONLY);
            if (k >= 0 && k != fd) close(k); /* (k == fd: the lowest free descriptor) */
            if (fd == 1) stdout_closed = 1;
        }
    fadyn_out_begin();
}

int cli_finish(const char *cmd, int rc) {
    int ok = fflush(stdout) == 0 && !ferror(stdout);
    if (!ok) {
        cli_error(cmd, "standard output: %s; nothing else is written",
                  stdout_closed ? "closed" : strerror(errno ? errno : EIO));
        rc = rc == CLI_EXIT_OK || rc == CLI_EXIT_DIVERGED ? CLI_EXIT_FAILED : rc;
    }
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_out_end(ok && rc != CLI_EXIT_USAGE, &err) != FADYN_OK) {
        cli_error_err(cmd, &err);
        rc = CLI_EXIT_FAILED;
    }
    return rc;
}

int cli_one_rank(const char *cmd, const char *what) {
    int n = fadyn_work_ranks();
    if (n <= 1) return 0;
    cli_error(cmd,
              "%s runs in one process, not across %d MPI ranks (the distributed commands: "
              "docs/scaling.md); run it without mpirun",
              what ? what : cmd, n);
    return 1;
}

int cli_agree(const char *cmd, int rc) {
    if (rc < 0 || fadyn_work_ranks() < 2) return rc; /* --help: the same on every rank */
    fadyn_err err;
    fadyn_err_clear(&err);
    if (rc > 0) fadyn_err_set(&err, FADYN_EINVAL, "%s", last_error);
    int worst = fadyn_work_agree(rc > 0 ? -rc : FADYN_OK, &err);
    if (worst < 0 && rc == 0) cli_error(cmd, "%s", err.msg); /* another rank's line */
    return worst < 0 ? -worst : 0;
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
