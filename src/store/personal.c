/* personal.c: each patient's duration of effect learnt from their recorded wear-off dates
 * (a conjugate normal posterior of a log-scale factor; docs/store.md#personal-duration), and
 * the list of patients due for their next visit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

static const char PRIOR_FILE[] = "duration-prior.json";

int bont_duration_prior_load(bont_duration_prior_t *prior, bont_error_t *err)
{
    json_t *root = bont__store_data(PRIOR_FILE, err);
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
    json_t *root = bont__store_data(PRIOR_FILE, err);
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
    if (bont__store_day(today, &today_day) != 0) {
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
    /* Every visit whose wear-off was recorded is one observation of this patient's factor. */
    for (size_t i = 0; i < rec->n_visits; i++) {
        const bont_store_visit_t *v = &rec->visits[i];
        long d0, d1;
        if (!v->wore_off_date[0] || bont__store_day(v->date, &d0) != 0 ||
            bont__store_day(v->wore_off_date, &d1) != 0 || d1 <= d0)
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
    bont__store_day(last->date, &start);
    if (last->wore_off_date[0] && bont__store_day(last->wore_off_date, &end) == 0) {
        out->observed = true;
    } else {
        end = start + lround(out->personal_days);
    }
    bont__store_format_day(end, out->wear_off_date);
    out->days_left = end - today_day;
cleanup:
    free(obs);
    free(exp_days);
    return ret;
}

static int by_wear_off(const void *a, const void *b)
{
    const bont_due_t *x = a, *y = b;
    if (x->days_left != y->days_left)
        return x->days_left < y->days_left ? -1 : 1;
    return x->patient_id < y->patient_id ? -1 : x->patient_id > y->patient_id;
}

int bont_store_due(bont_store_t *store, bont_duration_fn_t duration, void *ctx,
                   const bont_duration_prior_t *prior, const char *today, int within_days,
                   bont_due_t **out, size_t *n, bont_error_t *err)
{
    bont_store_patient_t *patients = NULL;
    bont_store_record_t *rec = NULL;
    bont_due_t *list = NULL;
    size_t n_patients = 0, count = 0;
    int ret;
    *out = NULL;
    *n = 0;
    if (within_days < 0) {
        bont_error_setf(err, "--within", "must be 0 or more days (got %d)", within_days);
        return BONT_ERANGE;
    }
    if ((ret = bont_store_patient_list(store, &patients, &n_patients, err)) != 0)
        return ret;
    if (n_patients && !(list = calloc(n_patients, sizeof *list))) {
        ret = BONT_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n_patients; i++) {
        if ((ret = bont_store_record_load(store, patients[i].id, &rec, err)) != 0)
            goto cleanup;
        if (rec->n_visits > 0) {
            ret = bont_store_predict(rec, duration, ctx, prior, today, &list[count], err);
            if (ret != 0)
                goto cleanup;
            if (list[count].days_left <= within_days)
                count++;
        }
        bont_store_record_free(&rec);
    }
    qsort(list, count, sizeof *list, by_wear_off);
    *out = list;
    *n = count;
    list = NULL;
cleanup:
    bont_store_record_free(&rec);
    free(patients);
    free(list);
    return ret;
}
