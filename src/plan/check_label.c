/* check_label.c: whose label applies (the jurisdiction asked for, the product's labels, the
 * labels that stand in where one holds no rule of a kind), what the other labels would say
 * where they differ, and the label's guidance and dilution (docs/knowledge-base.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/check_internal.h"
#include "util/text.h"

#define add bont__check_add

int bont__check_guidance_fits(const bont__checker_t *C, const bont_guidance_rule_t *g)
{
    const bont_plan_t *plan = C->plan;
    return (!g->product || !strcmp(g->product, plan->product->id)) &&
           (!g->n_indications ||
            bont__str_in(g->indications, g->n_indications, plan->indication->id));
}

int bont__check_selected(const bont__checker_t *C, bont__category_t cat,
                         const char *const *jurisdictions, size_t n)
{
    if (bont__str_in(jurisdictions, n, C->used) || bont__str_in(jurisdictions, n, "any"))
        return 1;
    return cat < BONT__CAT_COUNT && C->borrowed[cat] &&
           bont__str_in(jurisdictions, n, C->borrowed[cat]);
}

void bont__check_label_names(const bont__checker_t *C, const char *const *jurisdictions, size_t n,
                             char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *id = bont__str_in(jurisdictions, n, C->used) ? C->used : jurisdictions[i];
        const bont_jurisdiction_t *j = bont_kb_jurisdiction(C->kb, id);
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", len ? " / " : "", j ? j->label : id);
        if (id == C->used)
            break;
    }
}

/* ---- choosing the label ------------------------------------------------------------------ */

/* Whether jurisdiction j holds rules of category cat of its own for this plan: an age rule, a
 * dose rule naming the plan's indication (a product-wide cap alone does not count), or a
 * guidance rule. */
static int own_rules(const bont__checker_t *C, bont__category_t cat, const char *j)
{
    const bont_kb_t *kb = C->kb;
    if (cat == BONT__CAT_GUIDANCE) {
        for (size_t i = 0; i < bont_kb_n_guidance_rules(kb); i++) {
            const bont_guidance_rule_t *g = bont_kb_guidance_rule_at(kb, i);
            if (bont__check_guidance_fits(C, g) &&
                bont__str_in(g->jurisdictions, g->n_jurisdictions, j))
                return 1;
        }
        return 0;
    }
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++) {
        const bont_rule_t *r = bont_kb_rule_at(kb, i);
        if (bont__check_category(r) == cat && (cat == BONT__CAT_AGE || r->n_indications) &&
            bont__check_rule_fits(C, r) && bont__str_in(r->jurisdictions, r->n_jurisdictions, j))
            return 1;
    }
    return 0;
}

/* The label to apply: the one asked for, else a near one (eu and uk), else the product's main
 * label. */
static const char *label_to_use(const bont__checker_t *C, const char *asked)
{
    const bont_product_t *p = C->plan->product;
    if (bont_kb_label(p, asked) || p->n_labels == 0)
        return asked;
    const bont_jurisdiction_t *j = bont_kb_jurisdiction(C->kb, asked);
    for (size_t k = 0; j && k < j->n_near; k++)
        if (bont_kb_label(p, j->near[k]))
            return j->near[k];
    return p->labels[0].jurisdiction;
}

static const char *const category_words[BONT__CAT_COUNT] = {"age limits", "dose limits",
                                                            "guidance rules"};

/* For each category the label applied holds nothing of, the product's first other label that
 * does stands in, so that no limit bont holds goes unchecked. */
static void choose_stand_ins(bont__checker_t *C)
{
    const bont_plan_t *plan = C->plan;
    const bont_product_t *p = plan->product;
    char used[96], other[96];
    bont__check_label_names(C, &C->used, 1, used, sizeof used);
    for (int cat = 0; cat < BONT__CAT_COUNT && plan->indication->rules_apply; cat++) {
        if (own_rules(C, (bont__category_t)cat, C->used))
            continue;
        for (size_t k = 0; k < p->n_labels && !C->borrowed[cat]; k++) {
            const char *j = p->labels[k].jurisdiction;
            if (strcmp(j, C->used) != 0 && own_rules(C, (bont__category_t)cat, j))
                C->borrowed[cat] = j;
        }
        if (!C->borrowed[cat])
            continue;
        const bont_jurisdiction_t *o = bont_kb_jurisdiction(C->kb, C->borrowed[cat]);
        snprintf(other, sizeof other, "%s", o ? o->label : C->borrowed[cat]);
        add(C, BONT_SEV_NOTE, "jurisdiction.borrowed", NULL, NULL, "jurisdiction", NAN, NAN, "",
            "bont holds no %s of %s (%s) for %s from the %s; those of the %s were applied",
            category_words[cat], p->id, p->display, plan->indication->id, used, other);
    }
}

void bont__check_choose_label(bont__checker_t *C)
{
    const bont_plan_t *plan = C->plan;
    const bont_product_t *p = plan->product;
    const char *asked = C->opts && C->opts->jurisdiction ? C->opts->jurisdiction
                        : plan->jurisdiction[0]          ? plan->jurisdiction
                                                         : "us";
    C->used = label_to_use(C, asked);
    snprintf(C->out->jurisdiction, sizeof C->out->jurisdiction, "%s", C->used);
    snprintf(C->out->jurisdiction_asked, sizeof C->out->jurisdiction_asked, "%s", asked);
    const bont_jurisdiction_t *a = bont_kb_jurisdiction(C->kb, asked);
    const bont_jurisdiction_t *u = bont_kb_jurisdiction(C->kb, C->used);
    const char *asked_label = a ? a->label : asked, *used_label = u ? u->label : C->used;
    if (strcmp(asked, C->used) != 0)
        add(C, BONT_SEV_NOTE, "jurisdiction.fallback", NULL, NULL, "jurisdiction", NAN, NAN, "",
            "%s (%s) has no %s in bont's knowledge base; the %s was applied", p->id, p->display,
            asked_label, used_label);
    else if (strcmp(C->used, "us") != 0)
        add(C, BONT_SEV_NOTE, "jurisdiction.used", NULL, NULL, "jurisdiction", NAN, NAN, "",
            "checked against the %s (%s); where another label bont holds says more, a "
            "jurisdiction.other_label finding says so",
            used_label, u ? u->regulator : C->used);
    choose_stand_ins(C);
}

/* ---- what the other labels say ----------------------------------------------------------- */

/* The jurisdictions of the rule, contraindication or guidance rule a finding comes from. */
static const char *const *finding_jurisdictions(const bont_kb_t *kb, const char *rule, size_t *n)
{
    char id[96];
    snprintf(id, sizeof id, "%s", rule);
    size_t len = strlen(id);
    if (len > 7 && !strcmp(id + len - 7, ".weight"))
        id[len - 7] = '\0';
    const bont_rule_t *r = bont_kb_rule(kb, id);
    const bont_contra_t *c = r ? NULL : bont_kb_contra(kb, id);
    const bont_guidance_rule_t *g = r || c ? NULL : bont_kb_guidance_rule(kb, id);
    *n = r ? r->n_jurisdictions : c ? c->n_jurisdictions : g ? g->n_jurisdictions : 0;
    return r ? r->jurisdictions : c ? c->jurisdictions : g ? g->jurisdictions : NULL;
}

/* The strongest finding given on the same subject as x, or on the condition another label's
 * contraindication names (differs_from); NULL when there is none. */
static const bont_finding_t *strongest(const bont__checker_t *C, const bont_finding_t *x)
{
    const bont_contra_t *c = bont_kb_contra(C->kb, x->rule);
    const bont_finding_t *best = NULL;
    for (size_t i = 0; i < C->out->n_findings; i++) {
        const bont_finding_t *f = &C->out->findings[i];
        int same = !strcmp(f->subject, x->subject) ||
                   (c && c->differs_from && !strcmp(c->differs_from, f->rule));
        if (same && strncmp(f->rule, "jurisdiction.", 13) != 0 &&
            (!best || f->severity > best->severity))
            best = f;
    }
    return best;
}

static const char *a_severity(bont_severity_t s)
{
    return s == BONT_SEV_ERROR ? "an error" : s == BONT_SEV_WARNING ? "a warning" : "a note";
}

/* x, from another label, says more than what was given (given may be NULL). Another label's
 * error where the one applied says nothing is a warning: that label's text may simply not be
 * in the knowledge base. */
static void other_label(bont__checker_t *C, const bont_finding_t *x, const bont_finding_t *given)
{
    size_t n = 0;
    const char *const *js = finding_jurisdictions(C->kb, x->rule, &n);
    char names[96], used[96], what[160];
    bont__check_label_names(C, js, n, names, sizeof names);
    bont__check_label_names(C, &C->used, 1, used, sizeof used);
    if (given)
        snprintf(what, sizeof what, "gives %s (%s)", a_severity(given->severity), given->rule);
    else
        snprintf(what, sizeof what, "gives no finding on this");
    bont_severity_t sev =
        x->severity == BONT_SEV_ERROR && !given ? BONT_SEV_WARNING : BONT_SEV_NOTE;
    /* The other finding's sentence without the rule's words ("... Rule: ..."), which kb show
     * gives in full. */
    const char *rule_words = strstr(x->message, ". Rule: ");
    int len = rule_words ? (int)(rule_words - x->message) : (int)strlen(x->message);
    add(C, sev, "jurisdiction.other_label", x->evidence, x->source, x->subject, x->value, x->limit,
        x->unit, "the %s would give %s here (%s): %.*s; the %s applied here %s",
        names[0] ? names : "another label", a_severity(x->severity), x->rule, len > 280 ? 280 : len,
        x->message, used, what);
}

void bont__check_other_labels(bont__checker_t *C,
                              void (*apply_rule)(bont__checker_t *C, const bont_rule_t *r))
{
    const bont_kb_t *kb = C->kb;
    bont_check_t scratch = {0};
    bont__checker_t O = *C;
    O.out = &scratch;
    O.cap = 0;
    O.other_pass = true;
    for (size_t i = 0; C->plan->indication->rules_apply && i < bont_kb_n_rules(kb); i++) {
        const bont_rule_t *r = bont_kb_rule_at(kb, i);
        if (bont__check_rule_fits(C, r) &&
            !bont__check_selected(C, bont__check_category(r), r->jurisdictions, r->n_jurisdictions))
            apply_rule(&O, r);
    }
    for (size_t i = 0; C->plan->indication->rules_apply && i < bont_kb_n_guidance_rules(kb); i++) {
        const bont_guidance_rule_t *g = bont_kb_guidance_rule_at(kb, i);
        if (bont__check_guidance_fits(C, g) &&
            !bont__check_selected(C, BONT__CAT_GUIDANCE, g->jurisdictions, g->n_jurisdictions))
            bont__check_guidance(&O, g);
    }
    bont__check_contras(&O);
    C->failed |= O.failed;
    for (size_t i = 0; !C->failed && i < scratch.n_findings; i++) {
        const bont_finding_t *x = &scratch.findings[i];
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strcmp(scratch.findings[k].rule, x->rule);
        const bont_finding_t *given = seen ? NULL : strongest(C, x);
        if (!seen && (!given || given->severity < x->severity))
            other_label(C, x, given);
    }
    free(scratch.findings);
}

/* ---- guidance and dilution --------------------------------------------------------------- */

/* Appends item to a list of injections in buf ("a, b"). */
static void list_append(char *buf, size_t size, const char *item)
{
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s", len ? ", " : "", item);
}

void bont__check_guidance(bont__checker_t *C, const bont_guidance_rule_t *g)
{
    const bont_plan_t *plan = C->plan;
    char other[320] = "", unstated[320] = "", accepted[128] = "";
    for (size_t k = 0; k < g->n_accepted; k++) {
        size_t len = strlen(accepted);
        snprintf(accepted + len, sizeof accepted - len, "%s%s",
                 !k                      ? ""
                 : k + 1 < g->n_accepted ? ", "
                                         : " or ",
                 g->accepted[k]);
    }
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        const char *method = bont_guidance_name(inj->guidance);
        char who[160];
        if (inj->side != BONT_SIDE_NONE)
            snprintf(who, sizeof who, "%s (%s)", inj->muscle->id, bont_side_name(inj->side));
        else
            snprintf(who, sizeof who, "%s", inj->muscle->id);
        if (inj->guidance == BONT_GUIDE_UNKNOWN) {
            list_append(unstated, sizeof unstated, who);
        } else if (!bont__str_in(g->accepted, g->n_accepted, method)) {
            size_t len = strlen(who);
            snprintf(who + len, sizeof who - len, " by %s", method);
            list_append(other, sizeof other, who);
        }
    }
    if (other[0] && g->other >= 0)
        add(C, (bont_severity_t)g->other, g->id, g->evidence, g->source, "guidance", NAN, NAN, "",
            "%s: the label asks for %s guidance. Rule: %s", other, accepted, g->note);
    if (unstated[0] && g->unstated >= 0)
        add(C, (bont_severity_t)g->unstated, g->id, g->evidence, g->source, "guidance", NAN, NAN,
            "", "no guidance given for %s: the label asks for %s guidance. Rule: %s", unstated,
            accepted, g->note);
}

void bont__check_dilution(bont__checker_t *C)
{
    const bont_plan_t *plan = C->plan;
    const bont_product_t *prod = plan->product;
    const bont_vial_t *vial = bont_kb_vial(prod, plan->vial_units);
    if (!vial || vial->diluent_ml_max < 0 || vial->solution_ml > 0 || C->other_pass)
        return;
    double lo = vial->diluent_ml_min, hi = vial->diluent_ml_max, d = plan->diluent_ml;
    const char *why = vial->source;
    if (plan->indication->diluent_ml_max > hi) { /* e.g. bladder injections: 30 mL */
        hi = plan->indication->diluent_ml_max;
        why = plan->indication->diluent_source;
    }
    if (d >= lo - 1e-9 && d <= hi + 1e-9)
        return;
    double u = plan->vial_units;
    char range[96];
    if (fabs(hi - lo) < 1e-9)
        snprintf(range, sizeof range, "%g mL (%.3g U/0.1 mL)", lo, u / lo / 10);
    else
        snprintf(range, sizeof range, "%g-%g mL (%.3g-%.3g U/0.1 mL)", lo, hi, u / hi / 10,
                 u / lo / 10);
    add(C, vial->outside, "vial.dilution_outside_label", "label", why, "vial", d, d < lo ? lo : hi,
        "mL",
        "%g U in %g mL gives %.3g U/0.1 mL; the label reconstitutes a %g U vial of %s with %s; "
        "the volumes checked follow the plan's dilution",
        u, d, u / d / 10, u, prod->id, range);
}
