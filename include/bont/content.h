/* bont/content.h: what bont tells patients, in English, Chinese and Korean: the handout's
 * sentences (data/handout-text.json), aftercare and the warning signs (data/aftercare.json), the
 * treatment options per condition (data/pathways.json) and the reviewed medical glossary
 * (data/glossary.json). Every text carries the three languages side by side with the numbers and
 * sources it states; the report writers (bont/report.h) choose the calling thread's language. */
#ifndef BONT_CONTENT_H
#define BONT_CONTENT_H

#include <stddef.h>

#include "bont/error.h"

typedef struct bont_content_t bont_content_t;

/* Loads the four files embedded at build time (dir NULL) or from the folder dir. Every text
 * must have its English, Chinese and Korean with the same {placeholders}, every condition and
 * option an id and a name; otherwise BONT_EKB with the file and field in err. */
int bont_content_load(bont_content_t **out, const char *dir, bont_error_t *err);
void bont_content_free(bont_content_t **content);

/* The conditions that have treatment pathways, in the order of data/pathways.json. */
size_t bont_content_n_conditions(const bont_content_t *c);
const char *bont_content_condition_id(const bont_content_t *c, size_t i);
/* Whether id names a condition with a pathway (exact id). */
int bont_content_has_condition(const bont_content_t *c, const char *id);

#endif
