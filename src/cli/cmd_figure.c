/* cmd_figure.c — `fadyn figure`: placeholder until its issue lands. */
#include "cli.h"

int cmd_figure(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("figure", "not implemented in this version");
    return CLI_EXIT_USAGE;
}
