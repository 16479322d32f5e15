/* risk_check.c: the side-effect risks bont check shows beside its findings, in one place for
 * the command and the web server: the population engine of `bont simulate --patients`, run on
 * the structures that carry a risk (docs/spread.md section 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/population.h"
#include "bont/spread.h"

static int by_probability(const bont_risk_t *x, const bont_risk_t *y)
{
    return (x->probability < y->probability) - (x->probability > y->probability);
}

/* The risks of a finished run, most probable first, ties in the run's order. */
static int collect(const bont_pop_t *pop, bont_risk_list_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < bont_pop_n_results(pop); i++)
        n += bont_pop_result(pop, i)->has_risk;
    out->risks = calloc(n ? n : 1, sizeof *out->risks);
    if (!out->risks)
        return BONT_ENOMEM;
    for (size_t i = 0; i < bont_pop_n_results(pop); i++)
        if (bont_pop_result(pop, i)->has_risk)
            out->risks[out->n++] = bont_pop_result(pop, i)->risk;
    /* A stable insertion sort: risks are one per structure reached, tens at most. */
    for (size_t i = 1; i < out->n; i++) {
        bont_risk_t k = out->risks[i];
        size_t j = i;
        for (; j > 0 && by_probability(&out->risks[j - 1], &k) > 0; j--)
            out->risks[j] = out->risks[j - 1];
        out->risks[j] = k;
    }
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
        rc = collect(pop, out);
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
    memset(list, 0, sizeof *list);
}

int bont_pop_effect_risks(const bont_pop_t *pop, bont_risk_t **out, size_t *n, bont_error_t *err)
{
    *out = NULL;
    *n = 0;
    size_t n_res = bont_pop_n_results(pop), n_pat = bont_pop_n_patients(pop);
    bont_risk_t *r = calloc(n_res ? n_res : 1, sizeof *r);
    unsigned char *hit = calloc(n_pat ? n_pat : 1, 1);
    int rc = r && hit ? 0 : BONT_ENOMEM;
    /* One effect at a time: every result carrying it marks the patients past its threshold. */
    for (size_t i = 0; rc == 0 && i < n_res; i++) {
        const bont_pop_result_t *res = bont_pop_result(pop, i);
        size_t e = 0;
        while (e < *n && strcmp(r[e].effect, res->risk.effect) != 0)
            e++;
        if (!res->has_risk || e < *n)
            continue;
        memset(hit, 0, n_pat ? n_pat : 1);
        r[*n] = res->risk;
        for (size_t j = i; j < n_res; j++) {
            const bont_pop_result_t *o = bont_pop_result(pop, j);
            if (!o->has_risk || strcmp(o->risk.effect, res->risk.effect) != 0)
                continue;
            for (size_t p = 0; p < n_pat; p++)
                hit[p] |= o->peak_effect_pct[p] * o->effect_scale >= o->risk.threshold_pct;
            if (o->risk.probability > r[*n].probability) {
                r[*n].muscle = o->risk.muscle;
                r[*n].side = o->risk.side;
                snprintf(r[*n].reason, sizeof r[*n].reason, "%s", o->risk.reason);
            }
        }
        size_t k = 0;
        for (size_t p = 0; p < n_pat; p++)
            k += hit[p];
        r[*n].probability = n_pat ? (double)k / (double)n_pat : 0.0;
        bont_risk_wilson(k, n_pat, &r[*n].ci95_lo, &r[*n].ci95_hi);
        (*n)++;
    }
    free(hit);
    if (rc) {
        free(r);
        *n = 0;
        bont_error_setf(err, NULL, "out of memory");
        return rc;
    }
    for (size_t i = 1; i < *n; i++) { /* most probable first, stable */
        bont_risk_t k = r[i];
        size_t j = i;
        for (; j > 0 && by_probability(&r[j - 1], &k) > 0; j--)
            r[j] = r[j - 1];
        r[j] = k;
    }
    *out = r;
    return 0;
}
