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

/* The commands whose --help docs/cli.md quotes. */
static const char *const cmds[] = {
    "ode", "flow", "basin", "train", "compare", "figure", "train --task mnist"};
#define NCMDS (sizeof cmds / sizeof *cmds)

/* `fadyn CMD --help`, malloc'd. */
static char *help_of(const char *cmdname) {
    const char *bin = getenv("FADYN_BIN");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s --help", bin ? bin : "build/fadyn", cmdname);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char *help = slurp(p);
    pclose(p);
    cr_expect(strlen(help) > 100, "%s --help is empty", cmdname);
    return help;
}

/* The whole file at path (from the top of the tree), malloc'd. */
static char *doc_of(const char *path) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s: run the tests from the top of the tree", path);
    char *doc = slurp(f);
    fclose(f);
    return doc;
}

Test(docs, cli_md_quotes_every_help_text) {
    char *doc = doc_of("docs/cli.md");
    for (size_t i = 0; i < NCMDS; i++) {
        char *help = help_of(cmds[i]);
        cr_expect(strstr(doc, help) != NULL,
                  "docs/cli.md does not quote the current 'fadyn %s --help' (run make docs)",
                  cmds[i]);
        free(help);
    }
    free(doc);
}

/* docs/figures.md lists the deviations from the paper's setup (issue 10):
 * the section exists as a list, names the angle, the node-perturbation σ,
 * the run and example counts and MNIST's input scaling and output delta,
 * and every --option it mentions is one some command's --help shows. */
Test(docs, figures_md_lists_the_deviations_and_their_options_exist) {
    char *doc = doc_of("docs/figures.md");
    const char *head = "\n## Deviations from the paper\n";
    char *sec = strstr(doc, head);
    cr_assert_not_null(sec, "docs/figures.md has no section '%s'", head + 4);
    sec += strlen(head);
    char *end = strstr(sec, "\n## ");
    if (end) *end = '\0';
    size_t items = 0;
    for (const char *l = sec; (l = strstr(l, "\n* ")); l++)
        items++;
    cr_assert_geq(items, 10, "the section lists %zu deviations", items);
    const char *must[] = {"--angle abs", "signed",        "Node perturbation σ", "runs",
                          "examples",    "input scaling", "output delta"};
    for (size_t i = 0; i < sizeof must / sizeof *must; i++)
        cr_expect(strstr(sec, must[i]) != NULL, "the deviations do not mention '%s'", must[i]);
    char *helps[NCMDS + 1];
    for (size_t i = 0; i < NCMDS; i++)
        helps[i] = help_of(cmds[i]);
    helps[NCMDS] = help_of("verify");
    size_t options = 0;
    for (const char *o = sec; (o = strstr(o, "--")); o += 2) {
        size_t n = strspn(o + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
        if (n == 0) continue;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(n + 2 < sizeof name ? n + 2 : sizeof name - 1),
                 o);
        int found = 0;
        for (size_t i = 0; i <= NCMDS && !found; i++)
            for (const char *h = helps[i]; !found && (h = strstr(h, name)); h++)
                found =
                    h[n + 2] == '\0' || !strchr("abcdefghijklmnopqrstuvwxyz0123456789-", h[n + 2]);
        cr_expect(found, "docs/figures.md's deviations name %s, which no --help shows", name);
        options++;
    }
    cr_expect_geq(options, 5, "the deviations name only %zu options", options);
    for (size_t i = 0; i <= NCMDS; i++)
        free(helps[i]);
    free(doc);
}
