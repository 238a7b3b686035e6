/* opts.c — the one routine over option tables (opts.h): getopt entries,
 * parsing, --help, JSON "parameters", library field names to flags. */
#include "opts.h"
#include "cli.h"
#include "fadyn/integrate.h"
#include "fadyn/io.h"
#include "fadyn/json.h"
#include "fadyn/mnist.h"
#include "fadyn/plot.h"
#include "fadyn/rule.h"
#include "fadyn/work.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a command's entries, groups expanded ---------------------------------- */

#define MAX_OPTS 128

typedef struct {
    const cli_opt *o[MAX_OPTS];
    size_t base[MAX_OPTS]; /* offset of the entry's table's struct in the command's */
    size_t n;
} flat;

static void flatten(flat *f, const cli_opt *t, size_t base) {
    for (; t->kind; t++) {
        if (t->kind == &cli_k_group) {
            flatten(f, t->data, base + t->off);
            continue;
        }
        if (f->n == MAX_OPTS) {
            fputs("fadyn: internal error: more than 128 options\n", stderr);
            abort();
        }
        f->o[f->n] = t;
        f->base[f->n++] = base;
    }
}

static void *field(const cli_opt *o, const void *base) {
    return (char *)base + o->off;
}

/* ---- numbers ------------------------------------------------------------------ */

void cli_fmt_double(double x, char *buf, size_t n) {
    char t[64];
    snprintf(t, sizeof t, "%g", x);
    char *e = strchr(t, 'e');
    if (e) { /* e-08 -> e-8, e+06 -> e6 */
        char *d = e + 1, *s = e + 1;
        if (*s == '-') *d++ = *s++;
        if (*s == '+') s++;
        while (*s == '0' && s[1])
            s++;
        memmove(d, s, strlen(s) + 1);
    }
    snprintf(buf, n, "%s", t);
}

/* Integers of 1e6 and more that are one digit times a power of ten, as 1e7. */
static void fmt_count(double x, char *buf, size_t n) {
    double p = x >= 1e6 ? pow(10.0, floor(log10(x))) : 0.0;
    if (p > 0.0 && fmod(x, p) == 0.0)
        cli_fmt_double(x, buf, n);
    else
        snprintf(buf, n, "%.0f", x);
}

static int is_count(const cli_opt *o) {
    return o->kind->num && o->kind->num != 'd';
}
static void fmt_num(const cli_opt *o, double x, char *buf, size_t n) {
    (is_count(o) ? fmt_count : cli_fmt_double)(x, buf, n);
}

/* The bounds of o on x (given as s): 0, or CLI_EXIT_USAGE after the error. */
static int bounded(const char *cmd, const cli_opt *o, const char *s, double x) {
    char lo[32], hi[32];
    fmt_num(o, o->lo, lo, sizeof lo);
    fmt_num(o, o->hi, hi, sizeof hi);
    if (o->bound == CLI_ABOVE && !(x > o->lo))
        cli_error(cmd, "--%s %s: must be > %s", o->name, s, lo);
    else if (o->bound == CLI_WITHIN && !(x >= o->lo && x <= o->hi) && isinf(o->hi))
        cli_error(cmd, "--%s %s: must be >= %s", o->name, s, lo);
    else if (o->bound == CLI_WITHIN && !(x >= o->lo && x <= o->hi))
        cli_error(cmd, "--%s %s: must be between %s and %s", o->name, s, lo, hi);
    else
        return 0;
    return CLI_EXIT_USAGE;
}

/* Numbers of type t: 'd' double, 'z' size_t, 'u' unsigned long, 'i' int. */
static size_t num_size(int t) {
    return t == 'd' ? sizeof(double) : t == 'i' ? sizeof(int) : sizeof(size_t);
}
static unsigned long count_get(int t, const void *p) {
    return t == 'z'   ? *(const size_t *)p
           : t == 'u' ? *(const unsigned long *)p
                      : (unsigned long)*(const int *)p;
}

/* s into the number of type t at p: a finite number, or a whole number
 * (digits only: no sign, no blanks), within o's bounds. */
static int num_read(const char *cmd, const cli_opt *o, const char *s, int t, void *p) {
    char *end = NULL;
    errno = 0;
    if (t == 'd') {
        double x = fadyn_plus_zero(strtod(s, &end)); /* "-0" is 0 */
        if (end == s || *end != '\0')
            cli_error(cmd, "--%s '%s': not a number", o->name, s);
        else if (errno == ERANGE && fabs(x) < 1.0)
            cli_error(cmd,
                      "--%s '%s': too small (subnormal or below 2.2e-308, the smallest normal "
                      "double)",
                      o->name, s);
        else if (!isfinite(x) || errno == ERANGE)
            cli_error(cmd, "--%s '%s': not a finite number", o->name, s);
        else if (bounded(cmd, o, s, x) == 0)
            return *(double *)p = x, 0;
        return CLI_EXIT_USAGE;
    }
    unsigned long x = *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : 0;
    if (s[strspn(s, " \t\n\v\f\r")] == '-')
        cli_error(cmd, "--%s '%s': must not be negative", o->name, s);
    else if (!end || *end != '\0')
        cli_error(cmd, "--%s '%s': not a whole number", o->name, s);
    else if (errno == ERANGE || (t == 'i' && x > INT_MAX))
        cli_error(cmd, "--%s %s: too large", o->name, s);
    else if (bounded(cmd, o, s, (double)x) == 0) {
        if (t == 'z') *(size_t *)p = (size_t)x;
        if (t == 'u') *(unsigned long *)p = x;
        if (t == 'i') *(int *)p = (int)x;
        return 0;
    }
    return CLI_EXIT_USAGE;
}

static json_t *num_json(int t, const void *p) {
    return t == 'd' ? fadyn_json_real(*(const double *)p)
                    : json_integer((json_int_t)count_get(t, p));
}
static void num_show(const cli_opt *o, const void *p, char *buf, size_t n) {
    fmt_num(o, o->kind->num == 'd' ? *(const double *)p : (double)count_get(o->kind->num, p), buf,
            n);
}

static int parse_num(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    return num_read(cmd, o, arg, o->kind->num, field(o, base));
}
static json_t *json_num(const cli_opt *o, const void *base) {
    return num_json(o->kind->num, field(o, base));
}
static void show_num(const cli_opt *o, const void *base, char *buf, size_t n) {
    num_show(o, field(o, base), buf, n);
}
const cli_kind cli_k_double = {1, 'd', 0, parse_num, json_num, show_num, NULL};
const cli_kind cli_k_size = {1, 'z', 0, parse_num, json_num, show_num, NULL};
const cli_kind cli_k_ulong = {1, 'u', 0, parse_num, json_num, show_num, NULL};
const cli_kind cli_k_int = {1, 'i', 0, parse_num, json_num, show_num, NULL};

/* ---- strings, flags, enums, rules ---------------------------------------------- */

static int parse_string(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    if (!*arg) {
        cli_error(cmd, "--%s '': empty", o->name);
        return CLI_EXIT_USAGE;
    }
    *(const char **)field(o, base) = arg;
    return 0;
}
static json_t *json_string_field(const cli_opt *o, const void *base) {
    const char *s = *(const char *const *)field(o, base);
    return s ? json_string(s) : NULL;
}
static void show_string(const cli_opt *o, const void *base, char *buf, size_t n) {
    const char *s = *(const char *const *)field(o, base);
    if (s) snprintf(buf, n, "%s", s);
}
const cli_kind cli_k_string = {1, 0, 0, parse_string, json_string_field, show_string, NULL};

static int parse_flag(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    (void)cmd, (void)arg;
    *(int *)field(o, base) = o->kind == &cli_k_set;
    return 0;
}
static json_t *json_flag(const cli_opt *o, const void *base) {
    return json_boolean(*(const int *)field(o, base));
}
const cli_kind cli_k_set = {0, 0, 0, parse_flag, json_flag, NULL, NULL};
const cli_kind cli_k_clear = {0, 0, 0, parse_flag, json_flag, NULL, NULL};

/* "a, b, c": the names of an enum. */
static void enum_list(const cli_opt *o, char *buf, size_t n) {
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; o->names(i) && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "", o->names(i));
}

int cli_parse_enum(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    for (int i = 0; o->names(i); i++)
        if (strcmp(arg, o->names(i)) == 0) {
            *(int *)field(o, base) = i;
            return 0;
        }
    char list[256];
    enum_list(o, list, sizeof list);
    cli_error(cmd, "--%s '%s': unknown (%s)", o->name, arg, list);
    return CLI_EXIT_USAGE;
}
static json_t *json_enum(const cli_opt *o, const void *base) {
    return json_string(o->names(*(const int *)field(o, base)));
}
void cli_show_enum(const cli_opt *o, const void *base, char *buf, size_t n) {
    snprintf(buf, n, "%s", o->names(*(const int *)field(o, base)));
}
const cli_kind cli_k_enum = {1, 0, 0, cli_parse_enum, json_enum, cli_show_enum, NULL};

static int rule_parse(const char *cmd, const cli_opt *o, const char *arg, void *base,
                      int need_ode) {
    const fadyn_rule_type *r = fadyn_rule_type_find(arg);
    if (r && (r->ode || !need_ode)) {
        *(const fadyn_rule_type **)field(o, base) = r;
        return 0;
    }
    char list[256];
    fadyn_rule_type_list(list, sizeof list, need_ode);
    cli_error(cmd, "--%s '%s': %s (%s)", o->name, arg,
              r ? "has no expected-dynamics form" : "unknown", list);
    return CLI_EXIT_USAGE;
}
static int parse_rule(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    return rule_parse(cmd, o, arg, base, 0);
}
static int parse_ode_rule(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    return rule_parse(cmd, o, arg, base, 1);
}
/* Rules and steppers: a pointer to an entry of their table, which starts
 * with its name. */
_Static_assert(offsetof(fadyn_rule_type, name) == 0 && offsetof(fadyn_stepper_info, name) == 0,
               "a rule's and a stepper's entry starts with its name");
static const char *entry_name(const cli_opt *o, const void *base) {
    const void *e = *(const void *const *)field(o, base);
    return e ? *(const char *const *)e : NULL;
}
json_t *cli_json_named(const cli_opt *o, const void *base) {
    const char *s = entry_name(o, base);
    return s ? json_string(s) : NULL;
}
void cli_show_named(const cli_opt *o, const void *base, char *buf, size_t n) {
    const char *s = entry_name(o, base);
    if (s) snprintf(buf, n, "%s", s);
}
const cli_kind cli_k_rule = {1, 0, 0, parse_rule, cli_json_named, cli_show_named, NULL};

/* A stepper name, resolved once to its descriptor (fadyn_stepper_parse). */
static int parse_stepper(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    fadyn_err err;
    if (fadyn_stepper_parse(arg, (const fadyn_stepper_info **)field(o, base), &err) == FADYN_OK)
        return 0;
    const char *rest = strchr(err.msg, ' '); /* after the field's name */
    cli_error(cmd, "--%s%s", o->name, rest ? rest : err.msg);
    return CLI_EXIT_USAGE;
}
const cli_kind cli_k_stepper = {1, 0, 0, parse_stepper, cli_json_named, cli_show_named, NULL};
const cli_kind cli_k_ode_rule = {1, 0, 0, parse_ode_rule, cli_json_named, cli_show_named, NULL};

/* ---- lists ------------------------------------------------------------------------ */

static size_t *count_of(const cli_opt *o, const void *base) {
    return (size_t *)((char *)base + o->n_off);
}

/* s split at commas into at most max numbers of type t at arr; their count into *n. */
static int read_list(const char *cmd, const cli_opt *o, const char *s, int t, void *arr, size_t max,
                     size_t *n) {
    char buf[4096];
    size_t len = strlen(s), k = 0;
    if (len >= sizeof buf) {
        cli_error(cmd, "--%s: list too long", o->name);
        return CLI_EXIT_USAGE;
    }
    if (!len || s[0] == ',' || s[len - 1] == ',' || strstr(s, ",,")) {
        cli_error(cmd, "--%s '%s': empty entry in the list", o->name, s);
        return CLI_EXIT_USAGE;
    }
    strcpy(buf, s);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), k++) {
        if (k == max) {
            cli_error(cmd, "--%s '%s': more than %zu entries", o->name, s, max);
            return CLI_EXIT_USAGE;
        }
        int rc = num_read(cmd, o, tok, t, (char *)arr + k * num_size(t));
        if (rc) return rc;
    }
    *n = k;
    return 0;
}

int cli_read_sizes(const char *cmd, const cli_opt *o, const char *s, size_t *out, size_t max,
                   size_t *n) {
    return read_list(cmd, o, s, 'z', out, max, n);
}
int cli_read_doubles(const char *cmd, const cli_opt *o, const char *s, double *out, size_t max,
                     size_t *n) {
    return read_list(cmd, o, s, 'd', out, max, n);
}
int cli_parse_list(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    return read_list(cmd, o, arg, o->kind->num, field(o, base), o->max, count_of(o, base));
}
static json_t *json_list(const cli_opt *o, const void *base) {
    json_t *a = json_array();
    for (size_t i = 0; i < *count_of(o, base); i++)
        json_array_append_new(
            a, num_json(o->kind->num, (char *)field(o, base) + i * num_size(o->kind->num)));
    return a;
}
static void show_list(const cli_opt *o, const void *base, char *buf, size_t n) {
    buf[0] = '\0';
    for (size_t i = 0, k = 0; i < *count_of(o, base) && k + 32 < n; i++, k = strlen(buf)) {
        if (i) buf[k++] = ',';
        num_show(o, (char *)field(o, base) + i * num_size(o->kind->num), buf + k, n - k);
    }
}
const cli_kind cli_k_doubles = {1, 'd', 1, cli_parse_list, json_list, show_list, NULL};
const cli_kind cli_k_sizes = {1, 'z', 1, cli_parse_list, json_list, show_list, NULL};

/* ---- grids: NxM ------------------------------------------------------------------ */

/* Physical memory in bytes (0 if unknown). */
static double phys_bytes(void) {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0.0;
}

/* "NxM", each side at least 2, the points (o->max bytes each) in at most
 * half the machine's memory. */
static int parse_grid(const char *cmd, const cli_opt *o, const char *s, void *base) {
    unsigned long a = 0, w = 0;
    char *end = NULL;
    errno = 0;
    if (s[0] >= '0' && s[0] <= '9') a = strtoul(s, &end, 10);
    if (end && (*end == 'x' || *end == 'X') && end[1] >= '0' && end[1] <= '9')
        w = strtoul(end + 1, &end, 10);
    else
        end = NULL;
    double n = (double)a * (double)w, have = phys_bytes(), need = n * (double)o->max;
    if (!end || *end != '\0' || errno == ERANGE)
        cli_error(cmd, "--%s '%s': give the grid as NxM, e.g. 201x201", o->name, s);
    else if (a < 2 || w < 2)
        cli_error(cmd, "--%s '%s': each side needs at least 2 points", o->name, s);
    else if (n > (double)SIZE_MAX / (double)o->max || (have > 0.0 && need > have / 2))
        cli_error(cmd,
                  "--%s '%s': %.3g points need %.3g GB, more than half this machine's memory "
                  "(%.3g GB)",
                  o->name, s, n, need / 1e9, have / 1e9);
    else {
        *(size_t *)field(o, base) = (size_t)a;
        *count_of(o, base) = (size_t)w;
        return 0;
    }
    return CLI_EXIT_USAGE;
}
static json_t *json_grid(const cli_opt *o, const void *base) {
    return json_pack("[II]", (json_int_t) * (const size_t *)field(o, base),
                     (json_int_t)*count_of(o, base));
}
static void show_grid(const cli_opt *o, const void *base, char *buf, size_t n) {
    snprintf(buf, n, "%zux%zu", *(const size_t *)field(o, base), *count_of(o, base));
}
const cli_kind cli_k_grid = {1, 0, 0, parse_grid, json_grid, show_grid, NULL};

/* ---- outputs ----------------------------------------------------------------------- */

static int check_outfile(const char *cmd, const cli_opt *o, const void *base) {
    const char *s = *(const char *const *)field(o, base);
    char opt[64];
    snprintf(opt, sizeof opt, "--%s", o->name);
    return s ? cli_check_out(cmd, opt, s) : 0;
}
static int check_plot(const char *cmd, const cli_opt *o, const void *base) {
    const char *s = *(const char *const *)field(o, base);
    fadyn_plot_target pt;
    fadyn_err err;
    fadyn_err_clear(&err);
    if (s && fadyn_plot_target_parse(&pt, s, 0, 0, &err) != FADYN_OK) {
        cli_error(cmd, "--%s%s", o->name, strchr(err.msg, ' ')); /* "target ARG: ..." */
        return CLI_EXIT_USAGE;
    }
    return 0;
}
/* The directory is made, and found writable, before the work. */
static int check_outdir(const char *cmd, const cli_opt *o, const void *base) {
    const char *s = *(const char *const *)field(o, base);
    char probe[FADYN_PATH_MAX], opt[64];
    snprintf(opt, sizeof opt, "--%s", o->name);
    if (!s) return 0;
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_path_join(probe, sizeof probe, s, "fadyn.json") != FADYN_OK) {
        cli_error(cmd, "%s %s: path too long", opt, s);
        return CLI_EXIT_USAGE;
    }
    if (fadyn_work_rank() != 0) return 0; /* rank 0 makes it and checks it: only it writes */
    if (fadyn_mkdir_p(s, &err) != FADYN_OK) {
        cli_error(cmd, "%s %s", opt, err.msg);
        return CLI_EXIT_USAGE;
    }
    return cli_check_out(cmd, opt, probe);
}
const cli_kind cli_k_outfile = {1, 0, 0, parse_string, NULL, show_string, check_outfile};
const cli_kind cli_k_plot = {1, 0, 0, parse_string, NULL, show_string, check_plot};
const cli_kind cli_k_outdir = {1, 0, 0, parse_string, NULL, show_string, check_outdir};
const cli_kind cli_k_group = {0, 0, 0, NULL, NULL, NULL, NULL};

/* ---- --help ------------------------------------------------------------------------- */

#define HELP_WIDTH  80
#define HELP_INDENT 22

/* "rk2 rk4 ..., or the implicit msbdf ...": the stepper table's names. */
static void stepper_list(char *buf, size_t n) {
    size_t k = 0;
    for (int implicit = 0; implicit < 2; implicit++) {
        if (implicit && k < n) k += (size_t)snprintf(buf + k, n - k, ", or the implicit");
        for (const fadyn_stepper_info *s = fadyn_steppers; s->name && k < n; s++)
            if (s->implicit == implicit)
                k += (size_t)snprintf(buf + k, n - k, "%s%s", k && buf[k - 1] != ',' ? " " : "",
                                      s->name);
    }
}

/* text with {rules}, {ode-rules}, {steppers}, {mnist-rules} and (for an
 * enum o) {names} replaced by the lists of the tables. */
static void expand(const char *text, const cli_opt *o, char *out, size_t n) {
    static const char *const token[5] = {"{rules}", "{ode-rules}", "{steppers}", "{names}",
                                         "{mnist-rules}"};
    size_t k = 0;
    out[0] = '\0';
    for (const char *s = text; *s && k + 1 < n;) {
        int which = -1;
        for (int i = 0; i < 5; i++)
            if (strncmp(s, token[i], strlen(token[i])) == 0) which = i;
        if (which < 0 || (which == 3 && !(o && o->names))) {
            out[k++] = *s++;
            out[k] = '\0';
            continue;
        }
        if (which == 4)
            fadyn_mnist_rule_list(out + k, n - k);
        else if (which == 3)
            enum_list(o, out + k, n - k);
        else if (which == 2)
            stepper_list(out + k, n - k);
        else
            fadyn_rule_type_list(out + k, n - k, which);
        k += strlen(out + k);
        s += strlen(token[which]);
    }
}

/* The paragraphs of text after a head "  --name METAVAR", words wrapped at
 * HELP_WIDTH, continuation lines indented to HELP_INDENT. */
static void wrap(const char *head, const char *text) {
    int col = printf("  %s", head);
    col += printf("%*s", col <= HELP_INDENT - 2 ? HELP_INDENT - col : 2, "");
    int fresh = 1; /* nothing yet after the indentation of this line */
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        if (*p == ' ' || p != text) { /* a new line for every paragraph but the first */
            if (!fresh) col = printf("\n%*s", HELP_INDENT, "") - 1;
            fresh = 1;
        }
        if (*p == ' ') { /* kept as it is */
            col += printf("%.*s", (int)len, p);
            fresh = 0;
        } else {
            for (const char *w = p; w < p + len;) {
                size_t wl = strcspn(w, " \n");
                if (w + wl > p + len) wl = (size_t)(p + len - w);
                if (!fresh && col + 1 + (int)wl > HELP_WIDTH) {
                    col = printf("\n%*s", HELP_INDENT, "") - 1;
                    fresh = 1;
                }
                col += printf("%s%.*s", fresh ? "" : " ", (int)wl, w);
                fresh = 0;
                w += wl;
                w += strspn(w, " ");
            }
        }
        p += len;
        if (*p == '\n') p++;
    }
    putchar('\n');
}

static void help_entry(const cli_opt *o, const void *base) {
    char head[128], def[512], text[4096], line[4600];
    snprintf(head, sizeof head, "--%s%s%s", o->name, o->metavar ? " " : "",
             o->metavar ? o->metavar : "");
    def[0] = '\0';
    if (o->def)
        snprintf(def, sizeof def, "%s", o->def);
    else if (o->kind->show)
        o->kind->show(o, base, def, sizeof def);
    char most[48] = "";
    if (is_count(o) && o->bound == CLI_WITHIN && isfinite(o->hi)) {
        char hi[32];
        fmt_count(o->hi, hi, sizeof hi);
        snprintf(most, sizeof most, "%sat most %s", o->kind->list ? "each " : "", hi);
    }
    expand(o->help, o, text, sizeof text);
    if (def[0] || most[0])
        snprintf(line, sizeof line, "%s (%s%s%s%s)", text, def[0] ? "default " : "", def,
                 def[0] && most[0] ? "; " : "", most);
    else
        snprintf(line, sizeof line, "%s", text);
    wrap(head, line);
}

static void help_table(const cli_opt *t, const void *base) {
    for (; t->kind; t++) {
        if (t->section) printf("\n%s\n", t->section);
        if (t->kind == &cli_k_group)
            help_table(t->data, (const char *)base + t->off);
        else if (t->name && t->help)
            help_entry(t, base);
    }
}

static void put_text(const char *s) {
    char buf[8192];
    expand(s, NULL, buf, sizeof buf);
    fputs(buf, stdout);
}

void cli_help(const cli_cmd *c) {
    void *d = calloc(1, c->size);
    if (!d) return;
    if (c->init) c->init(d);
    printf("usage: fadyn %s %s\n\n", c->name, c->usage);
    put_text(c->intro);
    if (c->more) c->more();
    help_table(c->opts, d);
    if (c->epilogue) {
        putchar('\n');
        put_text(c->epilogue);
    }
    free(d);
}

/* ---- parsing ---------------------------------------------------------------------- */

enum { VAL0 = 256 };

/* After getopt_long returned '?': which option is unknown or lacks its value. */
static int bad_option(const char *cmd, char **argv) {
    const char *arg = argv[optind - 1];
    if (optopt && optopt < 256 && arg[0] == '-' && arg[1] != '-')
        cli_error(cmd, "-%c: unknown option or missing value (see --help)", optopt);
    else
        cli_error(cmd, "%s: unknown option or missing value (see --help)", arg);
    return CLI_EXIT_USAGE;
}

/* getopt over argv: pass 1 reads the `first` options only (and ignores
 * every problem), pass 2 the others. */
static int scan(const cli_ctx *c, const flat *f, const struct option *lo, int pass) {
    int ch;
    opterr = 0;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "h", lo, NULL)) != -1) {
        if (ch == 'h') {
            if (pass == 2) {
                cli_help(c->cmd);
                return -1;
            }
        } else if (ch < VAL0 || (size_t)(ch - VAL0) >= f->n) {
            if (pass == 2) return bad_option(c->cmd->name, c->argv);
        } else {
            size_t k = (size_t)(ch - VAL0);
            const cli_opt *o = f->o[k];
            if ((o->first != 0) != (pass == 1)) continue;
            int rc = o->kind->parse(c->cmd->name, o, optarg, (char *)c->base + f->base[k]);
            if (rc) return rc;
        }
    }
    return 0;
}

static int parse_here(const cli_cmd *c, int argc, char **argv, void *o) {
    flat f = {.n = 0};
    flatten(&f, c->opts, 0);
    struct option lo[MAX_OPTS + 2];
    size_t n = 0;
    for (size_t k = 0; k < f.n; k++)
        if (f.o[k]->name)
            lo[n++] =
                (struct option){f.o[k]->name, f.o[k]->kind->arg ? required_argument : no_argument,
                                NULL, (int)(VAL0 + k)};
    lo[n++] = (struct option){"help", no_argument, NULL, 'h'};
    lo[n] = (struct option){NULL, 0, NULL, 0};
    memset(o, 0, c->size);
    cli_ctx ctx = {.cmd = c, .argc = argc, .argv = argv, .base = o};
    int rc = scan(&ctx, &f, lo, 1);
    if (rc) return rc;
    if (c->init) c->init(o);
    if ((rc = scan(&ctx, &f, lo, 2))) return rc;
    ctx.operands = optind;
    if (!c->operands && optind < argc) {
        cli_error(c->name, "unexpected argument '%s' (see --help)", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (c->check && (rc = c->check(&ctx, o))) return rc;
    for (size_t k = 0; k < f.n; k++) {
        const cli_opt *e = f.o[k];
        const void *b = (const char *)o + f.base[k];
        if (e->kind->validate && (rc = e->kind->validate(c->name, e, b))) return rc;
        for (size_t j = 0; e->kind == &cli_k_outfile && j < k; j++) {
            if (f.o[j]->kind != &cli_k_outfile) continue; /* only outfiles hold a path */
            const char *s = *(const char *const *)field(e, b);
            const char *t = *(const char *const *)field(f.o[j], (const char *)o + f.base[j]);
            if (s && t && fadyn_path_same(s, t)) {
                cli_error(c->name, "--%s %s and --%s %s: the same file", f.o[j]->name, t, e->name,
                          s);
                return CLI_EXIT_USAGE;
            }
        }
    }
    return 0;
}

int cli_parse(const cli_cmd *c, int argc, char **argv, void *o) {
    return cli_agree(c->name, parse_here(c, argc, argv, o));
}

/* ---- JSON ----------------------------------------------------------------------------- */

void cli_json_add(json_t *obj, const cli_opt *t, const void *base) {
    for (; t->kind; t++) {
        if (t->kind == &cli_k_group) {
            cli_json_add(obj, t->data, (const char *)base + t->off);
            continue;
        }
        if (!t->json || !t->kind->json) continue;
        char key[64];
        snprintf(key, sizeof key, "%s", *t->json ? t->json : t->name);
        for (char *s = key; *s; s++)
            if (*s == '-') *s = '_';
        if (json_object_get(obj, key)) continue;
        json_t *v = t->kind->json(t, base);
        if (v) json_object_set_new(obj, key, v);
    }
}

json_t *cli_json(const cli_opt *t, const void *base) {
    json_t *obj = json_object();
    cli_json_add(obj, t, base);
    return obj;
}

json_t *cli_summary(const char *cmd, const cli_opt *t, const void *base) {
    json_t *j = fadyn_json_summary_new(cmd);
    if (t) json_object_set_new(j, "parameters", cli_json(t, base));
    return j;
}

int cli_summary_write(json_t *j, const char *path, fadyn_err *err) {
    int rc = fadyn_json_write(j, path, err);
    json_decref(j);
    return rc;
}

/* ---- library checks ------------------------------------------------------------------- */

int cli_lib_check(const cli_cmd *c, const void *base, const void *sub, size_t size, int rc,
                  const fadyn_err *err) {
    if (rc == FADYN_OK) return 0;
    int code = cli_exit_code(rc) ? cli_exit_code(rc) : CLI_EXIT_FAILED;
    const char *msg = err->msg[0] ? err->msg : fadyn_strerror(rc);
    size_t n = strspn(msg, "abcdefghijklmnopqrstuvwxyz0123456789_."), nl = 0;
    while (nl < n && msg[n - nl - 1] != '.') /* the last component of a.b.c */
        nl++;
    const char *name = msg + n - nl;
    size_t lo = (size_t)((const char *)sub - (const char *)base);
    flat f = {.n = 0};
    flatten(&f, c->opts, 0);
    for (size_t k = 0; nl && k < f.n; k++) {
        const cli_opt *o = f.o[k];
        size_t at = f.base[k] + o->off;
        const char *last = strrchr(o->field, '.');
        last = last ? last + 1 : o->field;
        if (o->name && at >= lo && at < lo + size && strlen(last) == nl &&
            strncmp(last, name, nl) == 0) {
            cli_error(c->name, "--%s%s", o->name, msg + n);
            return code;
        }
    }
    cli_error(c->name, "%s", msg);
    return code;
}
