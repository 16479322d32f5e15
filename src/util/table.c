/* table.c: collects rows of text cells and prints them aligned. */
#include "util/table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

struct bont__table_t {
    int n_cols;
    char align[32];
    char **cells; /* n_rows * n_cols, owned */
    size_t n_rows, cap_rows;
};

bont__table_t *bont__table_new(int n_cols, const char *align)
{
    if (n_cols <= 0 || n_cols > 31)
        return NULL;
    bont__table_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->n_cols = n_cols;
    for (int i = 0; i < n_cols; i++)
        t->align[i] = (align && (int)strlen(align) > i) ? align[i] : 'l';
    return t;
}

int bont__table_row(bont__table_t *t, const char *const *cells)
{
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
        char **c = realloc(t->cells, cap * (size_t)t->n_cols * sizeof *c);
        if (!c)
            return -1;
        t->cells = c;
        t->cap_rows = cap;
    }
    char **row = t->cells + t->n_rows * (size_t)t->n_cols;
    for (int i = 0; i < t->n_cols; i++) {
        row[i] = strdup(cells[i] ? cells[i] : "");
        if (!row[i]) {
            for (int k = 0; k < i; k++)
                free(row[k]);
            return -1;
        }
    }
    t->n_rows++;
    return 0;
}

int bont__table_rowf(bont__table_t *t, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    const char *cells[32] = {0};
    char *p = buf;
    for (int i = 0; i < t->n_cols; i++) {
        cells[i] = p ? p : "";
        if (p) {
            char *tab = strchr(p, '\t');
            if (tab) {
                *tab = '\0';
                p = tab + 1;
            } else {
                p = NULL;
            }
        }
    }
    return bont__table_row(t, cells);
}

void bont__table_print(const bont__table_t *t, FILE *out, int indent)
{
    size_t width[32] = {0};
    for (size_t r = 0; r < t->n_rows; r++)
        for (int c = 0; c < t->n_cols; c++) {
            size_t w = bont__utf8_width(t->cells[r * (size_t)t->n_cols + (size_t)c]);
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->n_rows; r++) {
        fprintf(out, "%*s", indent, "");
        for (int c = 0; c < t->n_cols; c++) {
            const char *s = t->cells[r * (size_t)t->n_cols + (size_t)c];
            size_t pad = width[c] - bont__utf8_width(s);
            int last = c == t->n_cols - 1;
            if (t->align[c] == 'r')
                fprintf(out, "%*s%s", (int)pad, "", s);
            else
                fprintf(out, "%s%*s", s, last ? 0 : (int)pad, "");
            if (!last)
                fputs("  ", out);
        }
        fputc('\n', out);
        if (r == 0) {
            size_t total = 0;
            for (int c = 0; c < t->n_cols; c++)
                total += width[c] + (c ? 2 : 0);
            fprintf(out, "%*s", indent, "");
            for (size_t k = 0; k < total; k++)
                fputc('-', out);
            fputc('\n', out);
        }
    }
}

void bont__table_free(bont__table_t **tp)
{
    if (!tp || !*tp)
        return;
    bont__table_t *t = *tp;
    for (size_t i = 0; i < t->n_rows * (size_t)t->n_cols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
    *tp = NULL;
}
