/* lang.c: turns --lang or the locale variables into one of bont's three languages. */
#include "lang.h"

#include <ctype.h>
#include <string.h>

static const char *const codes[BONT_LANG_COUNT] = {"en", "zh", "ko"};
static const char *const catalogues[BONT_LANG_COUNT] = {NULL, "zh_CN", "ko"};

const char *bont__lang_code(bont_lang_t lang)
{
    return (unsigned)lang < BONT_LANG_COUNT ? codes[lang] : codes[BONT_LANG_EN];
}

const char *bont__lang_catalogue(bont_lang_t lang)
{
    return (unsigned)lang < BONT_LANG_COUNT ? catalogues[lang] : NULL;
}

/* tag[0..len) names a language when it is the two letters followed by the end or a separator. */
static int names(const char *tag, size_t len, const char *code)
{
    if (len < 2 || tolower((unsigned char)tag[0]) != code[0] ||
        tolower((unsigned char)tag[1]) != code[1])
        return 0;
    return len == 2 || strchr("_-.@", tag[2]) != NULL;
}

static int parse_n(const char *tag, size_t len)
{
    if ((len == 1 && tag[0] == 'C') || (len == 5 && strncmp(tag, "POSIX", 5) == 0))
        return BONT_LANG_EN;
    for (int l = 0; l < BONT_LANG_COUNT; l++)
        if (names(tag, len, codes[l]))
            return l;
    return -1;
}

int bont__lang_parse(const char *tag)
{
    return tag ? parse_n(tag, strlen(tag)) : -1;
}

static int is_c_locale(const char *v)
{
    return strcmp(v, "C") == 0 || strcmp(v, "POSIX") == 0;
}

bont_lang_t bont__lang_from_env(const char *(*getenv_fn)(const char *name))
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    const char *locale = NULL;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0] && !locale; i++) {
        const char *v = getenv_fn(vars[i]);
        if (v && *v)
            locale = v;
    }
    if (locale && is_c_locale(locale))
        return BONT_LANG_EN;
    const char *list = getenv_fn("LANGUAGE");
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ":");
        int l = parse_n(p, len);
        if (l >= 0)
            return (bont_lang_t)l;
        p += len + (p[len] == ':');
    }
    int l = locale ? bont__lang_parse(locale) : -1;
    return l >= 0 ? (bont_lang_t)l : BONT_LANG_EN;
}

bont_lang_t bont__lang_choose(const char *lang_flag, const char *(*getenv_fn)(const char *name),
                              int *unknown)
{
    if (unknown)
        *unknown = 0;
    if (lang_flag) {
        int l = bont__lang_parse(lang_flag);
        if (l >= 0)
            return (bont_lang_t)l;
        if (unknown)
            *unknown = 1;
        return BONT_LANG_EN;
    }
    return bont__lang_from_env(getenv_fn);
}
