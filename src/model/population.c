/* population.c: virtual patients (issue 4): a population run from its options to its results,
 * and the accessors of bont_pop_t. The parts live in variability.c (parameter variability),
 * pop_random.c (counter-based deviates), util/pool.c (threads), pop_layout.c (what is
 * simulated), pop_work.c (the kernels) and pop_summary.c (statistics); docs/performance.md. */
#include "bont/population.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/pop_internal.h"
#include "model/spread_internal.h"

/* ---- The population ------------------------------------------------------------------------ */

void bont_pop_free(bont_pop_t **pp)
{
    if (!pp || !*pp)
        return;
    bont_pop_t *p = *pp;
    free(p->res);
    free(p->daily);
    free(p->readouts);
    free(p->peaks);
    free(p->trace);
    free(p->pp);
    free(p->conc);
    free(p->escale);
    free(p->responders);
    free(p->plan_ro);
    free(p);
    *pp = NULL;
}

size_t bont_pop_n_results(const bont_pop_t *pop)
{
    return pop ? pop->n_res : 0;
}

const bont_pop_result_t *bont_pop_result(const bont_pop_t *pop, size_t i)
{
    return pop && i < pop->n_res ? &pop->res[i] : NULL;
}

int bont_pop_days(const bont_pop_t *pop)
{
    return pop ? pop->days : 0;
}

size_t bont_pop_n_patients(const bont_pop_t *pop)
{
    return pop ? pop->n_patients : 0;
}

uint64_t bont_pop_seed(const bont_pop_t *pop)
{
    return pop ? pop->seed : 0;
}

const bont_model_t *bont_pop_model(const bont_pop_t *pop)
{
    return pop ? pop->model : NULL;
}

const float *bont_pop_patient_readouts(const bont_pop_t *pop, size_t i, bont_pop_readout_t r)
{
    if (!pop || i >= pop->n_res || (unsigned)r >= BONT_POP_N_READOUTS)
        return NULL;
    return pop->readouts + (i * BONT_POP_N_READOUTS + (size_t)r) * pop->n_patients;
}

const bont_pop_plan_t *bont_pop_plan(const bont_pop_t *pop)
{
    return pop && pop->has_plan ? &pop->plan : NULL;
}

const float *bont_pop_patient_plan_readouts(const bont_pop_t *pop, bont_pop_plan_readout_t r)
{
    if (!pop || !pop->plan_ro || (unsigned)r >= BONT_POP_N_PLAN_READOUTS)
        return NULL;
    return pop->plan_ro + (size_t)r * pop->n_patients;
}

const float *bont_pop_patient_days(const bont_pop_t *pop, size_t i, size_t p)
{
    if (!pop || !pop->trace || i >= pop->n_res || p >= pop->n_trace)
        return NULL;
    return pop->trace + (i * pop->n_trace + p) * ((size_t)pop->days + 1);
}

int bont_pop_patient_inputs(const bont_pop_t *pop, size_t p, size_t i, bont_params_t *params,
                            bont_dose_t *doses, size_t max, size_t *n_doses)
{
    if (!pop || !pop->pp || p >= pop->n_patients || i >= pop->n_res)
        return BONT_EINVAL;
    if (params)
        *params = pop->pp[p];
    size_t n = 0;
    for (size_t e = 0; e < pop->n_events; e++) {
        double c = pop->conc[(i * pop->n_events + e) * pop->n_pad + p];
        double sc = pop->escale[i * pop->n_pad + p];
        if (c > 0.0 && n < max && doses)
            doses[n] = (bont_dose_t){.t_days = pop->ev_t[e],
                                     .serotype = (bont_serotype_t)pop->ev_sero[e],
                                     .ona_u = c * sc * pop->res[i].target.volume_ml,
                                     .conc_u_per_ml = c,
                                     .scale = sc};
        n += c > 0.0;
    }
    if (n_doses)
        *n_doses = n;
    return 0;
}

double bont_pop_day0(const bont_pop_t *pop)
{
    return pop ? pop->day0 : 0.0;
}

/* ---- Orchestration --------------------------------------------------------------------------
 */

static int check_opts(const bont_pop_opts_t *in, bont_pop_opts_t *o, bont_error_t *err)
{
    *o = *in;
    if (o->n_patients == 0)
        o->n_patients = 1000;
    if (o->days == 0)
        o->days = 180;
    if (!o->model)
        o->model = bont_model_bont;
    if (o->model != bont_model_bont)
        o->engine = BONT_POP_SCALAR;
    if (o->threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = n > 0 ? (int)(n < 64 ? n : 64) : 1;
    }
    if (o->n_patients > BONT_POP_MAX_PATIENTS) {
        bont_error_setf(err, "patients", "at most %d virtual patients (got %zu)",
                        BONT_POP_MAX_PATIENTS, o->n_patients);
        return BONT_ERANGE;
    }
    if (o->peak_days < 0) {
        bont_error_setf(err, "peak_days", "the peaks' horizon must be >= 0 days (got %d)",
                        o->peak_days);
        return BONT_ERANGE;
    }
    if (o->days < 1 || o->days > 3650) {
        bont_error_setf(err, "days", "days must be 1..3650 (got %d)", o->days);
        return BONT_ERANGE;
    }
    if ((double)o->n_patients * (o->days + 1) > BONT_POP_MAX_CELLS) {
        bont_error_setf(err, "patients",
                        "%zu patients over %d days need more memory than a run may take; at most "
                        "%d patient-days (patients x (days + 1))",
                        o->n_patients, o->days, BONT_POP_MAX_CELLS);
        return BONT_ERANGE;
    }
    if (o->threads > 256)
        o->threads = 256;
    return 0;
}

/* The run's largest allocations, so a request that cannot fit fails at once with a reason. */
static int check_memory(const bont__pop_run_t *r, bont_error_t *err)
{
    double nd = (double)r->o.days + 1, ns = (double)r->n_struct, nev = (double)r->n_sess;
    double bytes = (double)r->n * nd * 2.0                               /* daily values */
                   + (double)r->n * ns * (BONT_POP_N_READOUTS + 1) * 4.0 /* readouts, peaks */
                   + (double)r->n_pad * (nev + 1) * ns * 8.0             /* exposure */
                   + (double)r->n_pad * sizeof(bont_params_t);
    if (r->o.engine == BONT_POP_BATCHED)
        bytes += (double)r->n_pad / BONT__POP_W *
                 (sizeof(bont_pop_block_t) + nev * BONT_POP_IMPULSE(r->grid.n_steps) * 4.0);
    if (r->o.engine == BONT_POP_BATCHED) /* the plan-level effect on the grid */
        bytes += (double)r->n_pad * (double)(r->grid.n_steps + 1) * 4.0;
    if (bytes > BONT_POP_MAX_BYTES) {
        bont_error_setf(
            err, "patients",
            "%zu patients over %d days would need about %.0f MB; at most %.0f MB (fewer "
            "patients, days or history sessions)",
            r->n, r->o.days, bytes / 1e6, BONT_POP_MAX_BYTES / 1e6);
        return BONT_ERANGE;
    }
    return 0;
}

static void *aligned_calloc(size_t n, size_t size)
{
    size_t bytes = n * size;
    bytes = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, bytes ? bytes : 64);
    if (p)
        memset(p, 0, bytes ? bytes : 64);
    return p;
}

static int alloc_run(bont__pop_run_t *r, bont_error_t *err)
{
    size_t nd = (size_t)r->o.days + 1;
    size_t n_samples = r->grid.n_steps + 1;
    size_t scalar_steps = (size_t)floor(r->t_shift * BONT__POP_SPD_SCALAR + 0.5) +
                          (size_t)r->o.days * BONT__POP_SPD_SCALAR + 1;
    bont_pop_t *pop = r->pop;
    r->pp = calloc(r->n_pad, sizeof *r->pp);
    r->conc = calloc(r->n_struct * r->n_sess * r->n_pad, sizeof *r->conc);
    r->escale = calloc(r->n_struct * r->n_pad, sizeof *r->escale);
    bool batched = r->o.engine == BONT_POP_BATCHED;
    if (batched) {
        r->blocks = aligned_calloc(r->n_blocks, sizeof *r->blocks);
        r->imp = aligned_calloc(r->n_blocks * r->n_sess * BONT_POP_IMPULSE(r->grid.n_steps),
                                sizeof *r->imp);
        r->plan_eff = aligned_calloc(r->n_blocks * n_samples * BONT__POP_W, sizeof *r->plan_eff);
        r->resp_count = calloc(r->n_blocks * nd, sizeof *r->resp_count);
        pop->responders = calloc(nd, sizeof *pop->responders);
        pop->plan_ro = calloc(BONT_POP_N_PLAN_READOUTS * r->n, sizeof *pop->plan_ro);
    }
    r->q_eff = calloc(nd * r->n, sizeof *r->q_eff);

    r->tb = calloc((size_t)r->o.threads, sizeof *r->tb);
    pop->res = calloc(r->n_struct, sizeof *pop->res);
    pop->daily = calloc(r->n_struct * 3 * nd, sizeof *pop->daily);
    pop->readouts = calloc(r->n_struct * BONT_POP_N_READOUTS * r->n, sizeof *pop->readouts);
    pop->peaks = calloc(r->n_struct * r->n, sizeof *pop->peaks);
    pop->n_trace = r->o.trace_patients < r->n ? r->o.trace_patients : r->n;
    if (pop->n_trace && !(pop->trace = calloc(r->n_struct * pop->n_trace * nd, sizeof(float)))) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    bool ok = r->pp && r->conc && r->escale &&
              (!batched || (r->blocks && r->imp && r->plan_eff && r->resp_count &&
                            pop->responders && pop->plan_ro)) &&
              r->q_eff && r->tb && pop->res && pop->daily && pop->readouts && pop->peaks;
    for (int t = 0; ok && t < r->o.threads; t++) {
        bont__pop_thread_buf_t *tb = &r->tb[t];
        if (r->o.engine == BONT_POP_BATCHED) {
            tb->effect = aligned_calloc(n_samples * BONT__POP_W, sizeof *tb->effect);

            tb->kscratch = aligned_calloc(BONT_POP_SCRATCH(r->grid.n_steps), sizeof(float));
            tb->props = aligned_calloc((size_t)r->n_sero, sizeof *tb->props);
            ok = tb->effect && tb->kscratch && tb->props;
        } else {
            tb->s_effect = calloc(scalar_steps, sizeof *tb->s_effect);
            ok = tb->s_effect != NULL;
        }
        tb->scratch = calloc(2 * r->n, sizeof *tb->scratch);
        tb->xbuf = calloc(3 * r->n_xs + r->n_sites + 1, sizeof *tb->xbuf);
        ok = ok && tb->scratch && tb->xbuf;
    }
    if (!ok) {
        bont_error_setf(err, NULL, "out of memory for %zu patients", r->n);
        return BONT_ENOMEM;
    }
    return 0;
}

static void free_run(bont__pop_run_t *r)
{
    bont__pop_grid_clear(&r->grid);
    free(r->tg);
    free(r->scale);
    free(r->w_plan);
    free(r->plan_eff);
    free(r->resp_count);
    free(r->xmap);
    free(r->sel);
    free(r->xneed);
    bont_exposure_layout_free(&r->xl);
    bont_spread_free(&r->own_spread);
    free(r->pp);
    free(r->conc);
    free(r->escale);
    free(r->blocks);
    free(r->imp);
    bont__reach_layout_free(&r->reach);
    free(r->q_eff);

    for (int t = 0; r->tb && t < r->o.threads; t++) {
        free(r->tb[t].effect);

        free(r->tb[t].kscratch);
        free(r->tb[t].props);
        free(r->tb[t].s_effect);

        free(r->tb[t].scratch);
        free(r->tb[t].xbuf);
    }
    free(r->tb);
}

/* Each structure's risk, with the plan's reasons built once. */
static int assess_risks(bont__pop_run_t *r, bont_error_t *err)
{
    bont__risk_reasons_t *R = NULL;
    int rc = bont__risk_reasons_new(r->plan, r->reach, &R);
    if (rc)
        bont_error_setf(err, NULL, "out of memory");
    for (size_t j = 0; rc == 0 && j < r->n_struct; j++) {
        bont_pop_result_t *res = &r->pop->res[j];
        const bont_muscle_t *m = bont_kb_muscle(r->kb, res->target.muscle);
        bool has = false;
        rc = bont__risk_assess(R, r->o.spread, m, res->target.side, r->pop->peaks + j * r->n,
                               r->scale[j], r->n, &res->risk, &has);
        res->has_risk = has;
    }
    bont__risk_reasons_free(&R);
    return rc;
}

/* The options, the median parameters and the variability of a run. */
static int prepare(bont__pop_run_t *r, const bont_kb_t *kb, const bont_plan_t *plan,
                   const bont_pop_opts_t *opts, bont_variability_t **own_var, bont_error_t *err)
{
    if (!kb || !plan || !opts || !plan->product || plan->n_injections == 0) {
        bont_error_setf(err, NULL,
                        "a knowledge base, options and a plan with injections are "
                        "needed");
        return BONT_EINVAL;
    }
    r->kb = kb;
    r->plan = plan;
    int rc = check_opts(opts, &r->o, err);
    if (rc)
        return rc;
    if (r->o.params)
        r->median = *r->o.params;
    else if ((rc = bont_params_load(&r->median, err)))
        return rc;
    r->var = r->o.variability;
    if (!r->var) {
        if ((rc = bont_variability_load(own_var, err)))
            return rc;
        r->var = *own_var;
    }
    bont_readout_thresholds_t own_thr;
    const bont_readout_thresholds_t *thr = r->o.thresholds;
    if (!thr) {
        if ((rc = bont_readout_thresholds_load(&own_thr, err)))
            return rc;
        thr = &own_thr;
    }
    const char *ind = plan->indication ? plan->indication->id : NULL;
    r->thr_notice = thr->perceptible_pct / 100.0;
    r->thr_resp = bont_readout_response_pct(thr, ind) / 100.0;
    r->pop_plan = (bont_pop_plan_t){.indication = ind,
                                    .perceptible_pct = thr->perceptible_pct,
                                    .response_pct = bont_readout_response_pct(thr, ind)};
    r->n_var = bont_variability_n_random(r->var);
    r->n = r->o.n_patients;
    r->n_blocks = (r->n + BONT__POP_W - 1) / BONT__POP_W;
    r->n_pad = r->n_blocks * BONT__POP_W;
    return 0;
}

/* The population and its results' arrays. */
static int make_pop(bont__pop_run_t *r, bont_error_t *err)
{
    r->pop = calloc(1, sizeof *r->pop);
    if (!r->pop) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    bont_pop_t *pop = r->pop;
    pop->model = r->o.model;
    pop->days = r->o.days;
    pop->n_patients = r->n;
    pop->seed = r->o.seed;
    pop->n_res = r->n_struct;
    pop->plan = r->pop_plan;
    int rc = alloc_run(r, err);
    if (rc)
        return rc;
    size_t nd = (size_t)r->o.days + 1;
    for (size_t j = 0; j < r->n_struct; j++) {
        bont_pop_result_t *res = &pop->res[j];
        res->target = r->tg[j];
        res->p5 = pop->daily + (j * 3 + 0) * nd;
        res->p50 = pop->daily + (j * 3 + 1) * nd;
        res->p95 = pop->daily + (j * 3 + 2) * nd;
        res->peak_effect_pct = pop->peaks + j * r->n;
    }
    return 0;
}

/* Whether structure j's risk is assessed: reached only by spread, with a side effect. */
static bool carries_risk(const bont__pop_run_t *r, size_t j)
{
    const bont_muscle_t *m = bont_kb_muscle(r->kb, r->tg[j].muscle);
    return m && m->side_effect && strcmp(r->tg[j].role, "spread") == 0;
}

/* A risk-only run needs the exposure of the structures carrying a risk only: the injections
 * that target or neighbour one of them (the others change nothing the run reads), so a patient's
 * exposure costs those injections' neighbours, not the whole plan's. */
static int select_exposure(bont__pop_run_t *r, bont_error_t *err)
{
    if (!r->o.risk_only || !r->o.spread)
        return 0;
    r->xneed = calloc(r->n_xs ? r->n_xs : 1, sizeof *r->xneed);
    r->sel = calloc(r->plan->n_injections + 1, sizeof *r->sel);
    if (!r->xneed || !r->sel) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    for (size_t j = 0; j < r->n_struct; j++)
        r->xneed[r->xmap[j]] = carries_risk(r, j);
    r->n_sel = bont__exposure_select(r->xl, r->xneed, r->sel);
    return 0;
}

/* The work on the threads: strata, blocks, then structure by structure the kernel and the daily
 * percentiles, then the readout percentiles. */
static int run_parallel(bont__pop_run_t *r, bont_error_t *err)
{
    size_t nd = (size_t)r->o.days + 1;
    size_t day_items = (nd + BONT__POP_DAYS_PER_ITEM - 1) / BONT__POP_DAYS_PER_ITEM;
    size_t ro_items = r->n_struct * (BONT_POP_N_READOUTS + 1);
    bont__pool_t *pool = &r->pool;
    pool->progress = r->o.progress;
    pool->progress_user = r->o.progress_user;
    bool batched = r->o.engine == BONT_POP_BATCHED;
    pool->total_work = r->n_blocks + r->n_struct * (r->n_blocks + day_items) + ro_items +
                       (batched ? r->n_blocks : 0);
    bont__pool_start(pool, r->o.threads, err);
    bont__pool_run(pool, bont__pop_item_setup, r, r->n_blocks);
    for (size_t j = 0; j < r->n_struct && !bont__pool_failed(pool); j++) {
        if (r->o.risk_only && !carries_risk(r, j))
            continue;
        r->cur = j;
        bont__pool_run(pool, bont__pop_item_kernel, r, r->n_blocks);
        bont__pool_run(pool, bont__pop_item_daily, r, day_items);
    }
    if (!bont__pool_failed(pool))
        bont__pool_run(pool, bont__pop_item_readouts, r, ro_items);
    if (batched && !bont__pool_failed(pool))
        bont__pool_run(pool, bont__pop_item_plan, r, r->n_blocks);
    bont__pool_stop(pool);
    return bont__pool_failed(pool);
}

/* Hands the inputs kept for opts.keep_inputs to the population. */
static void keep_inputs(bont__pop_run_t *r)
{
    bont_pop_t *pop = r->pop;
    pop->pp = r->pp;
    pop->conc = r->conc;
    pop->escale = r->escale;
    r->pp = NULL;
    r->conc = NULL;
    r->escale = NULL;
    pop->n_pad = r->n_pad;
    pop->n_events = r->n_sess;
    for (size_t e = 0; e < r->n_sess; e++) {
        pop->ev_t[e] = r->sess[e].t_days;
        pop->ev_sero[e] = r->sero[r->sess[e].channel];
    }
}

int bont_pop_run(const bont_kb_t *kb, const bont_plan_t *plan, const bont_pop_opts_t *opts,
                 bont_pop_t **out, bont_error_t *err)
{
    *out = NULL;
    bont__pop_run_t *r = calloc(1, sizeof *r);
    bont_variability_t *own_var = NULL;
    if (!r) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    int rc = prepare(r, kb, plan, opts, &own_var, err);
    if (rc)
        goto cleanup;
    /* From here on, errors are about the plan (the loaders above name their own files). */
    if (err)
        snprintf(err->file, sizeof err->file, "%s", plan->file ? plan->file : "");
    if ((rc = bont__pop_layout_sessions(r, err)) || (rc = bont__pop_layout_structures(r, err)) ||
        (rc = select_exposure(r, err)) || (rc = bont__pop_build_grid(r, err)) ||
        (rc = check_memory(r, err)) || (rc = make_pop(r, err)) || (rc = run_parallel(r, err)))
        goto cleanup;
    for (size_t j = 0; j < r->n_struct; j++)
        bont__pop_finish_result(r, j);
    if (r->o.engine == BONT_POP_BATCHED && (rc = bont__pop_finish_plan(r, err)))
        goto cleanup;
    if (r->o.spread && (rc = assess_risks(r, err)))
        goto cleanup;
    if (r->o.keep_inputs)
        keep_inputs(r);
    r->pop->day0 = r->t_shift;
    *out = r->pop;
    r->pop = NULL;
cleanup:
    bont_pop_free(&r->pop);
    free_run(r);
    bont_variability_free(&own_var);
    free(r);
    return rc;
}
