/* test_docs.c — docs/cli.md quotes every command's --help exactly (run
 * `make docs` to refresh the quotes after changing a help text). */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(FILE *f) {
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    size_t k;
    while ((k = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 == cap) s = realloc(s, cap *= 2);
    }
    s[n] = '\0';
    return s;
}

Test(docs, cli_md_quotes_every_help_text) {
    FILE *f = fopen("docs/cli.md", "r");
    cr_assert_not_null(f, "run the tests from the top of the tree");
    char *doc = slurp(f);
    fclose(f);
    const char *bin = getenv("FADYN_BIN");
    const char *cmds[] = {
        "ode", "flow", "basin", "train", "compare", "figure", "train --task mnist"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "%s %s --help", bin ? bin : "build/fadyn", cmds[i]);
        FILE *p = popen(cmd, "r");
        cr_assert_not_null(p);
        char *help = slurp(p);
        pclose(p);
        cr_expect(strlen(help) > 100, "%s --help is empty", cmds[i]);
        cr_expect(strstr(doc, help) != NULL,
                  "docs/cli.md does not quote the current 'fadyn %s --help' (run make docs)",
                  cmds[i]);
        free(help);
    }
    free(doc);
}
