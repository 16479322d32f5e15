/* i18n.c: the calling thread's language and the look-ups in the catalogues embedded at build
 * time (po/LANG.po compiled by msgfmt, embedded by tools/embed next to the data files). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "bont/error.h"
#include "bont/i18n.h"
#include "i18n/mo.h"
#include "i18n/tr.h"
#include "kb/embedded.h"

/* The .mo files share the table of embedded data files (kb/embedded.h), by base name. */

static const char *const catalogue_files[BONT_LANG_COUNT] = {NULL, "zh_CN.mo", "ko.mo"};

typedef struct catalogue_t {
    bont__mo_t mo;
    int rc;        /* 0 when mo is usable */
    char why[160]; /* why not, in words */
} catalogue_t;

static catalogue_t catalogues[BONT_LANG_COUNT];
static pthread_once_t catalogues_once = PTHREAD_ONCE_INIT;

/* A thread that never chose a language speaks English. */
static _Thread_local bont_lang_t thread_lang = BONT_LANG_EN;

static void open_catalogues(void)
{
    for (int l = 0; l < BONT_LANG_COUNT; l++) {
        catalogue_t *c = &catalogues[l];
        c->rc = BONT_ENOTFOUND;
        snprintf(c->why, sizeof c->why, "%s", "no catalogue (English is the msgids)");
        if (!catalogue_files[l])
            continue;
        snprintf(c->why, sizeof c->why, "%s is not in this build", catalogue_files[l]);
        for (const bont_embedded_file_t *f = bont__embedded_files; f->name; f++)
            if (strcmp(f->name, catalogue_files[l]) == 0)
                c->rc = bont__mo_open(&c->mo, f->data, f->size, c->why, sizeof c->why);
    }
}

static const bont__mo_t *catalogue(bont_lang_t lang)
{
    if ((unsigned)lang >= BONT_LANG_COUNT || lang == BONT_LANG_EN)
        return NULL;
    pthread_once(&catalogues_once, open_catalogues);
    return catalogues[lang].rc == 0 ? &catalogues[lang].mo : NULL;
}

int bont_i18n_catalogue_status(bont_lang_t lang, size_t *n_entries, char *why, size_t why_size)
{
    if ((unsigned)lang >= BONT_LANG_COUNT)
        return BONT_EINVAL;
    pthread_once(&catalogues_once, open_catalogues);
    const catalogue_t *c = &catalogues[lang];
    if (n_entries)
        *n_entries = c->rc == 0 && c->mo.n ? c->mo.n - 1 : 0; /* less the header entry */
    if (why && why_size)
        snprintf(why, why_size, "%s", c->rc == 0 ? "" : c->why);
    return lang == BONT_LANG_EN ? BONT_OK : c->rc == 0 ? BONT_OK : BONT_EPARSE;
}

void bont_i18n_set_thread_lang(bont_lang_t lang)
{
    thread_lang = (unsigned)lang < BONT_LANG_COUNT ? lang : BONT_LANG_EN;
}

bont_lang_t bont_i18n_thread_lang(void)
{
    return thread_lang;
}

const char *bont_i18n_lookup(bont_lang_t lang, const char *context, const char *msgid)
{
    return bont__mo_lookup(catalogue(lang), context, msgid);
}

size_t bont__i18n_each(bont_lang_t lang, const char *context, bont__i18n_each_fn fn, void *ud)
{
    const bont__mo_t *mo = catalogue(lang);
    size_t clen = strlen(context), n = 0;
    for (uint32_t i = 1; mo && i < mo->n; i++) {
        const char *orig = bont__mo_original(mo, i);
        if (strncmp(orig, context, clen) == 0 && orig[clen] == '\004') {
            fn(ud, orig + clen + 1, bont__mo_translation(mo, i));
            n++;
        }
    }
    return n;
}

const char *bont_i18n_gettext(const char *msgid)
{
    const char *t = bont__mo_lookup(catalogue(thread_lang), NULL, msgid);
    return t ? t : msgid;
}

const char *bont_i18n_pgettext(const char *context, const char *msgid)
{
    const char *t = bont__mo_lookup(catalogue(thread_lang), context, msgid);
    return t ? t : msgid;
}

const char *bont_i18n_ngettext(const char *msgid, const char *plural, unsigned long n)
{
    /* A plural entry's original is "msgid\0plural": its key for the look-up is msgid alone. */
    const char *t = bont__mo_lookup(catalogue(thread_lang), NULL, msgid);
    return t ? t : n == 1 ? msgid : plural;
}

const char *bont_i18n_pick(const char *en, const char *zh, const char *ko)
{
    const char *t = thread_lang == BONT_LANG_ZH ? zh : thread_lang == BONT_LANG_KO ? ko : en;
    return t && *t ? t : en;
}
