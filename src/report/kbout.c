/* kbout.c: what the knowledge base holds, for people: the lists of products, muscles,
 * indications and rules (`bont kb`); one name in full is kbshow.c. */
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

/* Prints a table and frees it; the status of the stream. */
static int table_out(FILE *f, bont__table_t **t, int indent)
{
    bont__table_print(*t, f, indent);
    bont__table_free(t);
    return bont__stream_rc(f, 0);
}

int bont_report_kb_products_text(FILE *f, const bont_kb_t *kb)
{
    bont__table_t *t = bont__table_new(6, "llllrl");
    if (!t)
        return BONT_ENOMEM;
    bont__scratch_t sc = {0};
    bont__table_rowf(t, BONT_TR("Id\tBrand\tSerotype\tVials (U)\tIn use (h)\tRatio to ona "
                                "(literature)"));
    for (size_t i = 0; i < bont_kb_n_products(kb); i++) {
        const bont_product_t *p = bont_kb_product_at(kb, i);
        char vials[128] = "", inuse[32] = "?", ratio[64];
        for (size_t k = 0; k < p->n_vials; k++) {
            size_t n = strlen(vials);
            snprintf(vials + n, sizeof vials - n, "%s%g", k ? ", " : "", p->vials[k].units);
        }
        if (!p->n_vials)
            snprintf(vials, sizeof vials, "%s", BONT_TR("not confirmed"));
        if (p->in_use_h >= 0)
            snprintf(inuse, sizeof inuse, "%g", p->in_use_h);
        if (p->ratio_min <= 0)
            snprintf(ratio, sizeof ratio, "%s", BONT_TR("none accepted"));
        else if (p->ratio_min == p->ratio_max)
            snprintf(ratio, sizeof ratio, "%g:1", p->ratio_min);
        else
            snprintf(ratio, sizeof ratio, "%g-%g:1", p->ratio_min, p->ratio_max);
        bont__table_rowf(t, "%s\t%s\t%c\t%s\t%s\t%s", bont__tx(&sc, p->id),
                         bont__tx(&sc, p->display), p->serotype, vials, inuse, ratio);
    }
    bont__scratch_free(&sc);
    return table_out(f, &t, 0);
}

int bont_report_kb_muscles_text(FILE *f, const bont_kb_t *kb)
{
    bont__table_t *t = bont__table_new(7, "lllllrl");
    if (!t)
        return BONT_ENOMEM;
    bont__scratch_t sc = {0};
    bont__table_rowf(
        t, BONT_TR("Id\tChinese\tKorean\tRegion\tSides\tVolume (mL)\tSide effect if weak"));
    for (size_t i = 0; i < bont_kb_n_muscles(kb); i++) {
        const bont_muscle_t *m = bont_kb_muscle_at(kb, i);
        char vol[32] = "?";
        if (m->volume_ml >= 0)
            snprintf(vol, sizeof vol, "%s%g", m->volume_estimate ? "~" : "", m->volume_ml);
        bont__table_rowf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s", bont__tx(&sc, m->id),
                         bont__tx(&sc, m->name_zh), bont__tx(&sc, m->name_ko),
                         bont__tx(&sc, m->region), m->sided ? BONT_TR("L/R") : BONT_TR("midline"),
                         vol, bont__tx(&sc, m->side_effect_label));
    }
    bont__scratch_free(&sc);
    int rc = table_out(f, &t, 0);
    fputs(BONT_TR("~ marks an estimated volume (see docs/atlas.md)\n"), f);
    return bont__stream_rc(f, rc);
}

int bont_report_kb_indications_text(FILE *f, const bont_kb_t *kb)
{
    bont__table_t *t = bont__table_new(4, "llll");
    if (!t)
        return BONT_ENOMEM;
    bont__scratch_t sc = {0};
    bont__table_rowf(t, BONT_TR("Id\tChinese\tKorean\tStatus"));
    for (size_t i = 0; i < bont_kb_n_indications(kb); i++) {
        const bont_indication_t *ind = bont_kb_indication_at(kb, i);
        char status[160];
        if (ind->off_label && ind->evidence_level)
            snprintf(status, sizeof status, BONT_TR("off-label, evidence %s [%s]"),
                     bont__tx(&sc, ind->evidence_level), bont__tx(&sc, ind->evidence_source));
        else
            snprintf(status, sizeof status, "%s",
                     !ind->rules_apply ? BONT_TR("no label rules")
                     : ind->off_label  ? BONT_TR("off-label")
                     : ind->pediatric  ? BONT_TR("labelled (children)")
                                       : BONT_TR("labelled for some products"));
        bont__table_rowf(t, "%s\t%s\t%s\t%s", bont__tx(&sc, ind->id), bont__tx(&sc, ind->name_zh),
                         bont__tx(&sc, ind->name_ko), status);
    }
    bont__scratch_free(&sc);
    return table_out(f, &t, 0);
}

static bool rule_matches(const bont_rule_t *r, const bont_product_t *p,
                         const bont_indication_t *ind)
{
    if (p && r->product && strcmp(r->product, p->id) != 0)
        return false;
    if (ind && r->n_indications) {
        for (size_t k = 0; k < r->n_indications; k++)
            if (!strcmp(r->indications[k], ind->id))
                return true;
        return false;
    }
    return true;
}

/* A rule's bound: absolute, per kilogram, both, or "-". */
static void bound(char *buf, size_t size, double abs_v, double per_kg)
{
    if (per_kg >= 0 && abs_v >= 0)
        snprintf(buf, size, BONT_TR("%g U/kg or %g"), per_kg, abs_v);
    else if (per_kg >= 0)
        snprintf(buf, size, BONT_TR("%g U/kg"), per_kg);
    else if (abs_v >= 0)
        snprintf(buf, size, "%g", abs_v);
    else
        snprintf(buf, size, "-");
}

int bont_report_kb_rules_text(FILE *f, const bont_kb_t *kb, const bont_product_t *product,
                              const bont_indication_t *indication)
{
    bont__table_t *t = bont__table_new(8, "lllrrlll");
    if (!t)
        return BONT_ENOMEM;
    bont__scratch_t sc = {0};
    bont__table_rowf(t, BONT_TR("Rule\tType\tSubject\tMin\tMax\tLabel\tEvidence\tSource"));
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++) {
        const bont_rule_t *r = bont_kb_rule_at(kb, i);
        if (!rule_matches(r, product, indication))
            continue;
        char lo[48], hi[48], label[64] = "";
        bound(lo, sizeof lo, r->min, r->per_kg_min);
        bound(hi, sizeof hi, r->max, r->per_kg_max);
        if (r->n_weight_bands)
            snprintf(hi, sizeof hi, BONT_TR("by weight"));
        for (size_t k = 0; k < r->n_jurisdictions; k++)
            bont__list_add(label, sizeof label, bont__tx(&sc, r->jurisdictions[k]));
        bont__table_rowf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", bont__tx(&sc, r->id),
                         bont_rule_type_name(r->type),
                         bont__tx(&sc, r->muscle ? r->muscle : r->region), lo, hi, label,
                         bont__tx(&sc, r->evidence), bont__tx(&sc, r->source));
    }
    bont__scratch_free(&sc);
    return table_out(f, &t, 0);
}
