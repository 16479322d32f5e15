/* pop_work.c: the model for one block of virtual patients: their parameters and exposure
 * (setup), then per structure the batched kernel (16 patients in float
 * lanes) or the scalar engine (model->run per patient), keeping readouts and daily effects. */
#include <math.h>
#include <string.h>

#include "model/pop_internal.h"

/* Patient p's exposure (docs/model.md 1.2-1.4, docs/spread.md 1-2): field length from its
 * parameters, the proximity deviate and one uniform per site (with spread; without, the median
 * placement), then each simulated structure's concentration in each session (the plan's
 * exposure times the session's units) and its scale. */
static void patient_exposure(bont__pop_run_t *r, size_t p, double *xbuf)
{
    double *conc = xbuf, *scale = xbuf + r->n_xs, *work = xbuf + 2 * r->n_xs;
    double *u_site = xbuf + 3 * r->n_xs, z_prox = 0.0;
    if (r->o.spread) {
        uint64_t stream = bont__pop_stream(r->o.seed, p);
        z_prox = bont_pop_normal(r->o.seed, p, (uint32_t)r->n_var);
        for (size_t a = 0; a < (r->sel ? r->n_sel : 1); a++) {
            size_t first = 0, n = r->n_sites;
            if (r->sel)
                bont__exposure_sites(r->xl, r->sel[a], &first, &n);
            for (size_t i = first; i < first + n; i++)
                u_site[i] = bont__pop_uniform_of(stream, (uint32_t)(r->n_var + 1 + i));
        }
    }
    bont__spread_exposure_part(r->xl, r->sel, r->sel ? r->n_sel : r->plan->n_injections,
                               r->pp[p].field_length_mm, z_prox, r->o.spread ? u_site : NULL, conc,
                               scale, work);
    for (size_t j = 0; j < r->n_struct; j++) {
        size_t x = r->xmap[j];
        bool need = !r->xneed || r->xneed[x]; /* the others stay 0 */
        r->escale[j * r->n_pad + p] = need ? scale[x] : 0.0;
        for (size_t s = 0; s < r->n_sess; s++)
            r->conc[(j * r->n_sess + s) * r->n_pad + p] =
                need ? conc[x] * r->sess[s].units_factor : 0.0;
    }
}

static float *block_imp(const bont__pop_run_t *r, size_t b, size_t event)
{
    return r->imp + (b * r->n_sess + event) * BONT_POP_IMPULSE(r->grid.n_steps);
}

/* Block b: each patient's parameters and exposure; for the batched engine the block's constants
 * and impulse responses. */
void bont__pop_item_setup(void *ctx, size_t b, int tid)
{
    bont__pop_run_t *r = ctx;
    bont__pop_thread_buf_t *tb = &r->tb[tid];
    double z[BONT__POP_MAX_VAR];
    bont_pop_block_t *blk = &r->blocks[b];
    bool batched = r->o.engine == BONT_POP_BATCHED;
    if (batched) {
        memset(blk, 0, sizeof *blk);
        memset(tb->props, 0, (size_t)r->n_sero * sizeof *tb->props);
    }
    for (int l = 0; l < BONT__POP_W; l++) {
        size_t p = b * BONT__POP_W + (size_t)l;
        for (size_t i = 0; i < r->n_var; i++)
            z[i] = bont_pop_normal(r->o.seed, p, (uint32_t)i);
        bont_variability_apply(r->var, &r->median, z, &r->pp[p]);
        patient_exposure(r, p, tb->xbuf);
        if (batched)
            bont__pop_block_set_lane(blk, tb->props, r->sero, r->n_sero, l, &r->pp[p]);
    }
    if (!batched)
        return;
    bont__pop_block_finish(blk);
    for (size_t s = 0; s < r->n_sess; s++)
        bont__pop_impulse(&r->grid, &tb->props[r->sess[s].channel], r->sess[s].step,
                          block_imp(r, b, s));
}

/* As bont__pop_quantize_days, for one value. */
static uint16_t quantize(float v)
{
    float c = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    return (uint16_t)(int32_t)(c * 65535.0f + 0.5f);
}

/* Keeps patient p's readouts and peak of structure j. */
static void keep_patient(bont__pop_run_t *r, size_t j, size_t p, const bont_readouts_t *ro,
                         float peak)
{
    float *rd = r->pop->readouts + j * BONT_POP_N_READOUTS * r->n;
    rd[0 * r->n + p] = (float)ro->onset_day;
    rd[1 * r->n + p] = (float)ro->peak_day;
    rd[2 * r->n + p] = (float)ro->peak_effect_pct;
    rd[3 * r->n + p] = (float)ro->duration_days;
    r->pop->peaks[j * r->n + p] = 100.0f * peak;
}

/* Daily samples of a block's lanes into the structure's quantized day rows. */
static void keep_days(bont__pop_run_t *r, size_t b, const float *samples, uint16_t *rows)
{
    size_t lanes = r->n - b * BONT__POP_W < BONT__POP_W ? r->n - b * BONT__POP_W : BONT__POP_W;
    bont__pop_quantize_days(&r->grid, samples, rows, r->n, b * BONT__POP_W, lanes);
}

static void kernel_batched(bont__pop_run_t *r, size_t b, bont__pop_thread_buf_t *tb)
{
    size_t j = r->cur;
    const bont_target_t *t = &r->tg[j];
    _Alignas(64) float conc[BONT__POP_MAX_SESSIONS][BONT__POP_W];
    _Alignas(64) float scale[BONT__POP_MAX_SESSIONS][BONT__POP_W];
    size_t steps[BONT__POP_MAX_SESSIONS];
    int subs[BONT__POP_MAX_SESSIONS];
    const float *imps[BONT__POP_MAX_SESSIONS];
    for (size_t s = 0; s < r->n_sess; s++) {
        for (int l = 0; l < BONT__POP_W; l++) {
            size_t p = b * BONT__POP_W + (size_t)l;
            conc[s][l] = (float)r->conc[(j * r->n_sess + s) * r->n_pad + p];
            scale[s][l] = (float)r->escale[j * r->n_pad + p];
        }
        steps[s] = r->sess[s].step;
        int sero = r->sero[r->sess[s].channel];
        subs[s] = (sero == BONT_SERO_B || sero == BONT_SERO_F) ? 1 : 0;
        imps[s] = block_imp(r, b, s);
    }
    bont_pop_target_in_t in = {.tissue = t->tissue,
                               .n_events = r->n_sess,
                               .event_step = steps,
                               .event_substrate = subs,
                               .conc = &conc[0][0],
                               .scale = &scale[0][0],
                               .imp = imps};
    bont__pop_kernel(&r->grid, &r->blocks[b], &in, tb->effect, NULL, tb->kscratch);
    bont_readouts_t ro[BONT__POP_W];
    float peak[BONT__POP_W];
    bont__pop_readouts(&r->grid, tb->effect, r->k0, r->t_shift, 0.0, 0.0, ro, peak);
    size_t lanes = r->n - b * BONT__POP_W < BONT__POP_W ? r->n - b * BONT__POP_W : BONT__POP_W;
    if (r->k_peak_end < r->grid.n_steps) /* the peaks within the risk horizon */
        for (size_t l = 0; l < BONT__POP_W; l++) {
            float m = 0.0f;
            for (size_t k = r->k0; k <= r->k_peak_end; k++)
                m = fmaxf(m, tb->effect[k * BONT__POP_W + l]);
            peak[l] = m;
        }
    for (size_t l = 0; l < lanes; l++)
        keep_patient(r, j, b * BONT__POP_W + l, &ro[l], peak[l]);
    keep_days(r, b, tb->effect, r->q_eff);
    /* The plan-level effect: the structure's whole effect, weighted by its share of the plan's
     * units (structures are added in layout order, so the sum is the same on every thread). */
    if (r->w_plan[j] > 0.0) {
        const float w = (float)(r->w_plan[j] * r->scale[j]);
        size_t n = (r->grid.n_steps + 1) * BONT__POP_W;
        float *acc = r->plan_eff + b * n;
        for (size_t k = 0; k < n; k++)
            acc[k] += w * tb->effect[k];
    }
    for (size_t l = 0; l < lanes && b * BONT__POP_W + l < r->pop->n_trace; l++)
        for (int d = 0; d <= r->o.days; d++)
            r->pop->trace[(j * r->pop->n_trace + b * BONT__POP_W + l) * ((size_t)r->o.days + 1) +
                          (size_t)d] = 100.0f * tb->effect[r->grid.day_step[d] * BONT__POP_W + l];
}

/* The scalar engine: model->run per patient, as bont simulate runs one patient. */
static void kernel_scalar(bont__pop_run_t *r, size_t b, bont__pop_thread_buf_t *tb)
{
    size_t j = r->cur;
    const bont_target_t *t = &r->tg[j];
    size_t shift_steps = (size_t)floor(r->t_shift * BONT__POP_SPD_SCALAR + 0.5);
    size_t n_steps = shift_steps + (size_t)r->o.days * BONT__POP_SPD_SCALAR;
    bont_trace_t tr = {
        .steps_per_day = BONT__POP_SPD_SCALAR, .n_steps = n_steps, .effect_frac = tb->s_effect};
    size_t lanes = r->n - b * BONT__POP_W < BONT__POP_W ? r->n - b * BONT__POP_W : BONT__POP_W;
    for (size_t l = 0; l < lanes; l++) {
        size_t p = b * BONT__POP_W + l;
        bont_dose_t doses[BONT__POP_MAX_SESSIONS];
        size_t nd = 0;
        for (size_t s = 0; s < r->n_sess; s++) {
            double c = r->conc[(j * r->n_sess + s) * r->n_pad + p];
            double sc = r->escale[j * r->n_pad + p];
            if (c > 0.0)
                doses[nd++] =
                    (bont_dose_t){.t_days = r->sess[s].t_days,
                                  .serotype = (bont_serotype_t)r->sero[r->sess[s].channel],
                                  .ona_u = c * sc * t->volume_ml,
                                  .conc_u_per_ml = c,
                                  .scale = sc};
        }
        bont_error_t e;
        bont_error_clear(&e);
        int rc = r->o.model->run(&r->pp[p], t, doses, nd, &tr, &e);
        if (rc) {
            bont__pool_fail(&r->pool, rc, &e);
            return;
        }
        bont_readouts_t ro;
        bont_readouts_compute(tr.effect_frac + shift_steps, n_steps - shift_steps,
                              BONT__POP_SPD_SCALAR, 0.0, &ro);
        double peak = 0.0;
        for (size_t k = shift_steps; k <= n_steps; k++)
            peak = fmax(peak, tr.effect_frac[k]);
        keep_patient(r, j, p, &ro, (float)peak);
        for (int d = 0; d <= r->o.days; d++) {
            size_t k = shift_steps + (size_t)d * BONT__POP_SPD_SCALAR;
            r->q_eff[(size_t)d * r->n + p] = quantize((float)tr.effect_frac[k]);
            if (p < r->pop->n_trace)
                r->pop->trace[(j * r->pop->n_trace + p) * ((size_t)r->o.days + 1) + (size_t)d] =
                    (float)(100.0 * tr.effect_frac[k]);
        }
    }
}

void bont__pop_item_kernel(void *ctx, size_t b, int tid)
{
    bont__pop_run_t *r = ctx;
    if (r->o.engine == BONT_POP_BATCHED)
        kernel_batched(r, b, &r->tb[tid]);
    else
        kernel_scalar(r, b, &r->tb[tid]);
}

/* Block b's plan-level readouts from the session (noticeable onset, response duration) and,
 * per output day, how many of its patients are at or above the response threshold. */
void bont__pop_item_plan(void *ctx, size_t b, int tid)
{
    bont__pop_run_t *r = ctx;
    (void)tid;
    const float *e = r->plan_eff + b * (r->grid.n_steps + 1) * BONT__POP_W;
    bont_readouts_t ro[BONT__POP_W];
    float peak[BONT__POP_W];
    bont__pop_readouts(&r->grid, e, r->k0, r->t_shift, r->thr_notice, r->thr_resp, ro, peak);
    size_t lanes = r->n - b * BONT__POP_W < BONT__POP_W ? r->n - b * BONT__POP_W : BONT__POP_W;
    float *ro_out = r->pop->plan_ro;
    for (size_t l = 0; l < lanes; l++) {
        size_t p = b * BONT__POP_W + l;
        ro_out[BONT_POP_NOTICEABLE_ONSET * r->n + p] = (float)ro[l].noticeable_onset_day;
        ro_out[BONT_POP_RESPONSE_DURATION * r->n + p] = (float)ro[l].response_duration_days;
        ro_out[BONT_POP_PLAN_ONSET * r->n + p] = (float)ro[l].onset_day;
        ro_out[BONT_POP_PLAN_PEAK * r->n + p] = (float)ro[l].peak_effect_pct;
        ro_out[BONT_POP_PLAN_DURATION * r->n + p] = (float)ro[l].duration_days;
    }
    uint8_t *cnt = r->resp_count + b * ((size_t)r->o.days + 1);
    const float thr = (float)r->thr_resp;
    for (int d = 0; d <= r->o.days; d++) {
        const float *v = e + r->grid.day_step[d] * BONT__POP_W;
        uint8_t c = 0;
        for (size_t l = 0; l < lanes; l++)
            c += v[l] >= thr;
        cnt[d] = c;
    }
}
