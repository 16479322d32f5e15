/* check.c: applies the knowledge base's typed rules, contraindications and the patient's
 * history to a plan. Every rule type is evaluated by one generic path; the numbers come from
 * data/rules.json, never from code. */
#include "bont/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/check_internal.h"
#include "util/index.h"
#include "util/text.h"

typedef bont__checker_t checker_t;

void bont__check_add(checker_t *C, bont_severity_t sev, const char *rule, const char *evidence,
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

#define add bont__check_add

static int is_pediatric(const bont_plan_t *plan)
{
    return plan->patient.age_years >= 0 && plan->patient.age_years < 18;
}

#define list_has bont__str_in

int bont__check_rule_fits(const checker_t *C, const bont_rule_t *r)
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

bont__category_t bont__check_category(const bont_rule_t *r)
{
    return r->type == BONT_RULE_AGE ? BONT__CAT_AGE : BONT__CAT_DOSE;
}

/* The weight band that holds weight w (kg_min inclusive, kg_max exclusive); below every band,
 * the lowest one (the label gives nothing smaller). NULL when there are none or w is unknown. */
static const bont_weight_band_t *band_for(const bont_rule_t *r, double w)
{
    const bont_weight_band_t *lowest = NULL;
    for (size_t i = 0; w > 0 && i < r->n_weight_bands; i++) {
        const bont_weight_band_t *b = &r->weight_bands[i];
        if (w >= b->kg_min && (b->kg_max < 0 || w < b->kg_max))
            return b;
        if (!lowest || b->kg_min < lowest->kg_min)
            lowest = b;
    }
    return lowest && w < lowest->kg_min ? lowest : NULL;
}

/* The limits of a rule for this patient: the weight band's maximum, or per-kg bounds times
 * weight, combined with absolute bounds as "whichever is lower". NAN when there is no bound. */
static void limits(const checker_t *C, const bont_rule_t *r, double *lo, double *hi)
{
    double w = C->plan->patient.weight_kg;
    const bont_weight_band_t *band = band_for(r, w);
    *lo = NAN;
    *hi = NAN;
    if (band)
        *hi = band->max;
    else if (r->per_kg_max >= 0 && w > 0)
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
    double w = C->plan->patient.weight_kg;
    double per_kg = upper ? r->per_kg_max : r->per_kg_min;
    const bont_weight_band_t *band = upper ? band_for(r, w) : NULL;
    char band_text[64] = "";
    if (band && band->kg_max >= 0)
        snprintf(band_text, sizeof band_text, "%g-%g kg", band->kg_min, band->kg_max);
    else if (band)
        snprintf(band_text, sizeof band_text, "%g kg or more", band->kg_min);
    if (band)
        snprintf(buf, size, "%.4g U (the label's dose for %g kg: band %s)", limit, w, band_text);
    else if (per_kg >= 0 && w > 0) {
        double abs_bound = upper ? r->max : r->min;
        if (abs_bound >= 0 && upper)
            snprintf(buf, size, "%.4g U (%g U/kg x %g kg, or %g U, whichever is lower)", limit,
                     per_kg, w, abs_bound);
        else
            snprintf(buf, size, "%.4g U (%g U/kg x %g kg)", limit, per_kg, w);
    } else {
        snprintf(buf, size, "%.4g %s", limit, unit_of(r->type));
    }
}

/* "18-64 years", "12 years and older", "up to 64 years": a bound of 64.999 means up to and
 * including 64 years. */
static void age_range(const bont_rule_t *r, char *buf, size_t size)
{
    if (r->min >= 0 && r->max >= 0)
        snprintf(buf, size, "%g-%g years", r->min, floor(r->max));
    else if (r->min >= 0)
        snprintf(buf, size, "%g years and older", r->min);
    else
        snprintf(buf, size, "up to %g years", floor(r->max));
}

/* An age outside a label's range: a contraindication (an error naming the label), or outside
 * the labelled range (safety and effectiveness not established), or no finding where the
 * adult rules take over; basis says which (rules.json age_basis). */
static void compare_age(checker_t *C, const bont_rule_t *r, double age, int upper, double limit)
{
    const char *basis = upper ? r->age_basis_over : r->age_basis_under;
    bont_severity_t sev = upper ? r->over : r->under;
    const bont_plan_t *plan = C->plan;
    char range[64], label[96];
    age_range(r, range, sizeof range);
    if (basis && !strcmp(basis, "adult_rules_apply"))
        return;
    if (basis && !strcmp(basis, "contraindicated")) {
        bont__check_label_names(C, r->jurisdictions, r->n_jurisdictions, label, sizeof label);
        add(C, sev, r->id, r->evidence, r->source, "patient age", age, limit, "years",
            "patient age %g years: the %s contraindicates %s (%s) %s %g years. Rule: %s", age,
            label, plan->product->id, plan->product->display, upper ? "from" : "under",
            upper ? ceil(limit) : limit, r->note);
    } else if (basis) {
        add(C, sev, r->id, r->evidence, r->source, "patient age", age, limit, "years",
            "patient age %g years is outside the labelled age range of %s for %s (%s): %s. "
            "Rule: %s",
            age, plan->product->id, plan->indication->id, range,
            !strcmp(basis, "outside_indication") ? "the label does not cover this age"
                                                 : "safety and effectiveness are not established",
            r->note);
    } else {
        add(C, sev, r->id, r->evidence, r->source, "patient age", age, limit, "years",
            "patient age: %g years is %s the labelled %s. Rule: %s", age, upper ? "above" : "below",
            range, r->note);
    }
}

/* Compares one measured value with a rule and records what is out of bounds. */
static void compare(checker_t *C, const bont_rule_t *r, const char *subject, double value)
{
    double lo, hi;
    limits(C, r, &lo, &hi);
    const char *unit = unit_of(r->type);
    char lim[160];
    int over = !isnan(hi) && value > hi * (1 + 1e-9);
    int under = !over && !isnan(lo) && value < lo * (1 - 1e-9);
    if ((over || under) && r->type == BONT_RULE_AGE) {
        compare_age(C, r, value, over, over ? hi : lo);
    } else if (over) {
        describe_limit(r, hi, C, 1, lim, sizeof lim);
        add(C, r->over, r->id, r->evidence, r->source, subject, value, hi, unit,
            "%s: %.4g %s is above %s. Rule: %s", subject, value, unit, lim, r->note);
    } else if (under) {
        describe_limit(r, lo, C, 0, lim, sizeof lim);
        add(C, r->under, r->id, r->evidence, r->source, subject, value, lo, unit,
            "%s: %.4g %s is below %s. Rule: %s", subject, value, unit, lim, r->note);
    }
}

/* A weight-banded or weight-limited rule: a weight below the label's is a warning, and an
 * unknown weight leaves only the overall maximum to compare (<rule>.weight). */
static void check_weight(checker_t *C, const bont_rule_t *r)
{
    double w = C->plan->patient.weight_kg;
    char id[96];
    snprintf(id, sizeof id, "%s.weight", r->id);
    if (r->weight_kg_min >= 0 && w > 0 && w < r->weight_kg_min)
        add(C, BONT_SEV_WARNING, id, r->evidence, r->source, "patient weight", w, r->weight_kg_min,
            "kg",
            "patient weight %g kg is below the %g kg the label sets for %s in %s: the lowest "
            "weight band was compared. Rule: %s",
            w, r->weight_kg_min, C->plan->product->id, C->plan->indication->id, r->note);
    else if (r->n_weight_bands && !(w > 0))
        add(C, BONT_SEV_NOTE, id, r->evidence, r->source, "patient weight", NAN, NAN, "kg",
            "no weight given: the label's session maximum for %s in %s depends on weight, so "
            "only the overall maximum was compared; give weight_kg. Rule: %s",
            C->plan->product->id, C->plan->indication->id, r->note);
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

typedef enum quantity_t { Q_UNITS, Q_SITES, Q_VOLUME } quantity_t;

/* Sums units, sites or mL over the injections that share a muscle (and side, unless
 * both_sides), in one pass with an index of the groups; each group reports once, at its first
 * injection, in plan order. */
static void per_muscle(checker_t *C, const bont_rule_t *r, quantity_t q)
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
            total[g] += q == Q_SITES ? a->sites : q == Q_VOLUME ? a->volume_ml : a->units;
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
        if (q != Q_VOLUME || total[g] > 0) /* no dilution, no volume to compare */
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
    case BONT_RULE_VOLUME_PER_SITE:
        if (r->per) { /* per "muscle": the volume into one muscle, all its sites */
            per_muscle(C, r, Q_VOLUME);
            break;
        }
        /* fall through */
    case BONT_RULE_UNITS_PER_SITE:
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
        per_muscle(C, r, Q_UNITS);
        break;
    case BONT_RULE_SITES_PER_MUSCLE:
        per_muscle(C, r, Q_SITES);
        break;
    case BONT_RULE_UNITS_PER_LIMB:
        per_limb(C, r);
        break;
    case BONT_RULE_UNITS_PER_SESSION:
        check_weight(C, r);
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

/* A per-kg bound needs the weight (a weight-banded rule falls back on its overall maximum). */
static int needs_weight(const checker_t *C, const bont_rule_t *r)
{
    return (r->per_kg_max >= 0 || r->per_kg_min >= 0) && !r->n_weight_bands &&
           !(C->plan->patient.weight_kg > 0);
}

/* Whether a rule applies: it fits the plan and comes from the label chosen. */
static int rule_applies(const checker_t *C, const bont_rule_t *r)
{
    return bont__check_rule_fits(C, r) &&
           bont__check_selected(C, bont__check_category(r), r->jurisdictions, r->n_jurisdictions);
}

/* The plan's indication against the labels: off-label for every product (with its level of
 * evidence), or not covered by the label applied. */
static void label_status(checker_t *C)
{
    const bont_plan_t *plan = C->plan;
    const bont_indication_t *ind = plan->indication;
    if (ind->off_label) {
        char level[320] = "";
        const char *scale = ind->evidence_scale;
        if (scale && ind->evidence_level && !strcmp(scale, ind->evidence_level))
            scale = NULL; /* "not graded" on no scale */
        if (ind->evidence_level)
            snprintf(level, sizeof level, "; level of evidence %s%s%s%s%s%s", ind->evidence_level,
                     scale ? " (" : "", scale ? scale : "", scale ? ")" : "",
                     ind->evidence_note ? ": " : "", ind->evidence_note ? ind->evidence_note : "");
        add(C, BONT_SEV_NOTE, "plan.off_label", "off-label", ind->evidence_source, ind->id, NAN,
            NAN, "",
            "%s is off-label for every product%s; the limits used come from papers or practice, "
            "not a label",
            ind->id, level);
        return;
    }
    const bont_label_t *label = bont_kb_label(plan->product, C->used);
    if (label && list_has(label->indications, label->n_indications, ind->id))
        return;
    char name[96];
    bont__check_label_names(C, &C->used, 1, name, sizeof name);
    add(C, BONT_SEV_WARNING, "plan.not_labelled", NULL, label ? label->source : NULL, ind->id, NAN,
        NAN, "", "no %s in bont's knowledge base covers %s (%s) for %s: this may be off-label use",
        name, plan->product->id, plan->product->display, ind->id);
}

/* Injections outside the indication's usual targets, each muscle once. */
static void unusual_targets(checker_t *C)
{
    const bont_plan_t *plan = C->plan;
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
    int dose_rules = 0;
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
        if (r->type == BONT_RULE_MIN_INTERVAL &&
            (!longest_interval || r->min > longest_interval->min))
            longest_interval = r;
        apply_rule(C, r);
    }
    for (size_t i = 0; i < bont_kb_n_guidance_rules(kb); i++) {
        const bont_guidance_rule_t *g = bont_kb_guidance_rule_at(kb, i);
        if (bont__check_guidance_fits(C, g) &&
            bont__check_selected(C, BONT__CAT_GUIDANCE, g->jurisdictions, g->n_jurisdictions))
            bont__check_guidance(C, g);
    }
    if (longest_interval)
        interval_other_indications(C, longest_interval);
    label_status(C);
    if (!dose_rules)
        add(C, BONT_SEV_WARNING, "plan.no_dose_rules", NULL, NULL, plan->indication->id, NAN, NAN,
            "",
            "no dose limits for %s in %s are in bont's knowledge base, so the doses were "
            "not checked against any",
            plan->product->id, plan->indication->id);
    unusual_targets(C);
    return BONT_OK;
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
    const bont_vial_t *vial = bont_kb_vial(prod, plan->vial_units);
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
    const char *asked = opts && opts->jurisdiction ? opts->jurisdiction : NULL;
    const bont_jurisdiction_t *j = asked ? bont_kb_jurisdiction(kb, asked) : NULL;
    if (asked && !(j && j->selectable)) {
        char known[128];
        bont_kb_jurisdiction_names(kb, known, sizeof known);
        if (err)
            bont_error_clear(err);
        bont_error_setf(err, "jurisdiction", "unknown jurisdiction \"%s\"; expected one of %s",
                        asked, known);
        return BONT_EINVAL;
    }
    checker_t C = {.kb = kb, .plan = plan, .opts = opts, .out = calloc(1, sizeof(bont_check_t))};
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
    bont__check_choose_label(&C);
    if ((rc = check_rules(&C, err)))
        goto cleanup;
    bont__check_contras(&C);
    bont__check_dilution(&C);
    check_vial_and_history(&C);
    bont__check_other_labels(&C, apply_rule);
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
