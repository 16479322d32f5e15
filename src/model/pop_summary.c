/* pop_summary.c: the statistics of a population run: each structure's daily 5th, 50th and 95th
 * percentiles, the percentiles of its readouts over the patients with an effect, its median
 * dose, and its result in whole-structure terms. */
#include <math.h>
#include <stdlib.h>

#include "model/pop_internal.h"
#include "model/pop_stats.h"

void bont__pop_fail(bont__pop_run_t *r, int rc, const char *message)
{
    bont_error_t e;
    bont_error_clear(&e);
    bont_error_setf(&e, NULL, "%s", message);
    bont__pool_fail(&r->pool, rc, &e);
}

static const double pct_5_50_95[3] = {0.05, 0.50, 0.95};

/* Days [8 i, 8 i + 8) of the current structure: p5, p50, p95 of the effect. */
void bont__pop_item_daily(void *ctx, size_t item, int tid)
{
    bont__pop_run_t *r = ctx;
    (void)tid;
    size_t j = r->cur, nd = (size_t)r->o.days + 1;
    bont_pop_result_t *res = &r->pop->res[j];
    for (size_t d = item * BONT__POP_DAYS_PER_ITEM;
         d < nd && d < (item + 1) * BONT__POP_DAYS_PER_ITEM; d++) {
        double q[3];
        bont__pop_quantiles_u16(r->q_eff + d * r->n, r->n, pct_5_50_95, 3, q);
        res->p5[d] = 100.0 * q[0] / BONT__POP_QUANT_SCALE;
        res->p50[d] = 100.0 * q[1] / BONT__POP_QUANT_SCALE;
        res->p95[d] = 100.0 * q[2] / BONT__POP_QUANT_SCALE;
    }
}

static double percentile_level(int i)
{
    return 0.05 * (i + 1);
}

/* Item j * (N_READOUTS + 1) + k: percentiles of readout k of structure j, or (k = N_READOUTS)
 * the median dose reaching it. */
void bont__pop_item_readouts(void *ctx, size_t item, int tid)
{
    bont__pop_run_t *r = ctx;
    size_t j = item / (BONT_POP_N_READOUTS + 1), k = item % (BONT_POP_N_READOUTS + 1);
    bont_pop_result_t *res = &r->pop->res[j];
    double lv[BONT_POP_N_QUANTILES];
    for (int i = 0; i < BONT_POP_N_QUANTILES; i++)
        lv[i] = percentile_level(i);
    if (k == BONT_POP_PEAK_EFFECT) {
        bont__pop_quantiles_f32(bont_pop_patient_readouts(r->pop, j, (bont_pop_readout_t)k), r->n,
                                lv, BONT_POP_N_QUANTILES, res->readout_q[k], r->tb[tid].scratch);
        return;
    }
    if (k < BONT_POP_N_READOUTS) {
        /* Onset, peak day and duration describe the patients in whom the structure loses a
         * measurable share of its function; the others are counted in no_effect_pct, not
         * mixed in as "later than the horizon". */
        const float *x = bont_pop_patient_readouts(r->pop, j, (bont_pop_readout_t)k);
        const float *peak = bont_pop_patient_readouts(r->pop, j, BONT_POP_PEAK_EFFECT);
        float *with = malloc((r->n ? r->n : 1) * sizeof *with);
        if (!with) {
            bont__pop_fail(r, BONT_ENOMEM, "out of memory");
            return;
        }
        size_t m = 0;
        for (size_t p = 0; p < r->n; p++)
            if ((double)peak[p] * r->scale[j] >= BONT_POP_EFFECT_MIN_PCT)
                with[m++] = x[p];
        if (m == 0)
            for (int i = 0; i < BONT_POP_N_QUANTILES; i++)
                res->readout_q[k][i] = NAN;
        else
            bont__pop_quantiles_f32(with, m, lv, BONT_POP_N_QUANTILES, res->readout_q[k],
                                    r->tb[tid].scratch);
        if (k == BONT_POP_ONSET)
            res->no_effect_pct = 100.0 * (double)(r->n - m) / (double)r->n;
        free(with);
        return;
    }
    /* The dose of an injected structure is what the plan injects into it; of a structure only
     * spread reaches, the units in its compartment (concentration x reached share x volume),
     * over the sessions. */
    const bont_exposure_struct_t *xs = &bont_exposure_structs(r->xl)[r->xmap[j]];
    if (xs->injected) {
        res->dose_ona_u = 0.0;
        for (size_t s = 0; s < r->n_sess; s++)
            res->dose_ona_u += xs->weight_ona_u * r->sess[s].units_factor;
        return;
    }
    float *u = malloc(r->n * sizeof *u);
    if (!u) {
        bont__pop_fail(r, BONT_ENOMEM, "out of memory");
        return;
    }
    for (size_t p = 0; p < r->n; p++) {
        double sum = 0.0;
        for (size_t s = 0; s < r->n_sess; s++)
            sum += r->conc[(j * r->n_sess + s) * r->n_pad + p];
        u[p] = (float)(sum * r->escale[j * r->n_pad + p] * res->target.volume_ml);
    }
    double half = 0.5;
    bont__pop_quantiles_f32(u, r->n, &half, 1, &res->dose_ona_u, r->tb[tid].scratch);
    free(u);
}

/* The results of structure j once its percentiles are in. */
void bont__pop_finish_result(bont__pop_run_t *r, size_t j)
{
    bont_pop_result_t *res = &r->pop->res[j];
    for (int k = 0; k < BONT_POP_N_READOUTS; k++)
        for (int i = 0; i < BONT_POP_N_QUANTILES; i++)
            if (!isfinite(res->readout_q[k][i]))
                res->readout_q[k][i] = NAN;
    /* Percentiles scale with a constant factor: report the whole structure. */
    double c = r->scale[j];
    res->effect_scale = c;
    if (c != 1.0) {
        for (int d = 0; d <= r->o.days; d++) {
            res->p5[d] *= c;
            res->p50[d] *= c;
            res->p95[d] *= c;
        }
        for (int i = 0; i < BONT_POP_N_QUANTILES; i++)
            res->readout_q[BONT_POP_PEAK_EFFECT][i] *= c;
    }
    /* The medians: peak effect and peak day always exist (0 and NAN without effect). */
    res->readouts.onset_day = res->readout_q[BONT_POP_ONSET][9];
    res->readouts.peak_day = res->readout_q[BONT_POP_PEAK_DAY][9];
    res->readouts.peak_effect_pct = res->readout_q[BONT_POP_PEAK_EFFECT][9];
    res->readouts.duration_days = res->readout_q[BONT_POP_DURATION][9];
}

/* Percentiles 5, 50, 95 of x[0..n) into q, NAN counting above every number; all NAN when n is
 * 0. */
static int q_5_50_95(const float *x, size_t n, double q[3])
{
    if (n == 0) {
        q[0] = q[1] = q[2] = NAN;
        return 0;
    }
    uint32_t *scratch = malloc(2 * n * sizeof *scratch);
    if (!scratch)
        return BONT_ENOMEM;
    bont__pop_quantiles_f32(x, n, pct_5_50_95, 3, q, scratch);
    free(scratch);
    return 0;
}

int bont__pop_finish_plan(bont__pop_run_t *r, bont_error_t *err)
{
    bont_pop_t *pop = r->pop;
    bont_pop_plan_t *pl = &pop->plan;
    size_t nd = (size_t)r->o.days + 1;
    for (size_t d = 0; d < nd; d++) {
        size_t c = 0;
        for (size_t b = 0; b < r->n_blocks; b++)
            c += r->resp_count[b * nd + d];
        pop->responders[d] = (double)c / (double)r->n;
    }
    pl->responders = pop->responders;
    const float *on = bont_pop_patient_plan_readouts(pop, BONT_POP_NOTICEABLE_ONSET);
    const float *du = bont_pop_patient_plan_readouts(pop, BONT_POP_RESPONSE_DURATION);
    float *resp = malloc(r->n * sizeof *resp);
    if (!resp) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    /* Noticeable onset over every patient (never: later than any day); response duration over
     * the responders, still above at the horizon counting as longer than any duration. */
    size_t n_notice = 0, m = 0;
    for (size_t p = 0; p < r->n; p++) {
        n_notice += !isnan(on[p]);
        if (!isnan(du[p]))
            resp[m++] = isinf(du[p]) ? NAN : du[p];
    }
    pl->noticeable_share = (double)n_notice / (double)r->n;
    pl->responder_share = (double)m / (double)r->n;
    int rc = q_5_50_95(on, r->n, pl->noticeable_onset_q);
    if (rc == 0)
        rc = q_5_50_95(resp, m, pl->response_duration_q);
    free(resp);
    if (rc) {
        bont_error_setf(err, NULL, "out of memory");
        return rc;
    }
    pop->has_plan = true;
    return 0;
}
