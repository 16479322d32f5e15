/* internal.h: the patient content as the report writers read it: JSON documents checked when
 * they load, and look-ups of texts in the calling thread's language. */
#ifndef BONT_CONTENT_INTERNAL_H
#define BONT_CONTENT_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "bont/content.h"
#include "bont/kb.h"

struct bont_content_t {
    json_t *handout;    /* data/handout-text.json (owned) */
    json_t *aftercare;  /* data/aftercare.json (owned) */
    json_t *pathways;   /* data/pathways.json (owned) */
    json_t *glossary;   /* data/glossary.json (owned) */
    json_t *texts;      /* handout's "texts" (borrowed from handout) */
    json_t *conditions; /* pathways' "conditions" (borrowed) */
};

/* The text {"en", "zh", "ko"} in the calling thread's language (English when it lacks that
 * one); "" for anything else. */
const char *bont__content_pick(const json_t *text);

/* The handout sentence key ("heading.warning") in the thread's language; "" when there is
 * none (the loader checks the keys the writers use). */
const char *bont__content_text(const bont_content_t *c, const char *key);

/* Fills the {name} placeholders of text with values (n pairs of names and values) into buf; a
 * placeholder without a value is kept as it is; of two values of one name the first wins. */
void bont__content_fill(char *buf, size_t size, const char *text, const char *const *names,
                        const char *const *values, size_t n);

/* The condition with this id in data/pathways.json, or NULL. */
const json_t *bont__content_condition(const bont_content_t *c, const char *id);

/* The glossary's word for concept id in the thread's language: lay (the patient's word) or
 * technical; NULL when the glossary has no such concept or word. */
const char *bont__content_term(const bont_content_t *c, const char *id, int lay);

/* A source cited by the content (pathways, aftercare) or the knowledge base (kb may be NULL):
 * its title and address, or NULL when no list holds id. */
typedef struct bont__content_source_t {
    const char *title;
    const char *url;
} bont__content_source_t;
int bont__content_source(const bont_content_t *c, const bont_kb_t *kb, const char *id,
                         bont__content_source_t *out);

#endif
