/* kb.c: loads the knowledge base from the data/ files (embedded, or from a folder) and answers
 * look-ups by id and alias. Strings point into the parsed JSON, which the kb keeps. */
#include "bont/kb.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/datafile.h"
#include "kb/kb_internal.h"
#include "util/text.h"

static const char *const rule_type_names[BONT_RULE_TYPE_COUNT] = {
    "units_per_site",    "volume_per_site", "units_per_muscle", "units_per_limb",
    "units_per_session", "cumulative",      "min_interval",     "age",
    "sites_per_muscle",
};

const char *bont_rule_type_name(bont_rule_type_t type)
{
    return (type >= 0 && type < BONT_RULE_TYPE_COUNT) ? rule_type_names[type] : "unknown";
}

int bont_rule_type_parse(const char *name, bont_rule_type_t *out)
{
    for (int i = 0; i < BONT_RULE_TYPE_COUNT; i++)
        if (name && strcmp(name, rule_type_names[i]) == 0) {
            *out = (bont_rule_type_t)i;
            return BONT_OK;
        }
    return BONT_EUNKNOWN;
}

const char *bont_severity_name(bont_severity_t sev)
{
    switch (sev) {
    case BONT_SEV_ERROR:
        return "error";
    case BONT_SEV_WARNING:
        return "warning";
    case BONT_SEV_NOTE:
        return "note";
    }
    return "note";
}

/* ---- loading ----------------------------------------------------------------------------- */

/* Keeps a parsed file: every string of the kb points into one. */
static int keep_root(bont_kb_t *kb, json_t *root)
{
    json_t **r = realloc(kb->roots, (kb->n_roots + 1) * sizeof *r);
    if (!r) {
        json_decref(root);
        return BONT_ENOMEM;
    }
    kb->roots = r;
    kb->roots[kb->n_roots++] = root;
    return 0;
}

static int read_one(bont__loader_t *L, const char *dir, const char *name, const char *array_key,
                    void **entries, size_t *n)
{
    json_t *root = NULL;
    L->file = name;
    int rc = bont__data_load(dir, name, &root, L->err);
    if (rc == BONT_EPARSE || rc == BONT_ENOTFOUND)
        rc = BONT_EKB;
    if (!rc)
        rc = keep_root(L->kb, root);
    if (!rc)
        rc = bont__kb_read_file(L, root, array_key, entries, n);
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The names of the source lists (sources*.json) in dir, or embedded when dir is NULL; at most
 * max, sorted. */
static size_t source_files(const char *dir, char names[][64], size_t max)
{
    size_t n = 0;
    if (!dir) {
        for (const bont_embedded_file_t *f = bont__embedded_files; f->name && n < max; f++)
            if (strncmp(f->name, "sources", 7) == 0)
                snprintf(names[n++], 64, "%s", f->name);
        return n;
    }
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d)) && n < max;) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "sources", 7) == 0 && len < 64 && len > 5 &&
            strcmp(de->d_name + len - 5, ".json") == 0)
            snprintf(names[n++], 64, "%s", de->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof names[0], cmp_name); /* readdir's order is the file system's */
    return n;
}

/* Every sources*.json first, so that the other files' source ids can be checked. */
static int load_sources(bont__loader_t *L, const char *dir)
{
    char names[16][64];
    size_t n_files = source_files(dir, names, 16);
    bont_kb_t *kb = L->kb;
    for (size_t f = 0; f < n_files; f++) {
        bont_source_t *more = NULL;
        size_t n = 0;
        int rc = read_one(L, dir, names[f], "sources", (void **)&more, &n);
        if (rc)
            return rc;
        bont_source_t *all = bont__kb_alloc(L, kb->n_sources + n, sizeof *all);
        if (!all)
            return BONT_ENOMEM;
        if (kb->n_sources)
            memcpy(all, kb->sources, kb->n_sources * sizeof *all);
        memcpy(all + kb->n_sources, more, n * sizeof *all);
        kb->sources = all;
        kb->n_sources += n;
    }
    if (n_files == 0) {
        L->file = "sources.json";
        return bont__kb_fail(L, BONT_EKB, NULL, "data file %s is missing", "sources.json");
    }
    return 0;
}

static int load(const char *dir, bont_kb_t **out, bont_error_t *err)
{
    *out = NULL;
    bont_kb_t *kb = calloc(1, sizeof *kb);
    if (!kb)
        return BONT_ENOMEM;
    bont__loader_t L = {kb, err, ""};
    int rc = load_sources(&L, dir);
    struct {
        const char *file, *key;
        void **entries;
        size_t *n;
    } files[] = {
        {"products.json", "products", (void **)&kb->products, &kb->n_products},
        {"muscles.json", "muscles", (void **)&kb->muscles, &kb->n_muscles},
        {"indications.json", "indications", (void **)&kb->indications, &kb->n_indications},
        {"terms.json", "terms", (void **)&kb->terms, &kb->n_terms},
        {"rules.json", "rules", (void **)&kb->rules, &kb->n_rules},
        {"contraindications.json", "contraindications", (void **)&kb->contras, &kb->n_contras},
        {"history-rules.json", "history_rules", (void **)&kb->history_rules, &kb->n_history_rules},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0] && !rc; i++)
        rc = read_one(&L, dir, files[i].file, files[i].key, files[i].entries, files[i].n);
    if (!rc)
        rc = bont__kb_index_aliases(&L);
    if (!rc)
        rc = bont__kb_cross_check(&L);
    if (rc) {
        bont_kb_free(&kb);
        return rc;
    }
    *out = kb;
    return 0;
}

int bont_kb_load(bont_kb_t **out, bont_error_t *err)
{
    return load(NULL, out, err);
}

int bont_kb_load_dir(bont_kb_t **out, const char *dir, bont_error_t *err)
{
    if (!dir) {
        *out = NULL;
        bont_error_setf(err, NULL, "no knowledge-base folder given");
        return BONT_EINVAL;
    }
    return load(dir, out, err);
}

void bont_kb_free(bont_kb_t **kbp)
{
    if (!kbp || !*kbp)
        return;
    bont_kb_t *kb = *kbp;
    for (size_t i = 0; i < kb->n_roots; i++)
        json_decref(kb->roots[i]);
    free(kb->roots);
    for (size_t i = 0; i < kb->n_allocs; i++)
        free(kb->allocs[i]);
    free(kb->allocs);
    for (size_t i = 0; i < kb->n_aliases; i++)
        free(kb->aliases[i].norm);
    free(kb->aliases);
    free(kb);
    *kbp = NULL;
}

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

const bont_history_rule_t *bont_kb_history_rule(const bont_kb_t *kb, const char *id)
{
    for (size_t i = 0; kb && id && i < kb->n_history_rules; i++)
        if (strcmp(kb->history_rules[i].id, id) == 0)
            return &kb->history_rules[i];
    return NULL;
}

size_t bont_kb_n_products(const bont_kb_t *kb)
{
    return kb->n_products;
}
const bont_product_t *bont_kb_product_at(const bont_kb_t *kb, size_t i)
{
    return i < kb->n_products ? &kb->products[i] : NULL;
}
size_t bont_kb_n_muscles(const bont_kb_t *kb)
{
    return kb->n_muscles;
}
const bont_muscle_t *bont_kb_muscle_at(const bont_kb_t *kb, size_t i)
{
    return i < kb->n_muscles ? &kb->muscles[i] : NULL;
}
size_t bont_kb_n_indications(const bont_kb_t *kb)
{
    return kb->n_indications;
}
const bont_indication_t *bont_kb_indication_at(const bont_kb_t *kb, size_t i)
{
    return i < kb->n_indications ? &kb->indications[i] : NULL;
}
size_t bont_kb_n_rules(const bont_kb_t *kb)
{
    return kb->n_rules;
}
const bont_rule_t *bont_kb_rule_at(const bont_kb_t *kb, size_t i)
{
    return i < kb->n_rules ? &kb->rules[i] : NULL;
}
size_t bont_kb_n_contras(const bont_kb_t *kb)
{
    return kb->n_contras;
}
const bont_contra_t *bont_kb_contra_at(const bont_kb_t *kb, size_t i)
{
    return i < kb->n_contras ? &kb->contras[i] : NULL;
}

static const char *kind_id(const bont_kb_t *kb, int kind, size_t index)
{
    switch (kind) {
    case BONT__KIND_PRODUCT:
        return kb->products[index].id;
    case BONT__KIND_MUSCLE:
        return kb->muscles[index].id;
    case BONT__KIND_INDICATION:
        return kb->indications[index].id;
    default:
        return kb->terms[index].id;
    }
}

size_t bont_kb_suggest(const bont_kb_t *kb, const char *kind_name, const char *name,
                       const char **out, size_t max)
{
    int kind = strcmp(kind_name, "product") == 0      ? BONT__KIND_PRODUCT
               : strcmp(kind_name, "muscle") == 0     ? BONT__KIND_MUSCLE
               : strcmp(kind_name, "indication") == 0 ? BONT__KIND_INDICATION
                                                      : BONT__KIND_TERM;
    char *norm = bont__name_normalize(name ? name : "");
    if (!norm || max == 0) {
        free(norm);
        return 0;
    }
    /* Best distance per entry, then the closest entries; a prefix or substring match counts as
     * close, so "corrugator" finds corrugator_supercilii. */
    size_t n_entries = kind == BONT__KIND_PRODUCT      ? kb->n_products
                       : kind == BONT__KIND_MUSCLE     ? kb->n_muscles
                       : kind == BONT__KIND_INDICATION ? kb->n_indications
                                                       : kb->n_terms;
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
