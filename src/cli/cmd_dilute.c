/* cmd_dilute.c: `bont dilute --units U --diluent-ml V [--dose U] [--product P]`. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "util/table.h"

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
    char check[512] = "";
    if (product_name) {
        const bont_product_t *p = bont_kb_product(kb, product_name);
        if (!p) {
            const char *sugg[3];
            size_t n = bont_kb_suggest(kb, "product", product_name, sugg, 3);
            fprintf(stderr, "bont dilute: unknown product \"%s\"%s%s\n", product_name,
                    n ? "; did you mean " : "", n ? sugg[0] : "");
            return BONT_EXIT_USAGE;
        }
        const bont_vial_t *vial = NULL;
        for (size_t i = 0; i < p->n_vials; i++)
            if (fabs(p->vials[i].units - units) < 1e-9)
                vial = &p->vials[i];
        if (p->n_vials && !vial)
            snprintf(check, sizeof check, "%s has no %g U vial in bont's knowledge base", p->id,
                     units);
        else if (!vial || vial->diluent_ml_max < 0)
            snprintf(check, sizeof check,
                     "the labelled diluent range for this vial of %s is not in bont's knowledge "
                     "base: not checked",
                     p->id);
        else if (diluent < vial->diluent_ml_min - 1e-9 || diluent > vial->diluent_ml_max + 1e-9)
            snprintf(check, sizeof check,
                     "outside the labelled range %g-%g mL for a %g U vial of %s (source %s)",
                     vial->diluent_ml_min, vial->diluent_ml_max, units, p->id, vial->source);
        else
            snprintf(check, sizeof check,
                     "within the labelled range %g-%g mL for a %g U vial of %s (source %s%s)",
                     vial->diluent_ml_min, vial->diluent_ml_max, units, p->id, vial->source,
                     vial->derived ? "; range derived from the labelled concentrations" : "");
    }
    double per_ml = units / diluent;
    static const double doses[] = {1, 1.25, 2, 2.5, 4, 5, 8, 10, 20, 25, 50, 100};
    if (format == 1) {
        json_t *root = json_pack("{s:f, s:f, s:f, s:f}", "units", units, "diluent_ml", diluent,
                                 "units_per_ml", per_ml, "units_per_0_1_ml", per_ml / 10);
        if (!root)
            return BONT_EXIT_INTERNAL;
        if (dose > 0)
            json_object_set_new(root, "dose",
                                json_pack("{s:f, s:f}", "units", dose, "ml", dose / per_ml));
        if (check[0])
            json_object_set_new(root, "product_check", json_string(check));
        json_t *table = json_array();
        for (size_t i = 0; i < sizeof doses / sizeof doses[0]; i++)
            if (doses[i] <= units)
                json_array_append_new(
                    table, json_pack("{s:f, s:f}", "units", doses[i], "ml", doses[i] / per_ml));
        json_object_set_new(root, "table", table);
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8));
        fputc('\n', stdout);
        json_decref(root);
        return BONT_EXIT_OK;
    }
    printf("%g U in %g mL = %.4g U/mL = %.4g U per 0.1 mL\n", units, diluent, per_ml, per_ml / 10);
    if (check[0])
        printf("Product: %s\n", check);
    if (dose > 0)
        printf("A dose of %g U is %.3g mL (%.3g x 0.1 mL)\n", dose, dose / per_ml,
               dose / per_ml * 10);
    printf("\n");
    bont_table_t *t = bont_table_new(2, "rr");
    if (!t)
        return BONT_EXIT_INTERNAL;
    bont_table_rowf(t, "Dose (U)\tVolume (mL)");
    for (size_t i = 0; i < sizeof doses / sizeof doses[0]; i++)
        if (doses[i] <= units)
            bont_table_rowf(t, "%g\t%.3f", doses[i], doses[i] / per_ml);
    bont_table_print(t, stdout, 2);
    bont_table_free(&t);
    return BONT_EXIT_OK;
}
