/* fig3b.c — Fig. 3b: the phase portrait of the 1-1-1 network under fa
 * (docs/theory.md §4): the flow field, the equilibria a w = t split by
 * stability (Jacobian eigenvalues, cross-checked against a² + b w > 0), the
 * basin of the bad branch integrated on a grid, the analytic separatrix,
 * and trajectories from (0, 0) and from each start, with where they settle. */
#include "experiments_impl.h"
#include "fadyn/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE                                                                                       \
    { 0, 0 } /* no runs or examples: quick and full are the same picture */
static const double HEAD_AT[FADYN_FIG3B_HEADS] = {0.3, 0.7}; /* arc-length fractions */

fadyn_fig3b_params fadyn_fig3b_params_default(void) {
    fadyn_fig3b_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)NONE);
    p.b = p.t = 1.0;
    p.win = (fadyn_window){-3.0, 3.0, -3.0, 3.0};
    static const double from[][2] = {{-2.5, 1.0}, {-1.0, -2.5}, {2.0, -2.0}};
    p.nfrom = sizeof from / sizeof from[0];
    memcpy(p.from, from, sizeof from);
    p.ga = p.gw = 21;
    p.ba = p.bw = 301;
    p.t_end = 50.0;
    p.bp = fadyn_basin_params_default();
    return p;
}

static double start_a(const fadyn_fig3b_params *p, size_t k) {
    return k ? p->from[k - 1][0] : 0.0;
}
static double start_w(const fadyn_fig3b_params *p, size_t k) {
    return k ? p->from[k - 1][1] : 0.0;
}

static int inside(const fadyn_window *w, double a, double ww) {
    return a >= w->a_lo && a <= w->a_hi && ww >= w->w_lo && ww <= w->w_hi;
}

/* Arrows at the centres of a ga x gw grid of cells: normalised to 0.7 of a
 * cell, centred on the node; nodes where the flow stops are skipped. */
static void field(fadyn_fig3b_result *r) {
    const fadyn_fig3b_params *p = &r->par;
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
            double *f = r->field + 5 * r->nfield++;
            f[0] = y[0] - da / 2, f[1] = y[1] - dw / 2, f[2] = da, f[3] = dw;
            f[4] = hypot(g[0], g[1]);
        }
}

/* Equilibria a w = t on both branches across the window's a-range; the
 * cross-check is skipped where a² + b w is zero to rounding (the fold). */
static int equilibria(fadyn_fig3b_result *r, fadyn_err *err) {
    const fadyn_fig3b_params *p = &r->par;
    for (int side = 0; side < 2; side++) {
        double lo = side ? fmax(p->win.a_lo, 0.0) : p->win.a_lo;
        double hi = side ? p->win.a_hi : fmin(p->win.a_hi, 0.0);
        for (size_t i = 0; lo < hi && i < FADYN_FIG3B_NEQ; i++) {
            double a = lo + (hi - lo) * (double)i / (double)(FADYN_FIG3B_NEQ - 1);
            if (a == 0.0) continue;
            fadyn_phase_eq *e = &r->eq[r->neq];
            int rc = fadyn_phase_eq_stability(p->b, p->t, a, e, err);
            if (rc) return rc;
            r->neq++;
            double crit = a * a + p->b * e->w, scale = a * a + fabs(p->b * e->w);
            if (fabs(crit) > 1e-9 * scale) {
                r->eq_checked++;
                r->eq_mismatch += e->stable != e->stable_analytic;
            }
        }
    }
    return FADYN_OK;
}

/* Arrow heads of trajectory k at fixed fractions of its arc length. */
static void heads(fadyn_fig3b_result *r, size_t k) {
    const double *a = r->traj + (3 * k + 1) * FADYN_FIG3B_NTRAJ, *w = a + FADYN_FIG3B_NTRAJ;
    const fadyn_window *win = &r->par.win;
    size_t n = FADYN_FIG3B_NTRAJ;
    double len = 0.0, size = 0.04 * (win->a_hi - win->a_lo);
    for (size_t i = 1; i < n && isfinite(a[i]); i++)
        len += hypot(a[i] - a[i - 1], w[i] - w[i - 1]);
    if (!(len > 4 * size)) return;
    for (size_t h = 0; h < FADYN_FIG3B_HEADS; h++) {
        double s = 0.0, goal = HEAD_AT[h] * len;
        for (size_t i = 1; i < n && isfinite(a[i]); i++) {
            double seg = hypot(a[i] - a[i - 1], w[i] - w[i - 1]);
            if (s + seg >= goal && seg > 0.0) {
                double u = (a[i] - a[i - 1]) / seg, v = (w[i] - w[i - 1]) / seg;
                double x = a[i - 1] + (goal - s) * u, y = w[i - 1] + (goal - s) * v;
                double *hd = r->heads[k][r->nheads[k]++];
                hd[0] = x - size * u, hd[1] = y - size * v, hd[2] = size * u, hd[3] = size * v;
                r->head_in[k] |= (unsigned char)inside(win, x, y);
                break;
            }
            s += seg;
        }
    }
}

static int check(const fadyn_fig3b_params *p, fadyn_err *err) {
    if (p->nfrom > FADYN_FLOW_MAX_FROM)
        return fadyn_err_set(err, FADYN_EINVAL, "fig3b: nfrom %zu: at most %d starts", p->nfrom,
                             FADYN_FLOW_MAX_FROM);
    if (p->ga < 1 || p->gw < 1)
        return fadyn_err_set(err, FADYN_EINVAL, "fig3b: ga x gw %zux%zu: at least 1x1", p->ga,
                             p->gw);
    if (!(p->t_end > 0.0) || !isfinite(p->t_end))
        return fadyn_err_set(err, FADYN_EINVAL, "fig3b: t_end %g: must be > 0", p->t_end);
    return FADYN_OK;
}

int fadyn_fig3b_run(const fadyn_fig3b_params *p, fadyn_fig3b_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->par = *p;
    int rc = check(p, err);
    if (rc) return rc;
    size_t nt = r->ntraj = 1 + p->nfrom;
    r->field = malloc(5 * p->ga * p->gw * sizeof(double));
    r->basin = malloc(p->ba * p->bw * sizeof *r->basin);
    r->eq = malloc(2 * FADYN_FIG3B_NEQ * sizeof *r->eq);
    r->sep_a = malloc(2 * (2 * FADYN_FIG3B_NEQ + 1) * sizeof(double));
    r->traj = malloc(nt * 3 * FADYN_FIG3B_NTRAJ * sizeof(double));
    r->ends = malloc(nt * sizeof *r->ends);
    r->heads = malloc(nt * sizeof *r->heads);
    r->nheads = calloc(nt, sizeof *r->nheads);
    r->head_in = calloc(nt, sizeof *r->head_in);
    if (!r->field || !r->basin || !r->eq || !r->sep_a || !r->traj || !r->ends || !r->heads ||
        !r->nheads || !r->head_in) {
        fadyn_fig3b_result_free(r);
        return fadyn_err_set(err, FADYN_ENOMEM, "fig3b: out of memory");
    }
    r->sep_w = r->sep_a + 2 * FADYN_FIG3B_NEQ + 1;
    fadyn_basin_params bp = p->bp;
    bp.progress = p->set.progress;
    bp.progress_ctx = p->set.progress_ctx;
    rc = fadyn_basin_grid(p->b, p->t, &p->win, p->ba, p->bw, &bp, r->basin, &r->bst, err);
    if (rc == FADYN_OK) rc = fadyn_phase_bad_area(p->b, p->t, &p->win, &r->bad_area, err);
    if (rc == FADYN_OK) rc = equilibria(r, err);
    if (rc == FADYN_OK) {
        field(r);
        r->nsep = fadyn_phase_separatrix(p->b, p->t, p->win.a_lo, p->win.a_hi, FADYN_FIG3B_NEQ,
                                         r->sep_a, r->sep_w);
    }
    fadyn_phase_ws *ws = rc == FADYN_OK ? fadyn_phase_ws_alloc(&p->bp, err) : NULL;
    if (rc == FADYN_OK && !ws) rc = err ? err->code : FADYN_ENOMEM;
    for (size_t k = 0; k < nt && rc == FADYN_OK; k++) {
        double *tr = r->traj + k * 3 * FADYN_FIG3B_NTRAJ;
        rc = fadyn_phase_trajectory(p->b, p->t, start_a(p, k), start_w(p, k), p->t_end,
                                    FADYN_FIG3B_NTRAJ, tr, tr + FADYN_FIG3B_NTRAJ,
                                    tr + 2 * FADYN_FIG3B_NTRAJ, err);
        if (rc == FADYN_OK)
            rc = fadyn_phase_settle(ws, p->b, p->t, start_a(p, k), start_w(p, k), &r->ends[k], err);
        if (rc == FADYN_OK) heads(r, k);
    }
    fadyn_phase_ws_free(ws);
    if (rc) {
        fadyn_fig3b_result_free(r);
        return rc;
    }
    return r->eq_mismatch ? FADYN_CHECK_FAILED : FADYN_OK;
}

double fadyn_fig3b_bad_fraction(const fadyn_fig3b_result *r) {
    return (double)r->bst.counts[FADYN_PHASE_BAD] / (double)r->bst.n;
}

double fadyn_fig3b_predicted_bad_fraction(const fadyn_fig3b_result *r) {
    return (double)r->bst.predicted_bad / (double)r->bst.n;
}

double fadyn_fig3b_bad_area_fraction(const fadyn_fig3b_result *r) {
    const fadyn_window *w = &r->par.win;
    return r->bad_area / ((w->a_hi - w->a_lo) * (w->w_hi - w->w_lo));
}

void fadyn_fig3b_summary(const fadyn_fig3b_result *r, json_t *summary) {
    const fadyn_fig3b_params *p = &r->par;
    json_t *par = json_object();
    json_object_set_new(par, "b", json_real(p->b));
    json_object_set_new(par, "t", json_real(p->t));
    json_object_set_new(par, "window",
                        json_pack("[ffff]", p->win.a_lo, p->win.a_hi, p->win.w_lo, p->win.w_hi));
    json_object_set_new(par, "grid", json_pack("[II]", (json_int_t)p->ga, (json_int_t)p->gw));
    json_object_set_new(par, "basin_grid", json_pack("[II]", (json_int_t)p->ba, (json_int_t)p->bw));
    json_object_set_new(par, "t_end", json_real(p->t_end));
    json_object_set_new(par, "stepper", json_string(p->bp.integ.stepper->name));
    json_object_set_new(summary, "parameters", par);
    json_t *tr = json_array();
    for (size_t k = 0; k < r->ntraj; k++) {
        const fadyn_basin_point *e = &r->ends[k];
        json_array_append_new(tr, json_pack("{s:[ff],s:[oo],s:s,s:s,s:o,s:f}", "from", e->a0, e->w0,
                                            "end", fadyn_json_real(e->a), fadyn_json_real(e->w),
                                            "class", fadyn_phase_class_name(e->cls), "predicted",
                                            fadyn_phase_class_name(e->predicted), "t_settled",
                                            fadyn_json_real(e->t_end), "C", e->C));
    }
    json_object_set_new(summary, "trajectories", tr);
    double z = cbrt(2.0 * p->b * p->t);
    json_object_set_new(summary, "analytic_end_from_origin", json_pack("[ff]", z, p->t / z));
    json_object_set_new(summary, "bad_fraction", json_real(fadyn_fig3b_bad_fraction(r)));
    json_object_set_new(summary, "predicted_bad_node_fraction",
                        json_real(fadyn_fig3b_predicted_bad_fraction(r)));
    json_object_set_new(summary, "analytic_bad_area", json_real(r->bad_area));
    json_object_set_new(summary, "analytic_bad_area_fraction",
                        json_real(fadyn_fig3b_bad_area_fraction(r)));
    json_object_set_new(summary, "stability_checked", json_integer((json_int_t)r->eq_checked));
    json_object_set_new(summary, "stability_mismatch", json_integer((json_int_t)r->eq_mismatch));
    json_object_set_new(summary, "wall_seconds", json_real(r->bst.wall_seconds));
}

/* ---- the data blocks (fadyn/plots.h) and the picture's facts -------------- */

/* gnuplot does not count a block without data rows as an index: an empty
 * block gets one undefined row so that the indices stay in step. */
#define EMPTY_ROW "nan\tnan\tnan\tnan\tnan\n"

static void block(FILE *f, int k, const char *name, const char *cols) {
    if (k > 0) fputs("\n\n", f);
    fprintf(f, "# block %d: %s\n# %s\n", k, name, cols);
}

/* Equilibrium e in the block of kind (good, stable); stable = 0: unstable ones. */
static int eq_of_kind(const fadyn_phase_eq *e, int good, int stable) {
    return stable ? e->stable && e->good == good : !e->stable;
}

/* The equilibria of one kind as runs separated by blank lines. */
static void write_eq(FILE *f, const fadyn_fig3b_result *r, int good, int stable) {
    int open = 0;
    size_t rows = 0;
    for (size_t i = 0; i < r->neq; i++) {
        const fadyn_phase_eq *e = &r->eq[i];
        int in = eq_of_kind(e, good, stable);
        if (in && open && i > 0 && (e->a > 0) != (r->eq[i - 1].a > 0)) fputc('\n', f);
        if (in) {
            fprintf(f, "%.10g\t%.10g\t%.10g\n", e->a, e->w, e->lambda);
            rows++;
        } else if (open)
            fputc('\n', f);
        open = in;
    }
    if (!rows) fputs(EMPTY_ROW, f);
}

int fadyn_fig3b_write(const char *path, const void *result, fadyn_err *err) {
    const fadyn_fig3b_result *r = result;
    const fadyn_fig3b_params *p = &r->par;
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc) return rc;
    FILE *f = of.f;
    fprintf(f, "# fadyn flow: the 1-1-1 network, b = %.17g, t = %.17g\n", p->b, p->t);
    block(f, FADYN_FLOW_FIELD, "field (arrows normalised to 0.7 cell, centred on the node)",
          "a\tw\tda\tdw\tspeed");
    for (size_t i = 0; i < r->nfield; i++) {
        const double *v = r->field + 5 * i;
        fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", v[0], v[1], v[2], v[3], v[4]);
    }
    block(f, FADYN_FLOW_GOOD, "stable equilibria with b w > 0 (good)", "a\tw\tlambda");
    write_eq(f, r, 1, 1);
    block(f, FADYN_FLOW_BAD, "stable equilibria with b w < 0 (bad)", "a\tw\tlambda");
    write_eq(f, r, 0, 1);
    block(f, FADYN_FLOW_UNSTABLE, "unstable equilibria", "a\tw\tlambda");
    write_eq(f, r, 0, 0);
    block(f, FADYN_FLOW_SEPARATRIX, "analytic separatrix (parabola piece, unstable segment)",
          "a\tw");
    if (r->nsep <= 1) fputs(EMPTY_ROW, f); /* only the break: both pieces empty */
    for (size_t i = 0; i < r->nsep; i++)
        if (isnan(r->sep_a[i]))
            fputc('\n', f);
        else
            fprintf(f, "%.10g\t%.10g\n", r->sep_a[i], r->sep_w[i]);
    block(f, FADYN_FLOW_BASIN, "integrated basin grid (bad: 1 if the start ends bad)", "a\tw\tbad");
    for (size_t j = 0; j < p->bw; j++) {
        for (size_t i = 0; i < p->ba; i++) {
            const fadyn_basin_point *q = &r->basin[j * p->ba + i];
            fprintf(f, "%.10g\t%.10g\t%d\n", q->a0, q->w0, q->cls == FADYN_PHASE_BAD);
        }
        fputc('\n', f);
    }
    block(f, FADYN_FLOW_HEADS, "arrow heads of the trajectories", "a\tw\tda\tdw\ttrajectory");
    fputs(EMPTY_ROW, f); /* a trajectory too short for heads leaves the block empty */
    for (size_t k = 0; k < r->ntraj; k++)
        for (size_t h = 0; h < r->nheads[k]; h++) {
            const double *hd = r->heads[k][h];
            fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%zu\n", hd[0], hd[1], hd[2], hd[3], k);
        }
    for (size_t k = 0; k < r->ntraj; k++) {
        char name[128];
        snprintf(name, sizeof name, "trajectory from (%g, %g)", start_a(p, k), start_w(p, k));
        block(f, (int)(FADYN_FLOW_TRAJ + k), name, "t\ta\tw");
        const double *tr = r->traj + k * 3 * FADYN_FIG3B_NTRAJ;
        for (size_t i = 0; i < FADYN_FIG3B_NTRAJ && isfinite(tr[FADYN_FIG3B_NTRAJ + i]); i++)
            fprintf(f, "%.10g\t%.10g\t%.10g\n", tr[i], tr[FADYN_FIG3B_NTRAJ + i],
                    tr[2 * FADYN_FIG3B_NTRAJ + i]);
    }
    return fadyn_ofile_commit(&of, err);
}

/* 1 if some equilibrium of the kind lies inside the window. */
static unsigned char eq_inside(const fadyn_fig3b_result *r, int good, int stable) {
    for (size_t i = 0; i < r->neq; i++)
        if (eq_of_kind(&r->eq[i], good, stable) && inside(&r->par.win, r->eq[i].a, r->eq[i].w))
            return 1;
    return 0;
}

fadyn_flow_plot fadyn_fig3b_plot_spec(const fadyn_fig3b_result *r) {
    const fadyn_fig3b_params *p = &r->par;
    fadyn_flow_plot fp;
    memset(&fp, 0, sizeof fp);
    fp.b = p->b;
    fp.t = p->t;
    fp.win = p->win;
    fp.ntraj = r->ntraj;
    memcpy(fp.from, p->from, sizeof fp.from);
    fp.bad_fraction = fadyn_fig3b_bad_fraction(r);
    fp.have[FADYN_FLOW_FIELD] = r->nfield > 0;
    fp.have[FADYN_FLOW_GOOD] = eq_inside(r, 1, 1);
    fp.have[FADYN_FLOW_BAD] = eq_inside(r, 0, 1);
    fp.have[FADYN_FLOW_UNSTABLE] = eq_inside(r, 0, 0);
    for (size_t i = 0; i < r->nsep; i++)
        fp.have[FADYN_FLOW_SEPARATRIX] |=
            !isnan(r->sep_a[i]) && inside(&p->win, r->sep_a[i], r->sep_w[i]);
    fp.have[FADYN_FLOW_BASIN] = 1;
    for (size_t k = 0; k < r->ntraj; k++) {
        const double *tr = r->traj + k * 3 * FADYN_FIG3B_NTRAJ;
        fp.head_in[k] = r->head_in[k];
        fp.start_in[k] = (unsigned char)inside(&p->win, start_a(p, k), start_w(p, k));
        for (size_t i = 0; i < FADYN_FIG3B_NTRAJ && isfinite(tr[FADYN_FIG3B_NTRAJ + i]); i++)
            fp.traj_in[k] |= (unsigned char)inside(&p->win, tr[FADYN_FIG3B_NTRAJ + i],
                                                   tr[2 * FADYN_FIG3B_NTRAJ + i]);
    }
    return fp;
}

int fadyn_fig3b_draw(const fadyn_plot_target *t, const void *result, fadyn_err *err) {
    fadyn_flow_plot fp = fadyn_fig3b_plot_spec(result);
    return fadyn_plot_flow(t, &fp, err);
}

int fadyn_fig3b_plot(const fadyn_fig3b_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    fadyn_plot_data data = {".tsv", fadyn_fig3b_write, r, NULL};
    return fadyn_plot_make(t, &data, 1, fadyn_fig3b_draw, r, err);
}

size_t fadyn_fig3b_report(const fadyn_fig3b_result *r, fadyn_strbuf *lines,
                          fadyn_strbuf *diverged) {
    (void)diverged; /* no training runs */
    if (!lines) return 0;
    const fadyn_fig3b_params *p = &r->par;
    for (size_t k = 0; k < r->ntraj; k++) {
        const fadyn_basin_point *e = &r->ends[k];
        fadyn_strbuf_printf(lines,
                            "  from (%g, %g): ends at (%.6g, %.6g), %s (analytic %s), C = %.6g\n",
                            e->a0, e->w0, e->a, e->w, fadyn_phase_class_name(e->cls),
                            fadyn_phase_class_name(e->predicted), e->C);
    }
    double z = cbrt(2.0 * p->b * p->t);
    fadyn_strbuf_printf(
        lines, "  analytic end from (0, 0): a = (2bt)^(1/3) = %.6g, w = t/a = %.6g\n", z, p->t / z);
    fadyn_strbuf_printf(lines,
                        "  bad basin: %.4f of the %zux%zu grid (%.4f predicted at the nodes, %.6f "
                        "exact area; docs/theory.md §4)\n",
                        fadyn_fig3b_bad_fraction(r), p->ba, p->bw,
                        fadyn_fig3b_predicted_bad_fraction(r), fadyn_fig3b_bad_area_fraction(r));
    fadyn_strbuf_printf(lines,
                        "  stability: Jacobian eigenvalues vs a^2 + b w > 0 at %zu equilibria, %zu "
                        "mismatches\n",
                        r->eq_checked, r->eq_mismatch);
    return 0;
}

void fadyn_fig3b_result_free(fadyn_fig3b_result *r) {
    free(r->field);
    free(r->basin);
    free(r->eq);
    free(r->sep_a);
    free(r->traj);
    free(r->ends);
    free(r->heads);
    free(r->nheads);
    free(r->head_in);
    fadyn_fig3b_params par = r->par;
    memset(r, 0, sizeof *r);
    r->par = par;
}

FADYN_RECIPE_DEFINE(fig3b,
                    "the 1-1-1 network, b = t = 1: flow field, equilibria by stability, the\n"
                    "integrated basin of the bad branch against the analytic separatrix, and\n"
                    "trajectories from (0,0), (-2.5,1), (-1,-2.5), (2,-2)",
                    NONE, NONE, NONE, 1350, 1000);
