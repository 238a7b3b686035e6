/* opts.h — one table per options struct.  A table lists the struct's fields
 * that a command line sets or a summary records; one generic routine turns
 * it into the getopt entries, the parsing (one-line errors naming the
 * option, bounds on every count), the --help lines (wrapped, with the
 * default read from the struct's defaults), the JSON "parameters" object,
 * and the flag of a struct field that a library check names.
 *
 * An entry, built with the macros below:
 *   CLI_DOUBLE("rtol", "X", ode_opts, integ.rtol, "relative tolerance", CLI_REC)
 * Extra designated initialisers follow the help text: .json = "rtol"
 * (record it under that key), CLI_REC (record it under the option's name,
 * '-' read '_'), .def = "..." (the default as --help shows it; "" shows
 * none), .section = "Output:" (a heading before it), bounds (CLI_POSITIVE,
 * CLI_NONNEG, CLI_RANGE(lo, hi)).  Tables end with CLI_END; CLI_GROUP
 * includes another table for a struct member (docs/architecture.md). */
#ifndef FADYN_CLI_OPTS_H
#define FADYN_CLI_OPTS_H

#include "fadyn/error.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>

typedef struct cli_opt cli_opt;

/* How a kind of value is read, recorded and shown.  base is the struct the
 * entry's table describes; the field is at base + o->off. */
typedef struct {
    int arg;  /* takes a value */
    int num;  /* a number: 'd' double, 'z' size_t, 'u' unsigned long, 'i' int; 0 other */
    int list; /* a comma-separated list of num, the count at n_off */
    /* arg (NULL for a flag) into the field: 0, or CLI_EXIT_USAGE after the
     * one-line error */
    int (*parse)(const char *cmd, const cli_opt *o, const char *arg, void *base);
    /* the value as JSON; NULL: the key is left out */
    json_t *(*json)(const cli_opt *o, const void *base);
    /* the value for "(default ...)" in --help; nothing written: none shown */
    void (*show)(const cli_opt *o, const void *base, char *buf, size_t n);
    /* after every option and the command's checks, before any work (output
     * paths); 0 or CLI_EXIT_USAGE */
    int (*validate)(const char *cmd, const cli_opt *o, const void *base);
} cli_kind;

/* Bounds of a number, or of every entry of a list. */
enum { CLI_ANY = 0, CLI_ABOVE /* x > lo */, CLI_WITHIN /* lo <= x <= hi */ };

struct cli_opt {
    const char *name;     /* --name; NULL: a recorded field that no option sets */
    const char *metavar;  /* after the name in --help */
    const cli_kind *kind; /* NULL ends a table */
    size_t off;           /* offsetof(struct, field) */
    const char *field;    /* the field's path in the struct, as a library check names it */
    const char *help;     /* wrapped at 80 columns; '\n' breaks, a line starting with ' ' is kept */
    const char *json;     /* key in "parameters"; NULL: not recorded */
    const char *def;      /* the default as --help shows it (NULL: the value; "": none) */
    const char *section;  /* heading printed before the entry */
    int bound;            /* CLI_ANY, CLI_ABOVE, CLI_WITHIN */
    double lo, hi;
    size_t n_off;              /* lists: offsetof the count; grids: of the second size */
    size_t max;                /* lists: capacity; grids: bytes per point */
    const void *data;          /* a group's table; a kind's own datum */
    const char *(*names)(int); /* enums: the name of value i, NULL past the last */
    int first;                 /* parsed before the defaults are set (they depend on it) */
};

/* A command: its table, the struct it fills, and the text around the options. */
typedef struct cli_cmd cli_cmd;
typedef struct {
    const cli_cmd *cmd;
    int argc;
    char **argv;
    int operands;  /* index in argv of the first operand */
    void *base;    /* the options struct */
    fadyn_err err; /* for the library checks (CLI_CHECK) */
} cli_ctx;

struct cli_cmd {
    const char *name;     /* "ode" */
    const char *usage;    /* after "usage: fadyn NAME ", e.g. "[OPTIONS]" */
    const char *intro;    /* after the usage line: what the command does */
    void (*more)(void);   /* prints what follows the intro (NULL: nothing) */
    const cli_opt *opts;  /* the options */
    const char *epilogue; /* after the options: exit statuses */
    size_t size;          /* of the options struct */
    /* the defaults (the struct is zero, the `first` options already read) */
    void (*init)(void *o);
    /* checks that need every option, before the outputs are checked: 0 or CLI_EXIT_USAGE */
    int (*check)(cli_ctx *c, void *o);
    int operands; /* operands allowed (the command reads argv from c->operands) */
};

/* Defaults, every option, the command's checks and the outputs: 0; -1 after
 * printing --help (the caller exits 0); CLI_EXIT_USAGE after one line on
 * stderr.  argv[0] is the command's name.  Under mpirun every rank parses,
 * and the ranks agree on the outcome (cli_agree, cli.h). */
int cli_parse(const cli_cmd *c, int argc, char **argv, void *o);

/* Print c's --help to stdout. */
void cli_help(const cli_cmd *c);

/* The recorded fields of table t over base into obj (keys already in obj
 * keep their place and value); cli_json makes a new object. */
void cli_json_add(json_t *obj, const cli_opt *t, const void *base);
json_t *cli_json(const cli_opt *t, const void *base);
/* A JSON summary of command cmd (fadyn_json_summary_new) with the
 * "parameters" of t over base (t NULL: none yet). */
json_t *cli_summary(const char *cmd, const cli_opt *t, const void *base);
/* Write the summary j to path (fadyn_json_write) and release it. */
int cli_summary_write(json_t *j, const char *path, fadyn_err *err);

/* After a library check rc over the struct at sub (of size bytes, inside
 * base, the options struct of c): 0 if rc is FADYN_OK, else the message on one line, the struct
 * field it names replaced by that field's option ("rtol: ..." becomes
 * "--rtol: ..."), and CLI_EXIT_USAGE. */
int cli_lib_check(const cli_cmd *c, const void *base, const void *sub, size_t size, int rc,
                  const fadyn_err *err);
/* The library check fn(sub, &err) of the struct at sub, through cli_lib_check. */
#define CLI_CHECK(c, fn, sub)                                                                      \
    cli_lib_check((c)->cmd, (c)->base, (sub), sizeof *(sub), fn((sub), &(c)->err), &(c)->err)

/* "%g" with the exponent written short: 1e-8, 1e6. */
void cli_fmt_double(double x, char *buf, size_t n);

/* The kinds.  Lists: comma-separated, the count at n_off, at most max
 * entries.  Grids: "NxM" into the size_t at off and the one at n_off, each
 * side >= 2, N M points of max bytes in half the memory.  Enums: an int, names from o->names.
 * Flags: set an int to 1 or 0.  Output files: checked writable and distinct; plot targets: parsed;
 * output directories: made and checked writable (by MPI rank 0 alone). */
extern const cli_kind cli_k_double, cli_k_size, cli_k_ulong, cli_k_int, cli_k_string, cli_k_set,
    cli_k_clear, cli_k_enum, cli_k_doubles, cli_k_sizes, cli_k_outfile, cli_k_plot, cli_k_outdir,
    cli_k_group, cli_k_rule, cli_k_ode_rule, cli_k_stepper, cli_k_grid;

/* The kinds' own parsers, for commands that build a kind from them. */
int cli_parse_list(const char *cmd, const cli_opt *o, const char *arg, void *base);
/* A comma-separated list of at most max counts within o's bounds into out. */
int cli_read_sizes(const char *cmd, const cli_opt *o, const char *s, size_t *out, size_t max,
                   size_t *n);
int cli_read_doubles(const char *cmd, const cli_opt *o, const char *s, double *out, size_t max,
                     size_t *n);
int cli_parse_enum(const char *cmd, const cli_opt *o, const char *arg, void *base);
void cli_show_enum(const cli_opt *o, const void *base, char *buf, size_t n);
/* Rules and steppers (a pointer to a table entry): its name as JSON, for --help. */
json_t *cli_json_named(const cli_opt *o, const void *base);
void cli_show_named(const cli_opt *o, const void *base, char *buf, size_t n);

#define CLI_FIELD_K(kp, nm, mv, T, f, h)                                                           \
    .name = nm, .metavar = mv, .kind = kp, .off = offsetof(T, f), .field = #f, .help = h
#define CLI_FIELD(K, nm, mv, T, f, h) CLI_FIELD_K(&cli_k_##K, nm, mv, T, f, h)
#define CLI_OPT(kp, nm, mv, T, f, h, ...)                                                          \
    { CLI_FIELD_K(kp, nm, mv, T, f, h), __VA_ARGS__ }
#define CLI_DOUBLE(nm, mv, T, f, h, ...)                                                           \
    { CLI_FIELD(double, nm, mv, T, f, h), __VA_ARGS__ }
#define CLI_SIZE(nm, mv, T, f, h, ...)                                                             \
    { CLI_FIELD(size, nm, mv, T, f, h), __VA_ARGS__ }
#define CLI_ULONG(nm, mv, T, f, h, ...)                                                            \
    { CLI_FIELD(ulong, nm, mv, T, f, h), __VA_ARGS__ }
#define CLI_INT(nm, mv, T, f, h, ...)                                                              \
    { CLI_FIELD(int, nm, mv, T, f, h), __VA_ARGS__ }
#define CLI_STRING(nm, mv, T, f, h, ...)                                                           \
    { CLI_FIELD(string, nm, mv, T, f, h), __VA_ARGS__ }
#define CLI_SET(nm, T, f, h, ...)                                                                  \
    { CLI_FIELD(set, nm, NULL, T, f, h), __VA_ARGS__ }
#define CLI_CLEAR(nm, T, f, h, ...)                                                                \
    { CLI_FIELD(clear, nm, NULL, T, f, h), __VA_ARGS__ }
#define CLI_STEPPER(nm, T, f, h, ...)                                                              \
    { CLI_FIELD(stepper, nm, "NAME", T, f, h), __VA_ARGS__ }
#define CLI_ENUM(nm, mv, T, f, nf, h, ...)                                                         \
    { CLI_FIELD(enum, nm, mv, T, f, h), .names = nf, __VA_ARGS__ }
/* --angle KIND: the angles signed or from |cos| (fadyn_angle_kind, an int
 * field); the same words in every command that reports angles. */
#define CLI_ANGLE(T, f, ...)                                                                       \
    CLI_ENUM("angle", "KIND", T, f, fadyn_angle_kind_name,                                         \
             "signed: arccos(a.b / |a||b|), 0..180 degrees; abs: arccos(|a.b| / |a||b|), 0..90, "  \
             "the paper's |a^T b| (docs/figures.md, Deviations from the paper)",                   \
             __VA_ARGS__)
/* A list of kind kp in the array f, its count in n. */
#define CLI_LIST_K(kp, nm, mv, T, f, n, h, ...)                                                    \
    {                                                                                              \
        CLI_FIELD_K(kp, nm, mv, T, f, h), .n_off = offsetof(T, n),                                 \
                                          .max = sizeof(((T *)0)->f) / sizeof(((T *)0)->f[0]),     \
                                          __VA_ARGS__                                              \
    }
#define CLI_LIST(K, nm, mv, T, f, n, h, ...) CLI_LIST_K(&cli_k_##K, nm, mv, T, f, n, h, __VA_ARGS__)
#define CLI_OUTFILE(nm, mv, T, f, h, ...)                                                          \
    { CLI_FIELD(outfile, nm, mv, T, f, h), .def = "", __VA_ARGS__ }
#define CLI_PLOT(T, f, h, ...)                                                                     \
    { CLI_FIELD(plot, "plot", "FILE|dumb", T, f, h), .def = "", __VA_ARGS__ }
#define CLI_GRID(nm, T, a, b, bytes, h, ...)                                                       \
    { CLI_FIELD(grid, nm, "NxM", T, a, h), .n_off = offsetof(T, b), .max = bytes, __VA_ARGS__ }
/* The entries of table, for the same struct. */
#define CLI_INCLUDE(table)                                                                         \
    { .kind = &cli_k_group, .off = 0, .field = "", .data = table }
#define CLI_GROUP(T, f, table, ...)                                                                \
    { .kind = &cli_k_group, .off = offsetof(T, f), .field = #f, .data = table, __VA_ARGS__ }
/* A field recorded in JSON that no option sets. */
#define CLI_RECORD(K, key, T, f)                                                                   \
    { .kind = &cli_k_##K, .off = offsetof(T, f), .field = #f, .json = key }
#define CLI_END                                                                                    \
    { .kind = NULL }

#define CLI_REC         .json = ""
#define CLI_POSITIVE    .bound = CLI_ABOVE, .lo = 0.0
#define CLI_NONNEG      .bound = CLI_WITHIN, .lo = 0.0, .hi = INFINITY
#define CLI_RANGE(a, b) .bound = CLI_WITHIN, .lo = (a), .hi = (b)

#endif
