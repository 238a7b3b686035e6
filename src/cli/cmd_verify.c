/* cmd_verify.c — `fadyn verify`: placeholder until its issue lands. */
#include "cli.h"

int cmd_verify(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("verify", "not implemented in this version");
    return CLI_EXIT_USAGE;
}
