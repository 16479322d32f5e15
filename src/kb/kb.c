/* kb.c: loads the knowledge base from the data/ files (embedded, or from a folder) and frees
 * it. Strings point into the parsed JSON, which the kb keeps; look-ups are in kb_lookup.c. */
#include "bont/kb.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/datafile.h"
#include "kb/kb_internal.h"

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

/* Parses data file name (from dir, or embedded) and keeps it. */
static int parse_file(bont__loader_t *L, const char *dir, const char *name, json_t **root)
{
    L->file = name;
    int rc = bont__data_load(dir, name, root, L->err);
    if (rc == BONT_EPARSE || rc == BONT_ENOTFOUND)
        rc = BONT_EKB;
    return rc ? rc : keep_root(L->kb, *root);
}

/* Whether a sorts before b: "<prefix>.json" first, then the other files by name. */
static int name_before(const char *a, const char *b, const char *prefix)
{
    char main_name[64];
    snprintf(main_name, sizeof main_name, "%s.json", prefix);
    int ma = strcmp(a, main_name) == 0, mb = strcmp(b, main_name) == 0;
    return ma != mb ? ma : strcmp(a, b) < 0;
}

static int has_prefix_json(const char *name, const char *prefix)
{
    size_t len = strlen(name), plen = strlen(prefix);
    return strncmp(name, prefix, plen) == 0 && len < 64 && len > plen + 4 &&
           strcmp(name + len - 5, ".json") == 0;
}

/* The names of the files prefix*.json in dir, or embedded when dir is NULL; at most max. */
static size_t prefixed_files(const char *dir, const char *prefix, char names[][64], size_t max)
{
    size_t n = 0;
    if (!dir) {
        for (const bont_embedded_file_t *f = bont__embedded_files; f->name && n < max; f++)
            if (has_prefix_json(f->name, prefix))
                snprintf(names[n++], 64, "%s", f->name);
    } else {
        DIR *d = opendir(dir);
        for (struct dirent *de; d && (de = readdir(d)) && n < max;)
            if (has_prefix_json(de->d_name, prefix))
                snprintf(names[n++], 64, "%s", de->d_name);
        if (d)
            closedir(d);
    }
    /* readdir's order is the file system's; a handful of names, sorted by insertion. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && name_before(names[j], names[j - 1], prefix); j--) {
            char tmp[64];
            memcpy(tmp, names[j], 64);
            memcpy(names[j], names[j - 1], 64);
            memcpy(names[j - 1], tmp, 64);
        }
    return n;
}

/* Every prefix*.json (sources.json and sources-atlas.json, indications.json and
 * indications-offlabel.json) into one array of table, entries of size bytes. */
static int load_prefixed(bont__loader_t *L, const char *dir, const char *prefix, const char *table,
                         size_t size, void **entries, size_t *n_entries)
{
    char names[16][64];
    size_t n_files = prefixed_files(dir, prefix, names, 16);
    for (size_t f = 0; f < n_files; f++) {
        json_t *root = NULL;
        void *more = NULL;
        size_t n = 0;
        int rc = parse_file(L, dir, names[f], &root);
        L->base = *n_entries;
        if (!rc)
            rc = bont__kb_read_file(L, root, table, &more, &n);
        L->base = 0;
        if (rc)
            return rc;
        char *all = bont__kb_alloc(L, *n_entries + n, size);
        if (!all)
            return BONT_ENOMEM;
        if (*n_entries)
            memcpy(all, *entries, *n_entries * size);
        memcpy(all + *n_entries * size, more, n * size);
        *entries = all;
        *n_entries += n;
    }
    if (n_files == 0) {
        L->file = prefix;
        return bont__kb_fail(L, BONT_EKB, NULL, "data file %s.json is missing", prefix);
    }
    return 0;
}

/* The files of one table each, in load order: sources first, so that the other files' source
 * ids can be checked; a file with two tables is parsed once. */
static int load_tables(bont__loader_t *L, const char *dir)
{
    bont_kb_t *kb = L->kb;
    struct {
        const char *file, *table;
        void **entries;
        size_t *n;
    } files[] = {
        {"jurisdictions.json", "jurisdictions", (void **)&kb->jurisdictions, &kb->n_jurisdictions},
        {"products.json", "products", (void **)&kb->products, &kb->n_products},
        {"muscles.json", "muscles", (void **)&kb->muscles, &kb->n_muscles},
        {"terms.json", "terms", (void **)&kb->terms, &kb->n_terms},
        {"rules.json", "rules", (void **)&kb->rules, &kb->n_rules},
        {"contraindications.json", "contraindications", (void **)&kb->contras, &kb->n_contras},
        {"history-rules.json", "history_rules", (void **)&kb->history_rules, &kb->n_history_rules},
        {"guidance.json", "guidance_methods", (void **)&kb->guidance_methods,
         &kb->n_guidance_methods},
        {"guidance.json", "guidance_rules", (void **)&kb->guidance_rules, &kb->n_guidance_rules},
        {"adverse-reactions.json", "adverse_effects", (void **)&kb->effects, &kb->n_effects},
        {"adverse-reactions.json", "adverse_reactions", (void **)&kb->reactions, &kb->n_reactions},
    };
    int rc = load_prefixed(L, dir, "sources", "sources", sizeof(bont_source_t),
                           (void **)&kb->sources, &kb->n_sources);
    if (!rc)
        rc = load_prefixed(L, dir, "indications", "indications", sizeof(bont_indication_t),
                           (void **)&kb->indications, &kb->n_indications);
    json_t *root = NULL;
    for (size_t i = 0; i < sizeof files / sizeof files[0] && !rc; i++) {
        if (i == 0 || strcmp(files[i].file, files[i - 1].file) != 0)
            rc = parse_file(L, dir, files[i].file, &root);
        L->file = files[i].file;
        if (!rc)
            rc = bont__kb_read_file(L, root, files[i].table, files[i].entries, files[i].n);
    }
    return rc;
}

static int load(const char *dir, bont_kb_t **out, bont_error_t *err)
{
    *out = NULL;
    bont_kb_t *kb = calloc(1, sizeof *kb);
    if (!kb)
        return BONT_ENOMEM;
    bont__loader_t L = {kb, err, "", 0};
    int rc = load_tables(&L, dir);
    if (!rc)
        rc = bont__kb_index_aliases(&L);
    if (!rc)
        rc = bont__kb_cross_check(&L);
    if (rc) {
        bont_kb_free(&kb);
        return rc;
    }
    bont__kb_sort_reactions(kb);
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
