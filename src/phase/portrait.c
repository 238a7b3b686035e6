/* portrait.c — the phase portrait of the 1-1-1 network as data and tables:
 * field, curves, basin grid and trajectories in either direction of time
 * with their ends, window exits and arrow heads (docs/theory.md §4). */
#include "fadyn/portrait.h"
#include "fadyn/io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double HEAD_AT[FADYN_PORTRAIT_HEADS] = {0.3, 0.7}; /* arc-length fractions */

fadyn_portrait fadyn_portrait_default(void) {
    fadyn_portrait p;
    memset(&p, 0, sizeof p);
    p.b = p.t = 1.0;
    p.win = (fadyn_window){-3.0, 3.0, -3.0, 3.0};
    p.ga = p.gw = 21;
    p.ba = p.bw = 301;
    p.t_end = 50.0;
    p.bp = fadyn_basin_params_default();
    return p;
}

int fadyn_portrait_check(const fadyn_portrait *p, fadyn_err *err) {
    if (!(p->b != 0.0) || !(p->t != 0.0) || !isfinite(p->b) || !isfinite(p->t))
        return fadyn_err_set(err, FADYN_EINVAL,
                             "portrait: b = %g, t = %g: both must be finite and non-zero", p->b,
                             p->t);
    const fadyn_window *w = &p->win;
    if (!(w->a_lo < w->a_hi) || !(w->w_lo < w->w_hi) || !isfinite(w->a_lo) || !isfinite(w->a_hi) ||
        !isfinite(w->w_lo) || !isfinite(w->w_hi))
        return fadyn_err_set(err, FADYN_EINVAL,
                             "portrait: win: need finite a_lo < a_hi and w_lo < w_hi");
    if ((p->ba != 0 || p->bw != 0) && (p->ba < 2 || p->bw < 2))
        return fadyn_err_set(err, FADYN_EINVAL, "portrait: ba x bw %zux%zu: at least 2x2 (or 0)",
                             p->ba, p->bw);
    if (!(p->t_end > 0.0) || !isfinite(p->t_end))
        return fadyn_err_set(err, FADYN_EINVAL, "portrait: t_end %g: must be finite and > 0",
                             p->t_end);
    return fadyn_basin_params_check(&p->bp, err);
}

/* Arrows at the centres of a ga x gw grid of cells: normalised to 0.7 of a
 * cell, centred on the node; nodes where the flow stops are skipped. */
static void field(fadyn_portrait *p) {
    fadyn_phase_sys s = {p->b, p->t, 0, 0, 0};
    double ca = (p->win.a_hi - p->win.a_lo) / (double)p->ga;
    double cw = (p->win.w_hi - p->win.w_lo) / (double)p->gw;
    for (size_t j = 0; j < p->gw; j++)
        for (size_t i = 0; i < p->ga; i++) {
            double y[2] = {p->win.a_lo + ((double)i + 0.5) * ca,
                           p->win.w_lo + ((double)j + 0.5) * cw},
                   g[2];
            fadyn_phase_rhs(0.0, y, g, &s);
            double u = g[0] / ca, v = g[1] / cw, n = hypot(u, v);
            if (!(n > 0.0)) continue;
            double da = 0.7 * ca * u / n, dw = 0.7 * cw * v / n;
            double *f = p->field + 5 * p->nfield++;
            f[0] = y[0] - da / 2, f[1] = y[1] - dw / 2, f[2] = da, f[3] = dw;
            f[4] = hypot(g[0], g[1]);
        }
}

int fadyn_portrait_compute(fadyn_portrait *p, fadyn_err *err) {
    int rc = fadyn_portrait_check(p, err);
    if (rc) return rc;
    free(p->field);
    free(p->curves);
    free(p->basin);
    p->field = malloc((5 * p->ga * p->gw + 1) * sizeof(double));
    p->curves = malloc(fadyn_phase_curves_cap(FADYN_PORTRAIT_NCURVE) * sizeof *p->curves);
    p->basin = p->ba ? malloc(p->ba * p->bw * sizeof *p->basin) : NULL;
    p->nfield = 0;
    memset(&p->bst, 0, sizeof p->bst);
    if (!p->field || !p->curves || (p->ba && !p->basin))
        return fadyn_err_set(err, FADYN_ENOMEM, "portrait: out of memory");
    field(p);
    rc = fadyn_phase_curves(p->b, p->t, &p->win, FADYN_PORTRAIT_NCURVE, p->curves, &p->cst, err);
    if (rc == FADYN_OK && p->ba) {
        fadyn_basin_params bp = p->bp;
        bp.backward = 0;
        rc = fadyn_basin_grid(p->b, p->t, &p->win, p->ba, p->bw, &bp, p->basin, &p->bst, err);
    }
    return rc;
}

/* Arrow heads at fixed fractions of the trajectory's arc length, pointing
 * along the forward flow (against the way a backward one was run). */
static void heads(fadyn_portrait_traj *tr, const fadyn_window *win) {
    const double *a = tr->a, *w = tr->w;
    double len = 0.0, size = 0.04 * (win->a_hi - win->a_lo), sg = tr->start.backward ? -1 : 1;
    tr->nheads = 0;
    for (size_t i = 1; i < tr->n; i++)
        len += hypot(a[i] - a[i - 1], w[i] - w[i - 1]);
    if (!(len > 4 * size) || !isfinite(len)) return;
    for (size_t h = 0; h < FADYN_PORTRAIT_HEADS; h++) {
        double s = 0.0, goal = HEAD_AT[h] * len;
        for (size_t i = 1; i < tr->n; i++) {
            double seg = hypot(a[i] - a[i - 1], w[i] - w[i - 1]);
            if (s + seg >= goal && seg > 0.0) {
                double u = sg * (a[i] - a[i - 1]) / seg, v = sg * (w[i] - w[i - 1]) / seg;
                double x = a[i - 1] + (goal - s) * sg * u, y = w[i - 1] + (goal - s) * sg * v;
                double *hd = tr->head[tr->nheads++];
                hd[0] = x - size * u, hd[1] = y - size * v, hd[2] = size * u, hd[3] = size * v;
                break;
            }
            s += seg;
        }
    }
}

int fadyn_portrait_add(fadyn_portrait *p, const fadyn_phase_start *s, fadyn_err *err) {
    int rc = fadyn_portrait_check(p, err);
    if (rc) return rc;
    if (!isfinite(s->a) || !isfinite(s->w))
        return fadyn_err_set(err, FADYN_EINVAL, "portrait: start (%g, %g) is not finite", s->a,
                             s->w);
    if (p->ntraj == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        fadyn_portrait_traj *t = realloc(p->traj, cap * sizeof *t);
        if (!t) return fadyn_err_set(err, FADYN_ENOMEM, "portrait: out of memory");
        p->traj = t;
        p->cap = cap;
    }
    fadyn_portrait_traj *tr = &p->traj[p->ntraj];
    memset(tr, 0, sizeof *tr);
    tr->start = *s;
    rc = fadyn_phase_trajectory_dir(p->b, p->t, s->backward, s->a, s->w, p->t_end,
                                    FADYN_PORTRAIT_NTRAJ, tr->t, tr->a, tr->w, err);
    if (rc == FADYN_DIVERGED) { /* backward: off to infinity, the samples stop at the radius */
        if (err) fadyn_err_clear(err);
        rc = FADYN_OK;
    }
    if (rc != FADYN_OK) return rc;
    while (tr->n < FADYN_PORTRAIT_NTRAJ && isfinite(tr->a[tr->n]) && isfinite(tr->w[tr->n]))
        tr->n++;
    fadyn_basin_params bp = p->bp;
    bp.backward = s->backward;
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, err);
    if (!ws) return err ? err->code : FADYN_ENOMEM;
    rc = fadyn_phase_settle(ws, p->b, p->t, s->a, s->w, &tr->end, err);
    fadyn_phase_ws_free(ws);
    if (rc != FADYN_OK) return rc;
    tr->exit = fadyn_phase_window_exit(&p->win, tr->t, tr->a, tr->w, tr->n, &tr->exit_t,
                                       &tr->exit_a, &tr->exit_w);
    tr->in_window = tr->exit != FADYN_EXIT_OUTSIDE;
    heads(tr, &p->win);
    p->ntraj++;
    return FADYN_OK;
}

long fadyn_portrait_find(const fadyn_portrait *p, const fadyn_phase_start *s) {
    for (size_t k = 0; k < p->ntraj; k++) {
        const fadyn_phase_start *q = &p->traj[k].start;
        if (q->a == s->a && q->w == s->w && q->backward == s->backward) return (long)k;
    }
    return -1;
}

void fadyn_portrait_clear(fadyn_portrait *p) {
    p->ntraj = 0;
}

void fadyn_portrait_free(fadyn_portrait *p) {
    free(p->field);
    free(p->curves);
    free(p->basin);
    free(p->traj);
    p->field = NULL;
    p->curves = NULL;
    p->basin = NULL;
    p->traj = NULL;
    p->nfield = p->ntraj = p->cap = 0;
}

/* ---- tables ------------------------------------------------------------------ */

const char *fadyn_portrait_suffix(int table) {
    static const char *const s[FADYN_PORTRAIT_NTABLE] = {".tsv",       "-field.tsv", "-curves.tsv",
                                                         "-basin.tsv", "-traj.tsv",  "-heads.tsv"};
    return table >= 0 && table < FADYN_PORTRAIT_NTABLE ? s[table] : "";
}

int fadyn_portrait_path(const char *path, int table, char *out, size_t n) {
    size_t len = strlen(path);
    if (table == FADYN_PORTRAIT_ENDS) {
        if (len >= n) return FADYN_EINVAL;
        memcpy(out, path, len + 1);
        return FADYN_OK;
    }
    if (len >= 4 && strcmp(path + len - 4, ".tsv") == 0) len -= 4;
    int k = snprintf(out, n, "%.*s%s", (int)len, path, fadyn_portrait_suffix(table));
    return k < 0 || (size_t)k >= n ? FADYN_EINVAL : FADYN_OK;
}

static const char *dir_name(int backward) {
    return backward ? "backward" : "forward";
}

static int write_ends(FILE *f, const fadyn_portrait *p) {
    fputs("trajectory\tdirection\ta0\tw0\tclass\ta_end\tw_end\tlambda\tt_end\tC\tpredicted\twindow"
          "\texit_a\texit_w\texit_t\n",
          f);
    for (size_t k = 0; k < p->ntraj; k++) {
        const fadyn_portrait_traj *tr = &p->traj[k];
        const fadyn_basin_point *e = &tr->end;
        fprintf(
            f,
            "%zu\t%s\t%.17g\t%.17g\t%s\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%s\t%s\t%.10g\t%.10g\t"
            "%.10g\n",
            k, dir_name(tr->start.backward), tr->start.a, tr->start.w,
            fadyn_phase_class_name(e->cls), e->a, e->w, e->lambda, e->t_end, e->C,
            fadyn_phase_class_name(e->predicted), fadyn_exit_name(tr->exit), tr->exit_a, tr->exit_w,
            tr->exit_t);
    }
    return FADYN_OK;
}

static int write_field(FILE *f, const fadyn_portrait *p) {
    fputs("a\tw\tda\tdw\tspeed\n", f);
    for (size_t i = 0; i < p->nfield; i++) {
        const double *v = p->field + 5 * i;
        fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", v[0], v[1], v[2], v[3], v[4]);
    }
    return FADYN_OK;
}

static int write_curves(FILE *f, const fadyn_portrait *p) {
    fputs("curve\tpiece\ta\tw\tlambda\n", f);
    for (size_t i = 0; p->curves && i < p->cst.n; i++) {
        const fadyn_curve_point *c = &p->curves[i];
        if (i > 0 && (c->kind != c[-1].kind || c->piece != c[-1].piece)) fputc('\n', f);
        fprintf(f, "%s\t%d\t%.10g\t%.10g\t%.10g\n", fadyn_curve_name(c->kind), c->piece, c->a, c->w,
                c->lambda);
    }
    return FADYN_OK;
}

static int write_basin(FILE *f, const fadyn_portrait *p) {
    fputs("a0\tw0\tclass\tt_end\n", f);
    for (size_t i = 0; p->basin && i < p->ba * p->bw; i++) {
        const fadyn_basin_point *q = &p->basin[i];
        fprintf(f, "%.10g\t%.10g\t%s\t%.6g\n", q->a0, q->w0, fadyn_phase_class_name(q->cls),
                q->t_end);
    }
    return FADYN_OK;
}

static int write_traj(FILE *f, const fadyn_portrait *p) {
    fputs("trajectory\tdirection\tt\ta\tw\n", f);
    for (size_t k = 0; k < p->ntraj; k++) {
        const fadyn_portrait_traj *tr = &p->traj[k];
        for (size_t i = 0; i < tr->n; i++)
            fprintf(f, "%zu\t%s\t%.10g\t%.10g\t%.10g\n", k, dir_name(tr->start.backward), tr->t[i],
                    tr->a[i], tr->w[i]);
        fputc('\n', f);
    }
    return FADYN_OK;
}

static int write_heads(FILE *f, const fadyn_portrait *p) {
    fputs("trajectory\tdirection\ta\tw\tda\tdw\n", f);
    for (size_t k = 0; k < p->ntraj; k++) {
        const fadyn_portrait_traj *tr = &p->traj[k];
        for (size_t h = 0; h < tr->nheads; h++)
            fprintf(f, "%zu\t%s\t%.10g\t%.10g\t%.10g\t%.10g\n", k, dir_name(tr->start.backward),
                    tr->head[h][0], tr->head[h][1], tr->head[h][2], tr->head[h][3]);
    }
    return FADYN_OK;
}

typedef int (*rows_fn)(FILE *f, const fadyn_portrait *p);

static int write_table(const char *path, const void *pv, rows_fn rows, fadyn_err *err) {
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc) return rc;
    rows(of.f, pv);
    return fadyn_ofile_commit(&of, err);
}

int fadyn_portrait_write_ends(const char *path, const void *p, fadyn_err *err) {
    return write_table(path, p, write_ends, err);
}
int fadyn_portrait_write_field(const char *path, const void *p, fadyn_err *err) {
    return write_table(path, p, write_field, err);
}
int fadyn_portrait_write_curves(const char *path, const void *p, fadyn_err *err) {
    return write_table(path, p, write_curves, err);
}
int fadyn_portrait_write_basin(const char *path, const void *p, fadyn_err *err) {
    return write_table(path, p, write_basin, err);
}
int fadyn_portrait_write_traj(const char *path, const void *p, fadyn_err *err) {
    return write_table(path, p, write_traj, err);
}
int fadyn_portrait_write_heads(const char *path, const void *p, fadyn_err *err) {
    return write_table(path, p, write_heads, err);
}

fadyn_portrait_write_fn fadyn_portrait_writer(int table) {
    static const fadyn_portrait_write_fn w[FADYN_PORTRAIT_NTABLE] = {
        fadyn_portrait_write_ends,  fadyn_portrait_write_field, fadyn_portrait_write_curves,
        fadyn_portrait_write_basin, fadyn_portrait_write_traj,  fadyn_portrait_write_heads};
    return table >= 0 && table < FADYN_PORTRAIT_NTABLE ? w[table] : NULL;
}

double fadyn_portrait_table_bytes(const fadyn_portrait *p, int table) {
    /* rows times a typical row: %.10g numbers are about 13 bytes with the tab */
    switch (table) {
    case FADYN_PORTRAIT_ENDS:
        return 200.0 * (double)(p->ntraj + 1);
    case FADYN_PORTRAIT_FIELD:
        return 70.0 * (double)(p->ga * p->gw + 1);
    case FADYN_PORTRAIT_CURVES:
        return 55.0 * (double)fadyn_phase_curves_cap(FADYN_PORTRAIT_NCURVE);
    case FADYN_PORTRAIT_BASIN:
        return 42.0 * (double)(p->ba * p->bw + 1);
    case FADYN_PORTRAIT_TRAJ:
        return 52.0 * FADYN_PORTRAIT_NTRAJ * (double)(p->ntraj + 1);
    case FADYN_PORTRAIT_HEADS_TABLE:
        return 70.0 * FADYN_PORTRAIT_HEADS * (double)(p->ntraj + 1);
    default:
        return 0.0;
    }
}

int fadyn_portrait_write_all(const char *path, const fadyn_portrait *p, fadyn_err *err) {
    char out[FADYN_PATH_MAX];
    for (int k = 0; k < FADYN_PORTRAIT_NTABLE; k++) {
        if (fadyn_portrait_path(path, k, out, sizeof out) != FADYN_OK)
            return fadyn_err_set(err, FADYN_EINVAL, "%s: path too long", path);
        int rc = fadyn_portrait_writer(k)(out, p, err);
        if (rc != FADYN_OK) return rc;
    }
    return FADYN_OK;
}
