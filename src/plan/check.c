/* check.c: applies the knowledge base's typed rules, contraindications and the patient's
 * history to a plan. Every rule type is evaluated by one generic path; the numbers come from
 * data/rules.json, never from code. */
#include "bont/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/index.h"

typedef struct checker_t {
    const bont_kb_t *kb;
    const bont_plan_t *plan;
    const bont_check_opts_t *opts; /* may be NULL */
    bont_check_t *out;
    size_t cap;
    int failed;                     /* out of memory */
    const bont_history_t **history; /* plan history + extra history */
    size_t n_history;
    const bont_history_rule_t *other_product;    /* data/history-rules.json */
    const bont_history_rule_t *other_indication; /* data/history-rules.json */
} checker_t;

static void add(checker_t *C, bont_severity_t sev, const char *rule, const char *evidence,
                const char *source, const char *subject, double value, double limit,
                const char *unit, const char *fmt, ...) __attribute__((format(printf, 10, 11)));

static void add(checker_t *C, bont_severity_t sev, const char *rule, const char *evidence,
                const char *source, const char *subject, double value, double limit,
                const char *unit, const char *fmt, ...)
{
    bont_check_t *o = C->out;
    if (o->n_findings == C->cap) {
        size_t cap = C->cap ? C->cap * 2 : 16;
        bont_finding_t *f = realloc(o->findings, cap * sizeof *f);
        if (!f) {
            C->failed = 1;
            return;
        }
        o->findings = f;
        C->cap = cap;
    }
    bont_finding_t *f = &o->findings[o->n_findings++];
    memset(f, 0, sizeof *f);
    f->severity = sev;
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    snprintf(f->evidence, sizeof f->evidence, "%s", evidence ? evidence : "");
    snprintf(f->source, sizeof f->source, "%s", source ? source : "");
    snprintf(f->subject, sizeof f->subject, "%s", subject ? subject : "");
    snprintf(f->unit, sizeof f->unit, "%s", unit ? unit : "");
    f->value = value;
    f->limit = limit;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    if (sev == BONT_SEV_ERROR)
        o->n_errors++;
    else if (sev == BONT_SEV_WARNING)
        o->n_warnings++;
    else
        o->n_notes++;
}

static int is_pediatric(const bont_plan_t *plan)
{
    return plan->patient.age_years >= 0 && plan->patient.age_years < 18;
}

static int list_has(const char *const *list, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], id) == 0)
            return 1;
    return 0;
}

static int rule_applies(const checker_t *C, const bont_rule_t *r)
{
    const bont_plan_t *plan = C->plan;
    if (r->product && strcmp(r->product, plan->product->id) != 0)
        return 0;
    if (r->n_indications && !list_has(r->indications, r->n_indications, plan->indication->id))
        return 0;
    if (r->population) {
        int ped = is_pediatric(plan);
        if (strcmp(r->population, "pediatric") == 0 && !ped)
            return 0;
        if (strcmp(r->population, "adult") == 0 && ped)
            return 0;
    }
    return 1;
}

/* The limits of a rule for this patient: per-kg bounds times weight, combined with absolute
 * bounds as "whichever is lower". NAN when there is no bound. */
static void limits(const checker_t *C, const bont_rule_t *r, double *lo, double *hi)
{
    double w = C->plan->patient.weight_kg;
    *lo = NAN;
    *hi = NAN;
    if (r->per_kg_max >= 0 && w > 0)
        *hi = r->per_kg_max * w;
    if (r->max >= 0)
        *hi = isnan(*hi) ? r->max : fmin(*hi, r->max);
    if (r->per_kg_min >= 0 && w > 0)
        *lo = r->per_kg_min * w;
    else if (r->min >= 0)
        *lo = r->min;
}

static const char *unit_of(bont_rule_type_t t)
{
    switch (t) {
    case BONT_RULE_VOLUME_PER_SITE:
        return "mL";
    case BONT_RULE_MIN_INTERVAL:
        return "days";
    case BONT_RULE_AGE:
        return "years";
    case BONT_RULE_SITES_PER_MUSCLE:
        return "sites";
    default:
        return "U";
    }
}

static void describe_limit(const bont_rule_t *r, double limit, const checker_t *C, int upper,
                           char *buf, size_t size)
{
    double per_kg = upper ? r->per_kg_max : r->per_kg_min;
    if (per_kg >= 0 && C->plan->patient.weight_kg > 0) {
        double abs_bound = upper ? r->max : r->min;
        if (abs_bound >= 0 && upper)
            snprintf(buf, size, "%.4g U (%g U/kg x %g kg, or %g U, whichever is lower)", limit,
                     per_kg, C->plan->patient.weight_kg, abs_bound);
        else
            snprintf(buf, size, "%.4g U (%g U/kg x %g kg)", limit, per_kg,
                     C->plan->patient.weight_kg);
    } else {
        snprintf(buf, size, "%.4g %s", limit, unit_of(r->type));
    }
}

/* Compares one measured value with a rule and records what is out of bounds. */
static void compare(checker_t *C, const bont_rule_t *r, const char *subject, double value)
{
    double lo, hi;
    limits(C, r, &lo, &hi);
    const char *unit = unit_of(r->type);
    char lim[160];
    if (!isnan(hi) && value > hi * (1 + 1e-9)) {
        describe_limit(r, hi, C, 1, lim, sizeof lim);
        add(C, r->over, r->id, r->evidence, r->source, subject, value, hi, unit,
            "%s: %.4g %s is above %s. Rule: %s", subject, value, unit, lim, r->note);
    } else if (!isnan(lo) && value < lo * (1 - 1e-9)) {
        describe_limit(r, lo, C, 0, lim, sizeof lim);
        add(C, r->under, r->id, r->evidence, r->source, subject, value, lo, unit,
            "%s: %.4g %s is below %s. Rule: %s", subject, value, unit, lim, r->note);
    }
}

static void subject_name(const bont_injection_t *inj, int with_side, char *buf, size_t size)
{
    if (with_side && inj->side != BONT_SIDE_NONE)
        snprintf(buf, size, "%s (%s)", inj->muscle->id, bont_side_name(inj->side));
    else
        snprintf(buf, size, "%s", inj->muscle->id);
}

static int region_in_limb(const char *region, const char *limb)
{
    if (!region || !limb)
        return 0;
    if (strcmp(limb, "upper_limb") == 0)
        return !strcmp(region, "upper_limb") || !strcmp(region, "hand") ||
               !strcmp(region, "shoulder");
    if (strcmp(limb, "lower_limb") == 0)
        return !strcmp(region, "lower_limb") || !strcmp(region, "foot");
    return strcmp(region, limb) == 0;
}

/* Sums units (or sites) over the injections that share a muscle (and side, unless both_sides),
 * in one pass with an index of the groups; each group reports once, at its first injection, in
 * plan order. */
static void per_muscle(checker_t *C, const bont_rule_t *r, int count_sites)
{
    const bont_plan_t *plan = C->plan;
    bont__index_t groups = {0};
    size_t n_groups = 0;
    size_t *first = malloc((plan->n_injections + 1) * sizeof *first);
    double *total = calloc(plan->n_injections + 1, sizeof *total);
    int ok = first && total;
    for (size_t i = 0; ok && i < plan->n_injections; i++) {
        const bont_injection_t *a = &plan->injections[i];
        if (r->muscle && strcmp(r->muscle, a->muscle->id) != 0)
            continue;
        size_t g = n_groups;
        int added = bont__index_put(&groups, a->muscle, r->both_sides ? 0 : (int)a->side + 1, &g);
        ok = added >= 0;
        if (added == 1)
            first[n_groups++] = i;
        if (ok)
            total[g] += count_sites ? a->sites : a->units;
    }
    if (!ok)
        C->failed = 1;
    for (size_t g = 0; !C->failed && g < n_groups; g++) {
        const bont_injection_t *a = &plan->injections[first[g]];
        char subject[96];
        subject_name(a, !r->both_sides, subject, sizeof subject);
        if (r->both_sides && a->muscle->sided) {
            size_t n = strlen(subject);
            snprintf(subject + n, sizeof subject - n, " (both sides)");
        }
        compare(C, r, subject, total[g]);
    }
    bont__index_free(&groups);
    free(first);
    free(total);
}

static void per_limb(checker_t *C, const bont_rule_t *r)
{
    const bont_plan_t *plan = C->plan;
    for (int side = BONT_SIDE_LEFT; side <= BONT_SIDE_RIGHT; side++) {
        double total = 0;
        int any = 0;
        for (size_t j = 0; j < plan->n_injections; j++) {
            const bont_injection_t *b = &plan->injections[j];
            if ((int)b->side == side && region_in_limb(b->muscle->region, r->region)) {
                total += b->units;
                any = 1;
            }
        }
        if (any) {
            char subject[64];
            snprintf(subject, sizeof subject, "%s %s", side == BONT_SIDE_LEFT ? "left" : "right",
                     !strcmp(r->region, "upper_limb") ? "arm" : "leg");
            compare(C, r, subject, total);
        }
    }
}

static double session_units(const bont_plan_t *plan)
{
    double total = 0;
    for (size_t i = 0; i < plan->n_injections; i++)
        total += plan->injections[i].units;
    return total;
}

static void cumulative(checker_t *C, const bont_rule_t *r)
{
    const bont_plan_t *plan = C->plan;
    double total = session_units(plan);
    long from = plan->day - (long)r->window_days;
    for (size_t i = 0; i < C->n_history; i++) {
        const bont_history_t *h = C->history[i];
        if (h->day <= from || h->product != plan->product)
            continue;
        if (!r->across_indications &&
            !(h->indication &&
              (r->n_indications ? list_has(r->indications, r->n_indications, h->indication->id)
                                : h->indication == plan->indication)))
            continue;
        total += h->units;
    }
    char subject[96];
    snprintf(subject, sizeof subject, "%s within %g days", plan->product->id, r->window_days);
    compare(C, r, subject, total);
}

static void min_interval(checker_t *C, const bont_rule_t *r)
{
    const bont_plan_t *plan = C->plan;
    const bont_history_t *last = NULL;
    for (size_t i = 0; i < C->n_history; i++) {
        const bont_history_t *h = C->history[i];
        if (h->indication == plan->indication && (!last || h->day > last->day))
            last = h;
    }
    if (!last)
        return;
    double days = (double)(plan->day - last->day);
    char subject[128];
    snprintf(subject, sizeof subject, "since %s (%s, %g U)", last->date, last->product->id,
             last->units);
    compare(C, r, subject, days);
}

/* The labels state their intervals per indication. A recent session for another indication (any
 * product) is not a label violation, but the toxin exposures overlap and short intervals raise
 * the risk of neutralising antibodies (G3), so it is shown against the plan's longest interval. */
static void interval_other_indications(checker_t *C, const bont_rule_t *longest)
{
    const bont_plan_t *plan = C->plan;
    const bont_history_t *last = NULL;
    for (size_t i = 0; i < C->n_history; i++) {
        const bont_history_t *h = C->history[i];
        if (h->indication == plan->indication || h->day >= plan->day)
            continue;
        if (!last || h->day > last->day)
            last = h;
    }
    if (!last || (double)(plan->day - last->day) >= longest->min)
        return;
    char subject[128];
    snprintf(subject, sizeof subject, "since %s (%s, %s)", last->date, last->product->id,
             last->indication ? last->indication->id : "no indication");
    const bont_history_rule_t *h = C->other_indication;
    add(C, BONT_SEV_WARNING, h->id, h->evidence, h->source, subject,
        (double)(plan->day - last->day), longest->min, "days",
        "%s: %ld days since a session for %s (%g U of %s), shorter than the %g days %s asks "
        "between treatments for %s; labels state intervals per indication, but the exposures "
        "overlap and short intervals raise the risk of neutralising antibodies",
        subject, plan->day - last->day,
        last->indication ? last->indication->id : "an unrecorded indication", last->units,
        last->product->id, longest->min, longest->id, plan->indication->id);
}

static void apply_rule(checker_t *C, const bont_rule_t *r)
{
    const bont_plan_t *plan = C->plan;
    char subject[96];
    switch (r->type) {
    case BONT_RULE_UNITS_PER_SITE:
    case BONT_RULE_VOLUME_PER_SITE:
        for (size_t i = 0; i < plan->n_injections; i++) {
            const bont_injection_t *inj = &plan->injections[i];
            if (r->muscle && strcmp(r->muscle, inj->muscle->id) != 0)
                continue;
            if (r->type == BONT_RULE_VOLUME_PER_SITE && !(inj->volume_ml > 0))
                continue;
            subject_name(inj, 1, subject, sizeof subject);
            size_t n = strlen(subject);
            snprintf(subject + n, sizeof subject - n, ", per site");
            double v =
                (r->type == BONT_RULE_UNITS_PER_SITE ? inj->units : inj->volume_ml) / inj->sites;
            compare(C, r, subject, v);
        }
        break;
    case BONT_RULE_UNITS_PER_MUSCLE:
        per_muscle(C, r, 0);
        break;
    case BONT_RULE_SITES_PER_MUSCLE:
        per_muscle(C, r, 1);
        break;
    case BONT_RULE_UNITS_PER_LIMB:
        per_limb(C, r);
        break;
    case BONT_RULE_UNITS_PER_SESSION:
        compare(C, r, "session total", session_units(plan));
        break;
    case BONT_RULE_CUMULATIVE:
        cumulative(C, r);
        break;
    case BONT_RULE_MIN_INTERVAL:
        min_interval(C, r);
        break;
    case BONT_RULE_AGE:
        compare(C, r, "patient age", plan->patient.age_years);
        break;
    case BONT_RULE_TYPE_COUNT:
        break;
    }
}

static int needs_weight(const checker_t *C, const bont_rule_t *r)
{
    return (r->per_kg_max >= 0 || r->per_kg_min >= 0) && !(C->plan->patient.weight_kg > 0);
}

static int check_rules(checker_t *C, bont_error_t *err)
{
    const bont_plan_t *plan = C->plan;
    const bont_kb_t *kb = C->kb;
    if (!plan->indication->rules_apply) {
        add(C, BONT_SEV_NOTE, "plan.research", NULL, NULL, "plan", NAN, NAN, "",
            "indication %s: no label dose rules are applied; contraindications and history are "
            "still checked",
            plan->indication->id);
        return BONT_OK;
    }
    int dose_rules = 0, labelled = 0;
    const bont_rule_t *longest_interval = NULL;
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++) {
        const bont_rule_t *r = bont_kb_rule_at(kb, i);
        if (!rule_applies(C, r))
            continue;
        if (needs_weight(C, r)) {
            if (err) {
                snprintf(err->file, sizeof err->file, "%s", plan->file);
                bont_error_setf(err, "patient.weight_kg",
                                "weight_kg is needed to check rule %s (%s)", r->id, r->note);
            }
            return BONT_EMISSING;
        }
        /* Rules without indications (product-wide caps) do not make a product x indication
         * "covered". */
        if (r->n_indications && r->type != BONT_RULE_AGE && r->type != BONT_RULE_MIN_INTERVAL)
            dose_rules = 1;
        if (r->n_indications &&
            (!strcmp(r->evidence, "label") || !strcmp(r->evidence, "label-secondary")))
            labelled = 1;
        if (r->type == BONT_RULE_MIN_INTERVAL &&
            (!longest_interval || r->min > longest_interval->min))
            longest_interval = r;
        apply_rule(C, r);
    }
    if (longest_interval)
        interval_other_indications(C, longest_interval);
    if (plan->indication->off_label)
        add(C, BONT_SEV_NOTE, "plan.off_label", "off-label", NULL, plan->indication->id, NAN, NAN,
            "",
            "%s is off-label for every product; the limits used come from papers or "
            "practice, not a label",
            plan->indication->id);
    else if (!labelled)
        add(C, BONT_SEV_WARNING, "plan.not_labelled", NULL, NULL, plan->indication->id, NAN, NAN,
            "",
            "bont's knowledge base holds no label dosing of %s (%s) for %s: this may be "
            "off-label use",
            plan->product->id, plan->product->display, plan->indication->id);
    if (!dose_rules)
        add(C, BONT_SEV_WARNING, "plan.no_dose_rules", NULL, NULL, plan->indication->id, NAN, NAN,
            "",
            "no dose limits for %s in %s are in bont's knowledge base, so the doses were "
            "not checked against any",
            plan->product->id, plan->indication->id);
    /* Injections outside the indication's usual targets, each muscle once. */
    const bont_indication_t *ind = plan->indication;
    bont__index_t seen = {0};
    for (size_t i = 0; ind->n_muscles && i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        size_t one = 1;
        int added = bont__index_put(&seen, inj->muscle, 0, &one);
        if (added < 0)
            C->failed = 1;
        if (added != 1 || list_has(ind->muscles, ind->n_muscles, inj->muscle->id))
            continue;
        add(C, BONT_SEV_WARNING, "plan.unusual_target", NULL, NULL, inj->muscle->id, NAN, NAN, "",
            "%s is not among the usual targets for %s%s%s", inj->muscle->id, ind->id,
            inj->muscle->side_effect ? "; its weakness causes " : "",
            inj->muscle->side_effect_label ? inj->muscle->side_effect_label : "");
    }
    bont__index_free(&seen);
    return BONT_OK;
}

/* ---- contraindications ------------------------------------------------------------------- */

static const bont_term_t *match_term(const bont_plan_t *plan, const bont_contra_t *c)
{
    const bont_patient_t *pt = &plan->patient;
    const bont_term_t *const *lists[3] = {pt->conditions, pt->medications, pt->allergies};
    size_t ns[3] = {pt->n_conditions, pt->n_medications, pt->n_allergies};
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < ns[l]; i++) {
            const bont_term_t *t = lists[l][i];
            if (list_has(c->matches, c->n_matches, t->id) ||
                (t->group && list_has(c->matches, c->n_matches, t->group)))
                return t;
        }
    return NULL;
}

static void check_contras(checker_t *C)
{
    const bont_plan_t *plan = C->plan;
    const bont_kb_t *kb = C->kb;
    for (size_t i = 0; i < bont_kb_n_contras(kb); i++) {
        const bont_contra_t *c = bont_kb_contra_at(kb, i);
        if (c->n_products && !list_has(c->products, c->n_products, plan->product->id))
            continue;
        if (c->n_indications && !list_has(c->indications, c->n_indications, plan->indication->id))
            continue;
        if (!strcmp(c->kind, "pregnancy")) {
            if (plan->patient.pregnant)
                add(C, c->severity, c->id, "label", c->source, "patient", NAN, NAN, "",
                    "patient is pregnant: %s", c->message);
            continue;
        }
        if (!strcmp(c->kind, "breastfeeding")) {
            if (plan->patient.breastfeeding)
                add(C, c->severity, c->id, "label", c->source, "patient", NAN, NAN, "",
                    "patient is breastfeeding: %s", c->message);
            continue;
        }
        const bont_term_t *t = match_term(plan, c);
        if (!t)
            continue;
        if (!strcmp(c->kind, "excipient")) {
            int has = !strcmp(c->excipient, "albumin") ? plan->product->albumin
                                                       : plan->product->milk_protein;
            if (has == 1)
                add(C, c->severity, c->id, "label", c->source, t->id, NAN, NAN, "",
                    "%s (%s) contains %s and the patient reports %s: %s", plan->product->id,
                    plan->product->display, c->excipient, t->id, c->message);
            else if (has < 0)
                add(C, BONT_SEV_WARNING, c->id, "label", c->source, t->id, NAN, NAN, "",
                    "the patient reports %s, and whether %s contains %s could not be confirmed "
                    "from the sources bont holds: check the label",
                    t->id, plan->product->id, c->excipient);
            continue;
        }
        add(C, c->severity, c->id, "label", c->source, t->id, NAN, NAN, "", "%s: %s", t->id,
            c->message);
    }
    const bont_patient_t *pt = &plan->patient;
    for (size_t i = 0; i < pt->n_unrecognised; i++)
        add(C, BONT_SEV_WARNING, "plan.unrecognised_term", NULL, NULL, pt->unrecognised[i], NAN,
            NAN, "",
            "%s \"%s\" is not in bont's knowledge base, so it was not checked against "
            "contraindications",
            pt->unrecognised_kind[i], pt->unrecognised[i]);
}

/* ---- dilution, history notes ------------------------------------------------------------- */

/* "12 weeks" for 84 days, "30 days" otherwise. */
static const char *window_words(double days, char *buf, size_t size)
{
    if (days >= 7 && fmod(days, 7) == 0)
        snprintf(buf, size, "%g weeks", days / 7);
    else
        snprintf(buf, size, "%g days", days);
    return buf;
}

static void check_vial_and_history(checker_t *C)
{
    char window[32];
    const bont_plan_t *plan = C->plan;
    const bont_product_t *prod = plan->product;
    const bont_vial_t *vial = NULL;
    for (size_t i = 0; i < prod->n_vials; i++)
        if (fabs(prod->vials[i].units - plan->vial_units) < 1e-9)
            vial = &prod->vials[i];
    if (!vial || vial->diluent_ml_max < 0)
        add(C, BONT_SEV_NOTE, "vial.unchecked", NULL, vial ? vial->source : prod->source, "vial",
            NAN, NAN, "",
            "the labelled diluent range for a %g U vial of %s is not in bont's knowledge base%s%s; "
            "the dilution was not checked",
            plan->vial_units, prod->id, vial && vial->note ? " (" : "",
            vial && vial->note ? vial->note : "");
    if (vial && vial->derived && vial->diluent_ml_max >= 0)
        add(C, BONT_SEV_NOTE, "vial.derived_range", NULL, vial->source, "vial", plan->diluent_ml,
            vial->diluent_ml_max, "mL", "diluent range %g-%g mL for this vial is %s",
            vial->diluent_ml_min, vial->diluent_ml_max, vial->note ? vial->note : "derived");
    if (plan->has_expiry && plan->vial_expiry_day < plan->day) {
        char exp[11];
        bont_date_format(plan->vial_expiry_day, exp);
        add(C, BONT_SEV_ERROR, "vial.expired", "label", prod->source, "vial",
            (double)(plan->day - plan->vial_expiry_day), 0, "days",
            "the vial%s%s expired on %s, before the session on %s: do not use it",
            plan->vial_lot[0] ? " of lot " : "", plan->vial_lot, exp, plan->date);
    }
    if (plan->has_reconstituted) {
        /* The plan gives the session as a date only: the injection lies somewhere in that day,
         * so the time since reconstitution is known within a range. */
        long long day_start = (long long)plan->day * 1440;
        double lo_h = (double)(day_start - plan->vial_reconstituted_min) / 60.0;
        double hi_h = lo_h + 24.0;
        if (!plan->reconstituted_has_time)
            lo_h -= 24.0; /* reconstituted at any time of its day */
        int exact = C->opts && C->opts->has_session_time && plan->reconstituted_has_time;
        if (exact)
            lo_h = hi_h = (double)(C->opts->session_min - plan->vial_reconstituted_min) / 60.0;
        if (lo_h < 0)
            lo_h = 0;
        if (prod->in_use_h < 0)
            add(C, BONT_SEV_WARNING, "vial.in_use_unknown", NULL, NULL, "vial", lo_h, NAN, "h",
                "the in-use time of %s after reconstitution is not in bont's knowledge base (%s): "
                "check the label",
                prod->id, prod->in_use_source);
        else if (lo_h > prod->in_use_h)
            add(C, BONT_SEV_ERROR, "vial.in_use", "label", prod->in_use_source, "vial", lo_h,
                prod->in_use_h, "h",
                "the vial was reconstituted at least %.0f h before the session, past the %g h "
                "in-use "
                "time of %s",
                lo_h, prod->in_use_h, prod->id);
        else if (hi_h > prod->in_use_h)
            add(C, BONT_SEV_WARNING, "vial.in_use", "label", prod->in_use_source, "vial", hi_h,
                prod->in_use_h, "h",
                "the vial may be up to %.0f h old at injection, past the %g h in-use time of %s: "
                "check the clock time",
                hi_h, prod->in_use_h, prod->id);
    }
    /* Other products within the window (data/history-rules.json): their units cannot be added
     * to this product's. */
    double other = 0;
    const bont_history_t *latest_other = NULL;
    const bont_history_rule_t *op = C->other_product;
    for (size_t i = 0; i < C->n_history; i++) {
        const bont_history_t *h = C->history[i];
        if ((double)(plan->day - h->day) >= op->window_days)
            continue;
        if (h->product != prod) {
            other += h->units;
            if (!latest_other || h->day > latest_other->day)
                latest_other = h;
        }
    }
    if (latest_other)
        add(C, BONT_SEV_WARNING, op->id, op->evidence, op->source, latest_other->product->id, other,
            NAN, "U",
            "the last %s include %g U of other products (latest %s on %s): units are not "
            "interchangeable, so they were not added to %s's cumulative limit, and their effects "
            "may add up",
            window_words(op->window_days, window, sizeof window), other, latest_other->product->id,
            latest_other->date, prod->id);
    for (size_t i = 0; i < C->n_history; i++) {
        const bont_history_t *h = C->history[i];
        if (!h->indication)
            add(C, BONT_SEV_NOTE, "history.no_indication", NULL, NULL, h->date, NAN, NAN, "",
                "history entry of %s gives no indication, so it counts toward cross-indication "
                "totals only, not toward interval rules",
                h->date);
    }
}

/* Errors first, then warnings, then notes; the order within a severity is kept. Three buckets,
 * so O(n) however many findings a plan gives. */
static int sort_by_severity(bont_check_t *out)
{
    size_t n = out->n_findings;
    bont_finding_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return BONT_ENOMEM;
    size_t at = 0;
    for (int sev = BONT_SEV_ERROR; sev >= BONT_SEV_NOTE; sev--)
        for (size_t i = 0; i < n; i++)
            if ((int)out->findings[i].severity == sev)
                sorted[at++] = out->findings[i];
    free(out->findings);
    out->findings = sorted;
    return 0;
}

/* The facts of the history checks, from data/history-rules.json. */
static int history_rules(checker_t *C, bont_error_t *err)
{
    static const char *const ids[2] = {"history.other_product",
                                       "history.interval_other_indication"};
    const bont_history_rule_t **at[2] = {&C->other_product, &C->other_indication};
    for (int i = 0; i < 2; i++)
        if (!(*at[i] = bont_kb_history_rule(C->kb, ids[i]))) {
            if (err) {
                bont_error_clear(err);
                snprintf(err->file, sizeof err->file, "data/history-rules.json");
            }
            bont_error_setf(err, NULL, "the knowledge base lacks the history rule %s", ids[i]);
            return BONT_EKB;
        }
    if (!(C->other_product->window_days > 0)) {
        bont_error_setf(err, NULL, "history.other_product needs window_days > 0");
        return BONT_EKB;
    }
    return BONT_OK;
}

int bont_check_run(const bont_kb_t *kb, const bont_plan_t *plan, const bont_check_opts_t *opts,
                   bont_check_t **out, bont_error_t *err)
{
    *out = NULL;
    if (!kb || !plan)
        return BONT_EINVAL;
    checker_t C = {kb, plan, opts, calloc(1, sizeof(bont_check_t)), 0, 0, NULL, 0, NULL, NULL};
    int rc = BONT_OK;
    if (!C.out)
        return BONT_ENOMEM;
    size_t n_extra = opts ? opts->n_extra_history : 0;
    C.history = calloc(plan->n_history + n_extra + 1, sizeof *C.history);
    if (!C.history) {
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < plan->n_history; i++)
        C.history[C.n_history++] = &plan->history[i];
    for (size_t i = 0; i < n_extra; i++)
        if (opts->extra_history[i].day <= plan->day)
            C.history[C.n_history++] = &opts->extra_history[i];
    if ((rc = history_rules(&C, err)))
        goto cleanup;
    if ((rc = check_rules(&C, err)))
        goto cleanup;
    check_contras(&C);
    check_vial_and_history(&C);
    if (C.failed) {
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    rc = sort_by_severity(C.out);
cleanup:
    free(C.history);
    if (rc) {
        bont_check_free(&C.out);
        return rc;
    }
    *out = C.out;
    return BONT_OK;
}

void bont_check_free(bont_check_t **check)
{
    if (!check || !*check)
        return;
    free((*check)->findings);
    free(*check);
    *check = NULL;
}
