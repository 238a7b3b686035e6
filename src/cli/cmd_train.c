/* cmd_train.c — `fadyn train`: placeholder until its issue lands. */
#include "cli.h"

int cmd_train(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("train", "not implemented in this version");
    return CLI_EXIT_USAGE;
}
