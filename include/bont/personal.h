/* bont/personal.h: each patient's duration of effect, learnt from their recorded wear-off dates,
 * and the predicted wear-off of their latest visit (docs/store.md#personal-duration). */
#ifndef BONT_PERSONAL_H
#define BONT_PERSONAL_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"
#include "bont/kb.h"
#include "bont/model.h"

/* The records the model reads (defined in bont/store.h). */
typedef struct bont_store_visit_t bont_store_visit_t;
typedef struct bont_store_record_t bont_store_record_t;

/* Model: for visit i of a patient, log(observed_days_i) = log(expected_days_i) + b + e_i, where
 * expected_days_i is the population duration (from the model, or data/duration-prior.json),
 * b ~ N(0, tau^2) is the patient's log-scale duration factor and e_i ~ N(0, sigma^2) is
 * visit-to-visit noise. The posterior of b given n recorded wear-off dates is normal
 * (conjugate): precision = 1/tau^2 + n/sigma^2, mean = (sum of log(observed/expected) / sigma^2)
 * / precision. The personal duration of the next visit is expected_days * exp(mean), the
 * posterior median of its duration. */

typedef struct bont_duration_prior_t {
    double tau;   /* SD of the log factor between patients */
    double sigma; /* SD of log duration from visit to visit within one patient */
} bont_duration_prior_t;

typedef struct bont_duration_post_t {
    double mean;   /* posterior mean of the log factor b */
    double sd;     /* posterior SD of b */
    double factor; /* exp(mean): how much longer than average this patient's effect lasts */
    size_t n_obs;  /* wear-off dates it rests on */
} bont_duration_post_t;

/* Expected (population) duration of one visit's effect, in days. The model plugs in here; ctx
 * is passed through. Returns 0 or a negative bont_errno_t. */
typedef int (*bont_duration_fn_t)(void *ctx, const bont_store_visit_t *visit, double *days,
                                  bont_error_t *err);

/* The prior from data/duration-prior.json. */
int bont_duration_prior_load(bont_duration_prior_t *prior, bont_error_t *err);

/* The population duration from data/duration-prior.json for the visit's indication and product
 * (a bont_duration_fn_t; ctx is unused). The fallback until the model gives one. */
int bont_duration_table(void *ctx, const bont_store_visit_t *visit, double *days,
                        bont_error_t *err);

/* The mechanistic model's duration for a visit (bont_duration_model): the median patient's
 * time until the effect falls below half its peak, weighted by units over the structures
 * injected. ctx is a bont_duration_model_ctx_t. */
typedef struct bont_duration_model_ctx_t {
    const bont_kb_t *kb;       /* borrowed */
    const bont_model_t *model; /* borrowed, e.g. bont_model_bont */
    bont_params_t params;      /* the model's parameters (copied) */
    bool used_table;           /* set by bont_duration_model_or_table: the last duration came
                                  from the table, not the model */
} bont_duration_model_ctx_t;

int bont_duration_model(void *ctx, const bont_store_visit_t *visit, double *days,
                        bont_error_t *err);
/* The model's duration, or the table's when the model gives none (ctx may be NULL). */
int bont_duration_model_or_table(void *ctx, const bont_store_visit_t *visit, double *days,
                                 bont_error_t *err);

/* Posterior of the log factor from n pairs of observed and expected durations (days > 0). */
int bont_duration_posterior(const bont_duration_prior_t *prior, const double *observed_days,
                            const double *expected_days, size_t n, bont_duration_post_t *out,
                            bont_error_t *err);

/* When a patient's latest visit is predicted to wear off. */
typedef struct bont_due_t {
    long long patient_id;
    char name[128];
    long long visit_id; /* the latest visit; 0 when the patient has none */
    char visit_date[11];
    char indication[64];
    char product[64];
    double expected_days; /* expected duration of the latest visit (model or table) */
    char basis[8];        /* where expected_days comes from: "model", "table" or "custom" */
    double personal_days; /* expected_days * post.factor */
    bont_duration_post_t post;
    char wear_off_date[11]; /* predicted (or recorded, when observed) */
    bool observed;          /* the wear-off of the latest visit is already recorded */
    long days_left;         /* wear_off_date - today; negative when past */
} bont_due_t;

/* Predicts the wear-off of rec's latest visit. duration is the population duration function
 * (NULL: bont_duration_table). today is YYYY-MM-DD. A recorded wear-off date after today is
 * not an observation (it cannot have been seen yet) and is ignored. BONT_ENOTFOUND when there
 * is no visit. */
int bont_store_predict(const bont_store_record_t *rec, bont_duration_fn_t duration, void *ctx,
                       const bont_duration_prior_t *prior, const char *today, bont_due_t *out,
                       bont_error_t *err);

#endif
