/* due.c: the patients due for their next visit: each one's latest visit, with its wear-off
 * predicted by the personal duration model (bont/personal.h). */
#include <stdlib.h>

#include "store/internal.h"

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
    if (n_patients && !(list = bont__store_calloc(n_patients, sizeof *list))) {
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
