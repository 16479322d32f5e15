/* reactionout.c: adverse-reaction tables (rate in the treated group, placebo rate, natural
 * frequency, dose, source) for `bont kb adverse-reactions` and the end of `bont check`. */
#include <math.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

void bont__fmt_people(char *buf, size_t size, double rate_pct)
{
    if (!(rate_pct > 0)) {
        snprintf(buf, size, "%s", BONT_TR("none reported"));
    } else if (rate_pct >= 0.995) {
        long k = lround(rate_pct);
        snprintf(buf, size, BONT_TR("about %ld in 100 people"), k);
    } else {
        /* 0.4 % is about 1 in 250: one in a round number of one or two digits. */
        double n = 100.0 / rate_pct;
        double step = pow(10.0, floor(log10(n)) - 1);
        snprintf(buf, size, BONT_TR("about 1 in %.0f people"), round(n / step) * step);
    }
}

/* A rate as people read it: "2.4 %", "19 %". */
static void fmt_pct(char *buf, size_t size, double pct)
{
    if (!isfinite(pct))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.3g %%", pct);
}

int bont__reactions_table(FILE *f, const bont_adverse_reaction_t *rows, size_t n, bool design,
                          bont__scratch_t *sc)
{
    bont__table_t *t = bont__table_new(design ? 7 : 6, design ? "lrrllll" : "lrrlll");
    if (!t)
        return BONT_ENOMEM;
    if (design)
        bont__table_rowf(t, BONT_TR("Effect\tTreated\tPlacebo\tIn people\tDose\tDesign\tSource"));
    else
        bont__table_rowf(t, BONT_TR("Effect\tTreated\tPlacebo\tIn people\tDose\tSource"));
    for (size_t i = 0; i < n; i++) {
        const bont_adverse_reaction_t *r = &rows[i];
        char rate[32], placebo[32], people[64];
        fmt_pct(rate, sizeof rate, r->rate_pct);
        fmt_pct(placebo, sizeof placebo, r->placebo_pct);
        bont__fmt_people(people, sizeof people, r->rate_pct);
        const char *name = bont__tx(sc, r->effect_entry ? r->effect_entry->name_en : r->effect);
        const char *dose = bont__tx(sc, r->dose ? r->dose : "-");
        if (design)
            bont__table_rowf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s", name, rate, placebo, people, dose,
                             bont__tx(sc, r->design ? r->design : "-"), bont__tx(sc, r->source));
        else
            bont__table_rowf(t, "%s\t%s\t%s\t%s\t%s\t%s", name, rate, placebo, people, dose,
                             bont__tx(sc, r->source));
    }
    bont__table_print(t, f, 2);
    bont__table_free(&t);
    return 0;
}

int bont_report_adverse_reactions_text(FILE *f, const bont_kb_t *kb, const bont_product_t *product,
                                       const bont_indication_t *indication)
{
    bont__scratch_t sc = {0};
    size_t n = 0;
    const bont_adverse_reaction_t *rows = bont_kb_adverse_reactions(kb, product, indication, &n);
    fprintf(f, BONT_TR("Adverse reactions of %s (%s) in %s\n"), bont__tx(&sc, product->id),
            bont__tx(&sc, product->display), bont__tx(&sc, indication->id));
    int rc = 0;
    if (n == 0) {
        fputs(BONT_TR("  no adverse-reaction table for this product and indication is held\n"), f);
    } else {
        rc = bont__reactions_table(f, rows, n, true, &sc);
        fputs(BONT_TR("\n  Treated and placebo: share of patients with the effect in the source's "
                      "table or study\n  (placebo \"-\" when the source gives none). Where each "
                      "row comes from:\n"),
              f);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            const bont_source_t *s = bont_kb_source(kb, rows[i].source);
            fprintf(f, "  %-24s %s%s%s%s\n",
                    bont__tx(&sc,
                             rows[i].effect_entry ? rows[i].effect_entry->name_en : rows[i].effect),
                    bont__tx(&sc, rows[i].source), rows[i].where ? ": " : "",
                    bont__tx(&sc, rows[i].where), s && !s->primary ? BONT_TR(" (secondary)") : "");
        }
    }
    bont__scratch_free(&sc);
    return bont__stream_rc(f, rc);
}

/* A head count: a whole number, or null when the source gives none. */
static json_t *count_or_null(double n)
{
    return isfinite(n) ? json_integer((json_int_t)llround(n)) : json_null();
}

json_t *bont_report_adverse_reactions_json(const bont_adverse_reaction_t *rows, size_t n)
{
    json_t *arr = json_array();
    bool failed = false;
    for (size_t i = 0; arr && i < n; i++) {
        const bont_adverse_reaction_t *r = &rows[i];
        bont__jappend(
            arr,
            json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "effect",
                      bont__jstr(r->effect), "name",
                      bont__jstr(r->effect_entry ? r->effect_entry->name_en : r->effect),
                      "rate_pct", bont__jreal_sig(r->rate_pct, 6), "placebo_pct",
                      isfinite(r->placebo_pct) ? bont__jreal_sig(r->placebo_pct, 6) : json_null(),
                      "source", bont__jstr(r->source), "dose", bont__jstr_or_null(r->dose),
                      "design", bont__jstr_or_null(r->design), "where",
                      bont__jstr_or_null(r->where), "n", count_or_null(r->n), "n_placebo",
                      count_or_null(r->n_placebo), "jurisdiction", bont__jstr(r->jurisdiction),
                      "note", bont__jstr_or_null(r->note)),
            &failed);
    }
    if (failed)
        json_decref(arr);
    return failed ? NULL : arr;
}
