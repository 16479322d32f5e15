/* text.h: small string helpers shared by the library (names, growing buffers, files). */
#ifndef BONT_UTIL_TEXT_H
#define BONT_UTIL_TEXT_H

#include <stdarg.h>
#include <stddef.h>

/* Lower-cases ASCII letters and folds runs of space, '-', '_', '/' and '.' into one '_',
 * trimming them at both ends; other bytes (Chinese, Korean) are kept. Returns a new string
 * (caller frees) or NULL when out of memory. */
char *bont_name_normalize(const char *name);

/* Edit distance between two byte strings, capped at cap+1. */
size_t bont_edit_distance(const char *a, const char *b, size_t cap);

/* A growing, always NUL-terminated string. */
typedef struct bont_buf_t {
    char *data; /* owned; NULL until the first append */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
    int failed; /* an allocation failed; further appends do nothing */
} bont_buf_t;

void bont_buf_printf(bont_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bont_buf_vprintf(bont_buf_t *b, const char *fmt, va_list ap);
void bont_buf_append(bont_buf_t *b, const char *s, size_t n);
void bont_buf_free(bont_buf_t *b);

/* Reads a whole file ("-" for standard input) into a NUL-terminated buffer (caller frees).
 * Returns 0, BONT_EIO or BONT_ENOMEM. */
int bont_read_file(const char *path, char **out, size_t *len);

/* Display width of a UTF-8 string in terminal columns (CJK wide characters count 2). */
size_t bont_utf8_width(const char *s);

#endif
