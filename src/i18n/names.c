/* names.c: names of the knowledge base and words of the plan in the calling thread's language. */
#include "i18n/names.h"

#include <string.h>

#include "i18n/tr.h"

const char *bont__muscle_name(const bont_muscle_t *m)
{
    if (!m)
        return "";
    return bont_i18n_thread_lang() == BONT_LANG_EN ? m->id
                                                   : bont_i18n_pick(m->id, m->name_zh, m->name_ko);
}

const char *bont__indication_name(const bont_indication_t *ind)
{
    if (!ind)
        return "";
    return bont_i18n_thread_lang() == BONT_LANG_EN
               ? ind->id
               : bont_i18n_pick(ind->id, ind->name_zh, ind->name_ko);
}

const char *bont__side_tr(bont_side_t s)
{
    return s == BONT_SIDE_LEFT    ? BONT_TRC("side", "left")
           : s == BONT_SIDE_RIGHT ? BONT_TRC("side", "right")
                                  : BONT_TRC("side", "midline");
}

const char *bont__severity_tr(bont_severity_t sev)
{
    return sev == BONT_SEV_ERROR     ? BONT_TRC("severity", "error")
           : sev == BONT_SEV_WARNING ? BONT_TRC("severity", "warning")
                                     : BONT_TRC("severity", "note");
}

const char *bont__guidance_tr(bont_guidance_t g)
{
    switch (g) {
    case BONT_GUIDE_PALPATION:
        return BONT_TRC("guidance", "palpation");
    case BONT_GUIDE_EMG:
        return BONT_TRC("guidance", "emg");
    case BONT_GUIDE_STIMULATION:
        return BONT_TRC("guidance", "stimulation");
    case BONT_GUIDE_ULTRASOUND:
        return BONT_TRC("guidance", "ultrasound");
    default:
        return "";
    }
}

/* Words of plans and records that reach sentences: each listed here for the catalogue. */
static const struct {
    const char *context, *word;
} plan_words[] = {
    {"sex", BONT_NC("sex", "female")},
    {"sex", BONT_NC("sex", "male")},
    {"sex", BONT_NC("sex", "other")},
    {"sex", BONT_NC("sex", "unknown")},
    {"term kind", BONT_NC("term kind", "condition")},
    {"term kind", BONT_NC("term kind", "medication")},
    {"term kind", BONT_NC("term kind", "allergy")},
    {"excipient", BONT_NC("excipient", "albumin")},
    {"excipient", BONT_NC("excipient", "milk_protein")},
    {"evidence", BONT_NC("evidence", "label")},
    {"evidence", BONT_NC("evidence", "label-secondary")},
    {"evidence", BONT_NC("evidence", "trial")},
    {"evidence", BONT_NC("evidence", "practice-guide")},
    {"evidence", BONT_NC("evidence", "off-label")},
    {"evidence", BONT_NC("evidence", "weak-secondary")},
    {"evidence", BONT_NC("evidence", "record")},
    {"guidance", BONT_NC("guidance", "palpation")},
    {"guidance", BONT_NC("guidance", "emg")},
    {"guidance", BONT_NC("guidance", "stimulation")},
    {"guidance", BONT_NC("guidance", "ultrasound")},
};

const char *bont__word_tr(const char *context, const char *word)
{
    for (size_t i = 0; word && i < sizeof plan_words / sizeof plan_words[0]; i++)
        if (!strcmp(plan_words[i].context, context) && !strcmp(plan_words[i].word, word))
            return BONT_TRC(context, word);
    return word ? word : "";
}

const char *bont__unit_tr(const char *unit)
{
    static const char *const words[] = {BONT_NC("unit", "days"), BONT_NC("unit", "years"),
                                        BONT_NC("unit", "sites"), BONT_NC("unit", "h")};
    for (size_t i = 0; unit && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(unit, words[i]) == 0)
            return BONT_TRC("unit", words[i]);
    return unit ? unit : "";
}
