/* plot.c — gnuplot terminals, scripts and the pipe that runs them. */
#include "fadyn/plot.h"
#include "fadyn/work.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int fadyn_plot_escape(const char *s, char *out, size_t n, fadyn_err *err) {
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return fadyn_err_set(err, FADYN_EINVAL,
                                 "holds a control character (byte 0x%02x), which a gnuplot "
                                 "script cannot name",
                                 *p);
        if (k + 3 > n) return fadyn_err_set(err, FADYN_EINVAL, "is too long");
        if (*p == '\'') out[k++] = '\'';
        out[k++] = (char)*p;
    }
    if (k + 1 > n) return fadyn_err_set(err, FADYN_EINVAL, "is too long");
    out[k] = '\0';
    return FADYN_OK;
}

static int ends_with(const char *s, const char *suf) {
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcmp(s + n - k, suf) == 0;
}

int fadyn_plot_target_parse(fadyn_plot_target *t, const char *arg, int width, int height,
                            fadyn_err *err) {
    memset(t, 0, sizeof *t);
    if (width <= 0) width = 1200;
    if (height <= 0) height = 900;
    if (strcmp(arg, "dumb") == 0) {
        t->dumb = 1;
        strcpy(t->dir, ".");
        snprintf(t->terminal, sizeof t->terminal, "dumb size 110,36");
        return FADYN_OK;
    }
    const char *ext = strrchr(arg, '.');
    if (!ext || strchr(ext, '/'))
        return fadyn_err_set(err, FADYN_EINVAL,
                             "target %s: give a file ending in .png, .svg or .pdf, or 'dumb'", arg);
    if (ends_with(arg, ".png"))
        snprintf(t->terminal, sizeof t->terminal,
                 "pngcairo size %d,%d enhanced font 'DejaVu Sans,11'", width, height);
    else if (ends_with(arg, ".svg"))
        snprintf(t->terminal, sizeof t->terminal,
                 "svg size %d,%d enhanced font 'DejaVu Sans,11' background 'white'", width, height);
    else if (ends_with(arg, ".pdf"))
        snprintf(t->terminal, sizeof t->terminal, "pdfcairo size %.1fin,%.1fin enhanced",
                 width / 120.0, height / 120.0);
    else
        return fadyn_err_set(err, FADYN_EINVAL,
                             "target %s: unknown extension (use .png, .svg, .pdf or 'dumb')", arg);
    if (strlen(arg) >= sizeof t->stem)
        return fadyn_err_set(err, FADYN_EINVAL, "target %s: path too long", arg);
    const char *slash = strrchr(arg, '/');
    const char *name = slash ? slash + 1 : arg;
    if (slash) {
        size_t n = (size_t)(slash - arg);
        memcpy(t->dir, arg, n ? n : 1);
        t->dir[n ? n : 1] = '\0';
    } else {
        strcpy(t->dir, ".");
    }
    snprintf(t->image, sizeof t->image, "%s", name);
    snprintf(t->base, sizeof t->base, "%.*s", (int)(strrchr(name, '.') - name), name);
    snprintf(t->stem, sizeof t->stem, "%.*s", (int)(ext - arg), arg);
    /* the image's name goes into the script (quoted); its directory does not */
    char q[sizeof t->qbase];
    if (fadyn_plot_escape(t->image, q, sizeof q, err) != FADYN_OK ||
        fadyn_plot_escape(t->base, t->qbase, sizeof t->qbase, err) != FADYN_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return fadyn_err_set(err, FADYN_EINVAL, "%s: the image's name %s", arg, why);
    }
    return fadyn_path_writable(arg, err);
}

int fadyn_plot_have_gnuplot(void) {
    const char *path = getenv("PATH");
    if (!path) return 0;
    char buf[4096];
    const char *p = path;
    while (*p) {
        const char *q = strchr(p, ':');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n > 0 && n + 9 < sizeof buf) {
            memcpy(buf, p, n);
            strcpy(buf + n, "/gnuplot");
            if (access(buf, X_OK) == 0) return 1;
        }
        if (!q) break;
        p = q + 1;
    }
    return 0;
}

int fadyn_plot_sibling(const fadyn_plot_target *t, const char *suffix, char *out, size_t n) {
    int k = t->dumb ? snprintf(out, n, "fadyn-plot%s", suffix)
                    : snprintf(out, n, "%s%s", t->stem, suffix);
    return (k < 0 || (size_t)k >= n) ? FADYN_EINVAL : FADYN_OK;
}

void fadyn_plot_preamble(const fadyn_plot_target *t, fadyn_strbuf *b) {
    char image[sizeof t->qbase] = "";
    if (!t->dumb) fadyn_plot_escape(t->image, image, sizeof image, NULL); /* checked by parse */
    fadyn_strbuf_printf(b, "# written by fadyn; re-render with: gnuplot %s.gp\n", t->base);
    fadyn_strbuf_printf(b, "set terminal %s\n", t->terminal);
    if (!t->dumb) fadyn_strbuf_printf(b, "set output '%s'\n", image);
    fadyn_strbuf_printf(b, "set datafile separator tab\nset key noautotitle\n");
}

int fadyn_plot_render(const fadyn_plot_target *t, const char *script, fadyn_err *err) {
    if (!t->dumb) {
        char gp[FADYN_PATH_MAX];
        if (fadyn_plot_sibling(t, ".gp", gp, sizeof gp) != FADYN_OK)
            return fadyn_err_set(err, FADYN_EINVAL, "plot path too long");
        int rc = fadyn_write_text(gp, script, err);
        if (rc != FADYN_OK) return rc;
    }
    if (!fadyn_plot_have_gnuplot())
        return fadyn_err_set(
            err, FADYN_ENOGNUPLOT,
            "gnuplot not found: the data and script are written; install it "
            "with 'apt-get install gnuplot-x11' (or gnuplot-nox) to draw the figure");
    if (fadyn_work_rank() != 0) return FADYN_OK; /* only rank 0 draws (fadyn/work.h) */
    /* the data the script reads must be in place (fadyn_out_flush) */
    int rc = fadyn_out_flush(err);
    if (rc != FADYN_OK) return rc;
    fflush(stdout);
    int fd[2];
    if (pipe(fd) != 0)
        return fadyn_err_set(err, FADYN_EPLOT, "cannot start gnuplot: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fd[0]);
        close(fd[1]);
        return fadyn_err_set(err, FADYN_EPLOT, "cannot start gnuplot: %s", strerror(e));
    }
    if (pid == 0) {
        /* The saved script is relative to its directory; gnuplot starts there. */
        close(fd[1]);
        if (dup2(fd[0], STDIN_FILENO) < 0 || chdir(t->dir) != 0) _exit(126);
        close(fd[0]);
        execlp("gnuplot", "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(fd[0]);
    /* gnuplot may stop reading early (it failed): a write error, not SIGPIPE */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    size_t len = strlen(script), off = 0;
    while (off < len) {
        ssize_t k = write(fd[1], script + off, len - off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        off += (size_t)k;
    }
    close(fd[1]);
    sigaction(SIGPIPE, &old, NULL);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return fadyn_err_set(err, FADYN_EPLOT, "gnuplot: lost the process");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return fadyn_err_set(err, FADYN_EPLOT, "gnuplot failed on %s.gp (status %d)", t->stem,
                             WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return FADYN_OK;
}

int fadyn_plot_finish(const fadyn_plot_target *t, fadyn_strbuf *b, fadyn_err *err) {
    int rc = b->oom ? fadyn_err_set(err, FADYN_ENOMEM, "out of memory writing the plot script")
                    : fadyn_plot_render(t, b->s, err);
    fadyn_strbuf_free(b);
    return rc;
}

int fadyn_plot_make(const fadyn_plot_target *t, const fadyn_plot_data *data, size_t ndata,
                    fadyn_plot_draw_fn draw, const void *ctx, fadyn_err *err) {
    char path[FADYN_PATH_MAX];
    int rc = FADYN_OK;
    size_t done = 0; /* data files written (the dumb target removes them) */
    for (; done < ndata && rc == FADYN_OK; done++) {
        const fadyn_plot_data *d = &data[done];
        if (fadyn_plot_sibling(t, d->suffix, path, sizeof path) != FADYN_OK)
            rc = fadyn_err_set(err, FADYN_EINVAL, "%s%s: path too long", t->stem, d->suffix);
        else if (t->dumb || !d->written || strcmp(path, d->written) != 0)
            rc = d->write(path, d->ctx, err);
    }
    if (rc == FADYN_OK) rc = draw(t, ctx, err);
    for (size_t k = 0; t->dumb && k < done; k++)
        if (fadyn_plot_sibling(t, data[k].suffix, path, sizeof path) == FADYN_OK) remove(path);
    if (rc == FADYN_ENOGNUPLOT) {
        if (err) err->code = FADYN_NOPLOT;
        return FADYN_NOPLOT;
    }
    return rc;
}

size_t fadyn_plot_big_files(const fadyn_plot_target *t, const fadyn_plot_data *data,
                            const double *bytes, size_t ndata, double limit, size_t *big) {
    char path[FADYN_PATH_MAX];
    size_t n = 0;
    for (size_t k = 0; k < ndata; k++) {
        const fadyn_plot_data *d = &data[k];
        if (!(bytes[k] > limit) || fadyn_plot_sibling(t, d->suffix, path, sizeof path) != FADYN_OK)
            continue;
        if (t->dumb || !d->written || strcmp(path, d->written) != 0) big[n++] = k;
    }
    return n;
}
