/* cmd_flow.c — `fadyn flow`: placeholder until its issue lands. */
#include "cli.h"

int cmd_flow(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("flow", "not implemented in this version");
    return CLI_EXIT_USAGE;
}
