/* cmd_compare.c — `fadyn compare`: placeholder until its issue lands. */
#include "cli.h"

int cmd_compare(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("compare", "not implemented in this version");
    return CLI_EXIT_USAGE;
}
