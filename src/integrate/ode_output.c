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

void fadyn_ode_summary(const fadyn_ode_result *res, json_t *j) {
    json_object_set_new(j, "status", json_string(fadyn_ode_status_name(res->status)));
    if (res->status != FADYN_OK) json_object_set_new(j, "status_detail", json_string(res->err.msg));
    json_object_set_new(j, "t_reached", json_real(res->stats.t_reached));
    json_object_set_new(j, "final_nse", fadyn_json_real(res->final_nse));
    json_object_set_new(j, "conserved_drift_max", fadyn_json_real(res->drift_max));
    json_object_set_new(j, "conserved_drift_rel_max", fadyn_json_real(res->drift_rel_max));
    json_object_set_new(j, "lyapunov_max_rise", fadyn_json_real(res->lyapunov_max_rise));
    json_object_set_new(j, "s_max", fadyn_json_real(res->s_max));
    json_object_set_new(j, "s_bound_paper", fadyn_json_real(res->s_bound_paper));
    json_object_set_new(j, "s_bound_derived", fadyn_json_real(res->s_bound_derived));
    json_object_set_new(j, "angle_bp_final", fadyn_json_real(res->angle_bp_final));
    json_object_set_new(j, "angle_pbp_final", fadyn_json_real(res->angle_pbp_final));
    json_object_set_new(j, "steps", json_integer((json_int_t)res->stats.steps));
    json_object_set_new(j, "failed_steps", json_integer((json_int_t)res->stats.failed_steps));
    json_object_set_new(j, "rhs_evals", json_integer((json_int_t)res->stats.rhs_evals));
    json_object_set_new(j, "jac_evals", json_integer((json_int_t)res->stats.jac_evals));
    json_object_set_new(j, "wall_seconds", json_real(res->stats.wall_seconds));
}

void fadyn_ode_report(const fadyn_ode_result *res, fadyn_strbuf *b) {
    const char *why = res->status == FADYN_DIVERGED ? "diverged" : "undefined";
    char v[6][48];
    fadyn_strbuf_printf(b, "  final NSE            %s\n",
                        fadyn_fmt_or_na(v[0], sizeof v[0], "%.4e", res->final_nse, why));
    fadyn_strbuf_printf(b, "  conserved C drift    %s max (relative %s)\n",
                        fadyn_fmt_or_na(v[0], sizeof v[0], "%.3e", res->drift_max, why),
                        fadyn_fmt_or_na(v[1], sizeof v[1], "%.3e", res->drift_rel_max, why));
    fadyn_strbuf_printf(b, "  largest rise of V    %s\n",
                        fadyn_fmt_or_na(v[0], sizeof v[0], "%.3e", res->lyapunov_max_rise, why));
    fadyn_strbuf_printf(b, "  s = tr(AA^T)         max %s; bound eq 47 %s, derived %s\n",
                        fadyn_fmt_or_na(v[0], sizeof v[0], "%.4g", res->s_max, why),
                        fadyn_fmt_or_na(v[1], sizeof v[1], "%.4g", res->s_bound_paper, why),
                        fadyn_fmt_or_na(v[2], sizeof v[2], "%.4g", res->s_bound_derived, why));
    fadyn_strbuf_printf(b, "  angle to bp / pbp    %s / %s deg at the end\n",
                        fadyn_fmt_or_na(v[0], sizeof v[0], "%.2f", res->angle_bp_final, why),
                        fadyn_fmt_or_na(v[1], sizeof v[1], "%.2f", res->angle_pbp_final, why));
    fadyn_strbuf_printf(b, "  steps %lu (%lu failed), rhs evaluations %lu, %.3f s\n",
                        res->stats.steps, res->stats.failed_steps, res->stats.rhs_evals,
                        res->stats.wall_seconds);
}
