/* riskout.c: side-effect risks for people and machines, one entry per side effect and person
 * with the structures carrying it below (docs/spread.md section 3), for bont check, bont
 * simulate --patients and the web server alike. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

/* Percent with two decimals: the interval of N = 2000 patients is no finer. */
static json_t *ci95_json(double lo, double hi)
{
    return json_pack("[f, f]", round(10000.0 * lo) / 100.0, round(10000.0 * hi) / 100.0);
}

/* A structure's fields as in one entry: muscle, side (null for a midline structure),
 * probability, ci95_pct, threshold_pct, reason. */
static json_t *structure_json(const bont_risk_t *k)
{
    return json_pack("{s:o, s:o, s:f, s:o, s:o, s:o}", "muscle", bont__jstr(k->muscle->id), "side",
                     k->side == BONT_SIDE_NONE ? json_null() : json_string(bont__side(k->side)),
                     "probability", k->probability, "ci95_pct", ci95_json(k->ci95_lo, k->ci95_hi),
                     "threshold_pct", bont__jnum_or_null(k->threshold_pct), "reason",
                     bont__jstr(k->reason));
}

json_t *bont__risk_json(const bont_effect_risk_t *e)
{
    const bont_risk_t *k = &e->risk;
    bool failed = false;
    json_t *s = json_array();
    for (size_t j = 0; s && j < e->n_structures; j++)
        bont__jappend(s, structure_json(&e->structures[j]), &failed);
    if (failed) {
        json_decref(s);
        return NULL;
    }
    /* muscle, side and reason name the structure carrying most of the risk, as the entries
     * were one per structure before. */
    return json_pack("{s:o, s:f, s:o, s:b, s:o, s:o, s:o, s:o, s:o}", "effect",
                     bont__jstr(k->effect), "probability", k->probability, "ci95_pct",
                     ci95_json(k->ci95_lo, k->ci95_hi), "calibrated", k->calibrated,
                     "threshold_pct", bont__jnum_or_null(k->threshold_pct), "muscle",
                     bont__jstr(k->muscle->id), "side",
                     k->side == BONT_SIDE_NONE ? json_null() : json_string(bont__side(k->side)),
                     "reason", bont__jstr(k->reason), "structures", s);
}

json_t *bont__risks_json(const bont_effect_risk_t *risks, size_t n)
{
    json_t *arr = json_array();
    bool failed = false;
    for (size_t i = 0; arr && i < n; i++)
        bont__jappend(arr, bont__risk_json(&risks[i]), &failed);
    if (failed) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

bont__table_t *bont__risk_table_new(void)
{
    bont__table_t *t = bont__table_new(5, "lrlrl");
    if (t && bont__table_rowf(t, BONT_TR("side effect, per person; by structure\tprobability\t\t"
                                         "threshold\treason")) != 0)
        bont__table_free(&t);
    return t;
}

static int risk_row(bont__table_t *t, const bont_risk_t *k, const char *name, const char *mark,
                    const char *reason)
{
    char share[32], ci[64], thr[32] = "";
    bont__fmt_share_pct(share, sizeof share, k->probability);
    bont__fmt_ci95_pct(ci, sizeof ci, k->ci95_lo, k->ci95_hi);
    if (isfinite(k->threshold_pct))
        snprintf(thr, sizeof thr, "%.3g %%", k->threshold_pct);
    return bont__table_rowf(t, "%s\t%s%s\t%s\t%s\t%s", name, share, mark, ci, thr, reason);
}

int bont__risk_rows(bont__table_t *t, const bont_effect_risk_t *e, bont__scratch_t *sc)
{
    char where[160], line[512];
    const char *name = bont__tx(sc, BONT_TRC("side effect", e->risk.effect));
    /* The mark sits on the per-person line: the footnote under the table says what it means. */
    const char *mark = e->risk.calibrated ? "" : " *";
    if (e->n_structures == 1) { /* one line: the person's risk is the structure's */
        bont__target_label(where, sizeof where, bont__muscle_name(e->risk.muscle),
                           bont__side(e->risk.side));
        snprintf(line, sizeof line, BONT_TRC("structure: reason", "%s: %s"), where, e->risk.reason);
        return risk_row(t, &e->risk, name, mark, bont__tx(sc, line));
    }
    snprintf(line, sizeof line,
             BONT_TRN("in %zu structure", "in any of %zu structures", e->n_structures),
             e->n_structures);
    int rc = risk_row(t, &e->risk, name, mark, line);
    for (size_t j = 0; rc == 0 && j < e->n_structures; j++) {
        const bont_risk_t *k = &e->structures[j];
        bont__target_label(where, sizeof where, bont__muscle_name(k->muscle), bont__side(k->side));
        snprintf(line, sizeof line, "  %s", bont__tx(sc, where));
        rc = risk_row(t, k, line, "", bont__tx(sc, k->reason));
    }
    return rc;
}
