/* jsonpos.c: a small scanner over valid JSON text that walks to a path and reports the line and
 * column where its value starts. Only used to point error messages at the right place. */
#include "plan/jsonpos.h"

#include <stdlib.h>
#include <string.h>

typedef struct scan_t {
    const char *s;
    size_t n, i;
    int line, col;
} scan_t;

typedef struct seg_t {
    char key[128]; /* object key, or "" for an array index */
    long index;
} seg_t;

static void advance(scan_t *sc)
{
    unsigned char c = (unsigned char)sc->s[sc->i++];
    if (c == '\n') {
        sc->line++;
        sc->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        sc->col++; /* count characters, not UTF-8 continuation bytes */
    }
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_ws(scan_t *sc)
{
    while (sc->i < sc->n && is_ws(sc->s[sc->i]))
        advance(sc);
}

/* Reads a string token into buf (escapes kept as-is except \" and \\, enough for key
 * comparison of plain keys). */
static void read_string(scan_t *sc, char *buf, size_t size)
{
    size_t k = 0;
    advance(sc); /* opening quote */
    while (sc->i < sc->n && sc->s[sc->i] != '"') {
        char c = sc->s[sc->i];
        if (c == '\\' && sc->i + 1 < sc->n) {
            advance(sc);
            c = sc->s[sc->i];
        }
        if (buf && k + 1 < size)
            buf[k++] = c;
        advance(sc);
    }
    if (sc->i < sc->n)
        advance(sc); /* closing quote */
    if (buf && size)
        buf[k] = '\0';
}

static void skip_value(scan_t *sc)
{
    skip_ws(sc);
    if (sc->i >= sc->n)
        return;
    char c = sc->s[sc->i];
    if (c == '"') {
        read_string(sc, NULL, 0);
    } else if (c == '{' || c == '[') {
        int depth = 0;
        while (sc->i < sc->n) {
            char d = sc->s[sc->i];
            if (d == '"') {
                read_string(sc, NULL, 0);
                continue;
            }
            if (d == '{' || d == '[')
                depth++;
            if (d == '}' || d == ']')
                depth--;
            advance(sc);
            if (depth == 0)
                break;
        }
    } else {
        while (sc->i < sc->n && !is_ws(sc->s[sc->i]) && sc->s[sc->i] != ',' &&
               sc->s[sc->i] != '}' && sc->s[sc->i] != ']')
            advance(sc);
    }
}

static int parse_path(const char *path, seg_t *segs, int max)
{
    int n = 0;
    const char *p = path;
    while (*p && n < max) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            segs[n].key[0] = '\0';
            segs[n].index = strtol(p + 1, (char **)&p, 10);
            if (*p == ']')
                p++;
            n++;
            continue;
        }
        size_t k = 0;
        while (*p && *p != '.' && *p != '[') {
            if (k + 1 < sizeof segs[n].key)
                segs[n].key[k++] = *p;
            p++;
        }
        segs[n].key[k] = '\0';
        segs[n].index = -1;
        n++;
    }
    return n;
}

/* Walks sc to the value at path; *line, *column follow the deepest value reached. Returns 0
 * when the whole path was found. */
static int walk(scan_t *sc, const char *path, int *line, int *column)
{
    seg_t segs[16];
    int nseg = parse_path(path ? path : "", segs, 16);
    skip_ws(sc);
    *line = sc->line;
    *column = sc->col;
    for (int d = 0; d < nseg; d++) {
        if (sc->i >= sc->n)
            return -1;
        char open = sc->s[sc->i];
        int found = 0;
        if (open == '{' && segs[d].key[0]) {
            advance(sc);
            for (;;) {
                skip_ws(sc);
                if (sc->i >= sc->n || sc->s[sc->i] == '}')
                    break;
                char key[128];
                read_string(sc, key, sizeof key);
                skip_ws(sc);
                if (sc->i < sc->n && sc->s[sc->i] == ':')
                    advance(sc);
                skip_ws(sc);
                if (strcmp(key, segs[d].key) == 0) {
                    found = 1;
                    break;
                }
                skip_value(sc);
                skip_ws(sc);
                if (sc->i < sc->n && sc->s[sc->i] == ',')
                    advance(sc);
            }
        } else if (open == '[' && !segs[d].key[0]) {
            advance(sc);
            for (long k = 0;; k++) {
                skip_ws(sc);
                if (sc->i >= sc->n || sc->s[sc->i] == ']')
                    break;
                if (k == segs[d].index) {
                    found = 1;
                    break;
                }
                skip_value(sc);
                skip_ws(sc);
                if (sc->i < sc->n && sc->s[sc->i] == ',')
                    advance(sc);
            }
        }
        if (!found)
            return -1;
        *line = sc->line;
        *column = sc->col;
    }
    return 0;
}

int bont__json_position(const char *text, size_t len, const char *path, int *line, int *column)
{
    scan_t sc = {text, len, 0, 1, 1};
    return walk(&sc, path, line, column);
}

long bont__json_element_positions(const char *text, size_t len, const char *path, size_t n,
                                  int *lines, int *columns)
{
    scan_t sc = {text, len, 0, 1, 1};
    int line, column;
    if (walk(&sc, path, &line, &column) != 0 || sc.i >= sc.n || sc.s[sc.i] != '[')
        return -1;
    advance(&sc);
    size_t k = 0;
    for (;; k++) {
        skip_ws(&sc);
        if (sc.i >= sc.n || sc.s[sc.i] == ']')
            break;
        if (k < n) {
            lines[k] = sc.line;
            columns[k] = sc.col;
        }
        skip_value(&sc);
        skip_ws(&sc);
        if (sc.i < sc.n && sc.s[sc.i] == ',')
            advance(&sc);
    }
    return (long)k;
}
