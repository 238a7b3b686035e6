/* cmd_flow.c — `fadyn flow`: the phase portrait of the 1-1-1 network (Fig. 3b). */
#include "cli.h"
#include "fadyn.h"
#include "phase_args.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP_HEAD =
    "usage: fadyn flow [OPTIONS]\n"
    "\n"
    "Phase portrait of the 1-1-1 network under feedback alignment (Fig. 3b): the\n"
    "flow field, the equilibria a w = t split into stable good (b w > 0), stable bad\n"
    "(b w < 0) and unstable (stability from the eigenvalues of the Jacobian, LAPACK,\n"
    "the zero eigenvalue along the hyperbola ignored, cross-checked against\n"
    "a^2 + b w > 0), the basin of the bad branch computed by integrating a grid of\n"
    "starts, the analytic separatrix 2bw - a^2 = -3|bt|^(2/3) with the unstable\n"
    "segment, and trajectories from (0,0) and from every --from.\n"
    "\n";

static const char *const HELP_TAIL =
    "Picture:\n"
    "  --grid NxM          arrows of the flow field (default 21x21)\n"
    "  --basin-grid NxM    starts integrated for the shaded basin (default 301x301)\n"
    "  --t-end T           length of the drawn trajectories (default 50)\n"
    "Output:\n"
    "  --out FILE.tsv      the data: one block per item, named in a comment line (field,\n"
    "                      good, bad, unstable, separatrix, basin, heads, trajectories)\n"
    "  --summary FILE.json ends of the trajectories and their classes, the bad fraction,\n"
    "                      the stability cross-check\n"
    "  --plot FILE|dumb    the figure (.png .svg .pdf); script and data kept beside it\n"
    "  --quiet             nothing on standard output\n"
    "\n"
    "Exit status: 0 success, 1 the stability cross-check failed or a run failed,\n"
    "2 bad input. See docs/cli.md and docs/basin.md.\n";

typedef struct {
    phase_common pc;
    size_t ga, gw, ba, bw;
    double t_end;
} flow_opts;

#define CMD        "flow"
#define FLOW_NEQ   1601 /* samples of the hyperbola per branch */
#define FLOW_NTRAJ 600  /* samples of a trajectory */
#define FLOW_HEAD_AT                                                                               \
    { 0.3, 0.7 } /* arc-length fractions of the arrow heads */

enum { O_GRID = 256, O_BASIN_GRID, O_T_END };

static const struct option long_opts[] = {
    PHASE_COMMON_OPTIONS,
    {"grid", required_argument, 0, O_GRID},
    {"basin-grid", required_argument, 0, O_BASIN_GRID},
    {"t-end", required_argument, 0, O_T_END},
    {0, 0, 0, 0},
};

static int own_option(void *ctx, int code, const char *arg) {
    flow_opts *o = ctx;
    switch (code) {
    case O_GRID:
        return phase_grid(CMD, "--grid", arg, 5 * sizeof(double), &o->ga, &o->gw);
    case O_BASIN_GRID:
        return phase_grid(CMD, "--basin-grid", arg, sizeof(fadyn_basin_point), &o->ba, &o->bw);
    default:
        return cli_double(CMD, "--t-end", arg, &o->t_end);
    }
}

static int parse(int argc, char **argv, flow_opts *o) {
    memset(o, 0, sizeof *o);
    phase_common_default(&o->pc);
    o->ga = o->gw = 21;
    o->ba = o->bw = 301;
    o->t_end = 50.0;
    int rc = phase_parse(CMD, argc, argv, long_opts, &o->pc, HELP_HEAD, HELP_TAIL, own_option, o);
    if (rc) return rc;
    if (!(o->t_end > 0.0)) {
        cli_error(CMD, "--t-end %g: must be > 0", o->t_end);
        return CLI_EXIT_USAGE;
    }
    if ((rc = phase_common_check(CMD, &o->pc))) return rc;
    return phase_outputs_check(CMD, &o->pc, 1350, 1000);
}

/* Everything the picture shows, computed once. */
typedef struct {
    fadyn_basin_point *basin;
    fadyn_basin_stats bst;
    double bad_area;    /* the exact area of the bad region in the window */
    fadyn_phase_eq *eq; /* 2 FLOW_NEQ samples of the hyperbola */
    size_t neq, eq_checked, eq_mismatch;
    size_t ntraj;
    double *traj;            /* ntraj x 3 x FLOW_NTRAJ: t, a, w */
    fadyn_basin_point *ends; /* settled end of each trajectory */
    double sep_a[2 * FLOW_NEQ + 1], sep_w[2 * FLOW_NEQ + 1];
    size_t nsep;
} flow_data;

static void flow_data_free(flow_data *d) {
    free(d->basin);
    free(d->eq);
    free(d->traj);
    free(d->ends);
}

static double start_a(const flow_opts *o, size_t k) {
    return k ? o->pc.from[k - 1][0] : 0.0;
}
static double start_w(const flow_opts *o, size_t k) {
    return k ? o->pc.from[k - 1][1] : 0.0;
}

static int compute(const flow_opts *o, flow_data *d, fadyn_err *err) {
    const phase_common *pc = &o->pc;
    memset(d, 0, sizeof *d);
    d->ntraj = 1 + pc->nfrom;
    d->basin = malloc(o->ba * o->bw * sizeof *d->basin);
    d->eq = malloc(2 * FLOW_NEQ * sizeof *d->eq);
    d->traj = malloc(d->ntraj * 3 * FLOW_NTRAJ * sizeof(double));
    d->ends = malloc(d->ntraj * sizeof *d->ends);
    if (!d->basin || !d->eq || !d->traj || !d->ends)
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    int rc =
        fadyn_basin_grid(pc->b, pc->t, &pc->win, o->ba, o->bw, &pc->bp, d->basin, &d->bst, err);
    if (rc) return rc;
    if ((rc = fadyn_phase_bad_area(pc->b, pc->t, &pc->win, &d->bad_area, err))) return rc;
    /* equilibria a w = t on both branches across the window's a-range */
    for (int side = 0; side < 2; side++) {
        double lo = side ? fmax(pc->win.a_lo, 0.0) : pc->win.a_lo;
        double hi = side ? pc->win.a_hi : fmin(pc->win.a_hi, 0.0);
        for (size_t i = 0; lo < hi && i < FLOW_NEQ; i++) {
            double a = lo + (hi - lo) * (double)i / (double)(FLOW_NEQ - 1);
            if (a == 0.0) continue;
            fadyn_phase_eq *e = &d->eq[d->neq];
            if ((rc = fadyn_phase_eq_stability(pc->b, pc->t, a, e, err))) return rc;
            d->neq++;
            /* the cross-check is skipped where a² + b w is zero to rounding (the fold) */
            double crit = a * a + pc->b * e->w, scale = a * a + fabs(pc->b * e->w);
            if (fabs(crit) > 1e-9 * scale) {
                d->eq_checked++;
                d->eq_mismatch += e->stable != e->stable_analytic;
            }
        }
    }
    d->nsep = fadyn_phase_separatrix(pc->b, pc->t, pc->win.a_lo, pc->win.a_hi, FLOW_NEQ, d->sep_a,
                                     d->sep_w);
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&pc->bp, err);
    if (!ws) return err ? err->code : FADYN_ENOMEM;
    for (size_t k = 0; k < d->ntraj && rc == FADYN_OK; k++) {
        double *tr = d->traj + k * 3 * FLOW_NTRAJ;
        rc = fadyn_phase_trajectory(pc->b, pc->t, start_a(o, k), start_w(o, k), o->t_end,
                                    FLOW_NTRAJ, tr, tr + FLOW_NTRAJ, tr + 2 * FLOW_NTRAJ, err);
        if (rc == FADYN_OK)
            rc = fadyn_phase_settle(ws, pc->b, pc->t, start_a(o, k), start_w(o, k), &d->ends[k],
                                    err);
    }
    fadyn_phase_ws_free(ws);
    return rc;
}

/* gnuplot does not count a block without data rows as an index: an empty
 * block gets one undefined row so that the indices stay in step. */
#define EMPTY_ROW "nan\tnan\tnan\tnan\tnan\n"

static int inside(const fadyn_window *w, double a, double ww) {
    return a >= w->a_lo && a <= w->a_hi && ww >= w->w_lo && ww <= w->w_hi;
}

static void block(FILE *f, int k, const char *name, const char *cols) {
    if (k > 0) fputs("\n\n", f);
    fprintf(f, "# block %d: %s\n# %s\n", k, name, cols);
}

/* The equilibria of one kind as runs separated by blank lines. */
static int write_eq(FILE *f, const flow_data *d, const fadyn_window *win, int good, int stable) {
    int open = 0, any = 0;
    size_t rows = 0;
    for (size_t i = 0; i < d->neq; i++) {
        const fadyn_phase_eq *e = &d->eq[i];
        int in = stable ? e->stable && e->good == good : !e->stable;
        if (in && open && i > 0 && (e->a > 0) != (d->eq[i - 1].a > 0)) fputc('\n', f);
        if (in) {
            fprintf(f, "%.10g\t%.10g\t%.10g\n", e->a, e->w, e->lambda);
            any |= inside(win, e->a, e->w);
            rows++;
        } else if (open)
            fputc('\n', f);
        open = in;
    }
    if (!rows) fputs(EMPTY_ROW, f);
    return any;
}

/* Arrow heads at fixed fractions of a trajectory's arc length. */
static int write_heads(FILE *f, const double *a, const double *w, size_t n, size_t k,
                       const fadyn_window *win) {
    int any = 0;
    double len = 0.0, at[] = FLOW_HEAD_AT, size = 0.04 * (win->a_hi - win->a_lo);
    for (size_t i = 1; i < n && isfinite(a[i]); i++)
        len += hypot(a[i] - a[i - 1], w[i] - w[i - 1]);
    if (!(len > 4 * size)) return 0;
    for (size_t h = 0; h < sizeof at / sizeof at[0]; h++) {
        double s = 0.0, goal = at[h] * len;
        for (size_t i = 1; i < n && isfinite(a[i]); i++) {
            double seg = hypot(a[i] - a[i - 1], w[i] - w[i - 1]);
            if (s + seg >= goal && seg > 0.0) {
                double u = (a[i] - a[i - 1]) / seg, v = (w[i] - w[i - 1]) / seg;
                double x = a[i - 1] + (goal - s) * u, y = w[i - 1] + (goal - s) * v;
                fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%zu\n", x - size * u, y - size * v,
                        size * u, size * v, k);
                any |= inside(win, x, y);
                break;
            }
            s += seg;
        }
    }
    return any;
}

static int write_data(const char *path, const flow_opts *o, const flow_data *d, fadyn_flow_plot *fp,
                      fadyn_err *err) {
    const phase_common *pc = &o->pc;
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc) return rc;
    FILE *f = of.f;
    memset(fp->have, 0, sizeof fp->have);
    fprintf(f, "# fadyn flow: the 1-1-1 network, b = %.17g, t = %.17g\n", pc->b, pc->t);
    block(f, FADYN_FLOW_FIELD, "field (arrows normalised to 0.7 cell, centred on the node)",
          "a\tw\tda\tdw\tspeed");
    fadyn_phase_sys s = {pc->b, pc->t, 0, 0};
    double ca = (pc->win.a_hi - pc->win.a_lo) / (double)o->ga;
    double cw = (pc->win.w_hi - pc->win.w_lo) / (double)o->gw;
    for (size_t j = 0; j < o->gw; j++)
        for (size_t i = 0; i < o->ga; i++) {
            double y[2] = {pc->win.a_lo + ((double)i + 0.5) * ca,
                           pc->win.w_lo + ((double)j + 0.5) * cw},
                   g[2];
            fadyn_phase_rhs(0.0, y, g, &s);
            double u = g[0] / ca, v = g[1] / cw, n = hypot(u, v);
            if (!(n > 0.0)) continue;
            double da = 0.7 * ca * u / n, dw = 0.7 * cw * v / n;
            fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", y[0] - da / 2, y[1] - dw / 2, da, dw,
                    hypot(g[0], g[1]));
            fp->have[FADYN_FLOW_FIELD] = 1;
        }
    block(f, FADYN_FLOW_GOOD, "stable equilibria with b w > 0 (good)", "a\tw\tlambda");
    fp->have[FADYN_FLOW_GOOD] = write_eq(f, d, &pc->win, 1, 1);
    block(f, FADYN_FLOW_BAD, "stable equilibria with b w < 0 (bad)", "a\tw\tlambda");
    fp->have[FADYN_FLOW_BAD] = write_eq(f, d, &pc->win, 0, 1);
    block(f, FADYN_FLOW_UNSTABLE, "unstable equilibria", "a\tw\tlambda");
    fp->have[FADYN_FLOW_UNSTABLE] = write_eq(f, d, &pc->win, 0, 0);
    block(f, FADYN_FLOW_SEPARATRIX, "analytic separatrix (parabola piece, unstable segment)",
          "a\tw");
    if (d->nsep <= 1) fputs(EMPTY_ROW, f); /* only the break: both pieces empty */
    for (size_t i = 0; i < d->nsep; i++) {
        if (isnan(d->sep_a[i]))
            fputc('\n', f);
        else {
            fprintf(f, "%.10g\t%.10g\n", d->sep_a[i], d->sep_w[i]);
            fp->have[FADYN_FLOW_SEPARATRIX] |= inside(&pc->win, d->sep_a[i], d->sep_w[i]);
        }
    }
    block(f, FADYN_FLOW_BASIN, "integrated basin grid (bad: 1 if the start ends bad)", "a\tw\tbad");
    for (size_t j = 0; j < o->bw; j++) {
        for (size_t i = 0; i < o->ba; i++) {
            const fadyn_basin_point *p = &d->basin[j * o->ba + i];
            fprintf(f, "%.10g\t%.10g\t%d\n", p->a0, p->w0, p->cls == FADYN_PHASE_BAD);
        }
        fputc('\n', f);
    }
    fp->have[FADYN_FLOW_BASIN] = 1;
    block(f, FADYN_FLOW_HEADS, "arrow heads of the trajectories", "a\tw\tda\tdw\ttrajectory");
    fputs(EMPTY_ROW, f); /* a trajectory too short for heads leaves the block empty */
    for (size_t k = 0; k < d->ntraj; k++) {
        const double *tr = d->traj + k * 3 * FLOW_NTRAJ;
        fp->head_in[k] = (unsigned char)write_heads(f, tr + FLOW_NTRAJ, tr + 2 * FLOW_NTRAJ,
                                                    FLOW_NTRAJ, k, &pc->win);
    }
    for (size_t k = 0; k < d->ntraj; k++) {
        char name[128];
        snprintf(name, sizeof name, "trajectory from (%g, %g)", start_a(o, k), start_w(o, k));
        block(f, (int)(FADYN_FLOW_TRAJ + k), name, "t\ta\tw");
        const double *tr = d->traj + k * 3 * FLOW_NTRAJ;
        fp->traj_in[k] = 0;
        fp->start_in[k] = (unsigned char)inside(&pc->win, start_a(o, k), start_w(o, k));
        for (size_t i = 0; i < FLOW_NTRAJ && isfinite(tr[FLOW_NTRAJ + i]); i++) {
            fprintf(f, "%.10g\t%.10g\t%.10g\n", tr[i], tr[FLOW_NTRAJ + i], tr[2 * FLOW_NTRAJ + i]);
            fp->traj_in[k] |=
                (unsigned char)inside(&pc->win, tr[FLOW_NTRAJ + i], tr[2 * FLOW_NTRAJ + i]);
        }
    }
    return fadyn_ofile_commit(&of, err);
}

typedef struct {
    const flow_opts *o;
    const flow_data *d;
    fadyn_flow_plot *fp;
} flow_figure;

static int write_figure_data(const char *path, const void *figure, fadyn_err *err) {
    const flow_figure *f = figure;
    return write_data(path, f->o, f->d, f->fp, err);
}

static int draw(const fadyn_plot_target *t, const void *fp, fadyn_err *err) {
    return fadyn_plot_flow(t, fp, err);
}

static int write_summary(const char *path, const flow_opts *o, const flow_data *d, fadyn_err *err) {
    const phase_common *pc = &o->pc;
    json_t *j = fadyn_json_summary_new("flow");
    json_t *par = json_object();
    json_object_set_new(par, "b", json_real(pc->b));
    json_object_set_new(par, "t", json_real(pc->t));
    json_object_set_new(
        par, "window", json_pack("[ffff]", pc->win.a_lo, pc->win.a_hi, pc->win.w_lo, pc->win.w_hi));
    json_object_set_new(par, "grid", json_pack("[II]", (json_int_t)o->ga, (json_int_t)o->gw));
    json_object_set_new(par, "basin_grid", json_pack("[II]", (json_int_t)o->ba, (json_int_t)o->bw));
    json_object_set_new(par, "t_end", json_real(o->t_end));
    json_object_set_new(par, "stepper", json_string(pc->bp.stepper));
    json_object_set_new(j, "parameters", par);
    json_t *tr = json_array();
    for (size_t k = 0; k < d->ntraj; k++) {
        const fadyn_basin_point *e = &d->ends[k];
        json_array_append_new(tr, json_pack("{s:[ff],s:[oo],s:s,s:s,s:o,s:f}", "from", e->a0, e->w0,
                                            "end", fadyn_json_real(e->a), fadyn_json_real(e->w),
                                            "class", fadyn_phase_class_name(e->cls), "predicted",
                                            fadyn_phase_class_name(e->predicted), "t_settled",
                                            fadyn_json_real(e->t_end), "C", e->C));
    }
    json_object_set_new(j, "trajectories", tr);
    double z = cbrt(2.0 * pc->b * pc->t);
    json_object_set_new(j, "analytic_end_from_origin", json_pack("[ff]", z, pc->t / z));
    json_object_set_new(j, "bad_fraction",
                        json_real((double)d->bst.counts[FADYN_PHASE_BAD] / (double)d->bst.n));
    json_object_set_new(j, "predicted_bad_node_fraction",
                        json_real((double)d->bst.predicted_bad / (double)d->bst.n));
    json_object_set_new(j, "analytic_bad_area", json_real(d->bad_area));
    json_object_set_new(j, "analytic_bad_area_fraction",
                        json_real(d->bad_area / phase_window_area(pc)));
    json_object_set_new(j, "stability_checked", json_integer((json_int_t)d->eq_checked));
    json_object_set_new(j, "stability_mismatch", json_integer((json_int_t)d->eq_mismatch));
    json_object_set_new(j, "wall_seconds", json_real(d->bst.wall_seconds));
    int rc = fadyn_json_write(j, path, err);
    json_decref(j);
    return rc;
}

static void print_summary(const flow_opts *o, const flow_data *d) {
    const phase_common *pc = &o->pc;
    printf("fadyn flow: b = %g, t = %g, window [%g,%g]x[%g,%g]\n", pc->b, pc->t, pc->win.a_lo,
           pc->win.a_hi, pc->win.w_lo, pc->win.w_hi);
    double z = cbrt(2.0 * pc->b * pc->t);
    for (size_t k = 0; k < d->ntraj; k++) {
        const fadyn_basin_point *e = &d->ends[k];
        printf("  from (%g, %g): ends at (%.6g, %.6g), %s (analytic %s), C = %.6g\n", e->a0, e->w0,
               e->a, e->w, fadyn_phase_class_name(e->cls), fadyn_phase_class_name(e->predicted),
               e->C);
    }
    printf("  analytic end from (0, 0): a = (2bt)^(1/3) = %.6g, w = t/a = %.6g\n", z, pc->t / z);
    printf("  bad basin: %.4f of the %zux%zu grid (%.4f predicted at the nodes, %.6f exact "
           "area; docs/theory.md §4)\n",
           (double)d->bst.counts[FADYN_PHASE_BAD] / (double)d->bst.n, o->ba, o->bw,
           (double)d->bst.predicted_bad / (double)d->bst.n, d->bad_area / phase_window_area(pc));
    printf("  stability: Jacobian eigenvalues vs a^2 + b w > 0 at %zu equilibria, %zu "
           "mismatches\n",
           d->eq_checked, d->eq_mismatch);
}

int cmd_flow(int argc, char **argv) {
    flow_opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    const phase_common *pc = &o.pc;
    fadyn_err err;
    fadyn_err_clear(&err);
    flow_data d;
    int exit_code = CLI_EXIT_OK;
    fadyn_flow_plot fp;
    memset(&fp, 0, sizeof fp);
    rc = compute(&o, &d, &err);
    if (rc) goto fail;
    fp.b = pc->b;
    fp.t = pc->t;
    fp.win = pc->win;
    fp.ntraj = d.ntraj;
    memcpy(fp.from, pc->from, sizeof fp.from);
    fp.bad_fraction = (double)d.bst.counts[FADYN_PHASE_BAD] / (double)d.bst.n;
    if (pc->out && (rc = write_data(pc->out, &o, &d, &fp, &err))) goto fail;
    if (pc->summary && (rc = write_summary(pc->summary, &o, &d, &err))) goto fail;
    if (pc->plot) {
        flow_figure fig = {&o, &d, &fp};
        fadyn_plot_data data = {".tsv", write_figure_data, &fig, pc->out};
        rc = fadyn_plot_make(&pc->pt, &data, 1, draw, &fp, &err);
        if ((rc = cli_plot_status(CMD, rc, &err))) goto fail;
    }
    if (!pc->quiet) print_summary(&o, &d);
    if (d.eq_mismatch) {
        cli_error(CMD,
                  "stability check failed: %zu equilibria where the Jacobian and "
                  "a^2 + b w > 0 disagree",
                  d.eq_mismatch);
        exit_code = CLI_EXIT_FAILED;
    }
    flow_data_free(&d);
    return exit_code;
fail:
    cli_error_err(CMD, &err);
    flow_data_free(&d);
    return cli_exit_code(rc) == CLI_EXIT_OK ? CLI_EXIT_FAILED : cli_exit_code(rc);
}
