/* cmd_dilute.c: `bont dilute --units U --diluent-ml V [--dose U] [--product P]`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/output.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont dilute --units U --diluent-ml V [--dose U] [--product NAME] "
               "[--format text|json]\n"
               "Concentration after reconstitution (U per 0.1 mL) and the volume for a dose.\n"
               "With --product, the vial size and the labelled diluent range are checked.\n");
}

static int parse_positive(const char *opt, const char *s, double *out)
{
    char *end = NULL;
    double x = strtod(s, &end);
    if (!end || *end || !(x > 0) || !isfinite(x)) {
        fprintf(stderr, "bont dilute: %s must be a number > 0 (got \"%s\")\n", opt, s);
        return -1;
    }
    *out = x;
    return 0;
}

int bont_cmd_dilute(const bont_kb_t *kb, int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", NULL};
    double units = -1, diluent = -1, dose = -1;
    int format = 0;
    const char *product_name = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return BONT_EXIT_OK;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "bont dilute: %s needs a value\n", a);
            return BONT_EXIT_USAGE;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--units")) {
            if (parse_positive(a, v, &units))
                return BONT_EXIT_USAGE;
        } else if (!strcmp(a, "--diluent-ml")) {
            if (parse_positive(a, v, &diluent))
                return BONT_EXIT_USAGE;
        } else if (!strcmp(a, "--dose")) {
            if (parse_positive(a, v, &dose))
                return BONT_EXIT_USAGE;
        } else if (!strcmp(a, "--product")) {
            product_name = v;
        } else if (!strcmp(a, "--format")) {
            if (bont_cli_format(v, formats, &format))
                return BONT_EXIT_USAGE;
        } else {
            fprintf(stderr, "bont dilute: unknown option %s\n", a);
            usage(stderr);
            return BONT_EXIT_USAGE;
        }
    }
    if (units < 0 || diluent < 0) {
        fprintf(stderr, "bont dilute: --units and --diluent-ml are required\n");
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    const bont_product_t *product = NULL;
    if (product_name && !(product = bont_kb_product(kb, product_name))) {
        bont_cli_unknown_product("dilute", kb, product_name);
        return BONT_EXIT_USAGE;
    }
    bont_report_dilution_t d = {
        .units = units, .diluent_ml = diluent, .dose_u = dose, .product = product};
    int rc = format == 1 ? bont_report_json_write(stdout, bont_report_dilution_json(&d))
                         : bont_report_dilution_text(stdout, &d);
    return bont_cli_written("dilute", rc, BONT_EXIT_OK);
}
