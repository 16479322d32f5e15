/* lang.c: turns --lang or the locale variables into one of bont's three languages. */
#include <ctype.h>
#include <string.h>

#include "bont/error.h"
#include "bont/i18n.h"

static const char *const codes[BONT_LANG_COUNT] = {"en", "zh", "ko"};
static const char *const html_codes[BONT_LANG_COUNT] = {"en", "zh-Hans", "ko"};
static const char *const own_names[BONT_LANG_COUNT] = {"English", "中文", "한국어"};

const char *bont_lang_code(bont_lang_t lang)
{
    return (unsigned)lang < BONT_LANG_COUNT ? codes[lang] : codes[BONT_LANG_EN];
}

const char *bont_lang_html(bont_lang_t lang)
{
    return (unsigned)lang < BONT_LANG_COUNT ? html_codes[lang] : html_codes[BONT_LANG_EN];
}

const char *bont_lang_name(bont_lang_t lang)
{
    return (unsigned)lang < BONT_LANG_COUNT ? own_names[lang] : own_names[BONT_LANG_EN];
}

/* tag[0..len) names a language when it is the two letters followed by the end or a separator
 * ("kok" is Konkani, not Korean). */
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

int bont_lang_parse(const char *tag, bont_lang_t *out)
{
    int l = tag ? parse_n(tag, strlen(tag)) : -1;
    if (out)
        *out = l >= 0 ? (bont_lang_t)l : BONT_LANG_EN;
    return l >= 0 ? BONT_OK : BONT_EINVAL;
}

static int is_c_locale(const char *v)
{
    return strcmp(v, "C") == 0 || strcmp(v, "POSIX") == 0;
}

bont_lang_t bont_lang_from_env(const bont_lang_env_t *env)
{
    if (!env)
        return BONT_LANG_EN;
    const char *const vars[] = {env->lc_all, env->lc_messages, env->lang};
    const char *locale = NULL;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0] && !locale; i++)
        if (vars[i] && *vars[i])
            locale = vars[i];
    if (locale && is_c_locale(locale))
        return BONT_LANG_EN;
    for (const char *p = env->language; p && *p;) {
        size_t len = strcspn(p, ":");
        int l = parse_n(p, len);
        if (l >= 0)
            return (bont_lang_t)l;
        p += len + (p[len] == ':');
    }
    bont_lang_t l = BONT_LANG_EN;
    if (locale)
        bont_lang_parse(locale, &l);
    return l;
}
