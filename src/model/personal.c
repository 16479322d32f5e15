/* personal.c: each patient's duration of effect learnt from their recorded wear-off dates (a
 * conjugate normal posterior of a log-scale factor; docs/store.md#personal-duration): the
 * expected duration of a visit (the model's, or the sourced table's), the posterior, and the
 * predicted wear-off of a patient's latest visit. */
#include "bont/personal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/plan.h"
#include "bont/store.h"
#include "kb/datafile.h"
#include "model/paramfile.h"

static const char PRIOR_FILE[] = "duration-prior.json";

/* Long enough for the longest effects (detrusor, sweat glands: 6-12 months). */
#define HORIZON_DAYS  540
#define STEPS_PER_DAY 4

/* data/duration-prior.json, parsed (the caller owns it), or NULL with err set. */
static json_t *prior_data(bont_error_t *err)
{
    json_t *root = NULL;
    return bont__data_embedded(PRIOR_FILE, &root, err) == 0 ? root : NULL;
}

static int date_day(const char *date, long *day)
{
    return bont_date_parse(date, day) == 0 ? 0 : -1;
}

int bont_duration_prior_load(bont_duration_prior_t *prior, bont_error_t *err)
{
    json_t *root = prior_data(err);
    if (!root)
        return BONT_EKB;
    prior->tau = json_number_value(json_object_get(root, "log_factor_sd_between_patients"));
    prior->sigma = json_number_value(json_object_get(root, "log_factor_sd_within_patient"));
    json_decref(root);
    if (!(prior->tau > 0) || !(prior->sigma > 0)) {
        bont_error_setf(err, NULL, "data/%s: both log-factor SDs must be > 0", PRIOR_FILE);
        return BONT_EKB;
    }
    return 0;
}

int bont_duration_table(void *ctx, const bont_store_visit_t *visit, double *days, bont_error_t *err)
{
    (void)ctx;
    json_t *root = prior_data(err);
    if (!root)
        return BONT_EKB;
    /* A product-specific row beats the indication's row, which beats the default. */
    double best = json_number_value(json_object_get(root, "default_days"));
    int best_rank = 0;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(root, "durations"), i, row)
    {
        const char *ind = json_string_value(json_object_get(row, "indication"));
        const char *prod = json_string_value(json_object_get(row, "product"));
        if (!ind || strcmp(ind, visit->indication) != 0)
            continue;
        int rank = prod ? (strcmp(prod, visit->vial.product) == 0 ? 2 : -1) : 1;
        if (rank > best_rank) {
            best_rank = rank;
            best = json_number_value(json_object_get(row, "days"));
        }
    }
    json_decref(root);
    if (!(best > 0)) {
        bont_error_setf(err, NULL, "data/%s has no usable duration for %s", PRIOR_FILE,
                        visit->indication);
        return BONT_EKB;
    }
    *days = best;
    return 0;
}

int bont_duration_posterior(const bont_duration_prior_t *prior, const double *observed_days,
                            const double *expected_days, size_t n, bont_duration_post_t *out,
                            bont_error_t *err)
{
    if (!prior || !(prior->tau > 0) || !(prior->sigma > 0)) {
        bont_error_setf(err, NULL, "the duration prior needs tau > 0 and sigma > 0");
        return BONT_EINVAL;
    }
    double precision = 1.0 / (prior->tau * prior->tau);
    double weighted = 0;
    double s2 = prior->sigma * prior->sigma;
    for (size_t i = 0; i < n; i++) {
        if (!(observed_days[i] > 0) || !(expected_days[i] > 0)) {
            bont_error_setf(err, NULL, "durations must be > 0 days (observation %zu: %g / %g)",
                            i + 1, observed_days[i], expected_days[i]);
            return BONT_ERANGE;
        }
        weighted += log(observed_days[i] / expected_days[i]) / s2;
        precision += 1.0 / s2;
    }
    out->mean = weighted / precision;
    out->sd = sqrt(1.0 / precision);
    out->factor = exp(out->mean);
    out->n_obs = n;
    return 0;
}

int bont_store_predict(const bont_store_record_t *rec, bont_duration_fn_t duration, void *ctx,
                       const bont_duration_prior_t *prior, const char *today, bont_due_t *out,
                       bont_error_t *err)
{
    double *obs = NULL, *exp_days = NULL;
    size_t n = 0;
    long today_day = 0;
    int ret = 0;
    if (!duration)
        duration = bont_duration_table;
    memset(out, 0, sizeof *out);
    out->patient_id = rec->patient.id;
    snprintf(out->name, sizeof out->name, "%s", rec->patient.name);
    if (date_day(today, &today_day) != 0) {
        bont_error_setf(err, "--today", "must be a date as YYYY-MM-DD (got \"%s\")",
                        today ? today : "");
        return BONT_EINVAL;
    }
    if (rec->n_visits == 0) {
        bont_error_setf(err, NULL, "patient %lld has no recorded visit", rec->patient.id);
        return BONT_ENOTFOUND;
    }
    obs = calloc(rec->n_visits, sizeof *obs);
    exp_days = calloc(rec->n_visits, sizeof *exp_days);
    if (!obs || !exp_days) {
        ret = BONT_ENOMEM;
        goto cleanup;
    }
    /* Every visit whose wear-off was recorded is one observation of this patient's factor. A
     * wear-off after today cannot have been seen: a mistyped year would otherwise hide the
     * patient from the due list for decades. */
    for (size_t i = 0; i < rec->n_visits; i++) {
        const bont_store_visit_t *v = &rec->visits[i];
        long d0, d1;
        if (!v->wore_off_date[0] || date_day(v->date, &d0) != 0 ||
            date_day(v->wore_off_date, &d1) != 0 || d1 <= d0 || d1 > today_day)
            continue;
        if ((ret = duration(ctx, v, &exp_days[n], err)) != 0)
            goto cleanup;
        obs[n++] = (double)(d1 - d0);
    }
    if ((ret = bont_duration_posterior(prior, obs, exp_days, n, &out->post, err)) != 0)
        goto cleanup;
    const bont_store_visit_t *last = &rec->visits[rec->n_visits - 1];
    out->visit_id = last->id;
    snprintf(out->visit_date, sizeof out->visit_date, "%s", last->date);
    snprintf(out->indication, sizeof out->indication, "%s", last->indication);
    snprintf(out->product, sizeof out->product, "%s", last->vial.product);
    if ((ret = duration(ctx, last, &out->expected_days, err)) != 0)
        goto cleanup;
    /* Say where the expected duration came from, for people reading the prediction. */
    if (duration == bont_duration_model_or_table && ctx)
        snprintf(out->basis, sizeof out->basis, "%s",
                 ((bont_duration_model_ctx_t *)ctx)->used_table ? "table" : "model");
    else
        snprintf(out->basis, sizeof out->basis, "%s",
                 duration == bont_duration_table ? "table" : "custom");
    out->personal_days = out->expected_days * out->post.factor;
    long start = 0, end;
    date_day(last->date, &start);
    if (last->wore_off_date[0] && date_day(last->wore_off_date, &end) == 0 && end > start &&
        end <= today_day) {
        out->observed = true;
    } else {
        end = start + lround(out->personal_days);
    }
    bont_date_format(end, out->wear_off_date);
    out->days_left = end - today_day;
cleanup:
    free(obs);
    free(exp_days);
    return ret;
}

/* The visit as a plan for the simulation: its product, indication and injections (volume and
 * guidance when recorded). *out->injections is the caller's (free()). */
static int visit_plan(const bont_duration_model_ctx_t *c, const bont_store_visit_t *visit,
                      bont_plan_t *out, bont_error_t *err)
{
    memset(out, 0, sizeof *out);
    out->product = bont_kb_product(c->kb, visit->vial.product);
    if (!out->product) {
        bont_error_setf(err, "product", "unknown product %s", visit->vial.product);
        return BONT_EUNKNOWN;
    }
    out->indication = bont_kb_indication(c->kb, visit->indication);
    out->injections =
        calloc(visit->n_injections ? visit->n_injections : 1, sizeof *out->injections);
    if (!out->injections) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    for (size_t i = 0; i < visit->n_injections; i++) {
        const bont_store_injection_t *inj = &visit->injections[i];
        bont_injection_t *o = &out->injections[out->n_injections++];
        o->muscle = bont_kb_muscle(c->kb, inj->muscle);
        if (!o->muscle) {
            bont_error_setf(err, "muscle", "unknown muscle %s", inj->muscle);
            return BONT_EUNKNOWN;
        }
        o->side = !strcmp(inj->side, "left")    ? BONT_SIDE_LEFT
                  : !strcmp(inj->side, "right") ? BONT_SIDE_RIGHT
                                                : BONT_SIDE_NONE;
        o->units = inj->units;
        o->sites = inj->sites > 0 ? inj->sites : 1;
        o->volume_ml = inj->volume_ml > 0 ? inj->volume_ml : 0.0; /* exposure's default */
        o->endplate_mm = -1.0;
        o->guidance = BONT_GUIDE_UNKNOWN;
        for (int g = 0; g <= BONT_GUIDE_ULTRASOUND; g++)
            if (strcmp(inj->guidance, bont_guidance_name((bont_guidance_t)g)) == 0)
                o->guidance = (bont_guidance_t)g;
    }
    return 0;
}

int bont_duration_model(void *ctx, const bont_store_visit_t *visit, double *days, bont_error_t *err)
{
    const bont_duration_model_ctx_t *c = ctx;
    bont_sim_t *sim = NULL;
    bont_plan_t plan;
    int rc = visit_plan(c, visit, &plan, err);
    if (rc == 0)
        rc = bont_sim_new(&sim, c->model, &c->params, err);
    if (rc == 0)
        rc = bont_sim_add_plan(sim, &plan, false, err);
    if (rc == 0)
        rc = bont_sim_run(sim, HORIZON_DAYS, STEPS_PER_DAY, err);
    /* The visit's duration is that of the plan as a whole (the dose-weighted mean effect of the
     * structures injected): the clinical endpoint (wear-off, the wish to re-treat) follows the
     * bulk of the dose. */
    const bont_readouts_t *ro = rc == 0 ? bont_sim_plan_readouts(sim) : NULL;
    if (rc == 0 && (!ro || !isfinite(ro->duration_days))) {
        bont_error_setf(err, "duration", "the model gives no duration within %d days",
                        HORIZON_DAYS);
        rc = BONT_ENUMERIC;
    }
    if (rc == 0)
        *days = ro->duration_days;
    free(plan.injections);
    bont_sim_free(&sim);
    return rc;
}

int bont_duration_model_or_table(void *ctx, const bont_store_visit_t *visit, double *days,
                                 bont_error_t *err)
{
    bont_error_t ignored;
    bont_duration_model_ctx_t *c = ctx;
    if (c && bont_duration_model(c, visit, days, &ignored) == 0) {
        c->used_table = false;
        return BONT_OK;
    }
    if (c)
        c->used_table = true;
    /* No model duration (a product without an accepted unit ratio, say): the sourced table. */
    return bont_duration_table(NULL, visit, days, err);
}
