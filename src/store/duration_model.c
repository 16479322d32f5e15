/* duration_model.c: the mechanistic model's duration of a stored visit, the expected duration
 * that each patient's personal factor (docs/store.md, personal duration) scales. */
#include <math.h>
#include <string.h>

#include "bont/model.h"
#include "bont/store.h"

/* Long enough for the longest effects (detrusor, sweat glands: 6-12 months). */
#define HORIZON_DAYS  540
#define STEPS_PER_DAY 4

int bont_duration_model(void *ctx, const bont_store_visit_t *visit, double *days, bont_error_t *err)
{
    const bont_duration_model_ctx_t *c = ctx;
    const bont_product_t *product = bont_kb_product(c->kb, visit->vial.product);
    bont_sim_t *sim = NULL;
    double weighted = 0, weight = 0;
    int rc = BONT_OK;
    if (!product) {
        bont_error_setf(err, "product", "unknown product %s", visit->vial.product);
        return BONT_EUNKNOWN;
    }
    bont_serotype_t sero;
    if ((rc = bont_product_serotype(product, &sero, err)) ||
        (rc = bont_sim_new(&sim, c->model, &c->params, err)))
        goto cleanup;
    for (size_t i = 0; i < visit->n_injections; i++) {
        const bont_store_injection_t *inj = &visit->injections[i];
        const bont_muscle_t *m = bont_kb_muscle(c->kb, inj->muscle);
        if (!m) {
            bont_error_setf(err, "muscle", "unknown muscle %s", inj->muscle);
            rc = BONT_EUNKNOWN;
            goto cleanup;
        }
        bont_side_t side = !strcmp(inj->side, "left")    ? BONT_SIDE_LEFT
                           : !strcmp(inj->side, "right") ? BONT_SIDE_RIGHT
                                                         : BONT_SIDE_NONE;
        bont_target_t t;
        bont_dose_t d = {.t_days = 0, .serotype = sero};
        size_t index;
        if ((rc = bont_target_from_muscle(m, side, &t, err)) ||
            (rc = bont_exposure_ona_u(product, inj->units, &d.ona_u, err)) ||
            (rc = bont_sim_target(sim, &t, &index, err)) ||
            (rc = bont_sim_dose(sim, index, &d, err)))
            goto cleanup;
    }
    if ((rc = bont_sim_run(sim, HORIZON_DAYS, STEPS_PER_DAY, err)))
        goto cleanup;
    /* The visit's duration is the units-weighted mean over the structures injected: the
     * clinical endpoint (wear-off, the wish to re-treat) follows the bulk of the dose. */
    for (size_t i = 0; i < bont_sim_n_targets(sim); i++) {
        const bont_sim_result_t *r = bont_sim_result(sim, i);
        if (isnan(r->readouts.duration_days) || !(r->dose_ona_u > 0))
            continue;
        weighted += r->dose_ona_u * r->readouts.duration_days;
        weight += r->dose_ona_u;
    }
    if (!(weight > 0)) {
        bont_error_setf(err, "duration", "the model gives no duration within %d days",
                        HORIZON_DAYS);
        rc = BONT_ENUMERIC;
        goto cleanup;
    }
    *days = weighted / weight;
cleanup:
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
