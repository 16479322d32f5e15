/* table.h: aligned text tables for terminal output (CJK-aware column widths). */
#ifndef BONT_UTIL_TABLE_H
#define BONT_UTIL_TABLE_H

#include <stdio.h>

typedef struct bont__table_t bont__table_t;

/* A table with n_cols columns; align is a string of 'l'/'r' per column. Returns NULL when out of
 * memory. */
bont__table_t *bont__table_new(int n_cols, const char *align);

/* Adds a row; cells are copied. The first row added is the header. */
int bont__table_row(bont__table_t *t, const char *const *cells);

/* Adds a row from printf-style cells separated by '\t'. */
int bont__table_rowf(bont__table_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints with indent spaces before each row and a rule under the header. */
void bont__table_print(const bont__table_t *t, FILE *out, int indent);

void bont__table_free(bont__table_t **t);

#endif
