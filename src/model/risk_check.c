/* risk_check.c: the side-effect risks bont check shows beside its findings, in one place for
 * the command and the web server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/spread.h"

int bont_risk_check(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                    int threads, bont_risk_cache_t *cache, bont_risk_list_t *out, bont_error_t *err)
{
    memset(out, 0, sizeof *out);
    bont_error_t why;
    bont_error_clear(&why);
    bont_spread_t *own = NULL;
    bont_risk_opts_t opts = {
        .n_patients = BONT_RISK_CHECK_PATIENTS, .seed = 1, .threads = threads, .cache = cache};
    int rc = sp ? 0 : bont_spread_load(&own, &why);
    if (rc == 0)
        rc = bont_risk_plan(kb, plan, sp ? sp : own, &opts, &out->risks, &out->n, &why);
    bont_spread_free(&own);
    out->n_patients = opts.n_patients;
    if (rc == BONT_ENOMEM) {
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
