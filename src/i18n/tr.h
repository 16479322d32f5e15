/* tr.h: how library code words what people read: the translation macros of the report writers,
 * the check findings and the side-effect reasons, resolved in the calling thread's language. */
#ifndef BONT_I18N_TR_H
#define BONT_I18N_TR_H

#include <stddef.h>

#include "bont/i18n.h"

/* Every sentence, label and heading a person reads goes through BONT_TR as one whole format
 * string, every count that changes a word through BONT_TRN, and a word with two meanings in
 * English through BONT_TRC with its context; each is looked up in the catalogue of the calling
 * thread's language. BONT_N and BONT_NC only mark a string for the catalogue (xgettext,
 * scripts/po-update.sh) where it sits in a table, to be translated where it is used. A text
 * from data/ is translated with BONT_TRC(context, text), its context one of those
 * scripts/po-data.py lists. */
#define BONT_TR(s)        bont_i18n_gettext(s)
#define BONT_TRN(s, p, n) bont_i18n_ngettext((s), (p), (unsigned long)(n))
#define BONT_TRC(c, s)    bont_i18n_pgettext((c), (s))
#define BONT_N(s)         (s)
#define BONT_NC(c, s)     (s)

/* Calls fn with the msgid and translation of every entry of lang's catalogue in context (the
 * web pages' scripts take theirs this way, all at once); the number of entries. English has no
 * catalogue: 0. */
typedef void (*bont__i18n_each_fn)(void *ud, const char *msgid, const char *translation);
size_t bont__i18n_each(bont_lang_t lang, const char *context, bont__i18n_each_fn fn, void *ud);

#endif
