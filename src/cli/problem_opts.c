/* problem_opts.c — option groups shared by several commands: the options
 * that define a linear learning problem (`ode`, `compare`) and the output
 * options (`ode`, `compare`, `train`). */
#include "cli.h"
#include "fadyn/plot.h"

#include <stdio.h>

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

void cli_problem_opts_default(cli_problem_opts *o) {
    memset(o, 0, sizeof *o);
    size_t def[] = {30, 20, 10};
    memcpy(o->sizes, def, sizeof def);
    o->nsizes = 3;
    o->rule = fadyn_rule_type_find("fa");
    o->seed = 1;
    o->ip = fadyn_init_params_default();
}

int cli_problem_opt(const char *cmd, int c, const char *arg, cli_problem_opts *o, int *rc) {
    *rc = 0;
    switch (c) {
    case CLI_PO_SIZES:
        *rc = cli_size_list(cmd, "--sizes", arg, o->sizes, FADYN_MAX_DEPTH + 1, &o->nsizes);
        break;
    case CLI_PO_RULE:
        *rc = cli_rule(cmd, arg, 1, &o->rule);
        break;
    case CLI_PO_SIGMA:
        *rc = cli_double_list(cmd, "--sigma", arg, o->sigma, 4096, &o->nsigma);
        break;
    case CLI_PO_SEED:
        *rc = cli_ulong(cmd, "--seed", arg, &o->seed);
        break;
    case CLI_PO_INIT:
        if (strcmp(arg, "zero") == 0)
            o->zero_init = 1;
        else if (strcmp(arg, "random") == 0)
            o->zero_init = 0;
        else {
            cli_error(cmd, "--init '%s': unknown (random, zero)", arg);
            *rc = CLI_EXIT_USAGE;
        }
        break;
    case CLI_PO_INIT_SCALE:
        *rc = cli_double(cmd, "--init-scale", arg, &o->ip.w_scale);
        break;
    case CLI_PO_T_SCALE:
        *rc = cli_double(cmd, "--t-scale", arg, &o->ip.t_scale);
        break;
    case CLI_PO_B_SCALE:
        *rc = cli_double(cmd, "--b-scale", arg, &o->ip.b_scale);
        break;
    case CLI_PO_INIT_FROM:
        o->init_from = arg;
        break;
    default:
        return 0;
    }
    return 1;
}

int cli_problem_check(const char *cmd, const cli_problem_opts *o) {
    if (o->nsizes < 3) {
        cli_error(cmd, "--sizes: need at least 3 layers (inputs, hidden, outputs), got %zu",
                  o->nsizes);
        return CLI_EXIT_USAGE;
    }
    for (size_t k = 0; k < o->nsizes; k++)
        if (o->sizes[k] == 0) {
            cli_error(cmd, "--sizes: layer %zu has size 0", k);
            return CLI_EXIT_USAGE;
        }
    if (o->nsigma != 0 && o->nsigma != 1 && o->nsigma != o->sizes[0]) {
        cli_error(cmd, "--sigma: give 1 value or %zu (one per input), not %zu", o->sizes[0],
                  o->nsigma);
        return CLI_EXIT_USAGE;
    }
    if (!(o->ip.w_scale >= 0.0) || !(o->ip.t_scale >= 0.0) || !(o->ip.b_scale >= 0.0)) {
        cli_error(cmd, "--init-scale, --t-scale, --b-scale: must be >= 0");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cli_problem_build(const cli_problem_opts *o, fadyn_problem *p, fadyn_err *err) {
    int rc = fadyn_problem_alloc(p, o->nsizes - 1, o->sizes, o->rule, err);
    if (rc) return rc;
    if (o->init_from) {
        rc = fadyn_problem_load(p, o->init_from, err);
    } else {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!r) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        gsl_rng_set(r, o->seed);
        fadyn_init_params ip = o->ip;
        if (o->zero_init) ip.w_scale = 0.0;
        fadyn_problem_draw(p, &ip, r);
        gsl_rng_free(r);
    }
    if (rc == FADYN_OK && o->nsigma > 0) {
        double *s = malloc(p->sizes[0] * sizeof(double));
        if (!s) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        for (size_t i = 0; i < p->sizes[0]; i++)
            s[i] = o->sigma[o->nsigma == 1 ? 0 : i];
        rc = fadyn_problem_set_sigma(p, s, err);
        free(s);
    }
    return rc;
}

json_t *cli_problem_json(const cli_problem_opts *o, const fadyn_problem *p) {
    json_t *par = json_object();
    json_t *sz = json_array();
    for (size_t k = 0; k < o->nsizes; k++)
        json_array_append_new(sz, json_integer((json_int_t)o->sizes[k]));
    json_object_set_new(par, "sizes", sz);
    json_object_set_new(par, "rule", json_string(o->rule->name));
    if (p->sigma) {
        json_t *sig = json_array();
        for (size_t i = 0; i < p->sizes[0]; i++)
            json_array_append_new(sig, json_real(p->sigma[i]));
        json_object_set_new(par, "sigma", sig);
    } else {
        json_object_set_new(par, "sigma", json_string("identity"));
    }
    json_object_set_new(par, "seed", json_integer((json_int_t)o->seed));
    json_object_set_new(par, "init",
                        json_string(o->init_from   ? "file"
                                    : o->zero_init ? "zero"
                                                   : "random"));
    if (o->init_from) json_object_set_new(par, "init_from", json_string(o->init_from));
    json_object_set_new(par, "init_scale", json_real(o->ip.w_scale));
    json_object_set_new(par, "t_scale", json_real(o->ip.t_scale));
    json_object_set_new(par, "b_scale", json_real(o->ip.b_scale));
    return par;
}

int cli_output_opt(int c, const char *arg, cli_output_opts *o, const char *help, int *rc) {
    *rc = 0;
    switch (c) {
    case CLI_OO_OUT:
        o->out = arg;
        break;
    case CLI_OO_SUMMARY:
        o->summary = arg;
        break;
    case CLI_OO_PLOT:
        o->plot = arg;
        break;
    case CLI_OO_QUIET:
        o->quiet = 1;
        break;
    case 'h':
    case CLI_OO_HELP:
        cli_print_help(help);
        *rc = -1;
        break;
    default:
        return 0;
    }
    return 1;
}

int cli_output_check(const char *cmd, const cli_output_opts *o) {
    int rc;
    if (o->out && (rc = cli_check_out(cmd, "--out", o->out))) return rc;
    if (o->summary && (rc = cli_check_out(cmd, "--summary", o->summary))) return rc;
    if (o->plot) {
        fadyn_plot_target pt;
        fadyn_err err;
        fadyn_err_clear(&err);
        if (fadyn_plot_target_parse(&pt, o->plot, 0, 0, &err) != FADYN_OK) {
            cli_error_err(cmd, &err);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}
