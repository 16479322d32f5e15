/* check_contra.c: the patient against the contraindications and warnings of the label applied:
 * conditions, medications, pregnancy, breastfeeding, and an allergy to the toxin or to any
 * excipient the product lists; names the knowledge base does not know are reported, with the
 * closest known ones. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/check_internal.h"
#include "util/text.h"

#define add bont__check_add

int bont__check_contra_fits(const bont__checker_t *C, const bont_contra_t *c)
{
    const bont_plan_t *plan = C->plan;
    return (!c->n_products || bont__str_in(c->products, c->n_products, plan->product->id)) &&
           (!c->n_indications ||
            bont__str_in(c->indications, c->n_indications, plan->indication->id));
}

/* The patient's first term that c matches (by id or group), or NULL. */
static const bont_term_t *match_term(const bont_plan_t *plan, const bont_contra_t *c)
{
    const bont_patient_t *pt = &plan->patient;
    const bont_term_t *const *lists[3] = {pt->conditions, pt->medications, pt->allergies};
    size_t ns[3] = {pt->n_conditions, pt->n_medications, pt->n_allergies};
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < ns[l]; i++) {
            const bont_term_t *t = lists[l][i];
            if (bont__str_in(c->matches, c->n_matches, t->id) ||
                (t->group && bont__str_in(c->matches, c->n_matches, t->group)))
                return t;
        }
    return NULL;
}

/* "X (Brand) contains gelatin (label: CN-HENGLI) and the patient reports an allergy to it". */
static void excipient_finding(bont__checker_t *C, const bont_contra_t *c, const bont_term_t *t,
                              const bont_excipient_t *x)
{
    const bont_product_t *p = C->plan->product;
    /* The product's excipient source first, then the contraindication's, each id once. */
    char source[256], ids[256];
    snprintf(source, sizeof source, "%s", x->source);
    snprintf(ids, sizeof ids, "%s", c->source);
    for (char *save = NULL, *id = strtok_r(ids, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
        char key[80];
        snprintf(key, sizeof key, " %s ", id);
        char padded[260];
        snprintf(padded, sizeof padded, " %s ", source);
        size_t len = strlen(source);
        if (!strstr(padded, key))
            snprintf(source + len, sizeof source - len, " %s", id);
    }
    add(C, c->severity, c->id, "label", source, t->id, NAN, NAN, "",
        "%s (%s) contains %s (label: %s) and the patient reports an allergy to %s: %s", p->id,
        p->display, x->term, x->source, t->id, c->message);
}

/* Whether a contraindication of kind "excipient" that applies here names the allergy t: that
 * one reports it (contra.albumin, contra.milk_protein), not the catch-all. */
static int named_elsewhere(const bont__checker_t *C, const bont_term_t *t)
{
    for (size_t i = 0; i < bont_kb_n_contras(C->kb); i++) {
        const bont_contra_t *c = bont_kb_contra_at(C->kb, i);
        if (!strcmp(c->kind, "excipient") && bont__check_contra_fits(C, c) &&
            bont__check_selected(C, BONT__CAT_COUNT, c->jurisdictions, c->n_jurisdictions) &&
            (bont__str_in(c->matches, c->n_matches, t->id) ||
             (t->group && bont__str_in(c->matches, c->n_matches, t->group))))
            return 1;
    }
    return 0;
}

/* Kind "excipient_list": an allergy to any other excipient the product lists. */
static void any_excipient(bont__checker_t *C, const bont_contra_t *c)
{
    const bont_patient_t *pt = &C->plan->patient;
    for (size_t i = 0; i < pt->n_allergies; i++) {
        const bont_term_t *t = pt->allergies[i];
        const bont_excipient_t *x = bont_kb_excipient_of(C->kb, C->plan->product, t);
        if (x && !named_elsewhere(C, t))
            excipient_finding(C, c, t, x);
    }
}

/* One contraindication; returns whether it gave a finding. */
static int apply_contra(bont__checker_t *C, const bont_contra_t *c)
{
    const bont_plan_t *plan = C->plan;
    size_t before = C->out->n_findings;
    if (!strcmp(c->kind, "pregnancy") || !strcmp(c->kind, "breastfeeding")) {
        int pregnancy = !strcmp(c->kind, "pregnancy");
        if (pregnancy ? plan->patient.pregnant : plan->patient.breastfeeding)
            add(C, c->severity, c->id, "label", c->source, "patient", NAN, NAN, "",
                "patient is %s: %s", pregnancy ? "pregnant" : "breastfeeding", c->message);
    } else if (!strcmp(c->kind, "excipient_list")) {
        any_excipient(C, c);
    } else {
        const bont_term_t *t = match_term(plan, c);
        const bont_excipient_t *x = NULL;
        if (!t)
            return 0;
        if (strcmp(c->kind, "excipient") != 0)
            add(C, c->severity, c->id, "label", c->source, t->id, NAN, NAN, "", "%s: %s", t->id,
                c->message);
        else if ((x = bont_kb_excipient_of(C->kb, plan->product, t)))
            excipient_finding(C, c, t, x);
        else if (plan->product->n_excipients == 0)
            add(C, BONT_SEV_WARNING, c->id, "label", c->source, t->id, NAN, NAN, "",
                "the patient reports an allergy to %s, and whether %s contains it could not be "
                "confirmed from the sources bont holds: check the label",
                t->id, plan->product->id);
    }
    return C->out->n_findings > before;
}

/* Names given that the knowledge base does not know, with the closest known terms. */
static void unrecognised_terms(bont__checker_t *C)
{
    const bont_patient_t *pt = &C->plan->patient;
    for (size_t i = 0; i < pt->n_unrecognised; i++) {
        const char *close[3];
        size_t n = bont_kb_suggest(C->kb, "term", pt->unrecognised[i], close, 3);
        char hint[200] = "";
        for (size_t k = 0; k < n; k++) {
            size_t len = strlen(hint);
            snprintf(hint + len, sizeof hint - len, "%s%s",
                     k ? ", " : "; closest known: ", close[k]);
        }
        add(C, BONT_SEV_WARNING, "plan.unrecognised_term", NULL, NULL, pt->unrecognised[i], NAN,
            NAN, "",
            "%s \"%s\" is not in bont's knowledge base, so it was not checked against "
            "contraindications%s",
            pt->unrecognised_kind[i], pt->unrecognised[i], hint);
    }
}

/* The contraindications of the label applied (or, in the other-label pass, of the others).
 * One that names what another jurisdiction gives for the same condition (differs_from) runs
 * first, and when it fires, the one it names is not repeated. */
void bont__check_contras(bont__checker_t *C)
{
    const bont_kb_t *kb = C->kb;
    const char *fired[16];
    size_t n_fired = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < bont_kb_n_contras(kb); i++) {
            const bont_contra_t *c = bont_kb_contra_at(kb, i);
            int selected =
                bont__check_selected(C, BONT__CAT_COUNT, c->jurisdictions, c->n_jurisdictions);
            if ((pass == 0) != (c->differs_from != NULL) || !bont__check_contra_fits(C, c) ||
                selected == C->other_pass)
                continue;
            if (!C->other_pass && bont__str_in(fired, n_fired, c->id))
                continue;
            if (apply_contra(C, c) && c->differs_from && n_fired < 16)
                fired[n_fired++] = c->differs_from;
        }
    if (!C->other_pass)
        unrecognised_terms(C);
}
