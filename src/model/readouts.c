/* readouts.c: readouts of an effect time course (docs/model.md section 8) and their thresholds
 * (data/readout-thresholds.json: the perceptible effect and the response by indication). */
#include "bont/model.h"

#include "model/paramfile.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A threshold entry: threshold_pct in (0, 100), a status and a non-empty source. */
static int read_pct(json_t *e, const char *path, double *out, bont_error_t *err)
{
    json_t *v = json_object_get(e, "threshold_pct");
    const char *source = json_string_value(json_object_get(e, "source"));
    const char *status = json_string_value(json_object_get(e, "status"));
    if (!json_is_object(e) || !json_is_number(v) || !source || !*source || !status || !*status) {
        bont_error_setf(err, path, "expected an object with threshold_pct, status and source");
        return BONT_EMISSING;
    }
    double pct = json_number_value(v);
    if (!(pct > 0.0 && pct < 100.0)) {
        bont_error_setf(err, path, "threshold_pct must be between 0 and 100 (got %g)", pct);
        return BONT_ERANGE;
    }
    *out = pct;
    return 0;
}

static int thresholds_from_root(json_t *root, void *outp, bont_error_t *err)
{
    bont_readout_thresholds_t t;
    memset(&t, 0, sizeof t);
    int rc = read_pct(json_object_get(root, "perceptible"), "perceptible", &t.perceptible_pct, err);
    if (rc)
        return rc;
    json_t *arr = json_object_get(root, "response");
    if (!json_is_array(arr)) {
        bont_error_setf(err, "response", "expected an array \"response\"");
        return BONT_EMISSING;
    }
    bool have_default = false;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64];
        snprintf(path, sizeof path, "response[%zu]", i);
        const char *ind = json_string_value(json_object_get(e, "indication"));
        double pct;
        if (!ind || !*ind) {
            bont_error_setf(err, path, "each response threshold needs an indication id");
            return BONT_EMISSING;
        }
        if ((rc = read_pct(e, path, &pct, err)) != 0)
            return rc;
        if (strcmp(ind, "default") == 0) {
            have_default = true;
            t.response_default = pct;
            continue;
        }
        if (t.n_response == BONT_READOUT_MAX_RESPONSE ||
            strlen(ind) >= sizeof t.response[0].indication) {
            bont_error_setf(err, path, "too many response thresholds or indication id too long");
            return BONT_ERANGE;
        }
        for (size_t k = 0; k < t.n_response; k++)
            if (strcmp(t.response[k].indication, ind) == 0) {
                bont_error_setf(err, path, "indication \"%s\" given twice", ind);
                return BONT_ECONFLICT;
            }
        snprintf(t.response[t.n_response].indication, sizeof t.response[0].indication, "%s", ind);
        t.response[t.n_response++].pct = pct;
    }
    if (!have_default) {
        bont_error_setf(err, "response",
                        "a response threshold for indication \"default\" is needed");
        return BONT_EMISSING;
    }
    *(bont_readout_thresholds_t *)outp = t;
    return 0;
}

int bont_readout_thresholds_parse(bont_readout_thresholds_t *out, const char *text, size_t len,
                                  const char *filename, bont_error_t *err)
{
    return bont__model_data_read(text ? text : "", len, filename, NULL, NULL, thresholds_from_root,
                                 out, err);
}

int bont_readout_thresholds_load(bont_readout_thresholds_t *out, bont_error_t *err)
{
    return bont__model_data_read(NULL, 0, NULL, NULL, "readout-thresholds.json",
                                 thresholds_from_root, out, err);
}

double bont_readout_response_pct(const bont_readout_thresholds_t *t, const char *indication)
{
    if (indication)
        for (size_t k = 0; k < t->n_response; k++)
            if (strcmp(t->response[k].indication, indication) == 0)
                return t->response[k].pct;
    return t->response_default;
}

/* ---- Readouts of a time course ----------------------------------------------------------------
 */

/* Crossing times are interpolated linearly between samples (section 8). */

/* First time at or after sample k0 where e >= thr; NAN if never. */
static double first_up(const double *t, const double *e, size_t n, size_t k0, double thr)
{
    for (size_t k = k0; k <= n; k++)
        if (e[k] >= thr) {
            if (k > k0 && e[k] > e[k - 1])
                return t[k - 1] + (thr - e[k - 1]) / (e[k] - e[k - 1]) * (t[k] - t[k - 1]);
            return t[k];
        }
    return NAN;
}

/* First time after sample k where e < thr; INFINITY if never. */
static double first_down(const double *t, const double *e, size_t n, size_t k, double thr)
{
    for (size_t i = k + 1; i <= n; i++)
        if (e[i] < thr) {
            double frac = e[i - 1] > e[i] ? (e[i - 1] - thr) / (e[i - 1] - e[i]) : 0.0;
            return t[i - 1] + frac * (t[i] - t[i - 1]);
        }
    return INFINITY;
}

void bont_readouts_at(const double *t, const double *e, size_t n, double t0_day,
                      double perceptible_frac, double response_frac, bont_readouts_t *out)
{
    out->onset_day = out->peak_day = out->duration_days = NAN;
    out->noticeable_onset_day = out->response_duration_days = NAN;
    out->peak_effect_pct = 0.0;
    if (!t || !e)
        return;
    size_t k0 = 0; /* the sample nearest t0 */
    for (size_t k = 1; k <= n; k++)
        if (fabs(t[k] - t0_day) < fabs(t[k0] - t0_day))
            k0 = k;
    size_t kp = k0;
    for (size_t k = k0; k <= n; k++)
        if (e[k] > e[kp])
            kp = k;
    double peak = e[kp];
    out->peak_effect_pct = 100.0 * peak;
    if (perceptible_frac > 0.0)
        out->noticeable_onset_day = first_up(t, e, n, k0, perceptible_frac) - t0_day;
    if (response_frac > 0.0) {
        double up = first_up(t, e, n, k0, response_frac);
        if (!isnan(up)) {
            size_t k_up = k0;
            while (k_up < n && t[k_up] < up)
                k_up++;
            out->response_duration_days =
                first_down(t, e, n, k_up > 0 ? k_up - 1 : 0, response_frac) - up;
        }
    }
    /* Below 0.05 % there is nothing the peak-relative readouts could describe. */
    if (!(peak >= 5e-4))
        return;
    out->peak_day = t[kp] - t0_day;
    out->onset_day = first_up(t, e, n, k0, 0.25 * peak) - t0_day;
    double down = first_down(t, e, n, kp, 0.5 * peak);
    out->duration_days = isinf(down) ? NAN : down - t0_day;
}

void bont_readouts_compute(const double *e, size_t n, int spd, double t0_day, bont_readouts_t *out)
{
    out->onset_day = out->peak_day = out->duration_days = NAN;
    out->noticeable_onset_day = out->response_duration_days = NAN;
    out->peak_effect_pct = 0.0;
    size_t k0 = (size_t)floor(t0_day * spd + 0.5);
    if (!e || spd < 1 || k0 > n)
        return;
    double *t = malloc((n + 1) * sizeof *t);
    if (!t)
        return;
    for (size_t k = 0; k <= n; k++)
        t[k] = (double)k / spd;
    bont_readouts_at(t, e, n, t0_day, 0.0, 0.0, out);
    free(t);
}
