/* bont/i18n.h: the language bont speaks (English, simplified Chinese, Korean): choosing it from
 * a flag or the environment, the calling thread's language, the message catalogues embedded in
 * the library, and numbers, dates and rates written the way each language writes them.
 *
 * The language is a property of the calling thread, not of the process: a server answers a
 * Korean and a Chinese clinic at the same time, each request on its own thread. Every sentence
 * the library composes (report writers, check findings, side-effect reasons) is worded in the
 * calling thread's language at the moment it is composed. A thread that never set one speaks
 * English; the library's own worker threads speak the language of the thread that started
 * them. The library never reads or changes the process locale or environment: the caller reads
 * the environment (bont_lang_from_env) and sets the language.
 *
 * Catalogues are GNU gettext .mo files compiled from po/ at build time and embedded in the
 * library (docs/i18n.md), so no locale and no installed file is needed. */
#ifndef BONT_I18N_H
#define BONT_I18N_H

#include <stddef.h>

typedef enum bont_lang_t {
    BONT_LANG_EN = 0, /* English: the msgids themselves */
    BONT_LANG_ZH,     /* Chinese, simplified (catalogue po/zh_CN.po) */
    BONT_LANG_KO,     /* Korean (catalogue po/ko.po) */
    BONT_LANG_COUNT
} bont_lang_t;

/* The language a tag names: "en", "zh", "ko", or a POSIX or BCP 47 name that starts with one of
 * them ("ko_KR.UTF-8", "zh-CN", "zh_TW", "en_GB@euro"); "C" and "POSIX" are English. Returns 0,
 * or BONT_EINVAL with *out = BONT_LANG_EN for a language bont has no catalogue for. */
int bont_lang_parse(const char *tag, bont_lang_t *out);

/* The locale variables as the environment holds them (NULL when unset). */
typedef struct bont_lang_env_t {
    const char *language;    /* LANGUAGE: a colon list, e.g. "fr:zh_CN" */
    const char *lc_all;      /* LC_ALL */
    const char *lc_messages; /* LC_MESSAGES */
    const char *lang;        /* LANG */
} bont_lang_env_t;

/* The language the environment asks for, read as GNU gettext reads it but with no generated
 * locale needed: if the first set of LC_ALL, LC_MESSAGES, LANG is "C" or "POSIX", English
 * (scripts ask for stable output that way); else the first entry of LANGUAGE bont has a
 * catalogue for; else the language of that first set variable; else English. */
bont_lang_t bont_lang_from_env(const bont_lang_env_t *env);

/* "en", "zh", "ko": the code of JSON's "lang" field and of --lang. */
const char *bont_lang_code(bont_lang_t lang);
/* The HTML lang attribute: "en", "zh-Hans", "ko". */
const char *bont_lang_html(bont_lang_t lang);
/* The language's own name: "English", "中文", "한국어". */
const char *bont_lang_name(bont_lang_t lang);

/* ---- The calling thread's language ----------------------------------------------------------- */

void bont_i18n_set_thread_lang(bont_lang_t lang);
bont_lang_t bont_i18n_thread_lang(void);

/* ---- Catalogue look-ups ---------------------------------------------------------------------
 * Each returns the translation in the calling thread's language, or the English it was given
 * when the catalogue has none (gettext's rule). The result lives as long as the program (or as
 * the argument, when it is returned unchanged). format_arg lets the compiler check the printf
 * conversions of a literal msgid. */
const char *bont_i18n_gettext(const char *msgid) __attribute__((format_arg(1)));
/* In a context, where one English word has two meanings ("severity" | "error"). */
const char *bont_i18n_pgettext(const char *context, const char *msgid)
    __attribute__((format_arg(2)));
/* A message with a number: English picks msgid for n == 1, else plural; Chinese and Korean have
 * one form. */
const char *bont_i18n_ngettext(const char *msgid, const char *plural, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));
/* In a given language rather than the thread's; NULL when the catalogue has no translation. */
const char *bont_i18n_lookup(bont_lang_t lang, const char *context, const char *msgid);

/* Of three texts of one fact, the one in the thread's language; English when that one is NULL
 * or empty. */
const char *bont_i18n_pick(const char *en, const char *zh, const char *ko);

/* Whether lang's embedded catalogue opened: 0, or BONT_EPARSE with the reason in why (English
 * then stands in for it). n_entries (may be NULL) gets its number of messages. */
int bont_i18n_catalogue_status(bont_lang_t lang, size_t *n_entries, char *why, size_t why_size);

/* ---- Numbers, dates and rates in the thread's language (docs/i18n.md) ----------------------- */

/* A whole number with the language's digit grouping: "1,000" (en, zh, ko). */
void bont_i18n_fmt_int(char *buf, size_t size, long long n);
/* A calendar date "YYYY-MM-DD" written out: "21 November 2026", "2026年11月21日",
 * "2026년 11월 21일". Anything else is copied unchanged. */
void bont_i18n_fmt_date(char *buf, size_t size, const char *iso_date);
/* A rate in percent as a natural frequency: "about 2 in 100 people" from 1 % up, "about 5 in
 * 1,000 people" from 0.1 %, "fewer than 1 in 1,000 people" below, rounded to whole people;
 * not finite or negative: "how often is not known". */
void bont_i18n_fmt_frequency(char *buf, size_t size, double pct);

#endif
