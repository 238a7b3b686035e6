/* main.c — `fadyn`: git-style dispatch to one file per subcommand. */
#include "cli.h"
#include "fadyn.h"
#include "fadyn/version.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *about;
} command;

static const command commands[] = {
    {"ode", cmd_ode, "integrate the expected learning dynamics (eq 12-13) with GSL odeiv2"},
    {"flow", cmd_flow, "phase portrait of the 1-1-1 network (Fig. 3)"},
    {"basin", cmd_basin, "where does each start go: the basin of the bad equilibria"},
    {"verify", cmd_verify, "check the supplementary proofs numerically"},
    {"train", cmd_train, "stochastic discrete trainers (bp, fa, sparse fa, shallow, np, ...)"},
    {"compare", cmd_compare, "the discrete trainer against its ODE limit"},
    {"figure", cmd_figure, "reproduce a figure of the paper"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f) {
    fprintf(f, "usage: fadyn [--version] [--help] COMMAND [ARGS]\n\n"
               "fadyn: the learning dynamics of feedback alignment (Lillicrap et al.).\n\n"
               "commands:\n");
    for (const command *c = commands; c->name; c++)
        fprintf(f, "  %-9s %s\n", c->name, c->about);
    fprintf(f, "\n'fadyn help COMMAND' or 'fadyn COMMAND --help' describes a command.\n"
               "Exit status: 0 success, 1 a check or run failed, 2 bad input, 3 a run "
               "diverged.\n");
}

int main(int argc, char **argv) {
    fadyn_init(); /* GSL errors as status codes, not abort() */
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("fadyn %s\n", fadyn_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        for (const command *c = commands; c->name; c++)
            if (strcmp(c->name, argv[2]) == 0) {
                char *hargv[] = {argv[2], "--help", NULL};
                return c->run(2, hargv);
            }
        fprintf(stderr, "fadyn help: unknown command '%s'\n", argv[2]);
        return CLI_EXIT_USAGE;
    }
    for (const command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0) {
            cli_start();
            return cli_finish(name, c->run(argc - 1, argv + 1));
        }
    fprintf(stderr, "fadyn: unknown command '%s' (see 'fadyn --help')\n", name);
    return CLI_EXIT_USAGE;
}
