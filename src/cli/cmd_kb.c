/* cmd_kb.c: `bont kb products|muscles|indications|rules|show ID|adverse-reactions`: what the
 * knowledge base holds. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/output.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont kb products|muscles|indications|rules [--product P] [--indication I]\n"
               "       bont kb show ID        (a product, muscle, indication, rule, "
               "contraindication,\n"
               "                              term, guidance method, adverse effect, source or\n"
               "                              jurisdiction; any alias in any language)\n"
               "       bont kb adverse-reactions --product P --indication I [--format text|json]\n"
               "                              (each reaction's rate, placebo rate and source)\n");
}

static int unknown(const char *kind, const char *name)
{
    fprintf(stderr, "bont kb: unknown %s \"", kind);
    bont_report_put_text(stderr, name);
    fprintf(stderr, "\" (`bont kb %ss` lists them)\n", kind);
    return BONT_EXIT_USAGE;
}

/* --product P, --indication I and, when format is given, --format F from argv[2..]; returns 0
 * or an exit code. `kb rules` (format NULL) skips other arguments, as it always has. */
static int product_and_indication(const bont_kb_t *kb, int argc, char **argv,
                                  const bont_product_t **p, const bont_indication_t **ind,
                                  int *format)
{
    static const char *const formats[] = {"text", "json", NULL};
    for (int i = 2; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--product") && value) {
            if (!(*p = bont_kb_product(kb, value))) {
                bont_cli_unknown_product("kb", kb, value);
                return BONT_EXIT_USAGE;
            }
        } else if (!strcmp(argv[i], "--indication") && value) {
            if (!(*ind = bont_kb_indication(kb, value)))
                return unknown("indication", value);
        } else if (!strcmp(argv[i], "--format") && value && format) {
            if (bont_cli_format(value, formats, format))
                return BONT_EXIT_USAGE;
        } else if (!format) {
            continue;
        } else {
            fprintf(stderr, "bont kb: unexpected argument \"");
            bont_report_put_text(stderr, argv[i]);
            fprintf(stderr, "\"\n");
            usage(stderr);
            return BONT_EXIT_USAGE;
        }
        i++;
    }
    return 0;
}

static int adverse_reactions(const bont_kb_t *kb, int argc, char **argv)
{
    const bont_product_t *p = NULL;
    const bont_indication_t *ind = NULL;
    int format = 0;
    int code = product_and_indication(kb, argc, argv, &p, &ind, &format);
    if (code)
        return code;
    if (!p || !ind) {
        fprintf(stderr, "bont kb adverse-reactions: give --product P and --indication I\n");
        return BONT_EXIT_USAGE;
    }
    size_t n = 0;
    const bont_adverse_reaction_t *rows = bont_kb_adverse_reactions(kb, p, ind, &n);
    int rc = format == 1
                 ? bont_report_json_write(stdout, bont_report_adverse_reactions_json(rows, n))
                 : bont_report_adverse_reactions_text(stdout, kb, p, ind);
    return bont_cli_written("kb", rc, BONT_EXIT_OK);
}

int bont_cmd_kb(const bont_kb_t *kb, int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? BONT_EXIT_USAGE : BONT_EXIT_OK;
    }
    const char *what = argv[1];
    int rc;
    if (!strcmp(what, "products"))
        rc = bont_report_kb_products_text(stdout, kb);
    else if (!strcmp(what, "muscles"))
        rc = bont_report_kb_muscles_text(stdout, kb);
    else if (!strcmp(what, "indications"))
        rc = bont_report_kb_indications_text(stdout, kb);
    else if (!strcmp(what, "adverse-reactions"))
        return adverse_reactions(kb, argc, argv);
    else if (!strcmp(what, "rules")) {
        const bont_product_t *p = NULL;
        const bont_indication_t *ind = NULL;
        int code = product_and_indication(kb, argc, argv, &p, &ind, NULL);
        if (code)
            return code;
        rc = bont_report_kb_rules_text(stdout, kb, p, ind);
    } else if (!strcmp(what, "show") && argc >= 3) {
        rc = bont_report_kb_show_text(stdout, kb, argv[2]);
        if (rc == BONT_ENOTFOUND) {
            fprintf(stderr, "bont kb: nothing in the knowledge base is called \"");
            bont_report_put_text(stderr, argv[2]);
            fprintf(stderr, "\"\n");
            return BONT_EXIT_USAGE;
        }
    } else {
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    return bont_cli_written("kb", rc, BONT_EXIT_OK);
}
