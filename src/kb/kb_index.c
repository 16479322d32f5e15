/* kb_index.c: the knowledge base's name index (every alias of every entry, sorted, searched by
 * halves) and the cross-checks that every id a data file names exists. */
#include "kb/kb_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

static const char *const kind_names[BONT__KIND_COUNT] = {
    "product", "muscle", "indication", "term", "guidance method", "adverse effect"};
static const char *const kind_files[BONT__KIND_COUNT][2] = {
    {"products.json", "products"},        {"muscles.json", "muscles"},
    {"indications*.json", "indications"}, {"terms.json", "terms"},
    {"guidance.json", "methods"},         {"adverse-reactions.json", "effects"}};

int bont__kb_add_alias(bont__loader_t *L, const char *name, int kind, size_t index)
{
    bont_kb_t *kb = L->kb;
    if (!name || !*name)
        return 0;
    if (kb->n_aliases == kb->cap_aliases) {
        size_t cap = kb->cap_aliases ? kb->cap_aliases * 2 : 512;
        bont__alias_t *a = realloc(kb->aliases, cap * sizeof *a);
        if (!a)
            return BONT_ENOMEM;
        kb->aliases = a;
        kb->cap_aliases = cap;
    }
    char *norm = bont__name_normalize(name);
    if (!norm)
        return BONT_ENOMEM;
    kb->aliases[kb->n_aliases++] = (bont__alias_t){norm, kind, index};
    return 0;
}

static int cmp_key(int kind_a, const char *a, int kind_b, const char *b)
{
    return kind_a != kind_b ? (kind_a > kind_b) - (kind_a < kind_b) : strcmp(a, b);
}

static int cmp_alias(const void *x, const void *y)
{
    const bont__alias_t *a = x, *b = y;
    int c = cmp_key(a->kind, a->norm, b->kind, b->norm);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

int bont__kb_index_aliases(bont__loader_t *L)
{
    bont_kb_t *kb = L->kb;
    qsort(kb->aliases, kb->n_aliases, sizeof *kb->aliases, cmp_alias);
    /* A name of two entries of one kind is an error; the same entry's name twice is kept once. */
    for (size_t i = 1; i < kb->n_aliases; i++) {
        const bont__alias_t *a = &kb->aliases[i], *prev = &kb->aliases[i - 1];
        if (cmp_key(prev->kind, prev->norm, a->kind, a->norm) == 0 && prev->index != a->index) {
            char path[64], msg[200];
            L->file = kind_files[a->kind][0];
            snprintf(path, sizeof path, "%s[%zu]", kind_files[a->kind][1], a->index);
            snprintf(msg, sizeof msg, "name \"%.60s\" names two entries of kind %s", a->norm,
                     kind_names[a->kind]);
            return bont__kb_fail(L, BONT_EKB, path, "%s", msg);
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < kb->n_aliases; i++) {
        bont__alias_t *a = &kb->aliases[i];
        if (n && cmp_key(kb->aliases[n - 1].kind, kb->aliases[n - 1].norm, a->kind, a->norm) == 0)
            free(a->norm);
        else
            kb->aliases[n++] = *a;
    }
    kb->n_aliases = n;
    return 0;
}

size_t bont__kb_find(const bont_kb_t *kb, int kind, const char *name)
{
    char norm[BONT__KB_NAME_MAX];
    if (!kb || !name || bont__name_normalize_into(name, norm, sizeof norm) != 0)
        return (size_t)-1;
    size_t lo = 0, hi = kb->n_aliases;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const bont__alias_t *a = &kb->aliases[mid];
        int c = cmp_key(a->kind, a->norm, kind, norm);
        if (c == 0)
            return a->index;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}

/* ---- cross-checks: every id a data file names must exist --------------------------------- */

static int check_source_ids(bont__loader_t *L, const char *where, const char *sources)
{
    if (!sources)
        return 0;
    /* Free-text provenance ("estimate: ...", "derived: ...") is allowed; a list of ids is
     * checked id by id. */
    if (strchr(sources, ':'))
        return 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", sources);
    for (char *save = NULL, *tok = strtok_r(buf, " ,;", &save); tok;
         tok = strtok_r(NULL, " ,;", &save)) {
        if (!bont_kb_source(L->kb, tok)) {
            char msg[256];
            snprintf(msg, sizeof msg, "%.64s names source \"%.64s\", which sources*.json lacks",
                     where, tok);
            return bont__kb_fail(L, BONT_EKB, where, "%s", msg);
        }
    }
    return 0;
}

/* Every jurisdiction named in list is in jurisdictions.json. */
static int check_jurisdictions(bont__loader_t *L, const char *where, const char *const *list,
                               size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!bont_kb_jurisdiction(L->kb, list[k]))
            return bont__kb_fail(L, BONT_EKB, where,
                                 "jurisdiction \"%s\" is not in jurisdictions.json", list[k]);
    return 0;
}

static int check_indication_ids(bont__loader_t *L, const char *where, const char *const *ids,
                                size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (bont__kb_find(L->kb, BONT__KIND_INDICATION, ids[k]) == (size_t)-1)
            return bont__kb_fail(L, BONT_EKB, where, "unknown indication \"%s\"", ids[k]);
    return 0;
}

static int check_product_id(bont__loader_t *L, const char *where, const char *id)
{
    if (id && bont__kb_find(L->kb, BONT__KIND_PRODUCT, id) == (size_t)-1)
        return bont__kb_fail(L, BONT_EKB, where, "unknown product \"%s\"", id);
    return 0;
}

/* Every excipient is an allergy term, so that a patient's allergy can name it. */
static int check_excipients(bont__loader_t *L, const bont_product_t *p)
{
    for (size_t k = 0; k < p->n_excipients; k++) {
        const bont_excipient_t *x = &p->excipient_list[k];
        const bont_term_t *t = bont_kb_term(L->kb, x->term);
        if (!t || strcmp(t->id, x->term) != 0 || strcmp(t->kind, "allergy") != 0)
            return bont__kb_fail(L, BONT_EKB, p->id,
                                 "excipient \"%s\" is no allergy term id of terms.json", x->term);
        int rc = check_source_ids(L, p->id, x->source);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_products(bont__loader_t *L)
{
    const bont_kb_t *kb = L->kb;
    int rc = 0;
    L->file = "products.json";
    for (size_t i = 0; i < kb->n_products && !rc; i++) {
        const bont_product_t *p = &kb->products[i];
        if ((rc = check_source_ids(L, p->id, p->source)) ||
            (rc = check_source_ids(L, p->id, p->ratio_source)) ||
            (rc = check_source_ids(L, p->id, p->in_use_source)) || (rc = check_excipients(L, p)))
            return rc;
        for (size_t k = 0; k < p->n_vials && !rc; k++)
            rc = check_source_ids(L, p->id, p->vials[k].source);
        for (size_t k = 0; k < p->n_labels && !rc; k++) {
            const bont_label_t *lb = &p->labels[k];
            if (!(rc = check_jurisdictions(L, p->id, &lb->jurisdiction, 1)) &&
                !(rc = check_indication_ids(L, p->id, lb->indications, lb->n_indications)))
                rc = check_source_ids(L, p->id, lb->source);
        }
    }
    return rc;
}

/* Resolves every neighbour to its atlas entry, so the spread model never looks names up. */
static int check_muscles(bont__loader_t *L)
{
    const bont_kb_t *kb = L->kb;
    L->file = "muscles.json";
    for (size_t i = 0; i < kb->n_muscles; i++) {
        const bont_muscle_t *m = &kb->muscles[i];
        for (size_t k = 0; k < m->n_neighbours; k++) {
            bont_neighbour_t *nb = (bont_neighbour_t *)&m->neighbours[k];
            size_t j = bont__kb_find(kb, BONT__KIND_MUSCLE, nb->id);
            if (j == (size_t)-1)
                return bont__kb_fail(L, BONT_EKB, m->id, "neighbour \"%s\" is not in the atlas",
                                     nb->id);
            nb->muscle = &kb->muscles[j];
        }
    }
    return 0;
}

static int check_indications(bont__loader_t *L)
{
    const bont_kb_t *kb = L->kb;
    L->file = "indications*.json"; /* indications.json and indications-offlabel.json */
    for (size_t i = 0; i < kb->n_indications; i++) {
        const bont_indication_t *ind = &kb->indications[i];
        for (size_t k = 0; k < ind->n_muscles; k++)
            if (bont__kb_find(kb, BONT__KIND_MUSCLE, ind->muscles[k]) == (size_t)-1)
                return bont__kb_fail(L, BONT_EKB, ind->id, "muscle \"%s\" is not in the atlas",
                                     ind->muscles[k]);
        int rc = check_source_ids(L, ind->id, ind->diluent_source);
        if (!rc)
            rc = check_source_ids(L, ind->id, ind->evidence_source);
        if (rc)
            return rc;
    }
    return 0;
}

static int cmp_rule_id(const void *a, const void *b)
{
    return strcmp((*(const bont_rule_t *const *)a)->id, (*(const bont_rule_t *const *)b)->id);
}

static int check_rules(bont__loader_t *L)
{
    const bont_kb_t *kb = L->kb;
    L->file = "rules.json";
    const bont_rule_t **sorted = malloc((kb->n_rules ? kb->n_rules : 1) * sizeof *sorted);
    if (!sorted)
        return BONT_ENOMEM;
    for (size_t i = 0; i < kb->n_rules; i++)
        sorted[i] = &kb->rules[i];
    qsort(sorted, kb->n_rules, sizeof *sorted, cmp_rule_id);
    int rc = 0;
    for (size_t i = 1; i < kb->n_rules && !rc; i++)
        if (strcmp(sorted[i - 1]->id, sorted[i]->id) == 0)
            rc = bont__kb_fail(L, BONT_EKB, sorted[i]->id, "rule id \"%s\" is used twice",
                               sorted[i]->id);
    free(sorted);
    for (size_t i = 0; i < kb->n_rules && !rc; i++) {
        const bont_rule_t *r = &kb->rules[i];
        if (r->muscle && bont__kb_find(kb, BONT__KIND_MUSCLE, r->muscle) == (size_t)-1)
            return bont__kb_fail(L, BONT_EKB, r->id, "unknown muscle \"%s\"", r->muscle);
        if (!(rc = check_product_id(L, r->id, r->product)) &&
            !(rc = check_indication_ids(L, r->id, r->indications, r->n_indications)) &&
            !(rc = check_jurisdictions(L, r->id, r->jurisdictions, r->n_jurisdictions)))
            rc = check_source_ids(L, r->id, r->source);
    }
    return rc;
}

static int check_contras(bont__loader_t *L)
{
    const bont_kb_t *kb = L->kb;
    L->file = "contraindications.json";
    for (size_t i = 0; i < kb->n_contras; i++) {
        const bont_contra_t *c = &kb->contras[i];
        int rc = 0;
        for (size_t k = 0; k < c->n_products && !rc; k++)
            rc = check_product_id(L, c->id, c->products[k]);
        if (rc || (rc = check_indication_ids(L, c->id, c->indications, c->n_indications)) ||
            (rc = check_jurisdictions(L, c->id, c->jurisdictions, c->n_jurisdictions)))
            return rc;
        if (c->differs_from && !bont_kb_contra(kb, c->differs_from))
            return bont__kb_fail(L, BONT_EKB, c->id, "differs_from \"%s\" names no entry",
                                 c->differs_from);
        for (size_t k = 0; k < c->n_matches; k++) {
            int found = 0;
            for (size_t t = 0; t < kb->n_terms && !found; t++)
                found = strcmp(kb->terms[t].id, c->matches[k]) == 0 ||
                        (kb->terms[t].group && strcmp(kb->terms[t].group, c->matches[k]) == 0);
            if (!found)
                return bont__kb_fail(L, BONT_EKB, c->id,
                                     "matches \"%s\", which is no term or group", c->matches[k]);
        }
        if ((rc = check_source_ids(L, c->id, c->source)))
            return rc;
    }
    return 0;
}

static int check_guidance_rules(bont__loader_t *L)
{
    const bont_kb_t *kb = L->kb;
    L->file = "guidance.json";
    for (size_t i = 0; i < kb->n_guidance_rules; i++) {
        const bont_guidance_rule_t *g = &kb->guidance_rules[i];
        for (size_t k = 0; k < g->n_accepted; k++) {
            const bont_guidance_method_t *m = bont_kb_guidance_method(kb, g->accepted[k]);
            if (!m || strcmp(m->id, g->accepted[k]) != 0)
                return bont__kb_fail(L, BONT_EKB, g->id, "accepted \"%s\" is no method id",
                                     g->accepted[k]);
        }
        int rc;
        if ((rc = check_product_id(L, g->id, g->product)) ||
            (rc = check_indication_ids(L, g->id, g->indications, g->n_indications)) ||
            (rc = check_jurisdictions(L, g->id, g->jurisdictions, g->n_jurisdictions)) ||
            (rc = check_source_ids(L, g->id, g->source)))
            return rc;
    }
    return 0;
}

/* Resolves every row's effect, so a report never looks names up. */
static int check_reactions(bont__loader_t *L)
{
    const bont_kb_t *kb = L->kb;
    L->file = "adverse-reactions.json";
    for (size_t i = 0; i < kb->n_reactions; i++) {
        bont_adverse_reaction_t *r = &kb->reactions[i];
        char where[64];
        snprintf(where, sizeof where, "rows[%zu]", i);
        size_t e = bont__kb_find(kb, BONT__KIND_EFFECT, r->effect);
        if (e == (size_t)-1 || strcmp(kb->effects[e].id, r->effect) != 0)
            return bont__kb_fail(L, BONT_EKB, where, "effect \"%s\" is no effect id", r->effect);
        r->effect_entry = &kb->effects[e];
        int rc;
        if ((rc = check_product_id(L, where, r->product)) ||
            (rc = check_indication_ids(L, where, &r->indication, 1)) ||
            (rc = check_jurisdictions(L, where, &r->jurisdiction, 1)) ||
            (rc = check_source_ids(L, where, r->source)))
            return rc;
    }
    return 0;
}

static int check_jurisdiction_table(bont__loader_t *L)
{
    const bont_kb_t *kb = L->kb;
    L->file = "jurisdictions.json";
    for (size_t i = 0; i < kb->n_jurisdictions; i++) {
        const bont_jurisdiction_t *j = &kb->jurisdictions[i];
        int rc = check_jurisdictions(L, j->id, j->near, j->n_near);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_history_rules(bont__loader_t *L)
{
    const bont_kb_t *kb = L->kb;
    L->file = "history-rules.json";
    for (size_t i = 0; i < kb->n_history_rules; i++) {
        int rc = check_source_ids(L, kb->history_rules[i].id, kb->history_rules[i].source);
        if (rc)
            return rc;
    }
    return 0;
}

int bont__kb_cross_check(bont__loader_t *L)
{
    int rc;
    if ((rc = check_jurisdiction_table(L)) || (rc = check_products(L)) || (rc = check_muscles(L)) ||
        (rc = check_indications(L)) || (rc = check_rules(L)) || (rc = check_contras(L)) ||
        (rc = check_history_rules(L)) || (rc = check_guidance_rules(L)) ||
        (rc = check_reactions(L)))
        return rc;
    return 0;
}
