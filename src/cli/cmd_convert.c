/* cmd_convert.c: `bont convert --from P --to Q [--units U]`: the literature ratio range between
 * two products, with its sources. Never a bare number: units are not interchangeable. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

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
    if (!p) {
        const char *sugg[3];
        size_t n = bont_kb_suggest(kb, "product", name, sugg, 3);
        fprintf(stderr, "bont convert: unknown product \"%s\"%s%s\n", name,
                n ? "; did you mean " : "", n ? sugg[0] : "");
    }
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
    int known = from->ratio_min > 0 && to->ratio_min > 0;
    /* product U per ona U: r. from -> ona: u / r_from; ona -> to: x r_to. The range spans the
     * extremes of both ranges. */
    double lo = known ? to->ratio_min / from->ratio_max : NAN;
    double hi = known ? to->ratio_max / from->ratio_min : NAN;
    const char *warning = "Labels state that units of botulinum toxin products are "
                          "product-specific and not interchangeable; this ratio is a "
                          "clinical-literature approximation, never a label value.";
    if (format == 1) {
        json_t *root = json_pack("{s:s, s:s, s:b, s:s}", "from", from->id, "to", to->id, "known",
                                 known, "warning", warning);
        if (!root)
            return BONT_EXIT_INTERNAL;
        if (known) {
            json_object_set_new(root, "ratio", json_pack("{s:f, s:f}", "min", lo, "max", hi));
            if (units > 0)
                json_object_set_new(root, "units",
                                    json_pack("{s:f, s:f, s:f}", "from", units, "to_min",
                                              units * lo, "to_max", units * hi));
        }
        json_object_set_new(root, "basis",
                            json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "product", from->id,
                                      "note", from->ratio_note, "source", from->ratio_source,
                                      "product", to->id, "note", to->ratio_note, "source",
                                      to->ratio_source));
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        fputc('\n', stdout);
        json_decref(root);
        return BONT_EXIT_OK;
    }
    printf("%s (%s) -> %s (%s)\n\n", from->id, from->display, to->id, to->display);
    if (!known) {
        printf("No accepted conversion ratio: %s\n",
               from->ratio_min > 0 ? to->ratio_note : from->ratio_note);
    } else {
        printf("Literature ratio: 1 U of %s ~ %.3g to %.3g U of %s\n", from->display, lo, hi,
               to->display);
        if (units > 0)
            printf("So %g U of %s ~ %.4g to %.4g U of %s in the literature\n", units, from->display,
                   units * lo, units * hi, to->display);
        if (from->serotype != to->serotype)
            printf("Serotypes differ (%c vs %c): onset, duration and side effects differ too.\n",
                   from->serotype, to->serotype);
    }
    printf("\nBasis\n  %s: %s [%s]\n  %s: %s [%s]\n", from->id, from->ratio_note,
           from->ratio_source, to->id, to->ratio_note, to->ratio_source);
    printf("\n%s\n", warning);
    return BONT_EXIT_OK;
}
