/* json.h: parsing JSON text with jansson so that running out of memory is told apart from
 * malformed text: jansson reports most allocation failures inside its parser as syntax errors,
 * and ignores some (a string then loses its end without an error). */
#ifndef BONT_UTIL_JSON_H
#define BONT_UTIL_JSON_H

#include <jansson.h>
#include <stddef.h>

/* json_loadb(text, len, flags, jerr), returning 0 and *root, BONT_EPARSE (jerr says where and
 * why) or BONT_ENOMEM when any allocation failed during the parse (then *root is NULL, even if
 * jansson returned a document). The first call wraps jansson's allocation function, once for the
 * process, with one that notes failures per thread (calling the function set before, jansson's
 * own or a program's); a program that sets its own afterwards loses only this distinction. */
int bont__json_load(const char *text, size_t len, size_t flags, json_t **root, json_error_t *jerr);

#endif
