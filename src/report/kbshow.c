/* kbshow.c: `bont kb show ID`: everything the knowledge base holds about one name, whatever
 * it names (product, muscle, indication, rule, contraindication, guidance rule, term, guidance
 * method, adverse effect, source, jurisdiction). */
#include <math.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"
#include "util/text.h"

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
    for (size_t i = 0; i < p->n_excipients; i++) {
        const bont_excipient_t *x = &p->excipient_list[i];
        if (x->amount)
            fprintf(f, BONT_TR("Excipient   %s: %s [%s]\n"), bont__tx(sc, x->term),
                    bont__tx(sc, x->amount), bont__tx(sc, x->source));
        else
            fprintf(f, BONT_TR("Excipient   %s [%s]\n"), bont__tx(sc, x->term),
                    bont__tx(sc, x->source));
    }
    for (size_t i = 0; i < p->n_labels; i++) {
        const bont_label_t *lb = &p->labels[i];
        const bont_jurisdiction_t *j = bont_kb_jurisdiction(kb, lb->jurisdiction);
        fprintf(f, BONT_TR("Label       %s, %s (%s) [%s]\n"), bont__tx(sc, j ? j->label : ""),
                bont__tx(sc, lb->name), bont__tx(sc, lb->jurisdiction), bont__tx(sc, lb->source));
        show_list(f, "", lb->indications, lb->n_indications, sc);
    }
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
    if (ind->evidence_level)
        fprintf(f, BONT_TR("Evidence    level %s (%s): %s [%s]\n"),
                bont__tx(sc, ind->evidence_level), bont__tx(sc, ind->evidence_scale),
                bont__tx(sc, ind->evidence_note), bont__tx(sc, ind->evidence_source));
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
    show_list(f, BONT_TR("Label"), r->jurisdictions, r->n_jurisdictions, sc);
    fprintf(f, BONT_TR("Says        %s\n"), bont__tx(sc, r->note));
    if (r->age_basis_under || r->age_basis_over)
        fprintf(f, BONT_TR("Age basis   under %s, over %s\n"),
                bont__tx(sc, r->age_basis_under ? r->age_basis_under : "-"),
                bont__tx(sc, r->age_basis_over ? r->age_basis_over : "-"));
    for (size_t i = 0; i < r->n_weight_bands; i++) {
        const bont_weight_band_t *b = &r->weight_bands[i];
        if (b->kg_max >= 0)
            fprintf(f, BONT_TR("Weight band %g to under %g kg: at most %g U\n"), b->kg_min,
                    b->kg_max, b->max);
        else
            fprintf(f, BONT_TR("Weight band %g kg or more: at most %g U\n"), b->kg_min, b->max);
    }
    fprintf(f, BONT_TR("Evidence    %s [%s]\n"), bont__tx(sc, r->evidence),
            bont__tx(sc, r->source));
}

static void show_contra(FILE *f, const bont_contra_t *c, bont__scratch_t *sc)
{
    fprintf(f, BONT_TR("Contraindication %s (%s, %s)\n"), bont__tx(sc, c->id),
            bont__tx(sc, c->kind), bont_severity_name(c->severity));
    if (c->n_matches)
        show_list(f, BONT_TR("Matches"), c->matches, c->n_matches, sc);
    if (c->n_products)
        show_list(f, BONT_TR("Products"), c->products, c->n_products, sc);
    if (c->n_indications)
        show_list(f, BONT_TR("Indications"), c->indications, c->n_indications, sc);
    show_list(f, BONT_TR("Label"), c->jurisdictions, c->n_jurisdictions, sc);
    if (c->differs_from)
        fprintf(f, BONT_TR("Elsewhere   %s\n"), bont__tx(sc, c->differs_from));
    fprintf(f, BONT_TR("Says        %s [%s]\n"), bont__tx(sc, c->message), bont__tx(sc, c->source));
}

static void show_guidance_rule(FILE *f, const bont_guidance_rule_t *g, bont__scratch_t *sc)
{
    fprintf(f, BONT_TR("Rule        %s (guidance)\n"), bont__tx(sc, g->id));
    fprintf(f, BONT_TR("Product     %s\n"),
            g->product ? bont__tx(sc, g->product) : BONT_TR("every product"));
    if (g->n_indications)
        show_list(f, BONT_TR("Indications"), g->indications, g->n_indications, sc);
    show_list(f, BONT_TR("Accepts"), g->accepted, g->n_accepted, sc);
    fprintf(f, BONT_TR("Otherwise   %s when another method is named, %s when none is\n"),
            g->other >= 0 ? bont_severity_name((bont_severity_t)g->other) : BONT_TR("nothing"),
            g->unstated >= 0 ? bont_severity_name((bont_severity_t)g->unstated)
                             : BONT_TR("nothing"));
    show_list(f, BONT_TR("Label"), g->jurisdictions, g->n_jurisdictions, sc);
    fprintf(f, BONT_TR("Says        %s\n"), bont__tx(sc, g->note));
    fprintf(f, BONT_TR("Evidence    %s [%s]\n"), bont__tx(sc, g->evidence),
            bont__tx(sc, g->source));
}

static void show_method(FILE *f, const bont_kb_t *kb, const bont_guidance_method_t *m,
                        bont__scratch_t *sc)
{
    fprintf(f, BONT_TR("Guidance    %s (%s)\n"), bont__tx(sc, m->id), bont__tx(sc, m->name_en));
    show_list(f, BONT_TR("Names"), m->aliases, m->n_aliases, sc);
    for (size_t i = 0; i < bont_kb_n_guidance_rules(kb); i++) {
        const bont_guidance_rule_t *g = bont_kb_guidance_rule_at(kb, i);
        if (bont__str_in(g->accepted, g->n_accepted, m->id))
            fprintf(f, BONT_TR("Accepted by %s: %s\n"), bont__tx(sc, g->id), bont__tx(sc, g->note));
    }
}

/* The effect's names and every row that reports it, for any product and indication. */
static int show_effect(FILE *f, const bont_kb_t *kb, const bont_adverse_effect_t *e,
                       bont__scratch_t *sc)
{
    fprintf(f, BONT_TR("Effect      %s (%s)\n"), bont__tx(sc, e->id), bont__tx(sc, e->name_en));
    show_list(f, BONT_TR("Names"), e->aliases, e->n_aliases, sc);
    if (e->model_effect)
        fprintf(f, BONT_TR("Model       side effect %s of the spread model\n"),
                bont__tx(sc, e->model_effect));
    bont__table_t *t = bont__table_new(6, "llrrll");
    if (!t)
        return BONT_ENOMEM;
    bont__table_rowf(t, BONT_TR("Product\tIndication\tTreated (%%)\tPlacebo (%%)\tDose\tSource"));
    for (size_t i = 0; i < bont_kb_n_adverse_reactions(kb); i++) {
        const bont_adverse_reaction_t *r = bont_kb_adverse_reaction_at(kb, i);
        if (r->effect_entry != e)
            continue;
        char placebo[32] = "-";
        if (isfinite(r->placebo_pct))
            snprintf(placebo, sizeof placebo, "%g", r->placebo_pct);
        bont__table_rowf(t, "%s\t%s\t%g\t%s\t%s\t%s", bont__tx(sc, r->product),
                         bont__tx(sc, r->indication), r->rate_pct, placebo,
                         bont__tx(sc, r->dose ? r->dose : "-"), bont__tx(sc, r->source));
    }
    fputc('\n', f);
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    return 0;
}

/* A source: what it is, who issued it and when, where it was read. */
static void show_source(FILE *f, const bont_kb_t *kb, const bont_source_t *s, bont__scratch_t *sc)
{
    fprintf(f,
            s->primary ? BONT_TR("Source      %s (%s, primary)\n")
                       : BONT_TR("Source      %s (%s, not primary)\n"),
            bont__tx(sc, s->id), bont__tx(sc, s->kind ? s->kind : BONT_TR("source")));
    fprintf(f, BONT_TR("Title       %s\n"), bont__tx(sc, s->title));
    if (s->issuer)
        fprintf(f, BONT_TR("Issuer      %s\n"), bont__tx(sc, s->issuer));
    if (s->date)
        fprintf(f, BONT_TR("Date        %s\n"), bont__tx(sc, s->date));
    if (s->version)
        fprintf(f, BONT_TR("Version     %s\n"), bont__tx(sc, s->version));
    if (s->url && *s->url)
        fprintf(f, BONT_TR("URL         %s\n"), bont__tx(sc, s->url));
    if (s->read_via)
        fprintf(f, BONT_TR("Read via    %s\n"), bont__tx(sc, s->read_via));
    if (s->jurisdiction) {
        const bont_jurisdiction_t *j = bont_kb_jurisdiction(kb, s->jurisdiction);
        fprintf(f, BONT_TR("Label of    %s (%s)\n"), bont__tx(sc, j ? j->regulator : ""),
                bont__tx(sc, s->jurisdiction));
    }
    if (s->note)
        fprintf(f, BONT_TR("Note        %s\n"), bont__tx(sc, s->note));
}

static void show_jurisdiction(FILE *f, const bont_jurisdiction_t *j, bont__scratch_t *sc)
{
    fprintf(f, BONT_TR("Jurisdiction %s: %s\n"), bont__tx(sc, j->id), bont__tx(sc, j->regulator));
    fprintf(f, BONT_TR("Label       %s\n"), bont__tx(sc, j->label));
    if (j->n_near)
        show_list(f, BONT_TR("Stands in"), j->near, j->n_near, sc);
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

int bont_report_kb_show_text(FILE *f, const bont_kb_t *kb, const char *id)
{
    bont__scratch_t sc = {0};
    const bont_product_t *p;
    const bont_muscle_t *m;
    const bont_indication_t *ind;
    const bont_rule_t *r;
    const bont_contra_t *c;
    const bont_guidance_rule_t *g;
    const bont_term_t *term;
    const bont_guidance_method_t *method;
    const bont_adverse_effect_t *effect;
    const bont_source_t *s;
    const bont_jurisdiction_t *j;
    int rc = 0;
    if ((p = bont_kb_product(kb, id)))
        rc = show_product(f, kb, p, &sc);
    else if ((m = bont_kb_muscle(kb, id)))
        show_muscle(f, m, &sc);
    else if ((ind = bont_kb_indication(kb, id)))
        rc = show_indication(f, kb, ind, &sc);
    else if ((r = bont_kb_rule(kb, id)))
        show_rule(f, r, &sc);
    else if ((c = bont_kb_contra(kb, id)))
        show_contra(f, c, &sc);
    else if ((g = bont_kb_guidance_rule(kb, id)))
        show_guidance_rule(f, g, &sc);
    else if ((term = bont_kb_term(kb, id)))
        show_term(f, term, &sc);
    else if ((method = bont_kb_guidance_method(kb, id)))
        show_method(f, kb, method, &sc);
    else if ((effect = bont_kb_adverse_effect(kb, id)))
        rc = show_effect(f, kb, effect, &sc);
    else if ((s = bont_kb_source(kb, id)))
        show_source(f, kb, s, &sc);
    else if ((j = bont_kb_jurisdiction(kb, id)))
        show_jurisdiction(f, j, &sc);
    else
        rc = BONT_ENOTFOUND;
    bont__scratch_free(&sc);
    return rc == BONT_ENOTFOUND ? rc : bont__stream_rc(f, rc);
}
