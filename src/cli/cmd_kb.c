/* cmd_kb.c: `bont kb products|muscles|indications|rules|show ID`: what the knowledge base holds. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/output.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont kb products|muscles|indications|rules [--product P] [--indication I]\n"
               "       bont kb show ID        (a product, muscle, indication, term or rule; any "
               "alias)\n");
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
    else if (!strcmp(what, "rules")) {
        const bont_product_t *p = NULL;
        const bont_indication_t *ind = NULL;
        for (int i = 2; i + 1 < argc; i += 2) {
            if (!strcmp(argv[i], "--product") && !(p = bont_kb_product(kb, argv[i + 1]))) {
                fprintf(stderr, "bont kb: unknown product \"");
                bont_report_put_text(stderr, argv[i + 1]);
                fprintf(stderr, "\"\n");
                return BONT_EXIT_USAGE;
            }
            if (!strcmp(argv[i], "--indication") && !(ind = bont_kb_indication(kb, argv[i + 1]))) {
                fprintf(stderr, "bont kb: unknown indication \"");
                bont_report_put_text(stderr, argv[i + 1]);
                fprintf(stderr, "\"\n");
                return BONT_EXIT_USAGE;
            }
        }
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
