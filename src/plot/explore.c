/* explore.c — the interactive phase portrait (fadyn/explore.h): gnuplot on
 * the x11 terminal through two pipes, the click loop, and the log of every
 * start. */
#include "fadyn/explore.h"
#include "fadyn/io.h"
#include "fadyn/plot.h"
#include "fadyn/plots.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define STEM "p" /* the tables' stem in the temporary directory */

/* ---- the display ------------------------------------------------------------ */

/* 0 if a stream socket to the address connects within 2 s. */
static int try_connect(int family, const struct sockaddr *addr, socklen_t len) {
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int rc = connect(fd, addr, len);
    close(fd);
    return rc;
}

static int local_display(long num) {
    struct sockaddr_un un;
    for (int abstract = 1; abstract >= 0; abstract--) {
        memset(&un, 0, sizeof un);
        un.sun_family = AF_UNIX;
        int k =
            snprintf(un.sun_path + abstract, sizeof un.sun_path - 1, "/tmp/.X11-unix/X%ld", num);
        socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)abstract +
                                    (size_t)k + (abstract ? 0u : 1u));
        if (try_connect(AF_UNIX, (struct sockaddr *)&un, len) == 0) return 0;
    }
    return -1;
}

static int tcp_display(const char *host, long num) {
    char port[16];
    snprintf(port, sizeof port, "%ld", 6000 + num);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
    int rc = -1;
    for (struct addrinfo *a = res; a && rc != 0; a = a->ai_next)
        rc = try_connect(a->ai_family, a->ai_addr, a->ai_addrlen);
    freeaddrinfo(res);
    return rc;
}

int fadyn_explore_display(const char *d, fadyn_err *err) {
    if (!d || !*d)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "no X display: DISPLAY is not set (the window needs one; replay "
                             "the starts of a file into an image instead)");
    const char *colon = strrchr(d, ':');
    char *end = NULL;
    long num = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || end == colon + 1 || (*end && *end != '.') || num < 0 || num > 59535 ||
        colon - d >= 256)
        return fadyn_err_set(err, FADYN_EINVAL, "no X display: DISPLAY '%.100s' is not [host]:N",
                             d);
    char host[256];
    snprintf(host, sizeof host, "%.*s", (int)(colon - d), d);
    int rc = (!*host || strcmp(host, "unix") == 0) ? local_display(num) : tcp_display(host, num);
    if (rc != 0)
        return fadyn_err_set(err, FADYN_EINVAL, "no X display: cannot open DISPLAY '%.100s'", d);
    return FADYN_OK;
}

/* ---- gnuplot through two pipes ------------------------------------------------ */

typedef struct {
    pid_t pid;
    FILE *to, *from;
} gp_proc;

/* gnuplot in dir, its standard input and output piped to us. */
static int gp_start(gp_proc *g, const char *dir, fadyn_err *err) {
    int in[2], out[2];
    g->pid = -1;
    g->to = g->from = NULL;
    if (pipe(in) != 0) return fadyn_err_set(err, FADYN_EPLOT, "pipe: %s", strerror(errno));
    if (pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return fadyn_err_set(err, FADYN_EPLOT, "pipe: %s", strerror(errno));
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0 || chdir(dir) != 0)
            _exit(126);
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        execlp("gnuplot", "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        int e = errno;
        close(in[1]);
        close(out[0]);
        return fadyn_err_set(err, FADYN_EPLOT, "cannot start gnuplot: %s", strerror(e));
    }
    g->pid = pid;
    g->to = fdopen(in[1], "w");
    g->from = fdopen(out[0], "r");
    if (!g->to || !g->from) {
        if (g->to)
            fclose(g->to);
        else
            close(in[1]);
        if (g->from)
            fclose(g->from);
        else
            close(out[0]);
        g->to = g->from = NULL;
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    }
    return FADYN_OK;
}

/* Send the commands; 0, or -1 if gnuplot stopped reading. */
static int gp_send(gp_proc *g, const char *s) {
    return fputs(s, g->to) < 0 || fflush(g->to) != 0 ? -1 : 0;
}

/* The next line gnuplot printed that starts with "FADYN " (its rest in
 * line), or -1 at the end of its output. */
static int gp_reply(gp_proc *g, char *line, size_t n) {
    while (fgets(line, (int)n, g->from))
        if (strncmp(line, "FADYN ", 6) == 0) {
            memmove(line, line + 6, strlen(line + 6) + 1);
            line[strcspn(line, "\n")] = '\0';
            return 0;
        }
    return -1;
}

/* Close the pipes and wait: gnuplot's exit status, or -1. */
static int gp_stop(gp_proc *g) {
    if (g->to) {
        fputs("exit\n", g->to);
        fclose(g->to);
    }
    if (g->from) fclose(g->from);
    g->to = g->from = NULL;
    int st = 0;
    if (g->pid <= 0) return -1;
    while (waitpid(g->pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    g->pid = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- the session ------------------------------------------------------------ */

typedef struct {
    const fadyn_explore_params *ep;
    fadyn_portrait *p;
    fadyn_explore_result *r;
    char dir[FADYN_PATH_MAX];
    int basin;
    gp_proc gp;
} session;

fadyn_explore_params fadyn_explore_params_default(fadyn_portrait *p) {
    fadyn_explore_params ep;
    memset(&ep, 0, sizeof ep);
    ep.p = p;
    ep.basin = 1;
    ep.width = 1200;
    ep.height = 900;
    return ep;
}

/* Table k of the drawn portrait into the temporary directory, in place at
 * once (gnuplot reads it next; fadyn_out_flush). */
static int write_table(session *s, int k, fadyn_err *err) {
    char path[FADYN_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/" STEM "%s", s->dir, fadyn_portrait_suffix(k));
    int rc = fadyn_portrait_writer(k)(path, s->p, err);
    return rc ? rc : fadyn_out_flush(err);
}

/* Append a copy of the drawn trajectory k to the log. */
static int log_add(session *s, size_t k, fadyn_err *err) {
    fadyn_portrait *log = &s->r->log;
    if (log->ntraj == log->cap) {
        size_t cap = log->cap ? 2 * log->cap : 16;
        fadyn_portrait_traj *t = realloc(log->traj, cap * sizeof *t);
        if (!t) return fadyn_err_set(err, FADYN_ENOMEM, "explore: out of memory");
        log->traj = t;
        log->cap = cap;
    }
    log->traj[log->ntraj++] = s->p->traj[k];
    return s->ep->out ? fadyn_portrait_write_ends(s->ep->out, log, err) : FADYN_OK;
}

/* Rewrite the tables of the trajectories and redraw, then wait for the
 * next event. */
static int redraw(session *s, fadyn_err *err) {
    static const int tables[] = {FADYN_PORTRAIT_ENDS, FADYN_PORTRAIT_TRAJ,
                                 FADYN_PORTRAIT_HEADS_TABLE};
    for (size_t k = 0; k < sizeof tables / sizeof *tables; k++) {
        int rc = write_table(s, tables[k], err);
        if (rc) return rc;
    }
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_flow_plot fp = {s->p, STEM, s->basin,
                          "explore: left click runs forward, right click backward; c clears, b "
                          "shades the basin, q quits"};
    fadyn_plot_flow_commands(&b, &fp);
    fadyn_strbuf_printf(&b,
                        "print 'FADYN ready'\npause mouse button1,button3,keypress,close\n"
                        "print sprintf('FADYN %%d %%d %%.17g %%.17g', "
                        "exists('MOUSE_BUTTON') ? MOUSE_BUTTON : -2, "
                        "exists('MOUSE_KEY') ? MOUSE_KEY : -2, "
                        "exists('MOUSE_X') ? MOUSE_X : NaN, exists('MOUSE_Y') ? MOUSE_Y : NaN)\n");
    int rc = b.oom ? fadyn_err_set(err, FADYN_ENOMEM, "explore: out of memory") : FADYN_OK;
    if (rc == FADYN_OK && gp_send(&s->gp, b.s) != 0)
        rc = fadyn_err_set(err, FADYN_EPLOT, "gnuplot stopped reading its commands");
    fadyn_strbuf_free(&b);
    return rc;
}

/* One event from gnuplot's line "button key x y" into ev; -1 if unreadable. */
static int parse_event(const session *s, const char *line, fadyn_explore_event *ev) {
    int button, key;
    char xs[64], ys[64];
    memset(ev, 0, sizeof *ev);
    if (sscanf(line, "%d %d %63s %63s", &button, &key, xs, ys) != 4) return -1;
    ev->a = strtod(xs, NULL);
    ev->w = strtod(ys, NULL);
    ev->key = key;
    if (key == -1 || key == 'q' || key == 27) {
        ev->kind = FADYN_EXPLORE_QUIT;
    } else if ((button == 1 || button == 3) && key == button) {
        ev->backward = button == 3;
        ev->kind = isfinite(ev->a) && isfinite(ev->w) && fadyn_window_has(&s->p->win, ev->a, ev->w)
                       ? FADYN_EXPLORE_START
                       : FADYN_EXPLORE_OUTSIDE;
    } else if (key == 'c') {
        ev->kind = FADYN_EXPLORE_CLEAR;
    } else if (key == 'b') {
        ev->kind = FADYN_EXPLORE_BASIN;
    } else if (key >= 0) {
        ev->kind = FADYN_EXPLORE_KEY;
    } else {
        return -1; /* no button, no key: the pause did not wait */
    }
    return 0;
}

/* Do what the event asks. */
static int handle(session *s, fadyn_explore_event *ev, fadyn_err *err) {
    int rc = FADYN_OK;
    switch (ev->kind) {
    case FADYN_EXPLORE_START: {
        fadyn_phase_start st = {ev->a, ev->w, ev->backward};
        rc = fadyn_portrait_add(s->p, &st, err);
        if (rc == FADYN_OK) rc = log_add(s, s->p->ntraj - 1, err);
        if (rc == FADYN_OK) {
            s->r->clicks++;
            ev->traj = &s->p->traj[s->p->ntraj - 1];
            fadyn_plot_flow_traj_title(ev->traj, ev->text, sizeof ev->text);
        }
        break;
    }
    case FADYN_EXPLORE_OUTSIDE:
        snprintf(ev->text, sizeof ev->text, "(%.4g, %.4g) lies outside the window: no trajectory",
                 ev->a, ev->w);
        break;
    case FADYN_EXPLORE_CLEAR:
        fadyn_portrait_clear(s->p);
        snprintf(ev->text, sizeof ev->text, "cleared (%zu starts logged)", s->r->log.ntraj);
        break;
    case FADYN_EXPLORE_BASIN:
        s->basin = !s->basin;
        ev->basin = s->basin;
        snprintf(ev->text, sizeof ev->text, "basin shading %s", s->basin ? "on" : "off");
        break;
    case FADYN_EXPLORE_QUIT:
        snprintf(ev->text, sizeof ev->text, "%s after %zu starts",
                 ev->key == -1 ? "window closed" : "quit", s->r->log.ntraj);
        break;
    default:
        snprintf(ev->text, sizeof ev->text, "key %d: nothing (c clears, b basin, q quits)",
                 ev->key);
    }
    return rc;
}

/* Tell the caller about ev (if any). */
static void tell(const session *s, const fadyn_explore_event *ev) {
    if (s->ep->on_event) s->ep->on_event(s->ep->ctx, ev);
}

/* The terminal, and a check that gnuplot has x11. */
static int open_window(session *s, fadyn_err *err) {
    char cmd[512], line[256];
    snprintf(cmd, sizeof cmd,
             "set print '-'\n"
             "print (strstrt(GPVAL_TERMINALS, 'x11') > 0 ? 'FADYN x11' : 'FADYN none')\n");
    if (gp_send(&s->gp, cmd) != 0 || gp_reply(&s->gp, line, sizeof line) != 0)
        return fadyn_err_set(err, FADYN_EPLOT, "gnuplot ended before it drew anything");
    if (strcmp(line, "x11") != 0)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "this gnuplot has no x11 terminal: install gnuplot-x11");
    snprintf(cmd, sizeof cmd,
             "set terminal x11 size %d,%d title 'fadyn flow: explore' ctrlq enhanced "
             "font 'DejaVu Sans,10'\n"
             "set datafile separator tab\nset key noautotitle\nset mouse\n",
             s->ep->width > 0 ? s->ep->width : 1200, s->ep->height > 0 ? s->ep->height : 900);
    if (gp_send(&s->gp, cmd) != 0)
        return fadyn_err_set(err, FADYN_EPLOT, "gnuplot stopped reading its commands");
    return FADYN_OK;
}

static int loop(session *s, fadyn_err *err) {
    static const int once[] = {FADYN_PORTRAIT_FIELD, FADYN_PORTRAIT_CURVES, FADYN_PORTRAIT_BASIN};
    int rc = FADYN_OK;
    for (size_t k = 0; k < sizeof once / sizeof *once && rc == FADYN_OK; k++)
        rc = write_table(s, once[k], err);
    for (size_t k = 0; k < s->p->ntraj && rc == FADYN_OK; k++)
        rc = log_add(s, k, err);
    if (rc == FADYN_OK) rc = gp_start(&s->gp, s->dir, err);
    if (rc == FADYN_OK) rc = open_window(s, err);
    int idle = 0; /* events that were none: the window cannot wait */
    fadyn_explore_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = FADYN_EXPLORE_READY;
    snprintf(ev.text, sizeof ev.text,
             "window open: left click runs forward, right click backward; c clears, b shades the "
             "basin, q quits");
    while (rc == FADYN_OK) {
        char line[256];
        if ((rc = redraw(s, err))) break;
        if (gp_reply(&s->gp, line, sizeof line) != 0 || strcmp(line, "ready") != 0) {
            rc = fadyn_err_set(err, FADYN_EPLOT, "gnuplot ended before it drew the window");
            break;
        }
        if (!idle) tell(s, &ev); /* the last event, now drawn: the window waits for the next */
        if (gp_reply(&s->gp, line, sizeof line) != 0) {
            rc = fadyn_err_set(err, FADYN_EPLOT, "gnuplot ended before quit (the window lost?)");
            break;
        }
        if (parse_event(s, line, &ev) != 0) {
            if (++idle == 3)
                rc = fadyn_err_set(err, FADYN_EPLOT,
                                   "the x11 window does not wait for the mouse ('%s')", line);
            continue;
        }
        idle = 0;
        rc = handle(s, &ev, err);
        if (rc == FADYN_OK && ev.kind == FADYN_EXPLORE_QUIT) {
            tell(s, &ev);
            break;
        }
    }
    return rc;
}

int fadyn_explore_run(const fadyn_explore_params *ep, fadyn_explore_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->log = *ep->p; /* shares the field, curves and basin; its own trajectories */
    r->log.traj = NULL;
    r->log.ntraj = r->log.cap = 0;
    if (!fadyn_plot_have_gnuplot())
        return fadyn_err_set(err, FADYN_ENOGNUPLOT,
                             "gnuplot not found: install gnuplot-x11 for the window");
    session s;
    memset(&s, 0, sizeof s);
    s.ep = ep;
    s.p = ep->p;
    s.r = r;
    s.basin = ep->basin;
    s.gp.pid = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(s.dir, sizeof s.dir, "%s/fadyn-explore-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s.dir)) return fadyn_err_set(err, FADYN_EIO, "%s: %s", s.dir, strerror(errno));
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    int rc = loop(&s, err);
    int st = gp_stop(&s.gp);
    sigaction(SIGPIPE, &old, NULL);
    if (rc == FADYN_OK && st != 0)
        rc = fadyn_err_set(err, FADYN_EPLOT, "gnuplot ended with status %d", st);
    fadyn_err werr; /* the tables of what was logged, also after a failure */
    int wrc = ep->out ? fadyn_portrait_write_all(ep->out, &r->log, &werr) : FADYN_OK;
    if (rc == FADYN_OK && wrc != FADYN_OK) {
        rc = wrc;
        if (err) *err = werr;
    }
    for (int k = 0; k < FADYN_PORTRAIT_NTABLE; k++) {
        char path[FADYN_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/" STEM "%s", s.dir, fadyn_portrait_suffix(k));
        remove(path);
    }
    rmdir(s.dir);
    return rc;
}

void fadyn_explore_result_free(fadyn_explore_result *r) {
    free(r->log.traj); /* the rest belongs to the explored portrait */
    memset(r, 0, sizeof *r);
}
