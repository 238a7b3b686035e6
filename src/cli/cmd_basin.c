/* cmd_basin.c — `fadyn basin`: placeholder until its issue lands. */
#include "cli.h"

int cmd_basin(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("basin", "not implemented in this version");
    return CLI_EXIT_USAGE;
}
