/* names.h: the knowledge base's names and the plan's words in the calling thread's language, for
 * every library module that words things for people (report writers, check findings). */
#ifndef BONT_I18N_NAMES_H
#define BONT_I18N_NAMES_H

#include "bont/kb.h"
#include "bont/plan.h"

/* A structure or indication for people: its id in English (the name plans use and the English
 * output has always shown), its first Chinese or Korean name in those languages (the id when the
 * data has none). NULL gives "". */
const char *bont__muscle_name(const bont_muscle_t *m);
const char *bont__indication_name(const bont_indication_t *ind);

/* "left", "right", "midline" for people. */
const char *bont__side_tr(bont_side_t s);
/* "error", "warning", "note" for people (bont_severity_name is the id). */
const char *bont__severity_tr(bont_severity_t sev);
/* "palpation", "emg", ... for people; "" when not given. */
const char *bont__guidance_tr(bont_guidance_t g);
/* A word of a plan or record for people: context "sex" (female, male, other, unknown), "term
 * kind" (condition, medication, allergy), "excipient" (albumin, milk_protein) or "evidence"
 * (label, trial, practice-guide, ...; data/rules.json); any other word
 * is returned as it is. */
const char *bont__word_tr(const char *context, const char *word);
/* A unit of a finding ("days", "years", "sites", "h"; "U" and "mL" stay) for people. */
const char *bont__unit_tr(const char *unit);

#endif
