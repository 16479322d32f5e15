/* paramfile.c: the shared reader of parameter tables in data files (docs/model.md), and of the
 * model's data files through the one data-file reader. */
#include "model/paramfile.h"

#include "kb/datafile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const bont_param_info_t *entry(const void *table, size_t stride, size_t i)
{
    return (const bont_param_info_t *)((const char *)table + i * stride);
}

int bont__param_array_read(json_t *root, const void *table, size_t n, size_t stride, void *base,
                           bont__param_check_fn_t check, const void *ctx, bont_error_t *err)
{
    json_t *arr = json_object_get(root, "parameters");
    if (!json_is_array(arr)) {
        bont_error_setf(err, "parameters", "expected an array \"parameters\"");
        return BONT_EMISSING;
    }
    bool *seen = calloc(n ? n : 1, sizeof *seen);
    if (!seen)
        return BONT_ENOMEM;
    int rc = 0;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64];
        snprintf(path, sizeof path, "parameters[%zu]", i);
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *unit = json_string_value(json_object_get(e, "unit"));
        const char *source = json_string_value(json_object_get(e, "source"));
        json_t *val = json_object_get(e, "value");
        if (!name || !unit || !source || !*source || !json_is_number(val)) {
            bont_error_setf(err, path, "each parameter needs name, value, unit and source");
            rc = BONT_EMISSING;
            goto cleanup;
        }
        size_t k = 0;
        while (k < n && strcmp(entry(table, stride, k)->name, name) != 0)
            k++;
        if (k == n) {
            bont_error_setf(err, path, "unknown parameter \"%s\"", name);
            rc = BONT_EUNKNOWN;
            goto cleanup;
        }
        const bont_param_info_t *info = entry(table, stride, k);
        if (seen[k]) {
            bont_error_setf(err, path, "parameter \"%s\" given twice", name);
            rc = BONT_ECONFLICT;
            goto cleanup;
        }
        if (strcmp(unit, info->unit) != 0) {
            bont_error_setf(err, path, "unit of %s must be \"%s\" (got \"%s\")", name, info->unit,
                            unit);
            rc = BONT_ERANGE;
            goto cleanup;
        }
        double v = json_number_value(val);
        if (check && (rc = check(k, name, v, ctx, err)) != 0)
            goto cleanup;
        seen[k] = true;
        *(double *)((char *)base + info->offset) = v;
    }
    for (size_t k = 0; k < n; k++)
        if (!seen[k]) {
            bont_error_setf(err, "parameters", "parameter \"%s\" is missing",
                            entry(table, stride, k)->name);
            rc = BONT_EMISSING;
            goto cleanup;
        }
cleanup:
    free(seen);
    return rc;
}

int bont__model_data_read(const char *text, size_t len, const char *filename, const char *path,
                          const char *name, bont__from_root_fn_t from_root, void *out,
                          bont_error_t *err)
{
    json_t *root = NULL;
    int rc = text   ? bont__data_parse(text, len, filename, &root, err)
             : path ? bont__data_file(path, &root, err)
                    : bont__data_embedded(name, &root, err);
    if (rc == 0 && (rc = from_root(root, out, err)) != 0 && err) {
        /* The table's errors name the file they are in. */
        if (text || path)
            snprintf(err->file, sizeof err->file, "%s", text ? (filename ? filename : "") : path);
        else
            snprintf(err->file, sizeof err->file, "data/%s", name);
    }
    json_decref(root);
    return rc;
}
