/* glossary_check.c: fails when a translation names a glossary concept with a word the glossary
 * does not hold for it, or with a word it refuses (prototype of the i18n consistency test).
 *
 *   glossary-check GLOSSARY.json [--mo zh|ko FILE.mo]... [DATA.json]...
 *
 * A catalogue entry or a data text {"en": ..., "zh": ..., "ko": ...} names a concept when its
 * English holds one of the concept's English terms as whole words (a plural "s"/"es" allowed).
 * Its zh or ko text must then hold one of the concept's terms in that language, and no text may
 * hold a refused term (such as a mistranslation on record), and a data text's languages must
 * carry the same {placeholders}. Exit: 0 consistent, 1 inconsistent,
 * 2 unusable input. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/error.h"
#include "i18n/mo.h"

static int failures, checked;

/* Calls fn on every term string of a language block {"technical", "lay", "also": [...]}. */
static int any_term(json_t *block, int (*fn)(const char *text, const char *term), const char *text)
{
    const char *keys[] = {"technical", "lay"};
    for (size_t k = 0; k < 2; k++) {
        const char *t = json_string_value(json_object_get(block, keys[k]));
        if (t && fn(text, t))
            return 1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(block, "also"), i, v)
    {
        if (json_string_value(v) && fn(text, json_string_value(v)))
            return 1;
    }
    return 0;
}

static int contains(const char *text, const char *term)
{
    return *term && strstr(text, term) != NULL;
}

/* One English term of a concept, for the longest-first matching below. */
typedef struct term_t {
    const char *text;
    size_t concept;
} term_t;

static int longer_first(const void *a, const void *b)
{
    size_t x = strlen(((const term_t *)a)->text), y = strlen(((const term_t *)b)->text);
    return (x < y) - (x > y);
}

/* Blanks the whole-word occurrences of term in s (so a shorter term inside it, "ptosis" in
 * "brow ptosis", does not count again); returns whether there was one. */
/* Letters, digits and '_' make up words (an identifier is one word). */
static int word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static int take_words(char *s, const char *term)
{
    int found = 0;
    size_t n = strlen(term);
    for (char *p = s; *p; p++) {
        if ((p > s && word_char(p[-1])) || strncasecmp(p, term, n) != 0)
            continue;
        size_t end = n;
        if (p[end] == 'e' && p[end + 1] == 's' && !word_char(p[end + 2]))
            end += 2;
        else if (p[end] == 's' && !word_char(p[end + 1]))
            end += 1;
        if (word_char(p[end]))
            continue;
        memset(p, ' ', end);
        found = 1;
    }
    return found;
}

static void check_pair(json_t *glossary, const char *where, const char *en, const char *lang,
                       const char *text)
{
    checked++;
    json_t *concepts = json_object_get(glossary, "concepts");
    size_t n_concepts = json_array_size(concepts), n_terms = 0, i;
    term_t terms[2048];
    char *named = calloc(n_concepts + 1, 1), english[8192];
    json_t *c;
    json_array_foreach(concepts, i, c)
    {
        size_t j;
        json_t *bad;
        json_array_foreach(json_object_get(json_object_get(c, "refuse"), lang), j, bad)
        {
            const char *b = json_string_value(json_object_get(bad, "term"));
            if (b && strstr(text, b)) {
                printf("%s: %s text uses \"%s\", refused for %s: %s\n", where, lang, b,
                       json_string_value(json_object_get(c, "id")), text);
                failures++;
            }
        }
        json_t *block = json_object_get(c, "en"), *v;
        const char *keys[] = {"technical", "lay"};
        for (size_t k = 0; k < 2 && n_terms < 2048; k++)
            if (json_string_value(json_object_get(block, keys[k])))
                terms[n_terms++] = (term_t){json_string_value(json_object_get(block, keys[k])), i};
        json_array_foreach(json_object_get(block, "also"), j,
                           v) if (n_terms < 2048 && json_string_value(v)) terms[n_terms++] =
            (term_t){json_string_value(v), i};
    }
    /* An id on its own ("brow_ptosis") names a thing as its words do; inside a sentence an
     * identifier ("facial_wrinkle_scale") is a name, not words. */
    snprintf(english, sizeof english, "%s", en ? en : "");
    for (char *p = english; !strchr(english, ' ') && *p; p++)
        if (*p == '_')
            *p = ' ';
    /* Phrases where a term's word means something else ("the 4 and 8 U/kg arms of the trial")
     * are taken out first: they name nothing. */
    json_array_foreach(concepts, i, c)
    {
        size_t j;
        json_t *v;
        json_array_foreach(json_object_get(json_object_get(c, "en"), "not"), j,
                           v) if (json_string_value(v)) take_words(english, json_string_value(v));
    }
    qsort(terms, n_terms, sizeof terms[0], longer_first);
    for (size_t t = 0; named && en && t < n_terms; t++)
        if (*terms[t].text && take_words(english, terms[t].text))
            named[terms[t].concept] = 1;
    json_array_foreach(concepts, i, c)
    {
        if (!named || !named[i] || any_term(json_object_get(c, lang), contains, text))
            continue;
        printf("%s: names %s in English but its %s text has none of the glossary's words "
               "for it: %s\n",
               where, json_string_value(json_object_get(c, "id")), lang, text);
        failures++;
    }
    free(named);
}

static int check_mo(json_t *glossary, const char *lang, const char *path)
{
    static unsigned char buf[1 << 22];
    bont__mo_t mo;
    char err[160];
    if (bont__mo_load(&mo, path, buf, sizeof buf, err, sizeof err) != BONT_OK) {
        fprintf(stderr, "%s: %s\n", path, err);
        return 2;
    }
    for (uint32_t i = 1; i < mo.n; i++) {
        const char *orig = bont__mo_original(&mo, i);
        const char *sep = strchr(orig, '\004');
        check_pair(glossary, path, sep ? sep + 1 : orig, lang, bont__mo_translation(&mo, i));
    }
    return 0;
}

/* Is every {name} placeholder of a also in b? */
static int placeholders_in(const char *a, const char *b)
{
    for (const char *p = strchr(a, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            return 1;
        char ph[64];
        snprintf(ph, sizeof ph, "%.*s", (int)(e - p + 1), p);
        if (!strstr(b, ph))
            return 0;
    }
    return 1;
}

/* Every object with string members "en" and zh/ko is a text in three languages; its languages
 * carry the same {placeholders}. */
static void walk(json_t *glossary, const char *path, json_t *node)
{
    if (json_is_object(node)) {
        const char *en = json_string_value(json_object_get(node, "en"));
        const char *langs[] = {"zh", "ko"};
        for (size_t l = 0; en && l < 2; l++) {
            const char *t = json_string_value(json_object_get(node, langs[l]));
            if (!t)
                continue;
            check_pair(glossary, path, en, langs[l], t);
            if (!placeholders_in(en, t) || !placeholders_in(t, en)) {
                printf("%s: %s text has other {placeholders} than the English: %s | %s\n", path,
                       langs[l], en, t);
                failures++;
            }
        }
        const char *key;
        json_t *v;
        json_object_foreach(node, key, v) walk(glossary, path, v);
    } else if (json_is_array(node)) {
        size_t i;
        json_t *v;
        json_array_foreach(node, i, v) walk(glossary, path, v);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: glossary-check GLOSSARY.json [--mo zh|ko FILE.mo]... "
                        "[DATA.json]...\n");
        return 2;
    }
    json_error_t jerr;
    json_t *glossary = json_load_file(argv[1], 0, &jerr);
    if (!glossary || !json_is_array(json_object_get(glossary, "concepts"))) {
        fprintf(stderr, "%s:%d: %s\n", argv[1], jerr.line, glossary ? "no concepts" : jerr.text);
        json_decref(glossary);
        return 2;
    }
    int rc = 0;
    for (int i = 2; i < argc && rc == 0; i++) {
        if (strcmp(argv[i], "--mo") == 0 && i + 2 < argc) {
            rc = check_mo(glossary, argv[i + 1], argv[i + 2]);
            i += 2;
            continue;
        }
        json_t *data = json_load_file(argv[i], 0, &jerr);
        if (!data) {
            fprintf(stderr, "%s:%d:%d: %s\n", argv[i], jerr.line, jerr.column, jerr.text);
            rc = 2;
            break;
        }
        /* The glossary's own term lists are the reference, not texts to check. */
        if (strcmp(argv[i], argv[1]) != 0)
            walk(glossary, argv[i], data);
        json_decref(data);
    }
    json_decref(glossary);
    if (rc != 0)
        return rc;
    printf("glossary: %d texts checked, %d inconsistent\n", checked, failures);
    return failures ? 1 : 0;
}
