/* thresholds.c: the thresholds of the clinical readouts (data/readout-thresholds.json,
 * docs/model.md section 8): the perceptible effect and the response by indication. */
#include "bont/model.h"

#include "model/paramfile.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
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
