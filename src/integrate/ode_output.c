/* ode_output.c — what a run of the expected dynamics writes: the observer's
 * rows as TSV, its summaries in JSON and as text (fadyn/ode.h). */
#include "fadyn/io.h"
#include "fadyn/json.h"
#include "fadyn/ode.h"

#include <math.h>

const char *fadyn_ode_status_name(int status) {
    switch (status) {
    case FADYN_OK:
        return "ok";
    case FADYN_DIVERGED:
        return "diverged";
    case FADYN_MAXSTEPS:
        return "step-limit";
    default:
        return "error";
    }
}

int fadyn_ode_write(const char *path, const void *result, fadyn_err *err) {
    const fadyn_ode_result *res = result;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    fadyn_tsv_header(f.f, fadyn_obs_names, FADYN_OBS_NCOLS);
    double v[FADYN_OBS_NCOLS];
    for (size_t i = 0; i < res->nrows; i++) {
        fadyn_obs_to_array(&res->rows[i], v);
        fadyn_tsv_row(f.f, v, FADYN_OBS_NCOLS);
    }
    return fadyn_ofile_commit(&f, err);
}

/* What V and the drift are in this run, as text (ASCII, for JSON and titles). */
static void definitions(const fadyn_ode_result *res, fadyn_strbuf *v, fadyn_strbuf *drift) {
    if (res->lyapunov)
        fadyn_strbuf_printf(v, "||BE||_F^2, the Lyapunov function of eq 23 (non-increasing "
                               "when C = 0, Lemma 2)");
    else
        fadyn_strbuf_printf(v, "||BE||_F^2 of the problem's B (last hidden layer): no Lyapunov "
                               "function of this run (eq 23 is fa's, one hidden layer)");
    if (res->hidden_layers > 1)
        fadyn_strbuf_printf(drift,
                            "sqrt(sum_k ||C_k(t) - C_k(0)||_F^2), the root-sum-square over the "
                            "%zu hidden layers k, C_k = %s of layer k",
                            res->hidden_layers, res->conserved_name ? res->conserved_name : "?");
    else
        fadyn_strbuf_printf(drift, "||C(t) - C(0)||_F, C = %s",
                            res->conserved_name ? res->conserved_name : "?");
}

/* t, "the end" when t is the last time reached, "no sample" when NaN. */
static void put_time(fadyn_strbuf *b, double t, double t_end) {
    if (isnan(t))
        fadyn_strbuf_printf(b, "no sample");
    else if (t == t_end)
        fadyn_strbuf_printf(b, "the end");
    else
        fadyn_strbuf_printf(b, "t = %.4g", t);
}

void fadyn_ode_summary(const fadyn_ode_result *res, json_t *j) {
    fadyn_strbuf v, drift;
    fadyn_strbuf_init(&v);
    fadyn_strbuf_init(&drift);
    definitions(res, &v, &drift);
    json_object_set_new(j, "status", json_string(fadyn_ode_status_name(res->status)));
    if (res->status != FADYN_OK) json_object_set_new(j, "status_detail", json_string(res->err.msg));
    json_object_set_new(j, "t_reached", json_real(res->stats.t_reached));
    json_object_set_new(j, "final_nse", fadyn_json_real(res->final_nse));
    json_object_set_new(j, "conserved_drift_definition",
                        drift.s ? json_string(drift.s) : json_null());
    json_object_set_new(j, "conserved_drift_max", fadyn_json_real(res->drift_max));
    json_object_set_new(j, "conserved_drift_rel_max", fadyn_json_real(res->drift_rel_max));
    json_object_set_new(j, "conserved_c0_rel", fadyn_json_real(res->c0_rel));
    json_object_set_new(j, "V_definition", v.s ? json_string(v.s) : json_null());
    json_object_set_new(j, "V_max_rise", fadyn_json_real(res->V_max_rise));
    json_object_set_new(j, "s_max", fadyn_json_real(res->s_max));
    json_object_set_new(j, "s_bound_paper", fadyn_json_real(res->s_bound_paper));
    json_object_set_new(j, "s_bound_derived", fadyn_json_real(res->s_bound_derived));
    json_object_set_new(j, "s_bound_reason",
                        res->s_bound_reason ? json_string(res->s_bound_reason) : json_null());
    json_object_set_new(j, "angle_floor", fadyn_json_real(res->angle_floor));
    json_object_set_new(j, "angle_bp_last", fadyn_json_real(res->angle_bp_last));
    json_object_set_new(j, "angle_bp_last_t", fadyn_json_real(res->angle_bp_last_t));
    json_object_set_new(j, "angle_pbp_last", fadyn_json_real(res->angle_pbp_last));
    json_object_set_new(j, "angle_pbp_last_t", fadyn_json_real(res->angle_pbp_last_t));
    json_object_set_new(j, "steps", json_integer((json_int_t)res->stats.steps));
    json_object_set_new(j, "failed_steps", json_integer((json_int_t)res->stats.failed_steps));
    json_object_set_new(j, "rhs_evals", json_integer((json_int_t)res->stats.rhs_evals));
    json_object_set_new(j, "jac_evals", json_integer((json_int_t)res->stats.jac_evals));
    json_object_set_new(j, "wall_seconds", json_real(res->stats.wall_seconds));
    fadyn_strbuf_free(&v);
    fadyn_strbuf_free(&drift);
}

void fadyn_ode_report(const fadyn_ode_result *res, fadyn_strbuf *b) {
    const char *why = res->status == FADYN_DIVERGED ? "diverged" : "undefined";
    char v[6][48];
    double t_end = res->stats.t_reached;
    fadyn_strbuf_printf(b, "  final NSE            %s\n",
                        fadyn_fmt_or_na(v[0], sizeof v[0], "%.4e", res->final_nse, why));
    fadyn_strbuf_printf(b, "  drift of C           %s max (relative %s); C = %s%s\n",
                        fadyn_fmt_or_na(v[0], sizeof v[0], "%.3e", res->drift_max, why),
                        fadyn_fmt_or_na(v[1], sizeof v[1], "%.3e", res->drift_rel_max, why),
                        res->conserved_name ? res->conserved_name : "?",
                        res->hidden_layers > 1 ? ", root-sum-square over the hidden layers" : "");
    fadyn_strbuf_printf(b, "  largest rise of %s %s%s\n", res->lyapunov ? "V   " : "|BE|^2",
                        fadyn_fmt_or_na(v[0], sizeof v[0], "%.3e", res->V_max_rise, why),
                        res->lyapunov ? "" : " (no Lyapunov function here)");
    if (res->s_bound_reason)
        fadyn_strbuf_printf(b, "  s = tr(AA^T)         max %s; no bound: %s\n",
                            fadyn_fmt_or_na(v[0], sizeof v[0], "%.4g", res->s_max, why),
                            res->s_bound_reason);
    else
        fadyn_strbuf_printf(b, "  s = tr(AA^T)         max %s; bound eq 47 %s, derived %s\n",
                            fadyn_fmt_or_na(v[0], sizeof v[0], "%.4g", res->s_max, why),
                            fadyn_fmt_or_na(v[1], sizeof v[1], "%.4g", res->s_bound_paper, why),
                            fadyn_fmt_or_na(v[2], sizeof v[2], "%.4g", res->s_bound_derived, why));
    if (isnan(res->angle_bp_last_t) && isnan(res->angle_pbp_last_t)) {
        fadyn_strbuf_printf(b, "  angle to bp / pbp    undefined at every sample\n");
    } else if (res->angle_bp_last_t == res->angle_pbp_last_t) {
        fadyn_strbuf_printf(b, "  angle to bp / pbp    %.2f / %.2f deg, last defined at ",
                            res->angle_bp_last, res->angle_pbp_last);
        put_time(b, res->angle_bp_last_t, t_end);
        fadyn_strbuf_printf(b, "\n");
    } else {
        fadyn_strbuf_printf(b, "  angle to bp / pbp    %s deg, last defined at ",
                            fadyn_fmt_or_na(v[0], sizeof v[0], "%.2f", res->angle_bp_last, why));
        put_time(b, res->angle_bp_last_t, t_end);
        fadyn_strbuf_printf(b, " / %s deg at ",
                            fadyn_fmt_or_na(v[1], sizeof v[1], "%.2f", res->angle_pbp_last, why));
        put_time(b, res->angle_pbp_last_t, t_end);
        fadyn_strbuf_printf(b, "\n");
    }
    fadyn_strbuf_printf(b, "  steps %lu (%lu failed), rhs evaluations %lu, %.3f s\n",
                        res->stats.steps, res->stats.failed_steps, res->stats.rhs_evals,
                        res->stats.wall_seconds);
}
