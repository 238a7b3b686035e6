/* main.c — `fadyn`: git-style dispatch to one file per subcommand. */
#include "cli.h"
#include "fadyn.h"
#include "fadyn/version.h"
#include "fadyn/work.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *about;
    int ranks; /* 1: refused under mpirun with more than one rank; 0: any (docs/scaling.md) */
} command;

static const command commands[] = {
    {"ode", cmd_ode, "integrate the expected learning dynamics (eq 12-13) with GSL odeiv2", 1},
    {"flow", cmd_flow, "phase portrait of the 1-1-1 network (Fig. 3)", 1},
    {"basin", cmd_basin, "where does each start go: the basin of the bad equilibria", 0},
    {"verify", cmd_verify, "check the supplementary proofs numerically", 0},
    {"train", cmd_train, "stochastic discrete trainers (bp, fa, sparse fa, shallow, np, ...)", 0},
    {"compare", cmd_compare, "the discrete trainer against its ODE limit", 1},
    {"figure", cmd_figure, "reproduce a figure of the paper", 0},
    {NULL, NULL, NULL, 0},
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

static int asks_help(int argc, char **argv) {
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
    return 0;
}

static int run(int argc, char **argv) {
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
            if (c->ranks == 1 && !asks_help(argc, argv) && cli_one_rank(name, NULL))
                return CLI_EXIT_USAGE;
            cli_start();
            return cli_finish(name, c->run(argc - 1, argv + 1));
        }
    fprintf(stderr, "fadyn: unknown command '%s' (see 'fadyn --help')\n", name);
    return CLI_EXIT_USAGE;
}

int main(int argc, char **argv) {
    fadyn_init(); /* GSL errors as status codes, not abort() */
    if (fadyn_work_init(&argc, &argv) != FADYN_OK) {
        fprintf(stderr, "fadyn: MPI could not start with the thread level fadyn needs "
                        "(MPI_THREAD_SERIALIZED)\n");
        return CLI_EXIT_FAILED;
    }
    if (fadyn_work_rank() != 0) { /* rank 0 speaks for all (docs/scaling.md) */
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            return CLI_EXIT_FAILED;
    }
    int rc = run(argc, argv);
    fadyn_work_finalize();
    return rc;
}
