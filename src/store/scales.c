/* scales.c: outcome scale ids and score ranges, read from data/outcome-scales.json. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/internal.h"

/* The "scales" array of data/outcome-scales.json (owned by the caller), or NULL. */
static json_t *load_scales(bont_error_t *err)
{
    json_t *root = bont__store_data("outcome-scales.json", err);
    json_t *scales = root ? json_object_get(root, "scales") : NULL;
    if (root && !json_is_array(scales))
        bont_error_setf(err, NULL, "data/outcome-scales.json has no \"scales\" array");
    scales = json_is_array(scales) ? json_incref(scales) : NULL;
    json_decref(root);
    return scales;
}

static int name_matches(json_t *scale, const char *name)
{
    const char *id = json_string_value(json_object_get(scale, "id"));
    if (id && strcasecmp(id, name) == 0)
        return 1;
    size_t i;
    json_t *alias;
    json_array_foreach(json_object_get(scale, "aliases"), i, alias)
    {
        if (json_is_string(alias) && strcasecmp(json_string_value(alias), name) == 0)
            return 1;
    }
    return 0;
}

static int score_allowed(json_t *scale, double score)
{
    json_t *allowed = json_object_get(scale, "allowed");
    if (json_is_array(allowed)) {
        size_t i;
        json_t *v;
        json_array_foreach(allowed, i, v)
        {
            if (fabs(json_number_value(v) - score) < 1e-9)
                return 1;
        }
        return 0;
    }
    double step = json_number_value(json_object_get(scale, "step"));
    if (step > 0) {
        double k = score / step;
        return fabs(k - round(k)) < 1e-9;
    }
    return 1;
}

int bont_store_scale_check(char *scale, size_t scale_size, double score, bont_error_t *err)
{
    int ret = 0;
    json_t *scales = NULL;
    if (!scale || !*scale) {
        bont_error_setf(err, "--scale", "give the outcome scale");
        return BONT_EMISSING;
    }
    if (!isfinite(score)) {
        bont_error_setf(err, "--score", "the score must be a number");
        return BONT_ERANGE;
    }
    /* A clinic's own measure lives in the "local:" namespace so that it can never be confused
     * with a standard scale of the same name. */
    if (strncmp(scale, "local:", 6) == 0) {
        if (scale[6] == '\0' || strpbrk(scale + 6, " \t\n")) {
            bont_error_setf(err, "--scale",
                            "a local scale needs a name without spaces after "
                            "\"local:\" (got \"%s\")",
                            scale);
            return BONT_EINVAL;
        }
        return 0;
    }
    if (!(scales = load_scales(err)))
        return BONT_EKB;
    size_t i;
    json_t *s, *found = NULL;
    json_array_foreach(scales, i, s)
    {
        if (name_matches(s, scale))
            found = s;
    }
    if (!found) {
        char known[256] = "";
        size_t n = 0;
        json_array_foreach(scales, i, s)
        {
            int w = snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "",
                             json_string_value(json_object_get(s, "id")));
            if (w > 0 && (size_t)w < sizeof known - n)
                n += (size_t)w;
        }
        bont_error_setf(err, "--scale",
                        "unknown scale \"%s\": known scales are %s, or "
                        "local:NAME for a clinic's own",
                        scale, known);
        ret = BONT_EUNKNOWN;
        goto cleanup;
    }
    snprintf(scale, scale_size, "%s", json_string_value(json_object_get(found, "id")));
    double lo = json_number_value(json_object_get(found, "score_min"));
    double hi = json_number_value(json_object_get(found, "score_max"));
    if (score < lo || score > hi || !score_allowed(found, score)) {
        bont_error_setf(err, "--score", "%g is not a %s score (%s; %g to %g)", score, scale,
                        json_string_value(json_object_get(found, "name")), lo, hi);
        ret = BONT_ERANGE;
    }
cleanup:
    json_decref(scales);
    return ret;
}

int bont_store_score_parse(const char *text, double *score, bont_error_t *err)
{
    char *end = NULL;
    if (!text || !*text) {
        bont_error_setf(err, "--score", "give the score");
        return BONT_EMISSING;
    }
    double v = strtod(text, &end);
    /* "1+" is the modified Ashworth grade between 1 and 2; stored as 1.5 by convention. */
    if (end && strcmp(end, "+") == 0 && v == 1.0)
        v = 1.5;
    else if (end == text || (end && *end)) {
        bont_error_setf(err, "--score", "must be a number (got \"%s\")", text);
        return BONT_EPARSE;
    }
    *score = v;
    return 0;
}
