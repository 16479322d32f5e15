/* kb_lookup.c: the knowledge base's look-ups: by id or any alias, iteration over every kind,
 * the adverse reactions of a product in an indication, and "did you mean" suggestions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "kb/kb_internal.h"
#include "util/text.h"

const bont_product_t *bont_kb_product(const bont_kb_t *kb, const char *name)
{
    size_t i = bont__kb_find(kb, BONT__KIND_PRODUCT, name);
    return i == (size_t)-1 ? NULL : &kb->products[i];
}

const bont_muscle_t *bont_kb_muscle(const bont_kb_t *kb, const char *name)
{
    size_t i = bont__kb_find(kb, BONT__KIND_MUSCLE, name);
    return i == (size_t)-1 ? NULL : &kb->muscles[i];
}

const bont_indication_t *bont_kb_indication(const bont_kb_t *kb, const char *name)
{
    size_t i = bont__kb_find(kb, BONT__KIND_INDICATION, name);
    return i == (size_t)-1 ? NULL : &kb->indications[i];
}

const bont_term_t *bont_kb_term(const bont_kb_t *kb, const char *name)
{
    size_t i = bont__kb_find(kb, BONT__KIND_TERM, name);
    return i == (size_t)-1 ? NULL : &kb->terms[i];
}

const bont_source_t *bont_kb_source(const bont_kb_t *kb, const char *id)
{
    for (size_t i = 0; kb && id && i < kb->n_sources; i++)
        if (strcmp(kb->sources[i].id, id) == 0)
            return &kb->sources[i];
    return NULL;
}

/* The entry of array FIELD whose id is id, or NULL: a scan, as these are looked up once per
 * finding, not per injection. */
#define KB_BY_ID(FN, T, FIELD)                                                                     \
    const T *FN(const bont_kb_t *kb, const char *id)                                               \
    {                                                                                              \
        for (size_t i = 0; kb && id && i < kb->n_##FIELD; i++)                                     \
            if (strcmp(kb->FIELD[i].id, id) == 0)                                                  \
                return &kb->FIELD[i];                                                              \
        return NULL;                                                                               \
    }

KB_BY_ID(bont_kb_history_rule, bont_history_rule_t, history_rules)
KB_BY_ID(bont_kb_jurisdiction, bont_jurisdiction_t, jurisdictions)
KB_BY_ID(bont_kb_rule, bont_rule_t, rules)
KB_BY_ID(bont_kb_contra, bont_contra_t, contras)
KB_BY_ID(bont_kb_guidance_rule, bont_guidance_rule_t, guidance_rules)

const bont_guidance_method_t *bont_kb_guidance_method(const bont_kb_t *kb, const char *name)
{
    size_t i = bont__kb_find(kb, BONT__KIND_GUIDANCE, name);
    return i == (size_t)-1 ? NULL : &kb->guidance_methods[i];
}

const bont_adverse_effect_t *bont_kb_adverse_effect(const bont_kb_t *kb, const char *name)
{
    size_t i = bont__kb_find(kb, BONT__KIND_EFFECT, name);
    return i == (size_t)-1 ? NULL : &kb->effects[i];
}

void bont_kb_jurisdiction_names(const bont_kb_t *kb, char *buf, size_t size)
{
    size_t n = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; kb && i < kb->n_jurisdictions && n < size; i++)
        if (kb->jurisdictions[i].selectable) {
            int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", kb->jurisdictions[i].id);
            n += w > 0 ? (size_t)w : 0;
        }
}

const bont_vial_t *bont_kb_vial(const bont_product_t *product, double units)
{
    for (size_t i = 0; product && i < product->n_vials; i++)
        if (fabs(product->vials[i].units - units) < 1e-9)
            return &product->vials[i];
    return NULL;
}

const bont_label_t *bont_kb_label(const bont_product_t *product, const char *jurisdiction)
{
    for (size_t i = 0; product && jurisdiction && i < product->n_labels; i++)
        if (strcmp(product->labels[i].jurisdiction, jurisdiction) == 0)
            return &product->labels[i];
    return NULL;
}

const bont_excipient_t *bont_kb_excipient_of(const bont_kb_t *kb, const bont_product_t *product,
                                             const bont_term_t *term)
{
    for (size_t i = 0; product && term && i < product->n_excipients; i++) {
        const bont_excipient_t *x = &product->excipient_list[i];
        const bont_term_t *listed = bont_kb_term(kb, x->term);
        const char *group = listed ? listed->group : NULL;
        if (!strcmp(term->id, x->term) || (term->group && !strcmp(term->group, x->term)) ||
            (group && (!strcmp(term->id, group) || (term->group && !strcmp(term->group, group)))))
            return x;
    }
    return NULL;
}

static int cmp_reaction(const void *a, const void *b)
{
    const bont_adverse_reaction_t *x = a, *y = b;
    int c = strcmp(x->product, y->product);
    if (!c)
        c = strcmp(x->indication, y->indication);
    if (!c)
        c = (x->rate_pct < y->rate_pct) - (x->rate_pct > y->rate_pct);
    if (!c)
        c = strcmp(x->effect, y->effect);
    return c ? c : strcmp(x->source, y->source);
}

void bont__kb_sort_reactions(bont_kb_t *kb)
{
    if (kb->n_reactions)
        qsort(kb->reactions, kb->n_reactions, sizeof *kb->reactions, cmp_reaction);
}

const bont_adverse_reaction_t *bont_kb_adverse_reactions(const bont_kb_t *kb,
                                                         const bont_product_t *product,
                                                         const bont_indication_t *indication,
                                                         size_t *n)
{
    *n = 0;
    if (!kb || !product || !indication)
        return NULL;
    const bont_adverse_reaction_t *first = NULL;
    for (size_t i = 0; i < kb->n_reactions; i++) {
        const bont_adverse_reaction_t *r = &kb->reactions[i];
        if (strcmp(r->product, product->id) != 0 || strcmp(r->indication, indication->id) != 0) {
            if (first)
                break; /* sorted: the rows of one pair are contiguous */
            continue;
        }
        if (!first)
            first = r;
        (*n)++;
    }
    return first;
}

/* bont_kb_n_NAME and bont_kb_NAME_at for the array FIELD of kb. */
#define KB_LIST(NAME, T, FIELD)                                                                    \
    size_t bont_kb_n_##NAME##s(const bont_kb_t *kb)                                                \
    {                                                                                              \
        return kb->n_##FIELD;                                                                      \
    }                                                                                              \
    const T *bont_kb_##NAME##_at(const bont_kb_t *kb, size_t i)                                    \
    {                                                                                              \
        return i < kb->n_##FIELD ? &kb->FIELD[i] : NULL;                                           \
    }

KB_LIST(product, bont_product_t, products)
KB_LIST(muscle, bont_muscle_t, muscles)
KB_LIST(indication, bont_indication_t, indications)
KB_LIST(rule, bont_rule_t, rules)
KB_LIST(contra, bont_contra_t, contras)
KB_LIST(source, bont_source_t, sources)
KB_LIST(jurisdiction, bont_jurisdiction_t, jurisdictions)
KB_LIST(guidance_method, bont_guidance_method_t, guidance_methods)
KB_LIST(guidance_rule, bont_guidance_rule_t, guidance_rules)
KB_LIST(adverse_effect, bont_adverse_effect_t, effects)
KB_LIST(adverse_reaction, bont_adverse_reaction_t, reactions)

/* The id of entry index of kind, and how many entries the kind has. */
static const char *kind_id(const bont_kb_t *kb, int kind, size_t index)
{
    switch (kind) {
    case BONT__KIND_PRODUCT:
        return kb->products[index].id;
    case BONT__KIND_MUSCLE:
        return kb->muscles[index].id;
    case BONT__KIND_INDICATION:
        return kb->indications[index].id;
    case BONT__KIND_GUIDANCE:
        return kb->guidance_methods[index].id;
    case BONT__KIND_EFFECT:
        return kb->effects[index].id;
    default:
        return kb->terms[index].id;
    }
}

static size_t kind_count(const bont_kb_t *kb, int kind)
{
    const size_t counts[BONT__KIND_COUNT] = {kb->n_products,         kb->n_muscles,
                                             kb->n_indications,      kb->n_terms,
                                             kb->n_guidance_methods, kb->n_effects};
    return counts[kind];
}

size_t bont_kb_suggest(const bont_kb_t *kb, const char *kind_name, const char *name,
                       const char **out, size_t max)
{
    static const char *const kinds[BONT__KIND_COUNT] = {"product", "muscle",   "indication",
                                                        "term",    "guidance", "effect"};
    int kind = BONT__KIND_TERM;
    for (int k = 0; k < BONT__KIND_COUNT; k++)
        if (kind_name && strcmp(kind_name, kinds[k]) == 0)
            kind = k;
    char *norm = bont__name_normalize(name ? name : "");
    if (!norm || max == 0) {
        free(norm);
        return 0;
    }
    /* Best distance per entry, then the closest entries; a prefix or substring match counts as
     * close, so "corrugator" finds corrugator_supercilii. */
    size_t n_entries = kind_count(kb, kind);
    size_t *best = malloc((n_entries ? n_entries : 1) * sizeof *best);
    if (!best) {
        free(norm);
        return 0;
    }
    for (size_t i = 0; i < n_entries; i++)
        best[i] = (size_t)-1;
    size_t len = strlen(norm);
    for (size_t a = 0; a < kb->n_aliases; a++) {
        if (kb->aliases[a].kind != kind)
            continue;
        const char *al = kb->aliases[a].norm;
        size_t d = bont__edit_distance(norm, al, 64);
        if (len >= 3 && strstr(al, norm))
            d = d < 2 ? d : 2;
        if (d < best[kb->aliases[a].index])
            best[kb->aliases[a].index] = d;
    }
    size_t limit = len / 2 + 2;
    size_t n = 0;
    while (n < max) {
        size_t pick = (size_t)-1, pd = (size_t)-1;
        for (size_t i = 0; i < n_entries; i++)
            if (best[i] < pd) {
                pd = best[i];
                pick = i;
            }
        if (pick == (size_t)-1 || pd > limit)
            break;
        out[n++] = kind_id(kb, kind, pick);
        best[pick] = (size_t)-1;
    }
    free(best);
    free(norm);
    return n;
}
