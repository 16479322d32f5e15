/* handout.c: the facts of a patient handout (course from the virtual patients, next date,
 * areas in lay words, the plan's own risks) and its text and JSON forms. */
#include "report/handout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bont/date.h"
#include "content/internal.h"
#include "report/internal.h"

/* ---- When most people notice it, when it is strongest, when it wears off --------------------
 * The one place that reads the population's readouts for the handout: a patient notices the
 * effect on the first day any injected structure reaches its onset, and it has worn off when
 * the last one has (the duration readout, effect below half its peak). Windows are the 10th to
 * 90th percentile over the virtual patients ("most people"). */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of v[0..n) sorted, linear between order statistics; NAN when n is 0. */
static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double at = q * (double)(n - 1);
    size_t i = (size_t)floor(at);
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (at - (double)i) * (v[i + 1] - v[i]);
}

static int handout_course(const bont_pop_t *pop, bont__course_window_t *c)
{
    memset(c, 0, sizeof *c);
    size_t n = pop ? bont_pop_n_patients(pop) : 0;
    if (n == 0)
        return 0;
    double *notice = malloc(n * sizeof *notice), *off = malloc(n * sizeof *off);
    if (!notice || !off) {
        free(notice);
        free(off);
        return BONT_ENOMEM;
    }
    for (size_t p = 0; p < n; p++)
        notice[p] = off[p] = NAN;
    const bont_pop_result_t *main_target = NULL;
    for (size_t i = 0; i < bont_pop_n_results(pop); i++) {
        const bont_pop_result_t *r = bont_pop_result(pop, i);
        if (strcmp(r->target.role, "target") != 0)
            continue;
        if (!main_target || r->dose_ona_u > main_target->dose_ona_u)
            main_target = r;
        const float *on = bont_pop_patient_readouts(pop, i, BONT_POP_ONSET);
        const float *dur = bont_pop_patient_readouts(pop, i, BONT_POP_DURATION);
        for (size_t p = 0; on && dur && p < n; p++) {
            if (isfinite(on[p]) && !(notice[p] <= on[p]))
                notice[p] = on[p];
            /* A duration past the horizon is later than any other. */
            double d = isfinite(on[p]) && !isfinite(dur[p]) ? INFINITY : dur[p];
            if (!isnan(d) && !(off[p] >= d))
                off[p] = d;
        }
    }
    size_t n_on = 0, n_off = 0;
    for (size_t p = 0; p < n; p++) {
        if (!isnan(notice[p]))
            notice[n_on++] = notice[p];
        if (!isnan(off[p]))
            off[n_off++] = off[p];
    }
    qsort(notice, n_on, sizeof *notice, cmp_double);
    qsort(off, n_off, sizeof *off, cmp_double);
    if (main_target && n_on && n_off) {
        c->known = true;
        c->days = bont_pop_days(pop);
        c->notice_min_day = (long)fmax(1.0, floor(quantile(notice, n_on, 0.10)));
        c->notice_max_day = (long)ceil(quantile(notice, n_on, 0.90));
        c->peak_day = lround(main_target->readout_q[BONT_POP_PEAK_DAY][9]);
        double lo = quantile(off, n_off, 0.10), hi = quantile(off, n_off, 0.90);
        c->off_min_week = (long)floor(fmin(lo, c->days) / 7.0);
        c->off_max_week = (long)ceil(fmin(hi, c->days) / 7.0);
        c->n_patients = n;
        c->p5 = main_target->p5;
        c->p50 = main_target->p50;
        c->p95 = main_target->p95;
    }
    free(notice);
    free(off);
    return 0;
}

/* ---- The plan in lay words -------------------------------------------------------------------
 */

/* The label's longest interval between treatments that applies to the plan, in days (<0 when
 * the knowledge base holds none). */
static double label_interval(const bont_kb_t *kb, const bont_plan_t *plan)
{
    double best = -1;
    bool child = plan->patient.age_years >= 0 && plan->patient.age_years < 18;
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++) {
        const bont_rule_t *r = bont_kb_rule_at(kb, i);
        if (r->type != BONT_RULE_MIN_INTERVAL || r->min < 0 ||
            (r->product && strcmp(r->product, plan->product->id) != 0))
            continue;
        if (r->population && strcmp(r->population, child ? "pediatric" : "adult") != 0)
            continue;
        bool listed = r->n_indications == 0;
        for (size_t k = 0; k < r->n_indications; k++)
            listed = listed || strcmp(r->indications[k], plan->indication->id) == 0;
        if (listed && r->min > best)
            best = r->min;
    }
    return best;
}

static void area_label(const bont__handout_facts_t *x, const bont_injection_t *inj, char *buf,
                       size_t size)
{
    const char *word = bont__content_term(x->h->content, inj->muscle->id, 1);
    if (!word)
        word = bont_i18n_thread_lang() == BONT_LANG_EN
                   ? (inj->muscle->name_en ? inj->muscle->name_en : inj->muscle->id)
                   : bont__muscle_name(inj->muscle);
    if (inj->side == BONT_SIDE_LEFT)
        snprintf(buf, size, BONT_TR("%s, left side"), word);
    else if (inj->side == BONT_SIDE_RIGHT)
        snprintf(buf, size, BONT_TR("%s, right side"), word);
    else
        snprintf(buf, size, "%s", word);
    /* Capitalised as the first word of a line, in the languages that have capitals. */
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

static void plan_facts(bont__handout_facts_t *x)
{
    const bont_plan_t *plan = x->h->plan;
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        x->total_units += inj->units;
        if (inj->muscle->region && strncmp(inj->muscle->region, "face", 4) == 0)
            x->face = true;
        if (x->n_areas < HANDOUT_MAX_AREAS) {
            bont__handout_area_t *a = &x->areas[x->n_areas++];
            area_label(x, inj, a->label, sizeof a->label);
            a->units = inj->units;
        }
    }
    snprintf(x->product, sizeof x->product, "%s (%s)", plan->product->display, plan->product->id);
    bont_i18n_fmt_date(x->date, sizeof x->date, plan->date);
    x->interval_days = label_interval(x->h->kb, plan);
    if (x->interval_days >= 0) {
        bont_date_format(plan->day + (long)ceil(x->interval_days), x->next_iso);
        bont_i18n_fmt_date(x->next_date, sizeof x->next_date, x->next_iso);
    }
}

/* The name of a side effect for patients: the glossary's lay word for the effect (a concept
 * whose "effects" list holds it, or of the same id), else fallback. */
static void effect_name(const bont__handout_facts_t *x, const char *effect, const char *fallback,
                        char *buf, size_t size)
{
    const char *word = NULL;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(x->h->content->glossary, "concepts"), i, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        size_t j;
        json_t *e;
        bool match = id && strcmp(id, effect) == 0;
        json_array_foreach(json_object_get(c, "effects"), j, e) match =
            match || (json_string_value(e) && strcmp(json_string_value(e), effect) == 0);
        if (match && !word)
            word = bont__content_term(x->h->content, id, 1);
    }
    snprintf(buf, size, "%s", word ? word : fallback);
}

/* The calibrated side-effect risks of the plan from the spread model, each effect once and per
 * person (docs/spread.md section 3: drooping of either eyelid counts once). Uncalibrated
 * exposures are no rates. */
static int risk_facts(bont__handout_facts_t *x)
{
    const bont_pop_t *pop = x->h->pop;
    if (!pop)
        return 0;
    bont_risk_list_t risks;
    int rc = bont_pop_risks(pop, &risks, NULL);
    for (size_t i = 0; rc == 0 && i < risks.n && x->n_risks < HANDOUT_MAX_RISKS; i++) {
        const bont_risk_t *rk = &risks.risks[i].risk;
        if (!rk->calibrated)
            continue;
        bont__handout_risk_t *o = &x->risks[x->n_risks++];
        snprintf(o->effect, sizeof o->effect, "%s", rk->effect);
        effect_name(x, rk->effect,
                    BONT_TRC("side effect", rk->muscle->side_effect_label
                                                ? rk->muscle->side_effect_label
                                                : rk->effect),
                    o->name, sizeof o->name);
        o->pct = 100.0 * rk->probability;
    }
    bont_risk_list_clear(&risks);
    return rc;
}

/* The common side effects of the product in the indication from the knowledge base's
 * adverse-reaction tables, each effect once (its highest rate: the rows come most frequent
 * first). */
static void label_facts(bont__handout_facts_t *x)
{
    const bont_plan_t *plan = x->h->plan;
    size_t n = 0;
    const bont_adverse_reaction_t *rows =
        bont_kb_adverse_reactions(x->h->kb, plan->product, plan->indication, &n);
    for (size_t i = 0; rows && i < n && x->n_aes < HANDOUT_MAX_AES; i++) {
        const bont_adverse_reaction_t *r = &rows[i];
        bool seen = !(r->rate_pct >= HANDOUT_COMMON_PCT);
        for (size_t k = 0; k < x->n_aes && !seen; k++)
            seen = strcmp(x->aes[k].effect, r->effect) == 0;
        if (seen)
            continue;
        bont__handout_ae_t *a = &x->aes[x->n_aes++];
        const bont_adverse_effect_t *e = r->effect_entry;
        a->effect = r->effect;
        effect_name(x, r->effect,
                    e ? bont_i18n_pick(e->name_en, e->name_zh, e->name_ko) : r->effect, a->name,
                    sizeof a->name);
        a->rate_pct = r->rate_pct;
        a->placebo_pct = r->placebo_pct;
        a->source = r->source;
    }
}

int bont__handout_facts(const bont_handout_t *h, bont__handout_facts_t *x)
{
    memset(x, 0, sizeof *x);
    if (!h || !h->plan || !h->kb || !h->content)
        return BONT_EINVAL;
    x->h = h;
    x->errors = h->check && h->check->n_errors > 0;
    plan_facts(x);
    int rc = risk_facts(x);
    label_facts(x);
    return rc ? rc : handout_course(h->pop, &x->course);
}

void bont__handout_sentence(const bont__handout_facts_t *x, const char *key,
                            const char *const *names, const char *const *values, size_t n,
                            char *buf, size_t size)
{
    enum { FIXED = 11, MAX_EXTRA = 8 };
    char num[5][24], total[32];
    long nums[5] = {x->course.notice_min_day, x->course.notice_max_day, x->course.peak_day,
                    x->course.off_min_week, x->course.off_max_week};
    for (int i = 0; i < 5; i++)
        bont_i18n_fmt_int(num[i], sizeof num[i], nums[i]);
    bont__fmt_units(total, sizeof total, x->total_units);
    const char *all_names[FIXED + MAX_EXTRA] = {"notice_min", "notice_max", "peak",   "off_min",
                                                "off_max",    "next_date",  "clinic", "phone",
                                                "date",       "lot",        "product"};
    const char *all_values[FIXED + MAX_EXTRA] = {num[0],
                                                 num[1],
                                                 num[2],
                                                 num[3],
                                                 num[4],
                                                 x->next_date,
                                                 x->h->clinic ? x->h->clinic : "",
                                                 x->h->phone ? x->h->phone : "",
                                                 x->date,
                                                 x->h->plan->vial_lot,
                                                 x->product};
    size_t k = FIXED;
    for (size_t i = 0; i < n && k < FIXED + MAX_EXTRA; i++, k++) {
        all_names[k] = names[i];
        all_values[k] = values[i];
    }
    /* {units} alone is the plan's total unless the caller gives one (an area's units). */
    if (k < FIXED + MAX_EXTRA) {
        all_names[k] = "units";
        all_values[k++] = total;
    }
    bont__content_fill(buf, size, bont__content_text(x->h->content, key), all_names, all_values, k);
}

bool bont__handout_applies(const bont__handout_facts_t *x, const void *item)
{
    const char *applies = json_string_value(json_object_get((const json_t *)item, "applies"));
    return !applies || strcmp(applies, "all") == 0 || (strcmp(applies, "face") == 0 && x->face);
}

const char *bont__handout_evidence(const char *evidence)
{
    return evidence ? BONT_TRC("evidence", evidence) : ""; /* data/aftercare.json's, listed by
                                                              scripts/po-data.py */
}
