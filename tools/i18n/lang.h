/* lang.h: which language bont speaks, from --lang or the environment (prototype for src/i18n). */
#ifndef BONT_TOOLS_I18N_LANG_H
#define BONT_TOOLS_I18N_LANG_H

typedef enum bont_lang_t {
    BONT_LANG_EN = 0, /* English: the msgids themselves */
    BONT_LANG_ZH,     /* Chinese, simplified (catalogue zh_CN) */
    BONT_LANG_KO,     /* Korean (catalogue ko) */
    BONT_LANG_COUNT
} bont_lang_t;

/* The language a tag names: "en", "zh", "ko", or a POSIX or BCP 47 name that starts with one of
 * them ("ko_KR.UTF-8", "zh-CN", "zh_CN.GB18030", "en_GB@euro"); "C" and "POSIX" are English.
 * Returns -1 for any other tag (a language bont has no catalogue for). */
int bont__lang_parse(const char *tag);

/* The language from the environment, read as GNU gettext does except that no generated locale
 * is needed: if the first set of LC_ALL, LC_MESSAGES, LANG is "C" or "POSIX", English (scripts
 * ask for stable output that way); else the first supported entry of LANGUAGE (a colon list);
 * else the language of that first set variable; else English. getenv_fn is getenv in use and a
 * table in tests. */
bont_lang_t bont__lang_from_env(const char *(*getenv_fn)(const char *name));

/* --lang wins over the environment. An unknown tag gives English and *unknown = 1 so the caller
 * can warn; lang_flag NULL means no --lang. */
bont_lang_t bont__lang_choose(const char *lang_flag, const char *(*getenv_fn)(const char *name),
                              int *unknown);

/* "en", "zh", "ko": the code bont writes in JSON's "lang" field. */
const char *bont__lang_code(bont_lang_t lang);

/* The catalogue's name: NULL for English (no catalogue), "zh_CN", "ko". */
const char *bont__lang_catalogue(bont_lang_t lang);

#endif
