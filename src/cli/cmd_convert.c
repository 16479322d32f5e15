/* cmd_convert.c: `bont convert --from P --to Q [--units U]`: the literature ratio range between
 * two products, with its sources. Never a bare number: units are not interchangeable. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/output.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont convert --from PRODUCT --to PRODUCT [--units U] [--format "
               "text|json]\n"
               "Shows the clinical-literature dose ratio between two products as a range with\n"
               "its sources. Labels state that units are product-specific and not\n"
               "interchangeable: this is background for a clinician's judgement, not a dose.\n");
}

static const bont_product_t *product_arg(const bont_kb_t *kb, const char *name)
{
    const bont_product_t *p = bont_kb_product(kb, name);
    if (!p)
        bont_cli_unknown_product("convert", kb, name);
    return p;
}

int bont_cmd_convert(const bont_kb_t *kb, int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", NULL};
    const char *from_name = NULL, *to_name = NULL;
    double units = -1;
    int format = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return BONT_EXIT_OK;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "bont convert: %s needs a value\n", a);
            return BONT_EXIT_USAGE;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--from"))
            from_name = v;
        else if (!strcmp(a, "--to"))
            to_name = v;
        else if (!strcmp(a, "--units")) {
            char *end = NULL;
            units = strtod(v, &end);
            if (!end || *end || !(units > 0) || !isfinite(units)) {
                fprintf(stderr, "bont convert: --units must be a number > 0 (got \"%s\")\n", v);
                return BONT_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--format")) {
            if (bont_cli_format(v, formats, &format))
                return BONT_EXIT_USAGE;
        } else {
            fprintf(stderr, "bont convert: unknown option %s\n", a);
            usage(stderr);
            return BONT_EXIT_USAGE;
        }
    }
    if (!from_name || !to_name) {
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    const bont_product_t *from = product_arg(kb, from_name), *to = product_arg(kb, to_name);
    if (!from || !to)
        return BONT_EXIT_USAGE;
    int rc = format == 1
                 ? bont_report_json_write(stdout, bont_report_conversion_json(from, to, units))
                 : bont_report_conversion_text(stdout, from, to, units);
    return bont_cli_written("convert", rc, BONT_EXIT_OK);
}
