/* safe.c: strings shown as data, never as markup or terminal commands: one UTF-8 decoder and
 * one rule for what must be escaped, applied to text, XML/HTML and JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

/* Decodes the character at s. Returns its length (1-4) and the code point, or 1 and -1 for a
 * byte that does not start a valid character (overlong forms, surrogates and code points past
 * U+10FFFF are invalid, as jansson holds them). */
static size_t utf8_next(const unsigned char *s, long *cp)
{
    unsigned c = s[0];
    size_t n;
    long v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = -1;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) { /* also stops at the NUL */
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = -1;
        return 1;
    }
    *cp = v;
    return n;
}

/* The visible escape of a character that must not reach a terminal or an XML file as itself,
 * into buf (at least 12 bytes); 0 when the character may be shown as it is. byte is the first
 * byte, for invalid sequences (cp < 0). */
static size_t escape_of(long cp, unsigned char byte, char *buf)
{
    if (cp < 0)
        return (size_t)snprintf(buf, 12, "\\x%02x", byte);
    if (cp == '\n')
        return (size_t)snprintf(buf, 12, "\\n");
    if (cp == '\t')
        return (size_t)snprintf(buf, 12, "\\t");
    if (cp == '\r')
        return (size_t)snprintf(buf, 12, "\\r");
    if (cp < 0x20 || cp == 0x7F)
        return (size_t)snprintf(buf, 12, "\\x%02lx", cp);
    /* C1 controls (U+009B starts a terminal command too), line and paragraph separators,
     * bidirectional marks and overrides (they reorder what is shown), and the two
     * non-characters XML 1.0 excludes. */
    if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F || cp == 0x2028 ||
        cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
        cp == 0xFFFE || cp == 0xFFFF)
        return (size_t)snprintf(buf, 12, "\\u%04lx", cp);
    return 0;
}

/* What the character at p (n bytes, code point cp) becomes in text (xml = false) or XML:
 * sets *rep to the bytes to write and returns how many. esc is scratch for the escape. */
static size_t piece(const unsigned char *p, size_t n, long cp, bool xml, char esc[12],
                    const char **rep)
{
    size_t m = escape_of(cp, *p, esc);
    *rep = esc;
    if (m)
        return m;
    if (xml && cp < 0x80) {
        static const char marks[] = "&<>\"'";
        static const char *const ent[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
        const char *hit = strchr(marks, (int)cp);
        if (hit) {
            *rep = ent[hit - marks];
            return strlen(*rep);
        }
    }
    *rep = (const char *)p;
    return n;
}

/* The escaped form of s into out (NULL: only measure); returns its length. Every escape is
 * longer than what it replaces, so an unchanged length means nothing needed escaping. */
static size_t escape(const char *s, bool xml, char *out)
{
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
        long cp;
        size_t n = utf8_next(p, &cp);
        char esc[12];
        const char *rep;
        size_t m = piece(p, n, cp, xml, esc, &rep);
        if (out)
            memcpy(out + len, rep, m);
        len += m;
        p += n;
    }
    return len;
}

static void put_escaped(FILE *f, const char *s, bool xml)
{
    const unsigned char *run = (const unsigned char *)s, *p = run;
    while (p && *p) {
        long cp;
        size_t n = utf8_next(p, &cp);
        char esc[12];
        const char *rep;
        size_t m = piece(p, n, cp, xml, esc, &rep);
        if (rep != (const char *)p) { /* flush the run that needed nothing, then the escape */
            fwrite(run, 1, (size_t)(p - run), f);
            fwrite(rep, 1, m, f);
            run = p + n;
        }
        p += n;
    }
    if (p)
        fwrite(run, 1, (size_t)(p - run), f);
}

void bont_report_put_text(FILE *f, const char *s)
{
    put_escaped(f, s, false);
}

void bont_report_put_xml(FILE *f, const char *s)
{
    put_escaped(f, s, true);
}

/* ---- Scratch copies for text writers --------------------------------------------------------
 */

typedef struct copy_t {
    struct copy_t *next;
    char text[]; /* NUL-terminated */
} copy_t;

const char *bont__tx(bont__scratch_t *sc, const char *s)
{
    if (!s)
        return "";
    size_t len = escape(s, false, NULL);
    if (len == strlen(s))
        return s;
    copy_t *c = malloc(sizeof *c + len + 1);
    if (!c)
        return "?";
    escape(s, false, c->text);
    c->text[len] = '\0';
    c->next = sc->head;
    sc->head = c;
    return c->text;
}

void bont__scratch_free(bont__scratch_t *sc)
{
    for (copy_t *c = sc->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    sc->head = NULL;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

/* s with invalid UTF-8 bytes replaced by U+FFFD (malloc'ed), or NULL when s is valid. */
static char *utf8_repair(const char *s, bool *nomem)
{
    *nomem = false;
    size_t bad = 0, len = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        long cp;
        size_t n = utf8_next(p, &cp);
        bad += cp < 0;
        len += n;
        p += n;
    }
    if (!bad)
        return NULL;
    char *out = malloc(len + 2 * bad + 1), *o = out;
    if (!out) {
        *nomem = true;
        return NULL;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        long cp;
        size_t n = utf8_next(p, &cp);
        if (cp < 0) {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
        } else {
            memcpy(o, p, n);
            o += n;
        }
        p += n;
    }
    *o = '\0';
    return out;
}

json_t *bont_report_json_string(const char *s)
{
    bool nomem;
    char *fixed = utf8_repair(s ? s : "", &nomem);
    if (nomem)
        return NULL;
    json_t *j = json_string(fixed ? fixed : s ? s : "");
    free(fixed);
    return j;
}

json_t *bont__jstr(const char *s)
{
    return bont_report_json_string(s);
}

json_t *bont__jstr_or_null(const char *s)
{
    return s && *s ? bont_report_json_string(s) : json_null();
}

void bont__put_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        long cp;
        size_t n = utf8_next(p, &cp);
        if (cp < 0)
            fputs("\xEF\xBF\xBD", f);
        else if (cp == '"' || cp == '\\')
            fprintf(f, "\\%c", (int)cp);
        else if (cp < 0x20)
            fprintf(f, "\\u%04lx", cp);
        else
            fwrite(p, 1, n, f);
        p += n;
    }
    fputc('"', f);
}
