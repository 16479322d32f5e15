/* text.h: small string helpers shared by the library (names, growing buffers, widths). */
#ifndef BONT_UTIL_TEXT_H
#define BONT_UTIL_TEXT_H

#include <stdarg.h>
#include <stddef.h>

/* Lower-cases ASCII letters and folds runs of space, '-', '_', '/' and '.' into one '_',
 * trimming them at both ends; other bytes (Chinese, Korean) are kept. Returns a new string
 * (caller frees) or NULL when out of memory. */
char *bont__name_normalize(const char *name);

/* The same into out (size bytes), without allocating; returns 0, or -1 when the normalised name
 * does not fit (out then holds a truncated name). */
int bont__name_normalize_into(const char *name, char *out, size_t size);

/* Whether list (n strings) holds s; NULL s is never held. */
int bont__str_in(const char *const *list, size_t n, const char *s);

/* Edit distance between two byte strings, capped at cap+1. */
size_t bont__edit_distance(const char *a, const char *b, size_t cap);

/* A growing, always NUL-terminated string. */
typedef struct bont__buf_t {
    char *data; /* owned; NULL until the first append */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
    int failed; /* an allocation failed; further appends do nothing */
} bont__buf_t;

void bont__buf_printf(bont__buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bont__buf_vprintf(bont__buf_t *b, const char *fmt, va_list ap);
void bont__buf_append(bont__buf_t *b, const char *s, size_t n);
void bont__buf_free(bont__buf_t *b);

/* Display width of a UTF-8 string in terminal columns (CJK wide characters count 2). */
size_t bont__utf8_width(const char *s);

#endif
