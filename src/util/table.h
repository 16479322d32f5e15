/* table.h: aligned text tables for terminal output (CJK-aware column widths). */
#ifndef BONT_UTIL_TABLE_H
#define BONT_UTIL_TABLE_H

#include <stdio.h>

typedef struct bont_table_t bont_table_t;

/* A table with n_cols columns; align is a string of 'l'/'r' per column. Returns NULL when out of
 * memory. */
bont_table_t *bont_table_new(int n_cols, const char *align);

/* Adds a row; cells are copied. The first row added is the header. */
int bont_table_row(bont_table_t *t, const char *const *cells);

/* Adds a row from printf-style cells separated by '\t'. */
int bont_table_rowf(bont_table_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints with indent spaces before each row and a rule under the header. */
void bont_table_print(const bont_table_t *t, FILE *out, int indent);

void bont_table_free(bont_table_t **t);

#endif
