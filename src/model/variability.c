/* variability.c: between-patient variability of the model parameters (data/variability.json):
 * read, checked, and applied to the median parameters for one patient's deviates. */
#include "bont/population.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/paramfile.h"

#define MAX_VAR       32 /* deviates of data/variability.json */
#define MAX_PER_ENTRY 8  /* parameters moved by one deviate */

typedef struct var_entry_t {
    char name[64];
    double sd;
    bool logit;
    size_t n_params;
    size_t offset[MAX_PER_ENTRY]; /* byte offsets into bont_params_t */
} var_entry_t;

struct bont_variability_t {
    var_entry_t e[MAX_VAR];
    size_t n;
};

static const bont_param_info_t *param_named(const char *name)
{
    size_t n;
    const bont_param_info_t *t = bont_params_table(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

/* Reads the entries of data/variability.json; every parameter must be moved by one entry at
 * most. */
static int variability_from_root(json_t *root, void *outp, bont_error_t *err)
{
    bont_variability_t **out = outp;
    int rc = 0;
    bont_variability_t *v = calloc(1, sizeof *v);
    json_t *arr = json_object_get(root, "parameters");
    if (!v) {
        bont_error_setf(err, NULL, "out of memory");
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    if (!json_is_array(arr) || json_array_size(arr) > MAX_VAR) {
        bont_error_setf(err, "parameters", "expected an array \"parameters\" of at most %d entries",
                        MAX_VAR);
        rc = BONT_EMISSING;
        goto cleanup;
    }
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64];
        snprintf(path, sizeof path, "parameters[%zu]", i);
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *source = json_string_value(json_object_get(e, "source"));
        const char *transform = json_string_value(json_object_get(e, "transform"));
        json_t *sd = json_object_get(e, "sd"), *params = json_object_get(e, "params");
        if (!name || !*name || !source || !*source || !json_is_number(sd) ||
            !json_is_array(params) || json_array_size(params) == 0) {
            bont_error_setf(err, path,
                            "each entry needs name, sd, params (a non-empty array of "
                            "parameter names) and source");
            rc = BONT_EMISSING;
            goto cleanup;
        }
        var_entry_t *ve = &v->e[v->n++];
        snprintf(ve->name, sizeof ve->name, "%s", name);
        ve->sd = json_number_value(sd);
        if (!isfinite(ve->sd) || ve->sd < 0.0 || ve->sd > 3.0) {
            bont_error_setf(err, path, "sd of %s must be a number from 0 to 3 (got %g)", name,
                            ve->sd);
            rc = BONT_ERANGE;
            goto cleanup;
        }
        if (transform && strcmp(transform, "logit") == 0)
            ve->logit = true;
        else if (transform && strcmp(transform, "log") != 0) {
            bont_error_setf(err, path, "transform must be \"log\" or \"logit\" (got \"%s\")",
                            transform);
            rc = BONT_ERANGE;
            goto cleanup;
        }
        size_t j;
        json_t *pn;
        json_array_foreach(params, j, pn)
        {
            const bont_param_info_t *info = param_named(json_string_value(pn));
            if (!info || j >= MAX_PER_ENTRY) {
                bont_error_setf(err, path, "%s: unknown model parameter \"%s\" (or more than %d)",
                                name, json_string_value(pn) ? json_string_value(pn) : "",
                                MAX_PER_ENTRY);
                rc = BONT_EUNKNOWN;
                goto cleanup;
            }
            for (size_t k = 0; k + 1 < v->n; k++)
                for (size_t m = 0; m < v->e[k].n_params; m++)
                    if (v->e[k].offset[m] == info->offset) {
                        bont_error_setf(err, path, "%s is moved by two entries (%s and %s)",
                                        info->name, v->e[k].name, name);
                        rc = BONT_ECONFLICT;
                        goto cleanup;
                    }
            ve->offset[ve->n_params++] = info->offset;
        }
    }
    *out = v;
    v = NULL;
cleanup:
    free(v);
    return rc;
}

int bont_variability_parse(bont_variability_t **out, const char *text, size_t len,
                           const char *filename, bont_error_t *err)
{
    *out = NULL;
    return bont__model_data_read(text ? text : "", len, filename, NULL, NULL, variability_from_root,
                                 out, err);
}

int bont_variability_load(bont_variability_t **out, bont_error_t *err)
{
    *out = NULL;
    return bont__model_data_read(NULL, 0, NULL, NULL, "variability.json", variability_from_root,
                                 out, err);
}

int bont_variability_load_file(bont_variability_t **out, const char *path, bont_error_t *err)
{
    *out = NULL;
    if (!path) {
        bont_error_setf(err, NULL, "no variability file given");
        return BONT_EINVAL;
    }
    return bont__model_data_read(NULL, 0, NULL, path, NULL, variability_from_root, out, err);
}

void bont_variability_free(bont_variability_t **v)
{
    if (v) {
        free(*v);
        *v = NULL;
    }
}

size_t bont_variability_n_random(const bont_variability_t *v)
{
    return v ? v->n : 0;
}

const char *bont_variability_name(const bont_variability_t *v, size_t i)
{
    return v && i < v->n ? v->e[i].name : NULL;
}

double *bont_variability_sd(bont_variability_t *v, size_t i)
{
    return v && i < v->n ? &v->e[i].sd : NULL;
}

void bont_variability_apply(const bont_variability_t *v, const bont_params_t *median,
                            const double *z, bont_params_t *out)
{
    *out = *median;
    for (size_t i = 0; v && i < v->n; i++) {
        const var_entry_t *ve = &v->e[i];
        for (size_t j = 0; j < ve->n_params; j++) {
            double *f = (double *)((char *)out + ve->offset[j]);
            if (ve->logit) {
                double m = fmin(fmax(*f, 1e-12), 1.0 - 1e-12);
                *f = 1.0 / (1.0 + exp(-(log(m / (1.0 - m)) + ve->sd * z[i])));
            } else {
                *f *= exp(ve->sd * z[i]);
            }
        }
    }
}
