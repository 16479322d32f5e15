/* doseout.c: `bont dilute` (concentration and volumes after reconstitution) and `bont convert`
 * (the literature ratio between two products, never a bare number), as text and JSON. */
#include <math.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

/* Doses listed in the dilution table (those up to the vial's units). */
static const double common_doses_u[] = {1, 1.25, 2, 2.5, 4, 5, 8, 10, 20, 25, 50, 100};

/* JSON numbers of these outputs carry the digits their text shows. */
enum { DILUTION_SIG = 8, CONVERSION_SIG = 6 };

/* The vial size and labelled diluent range of d->product judged, as one sentence; "" without a
 * product. */
static void product_check(char *buf, size_t size, const bont_report_dilution_t *d)
{
    const bont_product_t *p = d->product;
    buf[0] = '\0';
    if (!p)
        return;
    const bont_vial_t *vial = NULL;
    for (size_t i = 0; i < p->n_vials; i++)
        if (fabs(p->vials[i].units - d->units) < 1e-9)
            vial = &p->vials[i];
    if (p->n_vials && !vial)
        snprintf(buf, size, BONT_TR("%s has no %g U vial in bont's knowledge base"), p->id,
                 d->units);
    else if (!vial || vial->diluent_ml_max < 0)
        snprintf(buf, size,
                 BONT_TR("the labelled diluent range for this vial of %s is not in bont's "
                         "knowledge base: not checked"),
                 p->id);
    else if (d->diluent_ml < vial->diluent_ml_min - 1e-9 ||
             d->diluent_ml > vial->diluent_ml_max + 1e-9)
        snprintf(buf, size,
                 BONT_TR("outside the labelled range %g-%g mL for a %g U vial of %s (source %s)"),
                 vial->diluent_ml_min, vial->diluent_ml_max, d->units, p->id, vial->source);
    else
        snprintf(buf, size,
                 vial->derived ? BONT_TR("within the labelled range %g-%g mL for a %g U vial of "
                                         "%s (source %s; range derived from the labelled "
                                         "concentrations)")
                               : BONT_TR("within the labelled range %g-%g mL for a %g U vial of "
                                         "%s (source %s)"),
                 vial->diluent_ml_min, vial->diluent_ml_max, d->units, p->id, vial->source);
}

int bont_report_dilution_text(FILE *f, const bont_report_dilution_t *d)
{
    double per_ml = d->units / d->diluent_ml;
    char check[512];
    product_check(check, sizeof check, d);
    bont__scratch_t sc = {0};
    fprintf(f, BONT_TR("%g U in %g mL = %.4g U/mL = %.4g U per 0.1 mL\n"), d->units, d->diluent_ml,
            per_ml, per_ml / 10);
    if (check[0])
        fprintf(f, BONT_TR("Product: %s\n"), bont__tx(&sc, check));
    if (d->dose_u > 0)
        fprintf(f, BONT_TR("A dose of %g U is %.3g mL (%.3g x 0.1 mL)\n"), d->dose_u,
                d->dose_u / per_ml, d->dose_u / per_ml * 10);
    fputc('\n', f);
    bont__scratch_free(&sc);
    bont__table_t *t = bont__table_new(2, "rr");
    if (!t)
        return BONT_ENOMEM;
    bont__table_rowf(t, BONT_TR("Dose (U)\tVolume (mL)"));
    /* Three decimals: what a 1 mL syringe can be read to. */
    for (size_t i = 0; i < sizeof common_doses_u / sizeof common_doses_u[0]; i++)
        if (common_doses_u[i] <= d->units)
            bont__table_rowf(t, "%g\t%.3f", common_doses_u[i], common_doses_u[i] / per_ml);
    bont__table_print(t, f, 2);
    bont__table_free(&t);
    return bont__stream_rc(f, 0);
}

static json_t *dose_json(double units, double ml)
{
    return json_pack("{s:o, s:o}", "units", bont__jreal_sig(units, DILUTION_SIG), "ml",
                     bont__jreal_sig(ml, DILUTION_SIG));
}

json_t *bont_report_dilution_json(const bont_report_dilution_t *d)
{
    double per_ml = d->units / d->diluent_ml;
    char check[512];
    product_check(check, sizeof check, d);
    json_t *table = json_array();
    bool failed = false;
    for (size_t i = 0; table && i < sizeof common_doses_u / sizeof common_doses_u[0]; i++)
        if (common_doses_u[i] <= d->units)
            bont__jappend(table, dose_json(common_doses_u[i], common_doses_u[i] / per_ml), &failed);
    json_t *root =
        json_pack("{s:o, s:o, s:o, s:o}", "units", bont__jreal_sig(d->units, DILUTION_SIG),
                  "diluent_ml", bont__jreal_sig(d->diluent_ml, DILUTION_SIG), "units_per_ml",
                  bont__jreal_sig(per_ml, DILUTION_SIG), "units_per_0_1_ml",
                  bont__jreal_sig(per_ml / 10, DILUTION_SIG));
    if (root && d->dose_u > 0 &&
        json_object_set_new(root, "dose", dose_json(d->dose_u, d->dose_u / per_ml)))
        failed = true;
    if (root && check[0] && json_object_set_new(root, "product_check", bont__jstr(check)))
        failed = true;
    if (!root || failed || json_object_set_new(root, "table", table) != 0) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* ---- Conversion ---------------------------------------------------------------------------- */

/* Product units per ona unit is the ratio r: from -> ona divides by r_from, ona -> to multiplies
 * by r_to; the range spans the extremes of both ranges. false when either has no ratio. */
static bool ratio_range(const bont_product_t *from, const bont_product_t *to, double *lo,
                        double *hi)
{
    if (!(from->ratio_min > 0 && to->ratio_min > 0))
        return false;
    *lo = to->ratio_min / from->ratio_max;
    *hi = to->ratio_max / from->ratio_min;
    return true;
}

static const char *conversion_warning(void)
{
    return BONT_TR("Labels state that units of botulinum toxin products are product-specific and "
                   "not interchangeable; this ratio is a clinical-literature approximation, never "
                   "a label value.");
}

int bont_report_conversion_text(FILE *f, const bont_product_t *from, const bont_product_t *to,
                                double units)
{
    bont__scratch_t sc = {0};
    double lo, hi;
    fprintf(f, "%s (%s) -> %s (%s)\n\n", bont__tx(&sc, from->id), bont__tx(&sc, from->display),
            bont__tx(&sc, to->id), bont__tx(&sc, to->display));
    if (!ratio_range(from, to, &lo, &hi)) {
        fprintf(f, BONT_TR("No accepted conversion ratio: %s\n"),
                bont__tx(&sc, from->ratio_min > 0 ? to->ratio_note : from->ratio_note));
    } else {
        fprintf(f, BONT_TR("Literature ratio: 1 U of %s ~ %.3g to %.3g U of %s\n"),
                bont__tx(&sc, from->display), lo, hi, bont__tx(&sc, to->display));
        if (units > 0)
            fprintf(f, BONT_TR("So %g U of %s ~ %.4g to %.4g U of %s in the literature\n"), units,
                    bont__tx(&sc, from->display), units * lo, units * hi,
                    bont__tx(&sc, to->display));
        if (from->serotype != to->serotype)
            fprintf(f,
                    BONT_TR("Serotypes differ (%c vs %c): onset, duration and side effects differ "
                            "too.\n"),
                    from->serotype, to->serotype);
    }
    fprintf(f, BONT_TR("\nBasis\n  %s: %s [%s]\n  %s: %s [%s]\n"), bont__tx(&sc, from->id),
            bont__tx(&sc, from->ratio_note), bont__tx(&sc, from->ratio_source),
            bont__tx(&sc, to->id), bont__tx(&sc, to->ratio_note), bont__tx(&sc, to->ratio_source));
    fprintf(f, "\n%s\n", conversion_warning());
    bont__scratch_free(&sc);
    return bont__stream_rc(f, 0);
}

json_t *bont_report_conversion_json(const bont_product_t *from, const bont_product_t *to,
                                    double units)
{
    double lo = NAN, hi = NAN;
    bool known = ratio_range(from, to, &lo, &hi), failed = false;
    json_t *root = json_pack("{s:o, s:o, s:b, s:s}", "from", bont__jstr(from->id), "to",
                             bont__jstr(to->id), "known", known, "warning", conversion_warning());
    if (!root)
        return NULL;
    if (known) {
        failed |=
            json_object_set_new(root, "ratio",
                                json_pack("{s:o, s:o}", "min", bont__jreal_sig(lo, CONVERSION_SIG),
                                          "max", bont__jreal_sig(hi, CONVERSION_SIG))) != 0;
        if (units > 0)
            failed |=
                json_object_set_new(root, "units",
                                    json_pack("{s:o, s:o, s:o}", "from",
                                              bont__jreal_sig(units, CONVERSION_SIG), "to_min",
                                              bont__jreal_sig(units * lo, CONVERSION_SIG), "to_max",
                                              bont__jreal_sig(units * hi, CONVERSION_SIG))) != 0;
    }
    failed |=
        json_object_set_new(root, "basis",
                            json_pack("[{s:o, s:o, s:o}, {s:o, s:o, s:o}]", "product",
                                      bont__jstr(from->id), "note", bont__jstr(from->ratio_note),
                                      "source", bont__jstr(from->ratio_source), "product",
                                      bont__jstr(to->id), "note", bont__jstr(to->ratio_note),
                                      "source", bont__jstr(to->ratio_source))) != 0;
    if (failed) {
        json_decref(root);
        return NULL;
    }
    return root;
}
