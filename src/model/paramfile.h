/* paramfile.h: reads the "parameters" array of a data file (model, spread) into the doubles of a
 * struct: each named parameter once, with its unit, a source and a value the caller accepts; and
 * the one way a model data file is read (text, embedded copy or file). */
#ifndef BONT_MODEL_PARAMFILE_H
#define BONT_MODEL_PARAMFILE_H

#include <jansson.h>
#include <stddef.h>

#include "bont/model.h"

/* Checks one value of parameter table[i]; returns 0 or a negative bont_errno_t after filling
 * err. */
typedef int (*bont__param_check_fn_t)(size_t i, const char *name, double value, const void *ctx,
                                      bont_error_t *err);

/* Reads root's "parameters" into base. table has n entries, stride bytes apart, each beginning
 * with a bont_param_info_t (name, unit, offset of the double in base). Every parameter must be
 * present exactly once, known, in its unit, with a non-empty source, and pass check. */
int bont__param_array_read(json_t *root, const void *table, size_t n, size_t stride, void *base,
                           bont__param_check_fn_t check, const void *ctx, bont_error_t *err);

/* Builds a T from a data file's root object; returns 0 or a negative bont_errno_t. */
typedef int (*bont__from_root_fn_t)(json_t *root, void *out, bont_error_t *err);

/* Reads a model data file and builds out from it with from_root: from text (filename for
 * messages) when text is not NULL, else from path when path is not NULL, else the embedded copy
 * of data/name. */
int bont__model_data_read(const char *text, size_t len, const char *filename, const char *path,
                          const char *name, bont__from_root_fn_t from_root, void *out,
                          bont_error_t *err);

#endif
