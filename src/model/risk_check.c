/* risk_check.c: the side-effect risks bont check shows beside its findings, in one place for
 * the command and the web server: the population engine of `bont simulate --patients`, run on
 * the structures that carry a risk (docs/spread.md section 3). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/population.h"
#include "bont/spread.h"

static int by_probability(const bont_risk_t *x, const bont_risk_t *y)
{
    return (x->probability < y->probability) - (x->probability > y->probability);
}

/* Calibrated rates before exposure indices, then the most probable first. */
static int by_rank(const bont_risk_t *x, const bont_risk_t *y)
{
    return x->calibrated != y->calibrated ? (y->calibrated ? 1 : -1) : by_probability(x, y);
}

/* Stable insertion sorts: risks are one per structure reached, tens at most. */
static void sort_structures(bont_risk_t *r, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        bont_risk_t k = r[i];
        size_t j = i;
        for (; j > 0 && by_probability(&r[j - 1], &k) > 0; j--)
            r[j] = r[j - 1];
        r[j] = k;
    }
}

static void sort_effects(bont_effect_risk_t *r, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        bont_effect_risk_t k = r[i];
        size_t j = i;
        for (; j > 0 && by_rank(&r[j - 1].risk, &k.risk) > 0; j--)
            r[j] = r[j - 1];
        r[j] = k;
    }
}

/* Effect e's risk per person from the results carrying it, from result `from` on (the first
 * one carrying e): its structures go to out->structures from out->n_structures on. hit holds
 * one byte per patient. */
static void effect_risk(const bont_pop_t *pop, size_t from, unsigned char *hit,
                        bont_risk_list_t *out)
{
    size_t n_res = bont_pop_n_results(pop), n_pat = bont_pop_n_patients(pop);
    const char *effect = bont_pop_result(pop, from)->risk.effect;
    bont_risk_t *s = out->structures + out->n_structures;
    size_t n_s = 0;
    memset(hit, 0, n_pat ? n_pat : 1);
    for (size_t j = from; j < n_res; j++) {
        const bont_pop_result_t *o = bont_pop_result(pop, j);
        if (!o->has_risk || strcmp(o->risk.effect, effect) != 0)
            continue;
        /* The same comparison as the structure's own risk (bont_risk_assess). */
        for (size_t p = 0; p < n_pat; p++)
            hit[p] |= o->peak_effect_pct[p] * o->effect_scale >= o->risk.threshold_pct;
        s[n_s++] = o->risk;
    }
    sort_structures(s, n_s);
    bont_effect_risk_t *e = &out->risks[out->n++];
    e->risk = s[0]; /* effect, calibrated, and the structure carrying most of the risk */
    for (size_t j = 1; j < n_s; j++)
        if (s[j].threshold_pct != e->risk.threshold_pct)
            e->risk.threshold_pct = NAN;
    size_t k = 0;
    for (size_t p = 0; p < n_pat; p++)
        k += hit[p];
    e->risk.probability = n_pat ? (double)k / (double)n_pat : 0.0;
    bont_risk_wilson(k, n_pat, &e->risk.ci95_lo, &e->risk.ci95_hi);
    e->structures = s;
    e->n_structures = n_s;
    out->n_structures += n_s;
}

int bont_pop_risks(const bont_pop_t *pop, bont_risk_list_t *out, bont_error_t *err)
{
    memset(out, 0, sizeof *out);
    size_t n_res = bont_pop_n_results(pop), n_pat = bont_pop_n_patients(pop);
    out->n_patients = n_pat;
    out->structures = calloc(n_res ? n_res : 1, sizeof *out->structures);
    out->risks = calloc(n_res ? n_res : 1, sizeof *out->risks);
    unsigned char *hit = calloc(n_pat ? n_pat : 1, 1);
    if (!out->structures || !out->risks || !hit) {
        free(hit);
        bont_risk_list_clear(out);
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    /* One effect at a time, at the first result carrying it. */
    for (size_t i = 0; i < n_res; i++) {
        const bont_pop_result_t *res = bont_pop_result(pop, i);
        size_t e = 0;
        while (e < out->n && strcmp(out->risks[e].risk.effect, res->risk.effect) != 0)
            e++;
        if (res->has_risk && e == out->n)
            effect_risk(pop, i, hit, out);
    }
    free(hit);
    sort_effects(out->risks, out->n);
    return 0;
}

int bont_risk_check(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                    int threads, bont_risk_list_t *out, bont_error_t *err)
{
    memset(out, 0, sizeof *out);
    bont_error_t why;
    bont_error_clear(&why);
    bont_spread_t *own = NULL;
    bont_pop_t *pop = NULL;
    int rc = sp ? 0 : bont_spread_load(&own, &why);
    bont_pop_opts_t opts = {.n_patients = BONT_RISK_CHECK_PATIENTS,
                            .seed = BONT_RISK_CHECK_SEED,
                            .threads = threads,
                            .days = BONT_RISK_HORIZON_DAYS,
                            .spread = sp ? sp : own,
                            .risk_only = true};
    if (rc == 0)
        rc = bont_pop_run(kb, plan, &opts, &pop, &why);
    if (rc == 0)
        rc = bont_pop_risks(pop, out, &why);
    bont_pop_free(&pop);
    bont_spread_free(&own);
    out->n_patients = opts.n_patients;
    if (rc == BONT_ENOMEM) {
        bont_risk_list_clear(out);
        out->n_patients = opts.n_patients;
        bont_error_setf(&why, NULL, "out of memory");
        if (err)
            *err = why;
        return rc;
    }
    /* Any other failure leaves the findings to stand alone, with the reason beside them. */
    if (rc != 0)
        snprintf(out->why_none, sizeof out->why_none, "%s",
                 why.message[0] ? why.message : bont_strerror(rc));
    return 0;
}

void bont_risk_list_clear(bont_risk_list_t *list)
{
    if (!list)
        return;
    free(list->risks);
    free(list->structures);
    memset(list, 0, sizeof *list);
}
