/* kbout.c: what the knowledge base holds, for people: products, muscles, indications, rules,
 * and everything about one name (`bont kb`). */
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
        bont__table_rowf(t, "%s\t%s\t%s\t%s", bont__tx(&sc, ind->id), bont__tx(&sc, ind->name_zh),
                         bont__tx(&sc, ind->name_ko),
                         !ind->rules_apply ? BONT_TR("no label rules")
                         : ind->off_label  ? BONT_TR("off-label")
                         : ind->pediatric  ? BONT_TR("labelled (children)")
                                           : BONT_TR("labelled for some products"));
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
    bont__table_t *t = bont__table_new(7, "lllrrll");
    if (!t)
        return BONT_ENOMEM;
    bont__scratch_t sc = {0};
    bont__table_rowf(t, BONT_TR("Rule\tType\tSubject\tMin\tMax\tEvidence\tSource"));
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++) {
        const bont_rule_t *r = bont_kb_rule_at(kb, i);
        if (!rule_matches(r, product, indication))
            continue;
        char lo[48], hi[48];
        bound(lo, sizeof lo, r->min, r->per_kg_min);
        bound(hi, sizeof hi, r->max, r->per_kg_max);
        bont__table_rowf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s", bont__tx(&sc, r->id),
                         bont_rule_type_name(r->type),
                         bont__tx(&sc, r->muscle ? r->muscle : r->region), lo, hi,
                         bont__tx(&sc, r->evidence), bont__tx(&sc, r->source));
    }
    bont__scratch_free(&sc);
    return table_out(f, &t, 0);
}

/* ---- bont kb show ID ----------------------------------------------------------------------- */

static void show_list(FILE *f, const char *label, const char *const *items, size_t n,
                      bont__scratch_t *sc)
{
    fprintf(f, "%-12s", label);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? ", " : "", bont__tx(sc, items[i]));
    fputc('\n', f);
}

static void show_vial(FILE *f, const bont_vial_t *v, bont__scratch_t *sc)
{
    if (v->diluent_ml_max >= 0)
        fprintf(f,
                v->derived ? BONT_TR("Vial        %g U: diluent %g-%g mL (derived) [%s]\n")
                           : BONT_TR("Vial        %g U: diluent %g-%g mL [%s]\n"),
                v->units, v->diluent_ml_min, v->diluent_ml_max, bont__tx(sc, v->source));
    else
        fprintf(f, BONT_TR("Vial        %g U: %s [%s]\n"), v->units, bont__tx(sc, v->note),
                bont__tx(sc, v->source));
}

static int show_product(FILE *f, const bont_kb_t *kb, const bont_product_t *p, bont__scratch_t *sc)
{
    fprintf(f, BONT_TR("Product     %s (%s), serotype %c\n"), bont__tx(sc, p->id),
            bont__tx(sc, p->display), p->serotype);
    show_list(f, BONT_TR("Names"), p->aliases, p->n_aliases, sc);
    for (size_t i = 0; i < p->n_vials; i++)
        show_vial(f, &p->vials[i], sc);
    if (p->in_use_h >= 0)
        fprintf(f, BONT_TR("In use      %g h after reconstitution [%s]\n"), p->in_use_h,
                bont__tx(sc, p->in_use_source));
    else
        fprintf(f, BONT_TR("In use      %s\n"), bont__tx(sc, p->in_use_source));
    fprintf(f, BONT_TR("Excipients  %s\n"), bont__tx(sc, p->excipients));
    if (p->ratio_min > 0)
        fprintf(f,
                BONT_TR("Ratio       %g-%g U per onabotulinumtoxinA U (literature, not label): "
                        "%s [%s]\n"),
                p->ratio_min, p->ratio_max, bont__tx(sc, p->ratio_note),
                bont__tx(sc, p->ratio_source));
    else
        fprintf(f, BONT_TR("Ratio       none accepted: %s [%s]\n"), bont__tx(sc, p->ratio_note),
                bont__tx(sc, p->ratio_source));
    fputs(BONT_TR("\nRules\n"), f);
    return bont_report_kb_rules_text(f, kb, p, NULL);
}

static void show_muscle(FILE *f, const bont_muscle_t *m, bont__scratch_t *sc)
{
    fprintf(f, BONT_TR("Target      %s (%s, %s, %s)\n"), bont__tx(sc, m->id), bont__tx(sc, m->kind),
            bont__tx(sc, m->region), m->sided ? BONT_TR("left and right") : BONT_TR("midline"));
    show_list(f, BONT_TR("Names"), m->aliases, m->n_aliases, sc);
    if (m->volume_ml >= 0)
        fprintf(f,
                m->volume_estimate ? BONT_TR("Volume      %g mL (range %g-%g), estimate [%s]\n")
                                   : BONT_TR("Volume      %g mL (range %g-%g) [%s]\n"),
                m->volume_ml, m->volume_ml_min, m->volume_ml_max, bont__tx(sc, m->volume_source));
    if (m->side_effect_label)
        fprintf(f, BONT_TR("If weakened %s\n"), bont__tx(sc, m->side_effect_label));
    for (size_t i = 0; i < m->n_neighbours; i++) {
        const bont_neighbour_t *nb = &m->neighbours[i];
        char about[160] = "";
        snprintf(about, sizeof about, BONT_TR("%5g mm"), nb->distance_mm);
        if (nb->fascia)
            bont__list_add(about, sizeof about, BONT_TR("fascial plane"));
        if (nb->estimate)
            bont__list_add(about, sizeof about, BONT_TR("estimate"));
        fprintf(f, BONT_TR("Neighbour   %-30s %s [%s]\n"), bont__tx(sc, nb->id), about,
                bont__tx(sc, nb->source));
    }
}

static int show_indication(FILE *f, const bont_kb_t *kb, const bont_indication_t *ind,
                           bont__scratch_t *sc)
{
    fprintf(f,
            ind->off_label ? BONT_TR("Indication  %s (off-label)\n") : BONT_TR("Indication  %s\n"),
            bont__tx(sc, ind->id));
    show_list(f, BONT_TR("Names"), ind->aliases, ind->n_aliases, sc);
    if (ind->n_muscles)
        show_list(f, BONT_TR("Targets"), ind->muscles, ind->n_muscles, sc);
    if (ind->note)
        fprintf(f, BONT_TR("Note        %s\n"), bont__tx(sc, ind->note));
    fputs(BONT_TR("\nRules\n"), f);
    return bont_report_kb_rules_text(f, kb, NULL, ind);
}

static void show_rule(FILE *f, const bont_rule_t *r, bont__scratch_t *sc)
{
    fprintf(f, BONT_TR("Rule        %s (%s)\n"), bont__tx(sc, r->id), bont_rule_type_name(r->type));
    fprintf(f, BONT_TR("Product     %s\n"),
            r->product ? bont__tx(sc, r->product) : BONT_TR("every product"));
    if (r->n_indications)
        show_list(f, BONT_TR("Indications"), r->indications, r->n_indications, sc);
    fprintf(f, BONT_TR("Says        %s\n"), bont__tx(sc, r->note));
    fprintf(f, BONT_TR("Evidence    %s [%s]\n"), bont__tx(sc, r->evidence),
            bont__tx(sc, r->source));
}

static void show_term(FILE *f, const bont_term_t *term, bont__scratch_t *sc)
{
    if (term->group)
        fprintf(f, BONT_TR("Term        %s (%s, group %s)\n"), bont__tx(sc, term->id),
                bont__tx(sc, term->kind), bont__tx(sc, term->group));
    else
        fprintf(f, BONT_TR("Term        %s (%s)\n"), bont__tx(sc, term->id),
                bont__tx(sc, term->kind));
    show_list(f, BONT_TR("Names"), term->aliases, term->n_aliases, sc);
}

static const bont_rule_t *rule_named(const bont_kb_t *kb, const char *id)
{
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++)
        if (strcmp(bont_kb_rule_at(kb, i)->id, id) == 0)
            return bont_kb_rule_at(kb, i);
    return NULL;
}

int bont_report_kb_show_text(FILE *f, const bont_kb_t *kb, const char *id)
{
    bont__scratch_t sc = {0};
    const bont_product_t *p;
    const bont_muscle_t *m;
    const bont_indication_t *ind;
    const bont_rule_t *r;
    const bont_term_t *term;
    int rc = 0;
    if ((p = bont_kb_product(kb, id)))
        rc = show_product(f, kb, p, &sc);
    else if ((m = bont_kb_muscle(kb, id)))
        show_muscle(f, m, &sc);
    else if ((ind = bont_kb_indication(kb, id)))
        rc = show_indication(f, kb, ind, &sc);
    else if ((r = rule_named(kb, id)))
        show_rule(f, r, &sc);
    else if ((term = bont_kb_term(kb, id)))
        show_term(f, term, &sc);
    else
        rc = BONT_ENOTFOUND;
    bont__scratch_free(&sc);
    return rc == BONT_ENOTFOUND ? rc : bont__stream_rc(f, rc);
}
