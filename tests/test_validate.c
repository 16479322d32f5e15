/* test_validate.c: `bont validate` (docs/model.md 12.6) against its oracle, the Python reference
 * (bench/reference/bont_v2.py validate --json): every dataset of data/calibration.json, check by
 * check. Checks on the median patient or a closed form must give the same prediction (relative
 * 1e-3, the two integrate the same scheme in double precision) and the same status. Checks on a
 * population (different random numbers on each side) may differ by the Monte Carlo error of the
 * two runs combined, stated per metric below, and only there may the status differ. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "bont/model.h"
#include "reference.h"
#include "test.h"

static bool is_share(const char *m)
{
    return !strcmp(m, "risk") || !strcmp(m, "responders_at") || !strcmp(m, "noticeable_share_by");
}

/* The difference two independent populations may show on a check (percent, or the check's own
 * unit): for a share p of n patients 1.96 x sqrt(2 p (1 - p) / n) plus one patient on each side;
 * for medians, means and their ratios 4 % of the value plus 0.1 (the sampling error of a median
 * of 2000 patients whose readout has a CV of 0.3 is about 1 %, of a ratio of two such medians
 * about 1.5 %; the bound leaves room for the heavier tails of durations). */
static double mc_interval(const char *metric, double n, double ref)
{
    if (is_share(metric)) {
        double p = fmin(fmax(ref / 100.0, 0.0), 1.0);
        return 100.0 * (1.96 * sqrt(2.0 * p * (1.0 - p) / n) + 2.0 / n);
    }
    return 0.04 * fabs(ref) + 0.1;
}

/* The status as the reference spells it ("not_modelled"). */
static const char *status_of(bont_val_status_t s)
{
    return s == BONT_VAL_NOT_MODELLED ? "not_modelled" : bont_val_status_name(s);
}

TEST_TIMEOUT(validate_matches_reference, 1200)
{
    if (!bont_test_have_scipy())
        return;
    bont_kb_t *kb = NULL;
    bont_params_t params;
    bont_error_t e;
    bont_validation_t *v = NULL;
    CHECK_INT(bont_kb_load(&kb, &e), 0);
    CHECK_INT(bont_params_load(&params, &e), 0);
    CHECK_INT(bont_validation_run(kb, &params, NULL, &v, &e), 0);
    json_t *ref =
        bont_test_reference_json("/usr/bin/python3 bench/reference/bont_v2.py validate --json");
    if (!v || !ref) {
        json_decref(ref);
        bont_validation_free(&v);
        bont_kb_free(&kb);
        return;
    }
    json_t *rds = json_object_get(ref, "datasets");
    CHECK_INT((int)json_array_size(rds), (int)v->n_datasets);
    int n_same = 0, n_pop = 0, n_pop_status = 0, ref_pass = 0, ref_fail = 0;
    double worst_exact = 0.0;
    for (size_t i = 0; i < v->n_datasets && i < json_array_size(rds); i++) {
        const bont_val_dataset_t *ds = &v->datasets[i];
        json_t *rd = json_array_get(rds, i);
        CHECK_STR(ds->id, json_string_value(json_object_get(rd, "id")));
        json_t *rc = json_object_get(rd, "checks");
        CHECK_INT((int)json_array_size(rc), (int)ds->n_checks);
        for (size_t k = 0; k < ds->n_checks && k < json_array_size(rc); k++) {
            const bont_val_check_t *c = &ds->checks[k];
            json_t *r = json_array_get(rc, k);
            const char *rstatus = json_string_value(json_object_get(r, "status"));
            const char *metric = json_string_value(json_object_get(r, "metric"));
            json_t *rp = json_object_get(r, "predicted");
            bool pop = json_is_number(json_object_get(r, "patients"));
            ref_pass += !strcmp(rstatus, "PASS");
            ref_fail += !strcmp(rstatus, "FAIL");
            /* A ratio of population checks is a population check too. */
            if (metric && !strcmp(metric, "ratio_of"))
                for (size_t q = 0; q < json_array_size(rc); q++)
                    pop |= json_is_number(json_object_get(json_array_get(rc, q), "patients"));
            bool same_status = !strcmp(status_of(c->status), rstatus);
            if (!json_is_number(rp)) {
                /* null: not computed; "inf": beyond the horizon */
                bool ok = json_is_string(rp) ? isinf(c->predicted) : !isfinite(c->predicted);
                CHECK_MSG(ok && same_status, "%s/%s: C %g (%s), reference %s (%s)", ds->id, c->id,
                          c->predicted, status_of(c->status), json_is_string(rp) ? "inf" : "null",
                          rstatus);
                n_same += ok && same_status;
                continue;
            }
            double p = json_number_value(rp), d = fabs(c->predicted - p);
            if (!pop) {
                double rel = d / fmax(fabs(p), 1e-9);
                if (rel < 1.0 && d > 1e-9)
                    worst_exact = fmax(worst_exact, rel);
                CHECK_MSG((rel <= 1e-3 || d <= 1e-6) && same_status,
                          "%s/%s (%s): C %.6g (%s), reference %.6g (%s)", ds->id, c->id,
                          metric ? metric : "-", c->predicted, status_of(c->status), p, rstatus);
                n_same++;
                continue;
            }
            double n = json_is_number(json_object_get(r, "patients"))
                           ? json_number_value(json_object_get(r, "patients"))
                           : 2000.0;
            double tol = mc_interval(metric ? metric : "", n, p);
            n_pop++;
            n_pop_status += !same_status;
            CHECK_MSG(d <= tol,
                      "%s/%s (%s, %g patients): C %.4g, reference %.4g, beyond the Monte "
                      "Carlo interval %.3g",
                      ds->id, c->id, metric, n, c->predicted, p, tol);
            if (!same_status)
                printf("    %s/%s (%s): C %.4g %s, reference %.4g %s (within %.3g: Monte Carlo)\n",
                       ds->id, c->id, metric, c->predicted, status_of(c->status), p, rstatus, tol);
        }
    }
    printf("    bont validate against bont_v2.py validate: %d checks the same (largest relative "
           "difference %.1e), %d population checks within their Monte Carlo intervals (%d with "
           "another status); C %zu passed %zu failed, reference %d passed %d failed\n",
           n_same, worst_exact, n_pop, n_pop_status, v->n_pass, v->n_fail, ref_pass, ref_fail);
    json_decref(ref);
    bont_validation_free(&v);
    bont_kb_free(&kb);
}
