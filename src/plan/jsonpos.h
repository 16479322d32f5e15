/* jsonpos.h: finds where a value sits in JSON text, for error messages (jansson keeps no
 * positions for values). */
#ifndef BONT_PLAN_JSONPOS_H
#define BONT_PLAN_JSONPOS_H

#include <stddef.h>

/* Finds the value at path ("injections[1].units", "patient.age_years", "" for the root) in the
 * valid JSON text, and writes its 1-based line and column (in characters). When a key is
 * missing, the position of the closest enclosing value is given. Returns 0 when the full path
 * was found, -1 otherwise. */
int bont__json_position(const char *text, size_t len, const char *path, int *line, int *column);

/* The line and column of every element of the array at path ("injections") in one pass over
 * the text, so that n elements cost O(length of the text), not n look-ups of O(length) each:
 * lines[i] and columns[i] for the first n elements (entries past the last element found are
 * left alone). Returns how many elements were found, or -1 when path is not an array. */
long bont__json_element_positions(const char *text, size_t len, const char *path, size_t n,
                                  int *lines, int *columns);

#endif
