/* paramfile.h: reads the "parameters" array of a data file (model, spread) into the doubles of a
 * struct: each named parameter once, with its unit, a source and a value the caller accepts. */
#ifndef BONT_MODEL_PARAMFILE_H
#define BONT_MODEL_PARAMFILE_H

#include <jansson.h>
#include <stddef.h>

#include "bont/model.h"

/* Parses text as JSON; on failure err holds filename, line, column and the reason. */
json_t *bont_json_parse_text(const char *text, size_t len, const char *filename, bont_error_t *err);

/* Checks one value of parameter table[i]; returns 0 or a negative bont_errno_t after filling
 * err. */
typedef int (*bont_param_check_fn_t)(size_t i, const char *name, double value, const void *ctx,
                                     bont_error_t *err);

/* Reads root's "parameters" into base. table has n entries, stride bytes apart, each beginning
 * with a bont_param_info_t (name, unit, offset of the double in base). Every parameter must be
 * present exactly once, known, in its unit, with a non-empty source, and pass check. */
int bont_param_array_read(json_t *root, const void *table, size_t n, size_t stride, void *base,
                          bont_param_check_fn_t check, const void *ctx, bont_error_t *err);

#endif
