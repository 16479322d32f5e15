/* cmd_kb.c: `bont kb products|muscles|indications|rules|show ID`: what the knowledge base holds. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "util/table.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont kb products|muscles|indications|rules [--product P] [--indication I]\n"
               "       bont kb show ID        (a product, muscle, indication, term or rule; any "
               "alias)\n");
}

static void list_products(const bont_kb_t *kb)
{
    bont_table_t *t = bont_table_new(6, "llllrl");
    bont_table_rowf(t, "Id\tBrand\tSerotype\tVials (U)\tIn use (h)\tRatio to ona (literature)");
    for (size_t i = 0; i < bont_kb_n_products(kb); i++) {
        const bont_product_t *p = bont_kb_product_at(kb, i);
        char vials[128] = "", inuse[32] = "?", ratio[64] = "none accepted";
        for (size_t k = 0; k < p->n_vials; k++) {
            size_t n = strlen(vials);
            snprintf(vials + n, sizeof vials - n, "%s%g", k ? ", " : "", p->vials[k].units);
        }
        if (!p->n_vials)
            snprintf(vials, sizeof vials, "not confirmed");
        if (p->in_use_h >= 0)
            snprintf(inuse, sizeof inuse, "%g", p->in_use_h);
        if (p->ratio_min > 0)
            snprintf(ratio, sizeof ratio, p->ratio_min == p->ratio_max ? "%g:1" : "%g-%g:1",
                     p->ratio_min, p->ratio_max);
        bont_table_rowf(t, "%s\t%s\t%c\t%s\t%s\t%s", p->id, p->display, p->serotype, vials, inuse,
                        ratio);
    }
    bont_table_print(t, stdout, 0);
    bont_table_free(&t);
}

static void list_muscles(const bont_kb_t *kb)
{
    bont_table_t *t = bont_table_new(7, "lllllrl");
    bont_table_rowf(t, "Id\tChinese\tKorean\tRegion\tSides\tVolume (mL)\tSide effect if weak");
    for (size_t i = 0; i < bont_kb_n_muscles(kb); i++) {
        const bont_muscle_t *m = bont_kb_muscle_at(kb, i);
        char vol[32] = "?";
        if (m->volume_ml >= 0)
            snprintf(vol, sizeof vol, "%s%g", m->volume_estimate ? "~" : "", m->volume_ml);
        bont_table_rowf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s", m->id, m->name_zh ? m->name_zh : "",
                        m->name_ko ? m->name_ko : "", m->region, m->sided ? "L/R" : "midline", vol,
                        m->side_effect_label ? m->side_effect_label : "");
    }
    bont_table_print(t, stdout, 0);
    bont_table_free(&t);
    printf("~ marks an estimated volume (see docs/atlas.md)\n");
}

static void list_indications(const bont_kb_t *kb)
{
    bont_table_t *t = bont_table_new(4, "llll");
    bont_table_rowf(t, "Id\tChinese\tKorean\tStatus");
    for (size_t i = 0; i < bont_kb_n_indications(kb); i++) {
        const bont_indication_t *ind = bont_kb_indication_at(kb, i);
        bont_table_rowf(t, "%s\t%s\t%s\t%s", ind->id, ind->name_zh ? ind->name_zh : "",
                        ind->name_ko ? ind->name_ko : "",
                        !ind->rules_apply ? "no label rules"
                        : ind->off_label  ? "off-label"
                        : ind->pediatric  ? "labelled (children)"
                                          : "labelled for some products");
    }
    bont_table_print(t, stdout, 0);
    bont_table_free(&t);
}

static int rule_matches(const bont_rule_t *r, const bont_product_t *p, const bont_indication_t *ind)
{
    if (p && r->product && strcmp(r->product, p->id) != 0)
        return 0;
    if (ind && r->n_indications) {
        int hit = 0;
        for (size_t k = 0; k < r->n_indications; k++)
            hit |= !strcmp(r->indications[k], ind->id);
        if (!hit)
            return 0;
    }
    return 1;
}

static void bound(char *buf, size_t size, double abs_v, double per_kg)
{
    if (per_kg >= 0 && abs_v >= 0)
        snprintf(buf, size, "%g U/kg or %g", per_kg, abs_v);
    else if (per_kg >= 0)
        snprintf(buf, size, "%g U/kg", per_kg);
    else if (abs_v >= 0)
        snprintf(buf, size, "%g", abs_v);
    else
        snprintf(buf, size, "-");
}

static void list_rules(const bont_kb_t *kb, const bont_product_t *p, const bont_indication_t *ind)
{
    bont_table_t *t = bont_table_new(7, "lllrrll");
    bont_table_rowf(t, "Rule\tType\tSubject\tMin\tMax\tEvidence\tSource");
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++) {
        const bont_rule_t *r = bont_kb_rule_at(kb, i);
        if (!rule_matches(r, p, ind))
            continue;
        char lo[48], hi[48];
        bound(lo, sizeof lo, r->min, r->per_kg_min);
        bound(hi, sizeof hi, r->max, r->per_kg_max);
        bont_table_rowf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s", r->id, bont_rule_type_name(r->type),
                        r->muscle ? r->muscle : (r->region ? r->region : ""), lo, hi, r->evidence,
                        r->source);
    }
    bont_table_print(t, stdout, 0);
    bont_table_free(&t);
}

static void show_list(const char *label, const char *const *items, size_t n)
{
    printf("%-12s", label);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", items[i]);
    printf("\n");
}

static int show(const bont_kb_t *kb, const char *id)
{
    const bont_product_t *p = bont_kb_product(kb, id);
    if (p) {
        printf("Product     %s (%s), serotype %c\n", p->id, p->display, p->serotype);
        show_list("Names", p->aliases, p->n_aliases);
        for (size_t i = 0; i < p->n_vials; i++) {
            const bont_vial_t *v = &p->vials[i];
            if (v->diluent_ml_max >= 0)
                printf("Vial        %g U: diluent %g-%g mL%s [%s]\n", v->units, v->diluent_ml_min,
                       v->diluent_ml_max, v->derived ? " (derived)" : "", v->source);
            else
                printf("Vial        %g U: %s [%s]\n", v->units, v->note ? v->note : "", v->source);
        }
        if (p->in_use_h >= 0)
            printf("In use      %g h after reconstitution [%s]\n", p->in_use_h, p->in_use_source);
        else
            printf("In use      %s\n", p->in_use_source);
        printf("Excipients  %s\n", p->excipients);
        if (p->ratio_min > 0)
            printf(
                "Ratio       %g-%g U per onabotulinumtoxinA U (literature, not label): %s [%s]\n",
                p->ratio_min, p->ratio_max, p->ratio_note, p->ratio_source);
        else
            printf("Ratio       none accepted: %s [%s]\n", p->ratio_note, p->ratio_source);
        printf("\nRules\n");
        list_rules(kb, p, NULL);
        return BONT_EXIT_OK;
    }
    const bont_muscle_t *m = bont_kb_muscle(kb, id);
    if (m) {
        printf("Target      %s (%s, %s, %s)\n", m->id, m->kind, m->region,
               m->sided ? "left and right" : "midline");
        show_list("Names", m->aliases, m->n_aliases);
        if (m->volume_ml >= 0)
            printf("Volume      %g mL (range %g-%g)%s [%s]\n", m->volume_ml, m->volume_ml_min,
                   m->volume_ml_max, m->volume_estimate ? ", estimate" : "", m->volume_source);
        if (m->side_effect_label)
            printf("If weakened %s\n", m->side_effect_label);
        for (size_t i = 0; i < m->n_neighbours; i++) {
            const bont_neighbour_t *nb = &m->neighbours[i];
            printf("Neighbour   %-30s %5g mm%s%s [%s]\n", nb->id, nb->distance_mm,
                   nb->fascia ? ", fascial plane" : "", nb->estimate ? ", estimate" : "",
                   nb->source);
        }
        return BONT_EXIT_OK;
    }
    const bont_indication_t *ind = bont_kb_indication(kb, id);
    if (ind) {
        printf("Indication  %s%s\n", ind->id, ind->off_label ? " (off-label)" : "");
        show_list("Names", ind->aliases, ind->n_aliases);
        if (ind->n_muscles)
            show_list("Targets", ind->muscles, ind->n_muscles);
        if (ind->note)
            printf("Note        %s\n", ind->note);
        printf("\nRules\n");
        list_rules(kb, NULL, ind);
        return BONT_EXIT_OK;
    }
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++) {
        const bont_rule_t *r = bont_kb_rule_at(kb, i);
        if (strcmp(r->id, id) != 0)
            continue;
        printf("Rule        %s (%s)\n", r->id, bont_rule_type_name(r->type));
        printf("Product     %s\n", r->product ? r->product : "every product");
        if (r->n_indications)
            show_list("Indications", r->indications, r->n_indications);
        printf("Says        %s\n", r->note);
        printf("Evidence    %s [%s]\n", r->evidence, r->source);
        return BONT_EXIT_OK;
    }
    const bont_term_t *term = bont_kb_term(kb, id);
    if (term) {
        printf("Term        %s (%s%s%s)\n", term->id, term->kind, term->group ? ", group " : "",
               term->group ? term->group : "");
        show_list("Names", term->aliases, term->n_aliases);
        return BONT_EXIT_OK;
    }
    fprintf(stderr, "bont kb: nothing in the knowledge base is called \"%s\"\n", id);
    return BONT_EXIT_USAGE;
}

int bont_cmd_kb(const bont_kb_t *kb, int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? BONT_EXIT_USAGE : BONT_EXIT_OK;
    }
    const char *what = argv[1];
    if (!strcmp(what, "products"))
        list_products(kb);
    else if (!strcmp(what, "muscles"))
        list_muscles(kb);
    else if (!strcmp(what, "indications"))
        list_indications(kb);
    else if (!strcmp(what, "rules")) {
        const bont_product_t *p = NULL;
        const bont_indication_t *ind = NULL;
        for (int i = 2; i + 1 < argc; i += 2) {
            if (!strcmp(argv[i], "--product") && !(p = bont_kb_product(kb, argv[i + 1]))) {
                fprintf(stderr, "bont kb: unknown product \"%s\"\n", argv[i + 1]);
                return BONT_EXIT_USAGE;
            }
            if (!strcmp(argv[i], "--indication") && !(ind = bont_kb_indication(kb, argv[i + 1]))) {
                fprintf(stderr, "bont kb: unknown indication \"%s\"\n", argv[i + 1]);
                return BONT_EXIT_USAGE;
            }
        }
        list_rules(kb, p, ind);
    } else if (!strcmp(what, "show") && argc >= 3)
        return show(kb, argv[2]);
    else {
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    return BONT_EXIT_OK;
}
