/* fig3b.c — Fig. 3b: the phase portrait of the 1-1-1 network under fa
 * (docs/theory.md §4): the flow field, the equilibria a w = t split by
 * stability (Jacobian eigenvalues, cross-checked against a² + b w > 0), the
 * nullclines, the basin of the bad branch integrated on a grid, the
 * analytic separatrix, and trajectories from (0, 0) and from each start in
 * its direction of time, with where they settle and leave the window
 * (fadyn/portrait.h). */
#include "experiments_impl.h"
#include "fadyn/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE                                                                                       \
    { 0, 0 } /* no runs or examples: quick and full are the same picture */

static const fadyn_phase_start FROM[] = {{-2.5, 1.0, 0}, {-1.0, -2.5, 0}, {2.0, -2.0, 0}};

fadyn_fig3b_params fadyn_fig3b_params_default(void) {
    fadyn_fig3b_params p;
    memset(&p, 0, sizeof p);
    p.set = fadyn_exp_settings((fadyn_recipe_scale)NONE);
    fadyn_portrait d = fadyn_portrait_default();
    p.b = d.b;
    p.t = d.t;
    p.win = d.win;
    p.from = FROM;
    p.nfrom = sizeof FROM / sizeof FROM[0];
    p.origin = 1;
    p.ga = d.ga, p.gw = d.gw;
    p.ba = d.ba, p.bw = d.bw;
    p.t_end = d.t_end;
    p.bp = d.bp;
    return p;
}

int fadyn_fig3b_run(const fadyn_fig3b_params *p, fadyn_fig3b_result *r, fadyn_err *err) {
    memset(r, 0, sizeof *r);
    r->par = *p;
    if (p->nfrom && !p->from)
        return fadyn_err_set(err, FADYN_EINVAL, "fig3b: nfrom %zu starts but from is NULL",
                             p->nfrom);
    fadyn_portrait *q = &r->p;
    *q = fadyn_portrait_default();
    q->b = p->b, q->t = p->t, q->win = p->win;
    q->ga = p->ga, q->gw = p->gw, q->ba = p->ba, q->bw = p->bw;
    q->t_end = p->t_end;
    q->bp = p->bp;
    q->bp.progress = p->set.progress;
    q->bp.progress_ctx = p->set.progress_ctx;
    int rc = fadyn_portrait_compute(q, err);
    q->bp = p->bp;
    if (rc == FADYN_OK) rc = fadyn_phase_bad_area(p->b, p->t, &p->win, &r->bad_area, err);
    fadyn_phase_start origin = {0.0, 0.0, 0};
    int with_origin = p->origin;
    for (size_t k = 0; k < p->nfrom; k++)
        with_origin &= !(p->from[k].a == 0.0 && p->from[k].w == 0.0 && !p->from[k].backward);
    if (rc == FADYN_OK && with_origin) rc = fadyn_portrait_add(q, &origin, err);
    for (size_t k = 0; k < p->nfrom && rc == FADYN_OK; k++)
        rc = fadyn_portrait_add(q, &p->from[k], err);
    if (rc) {
        fadyn_fig3b_result_free(r);
        return rc;
    }
    return q->cst.mismatch ? FADYN_CHECK_FAILED : FADYN_OK;
}

double fadyn_fig3b_bad_fraction(const fadyn_fig3b_result *r) {
    return (double)r->p.bst.counts[FADYN_PHASE_BAD] / (double)r->p.bst.n;
}

double fadyn_fig3b_predicted_bad_fraction(const fadyn_fig3b_result *r) {
    return (double)r->p.bst.predicted_bad / (double)r->p.bst.n;
}

double fadyn_fig3b_bad_area_fraction(const fadyn_fig3b_result *r) {
    const fadyn_window *w = &r->par.win;
    return r->bad_area / ((w->a_hi - w->a_lo) * (w->w_hi - w->w_lo));
}

static json_t *trajectory_json(const fadyn_portrait_traj *tr) {
    const fadyn_basin_point *e = &tr->end;
    json_t *j = json_pack(
        "{s:[ff],s:s,s:[oo],s:s,s:s,s:o,s:o,s:f,s:s}", "from", tr->start.a, tr->start.w,
        "direction", tr->start.backward ? "backward" : "forward", "end", fadyn_json_real(e->a),
        fadyn_json_real(e->w), "class", fadyn_phase_class_name(e->cls), "predicted",
        fadyn_phase_class_name(e->predicted), "lambda", fadyn_json_real(e->lambda), "t_settled",
        fadyn_json_real(e->t_end), "C", e->C, "window", fadyn_exit_name(tr->exit));
    json_object_set_new(j, "exit",
                        tr->exit == FADYN_EXIT_LEAVES
                            ? json_pack("[fff]", tr->exit_a, tr->exit_w, tr->exit_t)
                            : json_null());
    return j;
}

void fadyn_fig3b_summary(const fadyn_fig3b_result *r, json_t *summary) {
    const fadyn_fig3b_params *p = &r->par;
    const fadyn_portrait *q = &r->p;
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
    for (size_t k = 0; k < q->ntraj; k++)
        json_array_append_new(tr, trajectory_json(&q->traj[k]));
    json_object_set_new(summary, "trajectories", tr);
    fadyn_phase_branches_summary(p->b, p->t, &p->win, summary);
    json_object_set_new(
        summary, "nullclines",
        json_pack("{s:s,s:s}", "adot_zero", "a w = t", "wdot_zero", "a w = t and a = 0"));
    double z = cbrt(2.0 * p->b * p->t);
    json_object_set_new(summary, "analytic_end_from_origin", json_pack("[ff]", z, p->t / z));
    json_object_set_new(summary, "bad_fraction", json_real(fadyn_fig3b_bad_fraction(r)));
    json_object_set_new(summary, "predicted_bad_node_fraction",
                        json_real(fadyn_fig3b_predicted_bad_fraction(r)));
    json_object_set_new(summary, "analytic_bad_area", json_real(r->bad_area));
    json_object_set_new(summary, "analytic_bad_area_fraction",
                        json_real(fadyn_fig3b_bad_area_fraction(r)));
    json_object_set_new(summary, "stability_checked", json_integer((json_int_t)q->cst.checked));
    json_object_set_new(summary, "stability_mismatch", json_integer((json_int_t)q->cst.mismatch));
    json_object_set_new(summary, "wall_seconds", json_real(q->bst.wall_seconds));
}

int fadyn_fig3b_plot(const fadyn_fig3b_result *r, const fadyn_plot_target *t, fadyn_err *err) {
    fadyn_flow_data *fd = malloc(sizeof *fd);
    if (!fd) return fadyn_err_set(err, FADYN_ENOMEM, "fig3b: out of memory");
    fadyn_flow_data_init(fd, &r->p, NULL);
    fadyn_flow_plot fp = {&r->p, NULL, 1, NULL};
    int rc = fadyn_plot_make(t, fd->d, FADYN_PORTRAIT_NTABLE, fadyn_plot_flow_draw, &fp, err);
    free(fd);
    return rc;
}

size_t fadyn_fig3b_report(const fadyn_fig3b_result *r, fadyn_strbuf *lines,
                          fadyn_strbuf *diverged) {
    (void)diverged; /* no training runs */
    if (!lines) return 0;
    const fadyn_fig3b_params *p = &r->par;
    const fadyn_portrait *q = &r->p;
    for (size_t k = 0; k < q->ntraj; k++) {
        const fadyn_portrait_traj *tr = &q->traj[k];
        const fadyn_basin_point *e = &tr->end;
        fadyn_strbuf_printf(lines, "  %s (%g, %g): ends at (%.6g, %.6g), %s (analytic %s)",
                            tr->start.backward ? "back from" : "from", e->a0, e->w0, e->a, e->w,
                            fadyn_phase_class_name(e->cls), fadyn_phase_class_name(e->predicted));
        if (isfinite(e->lambda)) fadyn_strbuf_printf(lines, ", lambda = %.4g", e->lambda);
        fadyn_strbuf_printf(lines, ", C = %.6g", e->C);
        if (tr->exit == FADYN_EXIT_LEAVES)
            fadyn_strbuf_printf(lines, "; leaves the window at (%.4g, %.4g), t = %.4g", tr->exit_a,
                                tr->exit_w, tr->exit_t);
        fadyn_strbuf_printf(lines, "\n");
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
                        q->cst.checked, q->cst.mismatch);
    return 0;
}

void fadyn_fig3b_result_free(fadyn_fig3b_result *r) {
    fadyn_portrait_free(&r->p);
    fadyn_fig3b_params par = r->par;
    memset(r, 0, sizeof *r);
    r->par = par;
}

FADYN_RECIPE_DEFINE(fig3b,
                    "the 1-1-1 network, b = t = 1: flow field, equilibria by stability, the\n"
                    "integrated basin of the bad branch against the analytic separatrix, and\n"
                    "trajectories from (0,0), (-2.5,1), (-1,-2.5), (2,-2)",
                    NONE, NONE, NONE, 1350, 1000, NULL);
