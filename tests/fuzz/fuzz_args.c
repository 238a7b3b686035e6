/* fuzz_args.c — the argument parser of one subcommand, in process: the
 * defaults, every option's parser, the command's checks and the output
 * checks (cli_parse over the command's table, cli.h), without running the
 * command.  Built once per subcommand with -DFUZZ_CMD=cli_cmd_ode (..._flow,
 * _basin, _compare, _train, _train_mnist, _verify, _figure).
 *
 * The input is the argument list: words separated by NUL bytes (at most
 * 64), after the command's name.  Whatever the words, cli_parse returns 0,
 * -1 (--help) or CLI_EXIT_USAGE after one line.  The output checks make
 * directories (--save-init, --dir, ...): the target works in its scratch
 * directory (fuzz.h), drops what the parse made as a usage error does
 * (fadyn_out_end), and skips a list holding an absolute path or "..", so
 * that nothing outside that directory is touched. */
#include "../../src/cli/cli.h"
#include "fadyn/io.h"
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_CMD
#error "build with -DFUZZ_CMD=cli_cmd_NAME"
#endif

#define MAX_WORDS 64

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_setup();
    return 0;
}

/* A word that could name a path outside the scratch directory. */
static int escapes(const char *w) {
    return w[0] == '/' || strstr(w, "=/") || strstr(w, "..");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAX_WORDS + 2];
    int argc = 0;
    argv[argc++] = (char *)FUZZ_CMD->name;
    for (size_t i = 0; i < size && argc <= MAX_WORDS; i += strlen(text + i) + 1)
        argv[argc++] = text + i;
    argv[argc] = NULL;
    for (int i = 1; i < argc; i++)
        if (escapes(argv[i])) {
            free(text);
            return 0;
        }
    void *opts = malloc(FUZZ_CMD->size);
    if (!opts) abort();
    fadyn_out_begin();
    int rc = cli_parse(FUZZ_CMD, argc, argv, opts);
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_out_end(0, &err);
    if (rc != 0 && rc != -1 && rc != CLI_EXIT_USAGE) abort();
    free(opts);
    free(text);
    return 0;
}
