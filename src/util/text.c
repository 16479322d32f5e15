/* text.c: name normalisation, edit distance, growing buffers, display width. */
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/error.h"

static int is_separator(unsigned char c)
{
    return c == ' ' || c == '-' || c == '_' || c == '/' || c == '.' || c == '\t' || c == ',' ||
           c == '(' || c == ')' || c == '\'';
}

/* Writes the normalised name into out (size bytes); returns the length it needs without the
 * NUL, so a result >= size means it did not fit. */
static size_t normalize(const char *name, char *out, size_t size)
{
    size_t n = strlen(name), j = 0;
    int pending_sep = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (is_separator(c)) {
            pending_sep = 1;
            continue;
        }
        /* Full-width space (U+3000) separates words in CJK text too. */
        if (c == 0xE3 && i + 2 < n && (unsigned char)name[i + 1] == 0x80 &&
            (unsigned char)name[i + 2] == 0x80) {
            pending_sep = 1;
            i += 2;
            continue;
        }
        if (pending_sep && j > 0 && j + 1 < size)
            out[j] = '_';
        j += pending_sep && j > 0;
        pending_sep = 0;
        if (j + 1 < size)
            out[j] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
        j++;
    }
    if (size)
        out[j < size ? j : size - 1] = '\0';
    return j;
}

char *bont__name_normalize(const char *name)
{
    size_t n = strlen(name);
    char *out = malloc(n + 1);
    if (out)
        normalize(name, out, n + 1);
    return out;
}

int bont__name_normalize_into(const char *name, char *out, size_t size)
{
    return normalize(name, out, size) < size ? 0 : -1;
}

int bont__str_in(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (list[i] && strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

size_t bont__edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 256 || lb > 256)
        return cap + 1;
    size_t row[257];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        size_t best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            size_t m = sub < del ? sub : del;
            row[j] = m < ins ? m : ins;
            if (row[j] < best)
                best = row[j];
            prev = cur;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb] > cap ? cap + 1 : row[lb];
}

void bont__buf_append(bont__buf_t *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void bont__buf_vprintf(bont__buf_t *b, const char *fmt, va_list ap)
{
    char small[512];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        bont__buf_append(b, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (!big) {
            b->failed = 1;
        } else {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            bont__buf_append(b, big, (size_t)n);
            free(big);
        }
    }
    va_end(ap2);
}

void bont__buf_printf(bont__buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bont__buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void bont__buf_free(bont__buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

size_t bont__utf8_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int n;
        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            n = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            n = 3;
        } else {
            cp = *p & 0x07;
            n = 4;
        }
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                n = i;
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        p += n;
        /* Hangul, CJK ideographs, kana and full-width forms take two columns. */
        if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
            (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
            (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6))
            w += 2;
        else
            w += 1;
    }
    return w;
}
