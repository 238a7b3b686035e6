/* basin_output.c — what a basin writes: the starts and their ends as TSV,
 * the class map's curves, a grid's counts and a layered network's end-state
 * fractions as JSON and text (fadyn/phase.h). */
#include "fadyn/io.h"
#include "fadyn/json.h"
#include "fadyn/phase.h"
#include "fadyn/plots.h"
#include "fadyn/portrait.h"
#include "fadyn/size.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the 1-1-1 network ------------------------------------------------------------ */

int fadyn_basin_write_points(const char *path, const void *table, fadyn_err *err) {
    static const char *const cols[] = {"a0",    "w0", "class",     "a_end",    "w_end",
                                       "t_end", "C",  "predicted", "direction"};
    const fadyn_basin_points *t = table;
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc) return rc;
    fadyn_tsv_header(of.f, cols, 9);
    for (size_t i = 0; i < t->n; i++) {
        const fadyn_basin_point *p = &t->p[i];
        fprintf(of.f, "%.10g\t%.10g\t%s\t%.10g\t%.10g\t%.10g\t%.10g\t%s\t%s\n", p->a0, p->w0,
                fadyn_phase_class_name(p->cls), p->a, p->w, p->t_end, p->C,
                fadyn_phase_class_name(p->predicted), p->backward ? "backward" : "forward");
    }
    return fadyn_ofile_commit(&of, err);
}

int fadyn_basin_write_curves(const char *path, const void *plot, fadyn_err *err) {
    const fadyn_basin_plot *bp = plot;
    fadyn_portrait p = fadyn_portrait_default(); /* only its curves: the same table as flow's */
    p.b = bp->b, p.t = bp->t, p.win = bp->win;
    p.curves = fadyn_malloc_n(fadyn_phase_curves_cap(FADYN_PORTRAIT_NCURVE), 1, sizeof *p.curves);
    if (!p.curves) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    int rc = fadyn_phase_curves(p.b, p.t, &p.win, FADYN_PORTRAIT_NCURVE, p.curves, &p.cst, err);
    if (rc == FADYN_OK) rc = fadyn_portrait_write_curves(path, &p, err);
    free(p.curves);
    return rc;
}

/* The branches of the equilibria with their stability, the part of each
 * inside the window's a-range, and the fold point. */
void fadyn_phase_branches_summary(double b, double t, const fadyn_window *win, json_t *summary) {
    fadyn_phase_branch br[3];
    fadyn_phase_branches(b, t, br);
    json_t *arr = json_array();
    for (int k = 0; k < 3; k++) {
        /* a between sign·a_from and sign·a_to, clipped to the window */
        double lo = br[k].sign > 0 ? br[k].a_from : -br[k].a_to;
        double hi = br[k].sign > 0 ? br[k].a_to : -br[k].a_from;
        double wlo = fmax(lo, win->a_lo), whi = fmin(hi, win->a_hi);
        json_t *e =
            json_pack("{s:s,s:b,s:s,s:o,s:o}", "branch", br[k].name, "stable", br[k].stable,
                      "class", br[k].good ? "good" : "bad", "a_range",
                      json_pack("[oo]", fadyn_json_real(lo), fadyn_json_real(hi)),
                      "a_range_in_window", wlo < whi ? json_pack("[ff]", wlo, whi) : json_null());
        json_object_set_new(e, "lambda",
                            json_string("-(a^2 + b w), w = t/a: the non-zero Jacobian eigenvalue"));
        json_array_append_new(arr, e);
    }
    json_object_set_new(summary, "equilibria", arr);
    double af = fadyn_phase_fold_a(b, t);
    json_object_set_new(summary, "fold_point", json_pack("[ff]", af, t / af));
}

static double window_area(const fadyn_window *w) {
    return (w->a_hi - w->a_lo) * (w->w_hi - w->w_lo);
}

void fadyn_basin_summary(const fadyn_basin_stats *st, double area, const fadyn_window *win,
                         json_t *j) {
    json_t *counts = json_object();
    for (int c = 0; c < FADYN_PHASE_NCLASS; c++)
        json_object_set_new(counts, fadyn_phase_class_name(c),
                            json_integer((json_int_t)st->counts[c]));
    json_object_set_new(j, "counts", counts);
    double n = (double)st->n;
    json_object_set_new(j, "points", json_integer((json_int_t)st->n));
    json_object_set_new(j, "bad_fraction", json_real((double)st->counts[FADYN_PHASE_BAD] / n));
    json_object_set_new(j, "predicted_bad_node_fraction", json_real((double)st->predicted_bad / n));
    json_object_set_new(j, "analytic_bad_area", json_real(area));
    json_object_set_new(j, "analytic_bad_area_fraction", json_real(area / window_area(win)));
    json_object_set_new(j, "disagreements", json_integer((json_int_t)st->disagree));
    json_object_set_new(j, "disagreements_within_one_cell_of_separatrix",
                        json_integer((json_int_t)st->disagree_near));
    json_object_set_new(j, "wall_seconds", json_real(st->wall_seconds));
    json_object_set_new(j, "trajectories_per_second", json_real(n / st->wall_seconds));
    json_object_set_new(j, "rhs_evals_per_trajectory", json_real((double)st->rhs_evals / n));
    json_object_set_new(j, "steps_per_trajectory", json_real((double)st->steps / n));
    json_object_set_new(j, "threads", json_integer(st->threads));
}

void fadyn_basin_report(const fadyn_basin_stats *st, double area, const fadyn_window *win,
                        fadyn_strbuf *b) {
    double n = (double)st->n;
    for (int c = 0; c < FADYN_PHASE_NCLASS; c++)
        fadyn_strbuf_printf(b, "  %-12s %zu\n", fadyn_phase_class_name(c), st->counts[c]);
    fadyn_strbuf_printf(b,
                        "  bad fraction %.5f integrated, %.5f predicted at the nodes "
                        "(docs/theory.md §4), %.6f exact area; %zu disagreements, %zu of them "
                        "within one cell of the separatrix\n",
                        (double)st->counts[FADYN_PHASE_BAD] / n, (double)st->predicted_bad / n,
                        area / window_area(win), st->disagree, st->disagree_near);
    fadyn_strbuf_printf(b,
                        "  %.3f s on %d threads: %.0f trajectories/s, %.1f rhs evaluations and "
                        "%.1f steps per trajectory\n",
                        st->wall_seconds, st->threads, n / st->wall_seconds,
                        (double)st->rhs_evals / n, (double)st->steps / n);
}

void fadyn_basin_points_summary(const fadyn_basin_points *t, json_t *j) {
    json_t *arr = json_array();
    for (size_t k = 0; k < t->n; k++) {
        const fadyn_basin_point *p = &t->p[k];
        json_array_append_new(
            arr, json_pack("{s:[ff],s:s,s:[oo],s:s,s:o,s:f,s:s}", "from", p->a0, p->w0, "direction",
                           p->backward ? "backward" : "forward", "end", fadyn_json_real(p->a),
                           fadyn_json_real(p->w), "class", fadyn_phase_class_name(p->cls),
                           "t_settled", fadyn_json_real(p->t_end), "C", p->C, "predicted",
                           fadyn_phase_class_name(p->predicted)));
    }
    json_object_set_new(j, "points", arr);
}

void fadyn_basin_points_report(const fadyn_basin_points *t, fadyn_strbuf *b) {
    fadyn_strbuf_printf(b, "  %10s %10s  %-11s %12s %12s %10s %10s  %-11s %s\n", "a0", "w0",
                        "class", "a_end", "w_end", "t_settle", "C", "predicted", "direction");
    for (size_t k = 0; k < t->n; k++) {
        const fadyn_basin_point *p = &t->p[k];
        fadyn_strbuf_printf(b, "  %10.4g %10.4g  %-11s %12.6g %12.6g %10.4g %10.5g  %-11s %s\n",
                            p->a0, p->w0, fadyn_phase_class_name(p->cls), p->a, p->w, p->t_end,
                            p->C, fadyn_phase_class_name(p->predicted),
                            p->backward ? "backward" : "forward");
    }
}

/* ---- layered networks ------------------------------------------------------------- */

int fadyn_nd_table_fill(fadyn_nd_table *t, const fadyn_nd_result *r, const size_t sizes[3],
                        unsigned long seed, size_t samples, const double *scales, size_t nscales,
                        double span, size_t nu, size_t nv, fadyn_err *err) {
    int slice = nu > 0;
    size_t n = slice ? nu * nv : samples * nscales, nt = slice ? 1 : nscales;
    memset(t, 0, sizeof *t);
    t->cols = fadyn_malloc_n(4, n, sizeof(double));
    t->tally = malloc(nt * (sizeof *t->tally + sizeof(double)));
    if (!t->cols || !t->tally) {
        fadyn_nd_table_free(t);
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory for %zu starts", n);
    }
    t->r = r, t->n = n, t->ntally = nt, t->slice = slice;
    t->scale = t->cols, t->sample = t->cols + n, t->u = t->cols + 2 * n, t->v = t->cols + 3 * n;
    t->tally_scale = (double *)(t->tally + nt);
    for (size_t i = 0; i < n; i++) { /* fadyn_nd_slice's and fadyn_nd_run_many's layouts */
        size_t a = slice ? i % nu : i % samples, b = slice ? i / nu : i / samples;
        t->scale[i] = slice ? scales[0] : scales[b];
        t->sample[i] = slice ? 0.0 : (double)(seed + a);
        t->u[i] = slice ? fadyn_nd_slice_coord(span, nu, a) : NAN;
        t->v[i] = slice ? fadyn_nd_slice_coord(span, nv, b) : NAN;
    }
    for (size_t k = 0; k < nt; k++) {
        t->tally[k] = fadyn_nd_tally_of(slice ? r : r + k * samples, slice ? n : samples, sizes);
        t->tally_scale[k] = scales[k];
    }
    return FADYN_OK;
}

void fadyn_nd_table_free(fadyn_nd_table *t) {
    free(t->cols);
    free(t->tally);
    t->cols = NULL, t->tally = NULL;
}

/* Words for the categorical columns. */
static const char *nd_status_name(int status) {
    return status == FADYN_OK ? "ok" : status == FADYN_DIVERGED ? "diverged" : "max_steps";
}
static const char *nd_class_name(const fadyn_nd_result *r) {
    int c = fadyn_nd_class(r);
    return fadyn_nd_tally_name(c == -2 ? FADYN_ND_DIVERGED : c == -1 ? FADYN_ND_UNCONVERGED : c);
}
static const char *nd_verdict_name(int v) {
    return v == 1 ? "yes" : v == 0 ? "no" : "unchecked";
}

int fadyn_nd_write(const char *path, const void *table, fadyn_err *err) {
    static const char *const cols[] = {"scale",  "sample",         "u",          "v",
                                       "status", "class",          "nse",        "t_end",
                                       "s_min",  "s_max",          "nu_re_min",  "mu_min",
                                       "stable", "stable_reduced", "zero_modes", "lambda_re_max"};
    const fadyn_nd_table *t = table;
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc) return rc;
    fadyn_tsv_header(of.f, cols, sizeof cols / sizeof *cols);
    for (size_t i = 0; i < t->n; i++) {
        const fadyn_nd_result *r = &t->r[i];
        double v[] = {t->scale[i], t->sample[i], t->u[i], t->v[i]};
        double w[] = {r->nse, r->t_end, r->s_min, r->s_max, r->nu_re_min, r->mu_min};
        fadyn_tsv_cells(of.f, v, 4);
        fprintf(of.f, "%s\t%s\t", nd_status_name(r->status), nd_class_name(r));
        fadyn_tsv_cells(of.f, w, 6);
        fprintf(of.f, "%s\t%s\t%zu\t%.10g\n", nd_verdict_name(r->stable),
                nd_verdict_name(r->stable_reduced), r->zero_modes, r->lambda_re_max);
    }
    return fadyn_ofile_commit(&of, err);
}

int fadyn_nd_write_fractions(const char *path, const void *table, fadyn_err *err) {
    const fadyn_nd_table *t = table;
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc) return rc;
    fprintf(of.f, "scale");
    for (int c = 0; c < FADYN_ND_NTALLY; c++)
        fprintf(of.f, "\t%s", fadyn_nd_tally_name(c));
    fputc('\n', of.f);
    for (size_t k = 0; k < t->ntally; k++) {
        double v[1 + FADYN_ND_NTALLY] = {t->tally_scale[k]};
        memcpy(v + 1, t->tally[k].frac, sizeof t->tally[k].frac);
        fadyn_tsv_row(of.f, v, 1 + FADYN_ND_NTALLY);
    }
    return fadyn_ofile_commit(&of, err);
}

void fadyn_nd_summary(const fadyn_nd_table *t, const size_t sizes[3], double wall, json_t *j) {
    json_object_set_new(j, "mode", json_string(t->slice ? "slice" : "network"));
    json_t *arr = json_array();
    for (size_t k = 0; k < t->ntally; k++) {
        const fadyn_nd_tally *ta = &t->tally[k];
        json_t *e = json_object();
        json_object_set_new(e, "init_scale", json_real(t->tally_scale[k]));
        for (int c = 0; c < FADYN_ND_NTALLY; c++) /* stable: null when not computed */
            json_object_set_new(e, fadyn_nd_tally_name(c),
                                c == FADYN_ND_STABLE && !ta->checked ? json_null()
                                                                     : json_real(ta->frac[c]));
        json_object_set_new(e, "stability_checked", json_integer((json_int_t)ta->checked));
        json_object_set_new(e, "jacobian_agrees_with_reduced", json_integer((json_int_t)ta->agree));
        json_object_set_new(e, "zero_modes_as_expected", json_integer((json_int_t)ta->zero_match));
        json_array_append_new(arr, e);
    }
    json_object_set_new(j, "fractions", arr);
    json_object_set_new(j, "zero_modes_expected",
                        json_integer((json_int_t)fadyn_nd_zero_modes_expected(sizes)));
    json_object_set_new(j, "wall_seconds", json_real(wall));
    json_object_set_new(j, "trajectories_per_second", json_real((double)t->n / wall));
}

void fadyn_nd_report(const fadyn_nd_table *t, fadyn_strbuf *b) {
    fadyn_strbuf_printf(b, "  %10s %8s %8s %8s %8s %8s %8s  %s\n", "scale", "posdef", "indef",
                        "negdef", "unconv", "diverged", "stable", "Jacobian = reduced criterion");
    for (size_t k = 0; k < t->ntally; k++) {
        const fadyn_nd_tally *ta = &t->tally[k];
        fadyn_strbuf_printf(b, "  %10g", t->tally_scale[k]);
        for (int c = 0; c < FADYN_ND_STABLE; c++)
            fadyn_strbuf_printf(b, " %8.3f", ta->frac[c]);
        if (ta->checked)
            fadyn_strbuf_printf(b, " %8.3f  %zu/%zu\n", ta->frac[FADYN_ND_STABLE], ta->agree,
                                ta->checked);
        else
            fadyn_strbuf_printf(b, " %8s  (not computed)\n", "-");
    }
}
