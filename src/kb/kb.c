/* kb.c: loads the knowledge base from the embedded data/ files (or a folder) and answers
 * look-ups by id and alias. Strings point into the parsed JSON, which the kb keeps. */
#include "bont/kb.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/embedded.h"
#include "util/text.h"

enum { KIND_PRODUCT, KIND_MUSCLE, KIND_INDICATION, KIND_TERM, KIND_COUNT };

typedef struct alias_t {
    char *norm;   /* normalised name (owned) */
    int kind;     /* KIND_* */
    size_t index; /* entry in the kind's array */
} alias_t;

struct bont_kb_t {
    json_t **roots; /* parsed files (owned); every string below points into them */
    size_t n_roots;
    void **allocs; /* arrays allocated while loading (owned) */
    size_t n_allocs, cap_allocs;
    bont_product_t *products;
    size_t n_products;
    bont_muscle_t *muscles;
    size_t n_muscles;
    bont_indication_t *indications;
    size_t n_indications;
    bont_rule_t *rules;
    size_t n_rules;
    bont_term_t *terms;
    size_t n_terms;
    bont_contra_t *contras;
    size_t n_contras;
    bont_source_t *sources;
    size_t n_sources;
    alias_t *aliases;
    size_t n_aliases, cap_aliases;
};

/* The input files, whatever their origin. */
typedef struct kb_file_t {
    const char *name;
    const char *data;
    size_t size;
} kb_file_t;

typedef struct loader_t {
    bont_kb_t *kb;
    bont_error_t *err;
    const char *file; /* current file name, for messages */
} loader_t;

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

static int severity_parse(const char *s, bont_severity_t *out)
{
    if (!s)
        return BONT_EMISSING;
    if (strcmp(s, "error") == 0)
        *out = BONT_SEV_ERROR;
    else if (strcmp(s, "warning") == 0)
        *out = BONT_SEV_WARNING;
    else if (strcmp(s, "note") == 0)
        *out = BONT_SEV_NOTE;
    else
        return BONT_EUNKNOWN;
    return BONT_OK;
}

/* ---- loading helpers --------------------------------------------------------------------- */

static void *kb_alloc(loader_t *L, size_t n, size_t size)
{
    bont_kb_t *kb = L->kb;
    if (kb->n_allocs == kb->cap_allocs) {
        size_t cap = kb->cap_allocs ? kb->cap_allocs * 2 : 64;
        void **a = realloc(kb->allocs, cap * sizeof *a);
        if (!a)
            return NULL;
        kb->allocs = a;
        kb->cap_allocs = cap;
    }
    void *p = calloc(n ? n : 1, size);
    if (p)
        kb->allocs[kb->n_allocs++] = p;
    return p;
}

static int fail(loader_t *L, int rc, const char *field, const char *fmt, const char *what)
{
    if (L->err) {
        snprintf(L->err->file, sizeof L->err->file, "data/%s", L->file);
        bont_error_setf(L->err, field, fmt, what ? what : "");
    }
    return rc;
}

static const char *str_field(loader_t *L, json_t *obj, const char *key, int required,
                             const char *path, int *rc)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required && *rc == 0) {
            char field[128];
            snprintf(field, sizeof field, "%s.%s", path, key);
            *rc = fail(L, BONT_EKB, field, "missing required text field%s", "");
        }
        return NULL;
    }
    if (!json_is_string(v)) {
        if (*rc == 0) {
            char field[128];
            snprintf(field, sizeof field, "%s.%s", path, key);
            *rc = fail(L, BONT_EKB, field, "expected a string%s", "");
        }
        return NULL;
    }
    return json_string_value(v);
}

static double num_field(loader_t *L, json_t *obj, const char *key, double dflt, const char *path,
                        int *rc)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return dflt;
    if (!json_is_number(v)) {
        if (*rc == 0) {
            char field[128];
            snprintf(field, sizeof field, "%s.%s", path, key);
            *rc = fail(L, BONT_EKB, field, "expected a number%s", "");
        }
        return dflt;
    }
    return json_number_value(v);
}

static int bool_field(json_t *obj, const char *key, int dflt)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_boolean(v))
        return json_is_true(v);
    return dflt;
}

/* A string or a list of strings, as a NULL-free array. */
static const char **str_list(loader_t *L, json_t *v, size_t *n, int *rc, const char *field)
{
    *n = 0;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v)) {
        const char **a = kb_alloc(L, 1, sizeof *a);
        if (!a) {
            *rc = BONT_ENOMEM;
            return NULL;
        }
        a[0] = json_string_value(v);
        *n = 1;
        return a;
    }
    if (!json_is_array(v)) {
        if (*rc == 0)
            *rc = fail(L, BONT_EKB, field, "expected a string or a list of strings%s", "");
        return NULL;
    }
    const char **a = kb_alloc(L, json_array_size(v), sizeof *a);
    if (!a) {
        *rc = BONT_ENOMEM;
        return NULL;
    }
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e)) {
            if (*rc == 0)
                *rc = fail(L, BONT_EKB, field, "expected only strings in the list%s", "");
            return NULL;
        }
        a[(*n)++] = json_string_value(e);
    }
    return a;
}

static int add_alias(bont_kb_t *kb, const char *name, int kind, size_t index)
{
    if (!name || !*name)
        return BONT_OK;
    char *norm = bont_name_normalize(name);
    if (!norm)
        return BONT_ENOMEM;
    for (size_t i = 0; i < kb->n_aliases; i++)
        if (kb->aliases[i].kind == kind && strcmp(kb->aliases[i].norm, norm) == 0) {
            free(norm);
            return kb->aliases[i].index == index ? BONT_OK : BONT_ECONFLICT;
        }
    if (kb->n_aliases == kb->cap_aliases) {
        size_t cap = kb->cap_aliases ? kb->cap_aliases * 2 : 512;
        alias_t *a = realloc(kb->aliases, cap * sizeof *a);
        if (!a) {
            free(norm);
            return BONT_ENOMEM;
        }
        kb->aliases = a;
        kb->cap_aliases = cap;
    }
    kb->aliases[kb->n_aliases++] = (alias_t){norm, kind, index};
    return BONT_OK;
}

/* Registers every alias of entry index; a name that already names another entry is an error. */
static int add_aliases(loader_t *L, const char **aliases, size_t n, int kind, size_t index,
                       const char *path)
{
    static const char *const what[KIND_COUNT] = {"product", "muscle", "indication", "term"};
    for (size_t k = 0; k < n; k++) {
        int rc = add_alias(L->kb, aliases[k], kind, index);
        if (rc == BONT_ECONFLICT) {
            char msg[160];
            snprintf(msg, sizeof msg, "name \"%.60s\" names two entries of kind %s", aliases[k],
                     what[kind]);
            return fail(L, BONT_EKB, path, "%s", msg);
        }
        if (rc)
            return rc;
    }
    return BONT_OK;
}

/* Collects "names": {"en": [...], "zh": [...], "ko": [...]} (plus the id) as aliases, and the
 * first name of each language for display. */
static const char **names_field(loader_t *L, json_t *obj, const char *id, const char *path,
                                size_t *n, const char **en, const char **zh, const char **ko,
                                int *rc)
{
    json_t *names = json_object_get(obj, "names");
    const char *langs[3] = {"en", "zh", "ko"};
    const char **firsts[3] = {en, zh, ko};
    size_t total = 1;
    for (int l = 0; l < 3; l++) {
        json_t *v = json_object_get(names, langs[l]);
        total += json_is_array(v) ? json_array_size(v) : (json_is_string(v) ? 1 : 0);
        *firsts[l] = NULL;
    }
    json_t *extra = json_object_get(obj, "aliases");
    total += json_is_array(extra) ? json_array_size(extra) : 0;
    const char **a = kb_alloc(L, total, sizeof *a);
    if (!a) {
        *rc = BONT_ENOMEM;
        return NULL;
    }
    size_t k = 0;
    a[k++] = id;
    char field[160];
    for (int l = 0; l < 3; l++) {
        size_t m = 0;
        snprintf(field, sizeof field, "%s.names.%s", path, langs[l]);
        const char **list = str_list(L, json_object_get(names, langs[l]), &m, rc, field);
        for (size_t i = 0; i < m; i++) {
            int dup = 0;
            for (size_t j = 0; j < k && !dup; j++)
                dup = strcmp(a[j], list[i]) == 0;
            if (!dup)
                a[k++] = list[i];
        }
        if (m > 0)
            *firsts[l] = list[0];
    }
    size_t m = 0;
    snprintf(field, sizeof field, "%s.aliases", path);
    const char **list = str_list(L, extra, &m, rc, field);
    for (size_t i = 0; i < m; i++)
        a[k++] = list[i];
    *n = k;
    return a;
}

static json_t *parse_file(loader_t *L, const kb_file_t *f, const char *array_key, int *rc)
{
    json_error_t jerr;
    L->file = f->name;
    json_t *root = json_loadb(f->data, f->size, 0, &jerr);
    if (!root) {
        if (L->err) {
            snprintf(L->err->file, sizeof L->err->file, "data/%s", f->name);
            L->err->line = jerr.line;
            L->err->column = jerr.column;
            bont_error_setf(L->err, NULL, "%s", jerr.text);
        }
        *rc = BONT_EKB;
        return NULL;
    }
    bont_kb_t *kb = L->kb;
    json_t **r = realloc(kb->roots, (kb->n_roots + 1) * sizeof *r);
    if (!r) {
        json_decref(root);
        *rc = BONT_ENOMEM;
        return NULL;
    }
    kb->roots = r;
    kb->roots[kb->n_roots++] = root;
    json_t *arr = json_object_get(root, array_key);
    if (!json_is_array(arr)) {
        *rc = fail(L, BONT_EKB, array_key, "expected a top-level list \"%s\"", array_key);
        return NULL;
    }
    return arr;
}

/* ---- one loader per file ----------------------------------------------------------------- */

static int load_sources(loader_t *L, json_t *arr)
{
    bont_kb_t *kb = L->kb;
    size_t n = json_array_size(arr);
    bont_source_t *s = realloc(kb->sources, (kb->n_sources + n) * sizeof *s);
    if (!s)
        return BONT_ENOMEM;
    kb->sources = s;
    int rc = 0;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64];
        snprintf(path, sizeof path, "sources[%zu]", i);
        bont_source_t *src = &kb->sources[kb->n_sources++];
        src->id = str_field(L, e, "id", 1, path, &rc);
        src->kind = str_field(L, e, "kind", 0, path, &rc);
        src->title = str_field(L, e, "title", 1, path, &rc);
        src->url = str_field(L, e, "url", 0, path, &rc);
        if (rc)
            return rc;
    }
    return rc;
}

static int load_products(loader_t *L, json_t *arr)
{
    bont_kb_t *kb = L->kb;
    size_t n = json_array_size(arr);
    kb->products = kb_alloc(L, n, sizeof *kb->products);
    if (!kb->products)
        return BONT_ENOMEM;
    int rc = 0;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64], field[96];
        snprintf(path, sizeof path, "products[%zu]", i);
        bont_product_t *p = &kb->products[i];
        p->id = str_field(L, e, "id", 1, path, &rc);
        p->display = str_field(L, e, "display", 1, path, &rc);
        const char *sero = str_field(L, e, "serotype", 1, path, &rc);
        if (rc)
            return rc;
        if (!sero || (strcmp(sero, "A") != 0 && strcmp(sero, "B") != 0)) {
            snprintf(field, sizeof field, "%s.serotype", path);
            return fail(L, BONT_EKB, field, "expected \"A\" or \"B\"%s", "");
        }
        p->serotype = sero[0];
        snprintf(field, sizeof field, "%s.aliases", path);
        size_t na = 0;
        const char **al = str_list(L, json_object_get(e, "aliases"), &na, &rc, field);
        p->aliases = kb_alloc(L, na + 2, sizeof *p->aliases);
        if (!p->aliases)
            return BONT_ENOMEM;
        p->aliases[p->n_aliases++] = p->id;
        p->aliases[p->n_aliases++] = p->display;
        for (size_t k = 0; k < na; k++)
            p->aliases[p->n_aliases++] = al[k];
        json_t *vials = json_object_get(e, "vials");
        size_t nv = json_array_size(vials);
        bont_vial_t *v = kb_alloc(L, nv, sizeof *v);
        if (!v)
            return BONT_ENOMEM;
        for (size_t k = 0; k < nv; k++) {
            json_t *ve = json_array_get(vials, k);
            char vpath[96];
            snprintf(vpath, sizeof vpath, "%s.vials[%zu]", path, k);
            v[k].units = num_field(L, ve, "units", -1, vpath, &rc);
            v[k].diluent_ml_min = num_field(L, ve, "diluent_ml_min", -1, vpath, &rc);
            v[k].diluent_ml_max = num_field(L, ve, "diluent_ml_max", -1, vpath, &rc);
            v[k].solution_ml = num_field(L, ve, "solution_ml", 0, vpath, &rc);
            v[k].derived = bool_field(ve, "derived", 0);
            v[k].source = str_field(L, ve, "source", 1, vpath, &rc);
            v[k].note = str_field(L, ve, "note", 0, vpath, &rc);
            if (!rc && v[k].units <= 0) {
                snprintf(field, sizeof field, "%s.units", vpath);
                return fail(L, BONT_EKB, field, "vial units must be > 0%s", "");
            }
        }
        p->vials = v;
        p->n_vials = nv;
        p->in_use_h = num_field(L, e, "in_use_h", -1, path, &rc);
        p->in_use_source = str_field(L, e, "in_use_source", 1, path, &rc);
        json_t *alb = json_object_get(e, "albumin"), *milk = json_object_get(e, "milk_protein");
        p->albumin = json_is_boolean(alb) ? json_is_true(alb) : -1;
        p->milk_protein = json_is_boolean(milk) ? json_is_true(milk) : -1;
        p->excipients = str_field(L, e, "excipients", 1, path, &rc);
        json_t *ratio = json_object_get(e, "ratio_to_ona");
        snprintf(field, sizeof field, "%s.ratio_to_ona", path);
        p->ratio_min = num_field(L, ratio, "min", -1, field, &rc);
        p->ratio_max = num_field(L, ratio, "max", -1, field, &rc);
        p->ratio_source = str_field(L, ratio, "source", 1, field, &rc);
        p->ratio_note = str_field(L, ratio, "note", 1, field, &rc);
        p->source = str_field(L, e, "source", 1, path, &rc);
        if (rc)
            return rc;
        if ((rc = add_aliases(L, p->aliases, p->n_aliases, KIND_PRODUCT, i, path)))
            return rc;
        kb->n_products++;
    }
    return rc;
}

static int load_muscles(loader_t *L, json_t *arr)
{
    bont_kb_t *kb = L->kb;
    size_t n = json_array_size(arr);
    kb->muscles = kb_alloc(L, n, sizeof *kb->muscles);
    if (!kb->muscles)
        return BONT_ENOMEM;
    int rc = 0;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64], field[128];
        snprintf(path, sizeof path, "muscles[%zu]", i);
        bont_muscle_t *m = &kb->muscles[i];
        m->id = str_field(L, e, "id", 1, path, &rc);
        m->kind = str_field(L, e, "kind", 1, path, &rc);
        m->region = str_field(L, e, "region", 1, path, &rc);
        m->sided = bool_field(e, "sided", 0);
        if (rc)
            return rc;
        m->aliases = names_field(L, e, m->id, path, &m->n_aliases, &m->name_en, &m->name_zh,
                                 &m->name_ko, &rc);
        if (!m->name_en)
            m->name_en = m->id;
        json_t *vol = json_object_get(e, "volume_ml");
        snprintf(field, sizeof field, "%s.volume_ml", path);
        m->volume_ml = num_field(L, vol, "value", -1, field, &rc);
        m->volume_ml_min = num_field(L, vol, "min", m->volume_ml, field, &rc);
        m->volume_ml_max = num_field(L, vol, "max", m->volume_ml, field, &rc);
        m->volume_estimate = bool_field(vol, "estimate", 0);
        m->volume_source = str_field(L, vol, "source", vol != NULL, field, &rc);
        json_t *nb = json_object_get(e, "neighbours");
        size_t nn = json_array_size(nb);
        bont_neighbour_t *ne = kb_alloc(L, nn, sizeof *ne);
        if (!ne)
            return BONT_ENOMEM;
        for (size_t k = 0; k < nn; k++) {
            json_t *x = json_array_get(nb, k);
            snprintf(field, sizeof field, "%s.neighbours[%zu]", path, k);
            ne[k].id = str_field(L, x, "id", 1, field, &rc);
            ne[k].distance_mm = num_field(L, x, "distance_mm", -1, field, &rc);
            ne[k].fascia = bool_field(x, "fascia", 0);
            ne[k].estimate = bool_field(x, "estimate", 0);
            ne[k].source = str_field(L, x, "source", 1, field, &rc);
        }
        m->neighbours = ne;
        m->n_neighbours = nn;
        json_t *se = json_object_get(e, "side_effect");
        snprintf(field, sizeof field, "%s.side_effect", path);
        m->side_effect = str_field(L, se, "effect", 0, field, &rc);
        m->side_effect_label = str_field(L, se, "label", 0, field, &rc);
        if (rc)
            return rc;
        if ((rc = add_aliases(L, m->aliases, m->n_aliases, KIND_MUSCLE, i, path)))
            return rc;
        kb->n_muscles++;
    }
    return rc;
}

static int load_indications(loader_t *L, json_t *arr)
{
    bont_kb_t *kb = L->kb;
    size_t n = json_array_size(arr);
    kb->indications = kb_alloc(L, n, sizeof *kb->indications);
    if (!kb->indications)
        return BONT_ENOMEM;
    int rc = 0;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64], field[96];
        snprintf(path, sizeof path, "indications[%zu]", i);
        bont_indication_t *ind = &kb->indications[i];
        ind->id = str_field(L, e, "id", 1, path, &rc);
        if (rc)
            return rc;
        ind->aliases = names_field(L, e, ind->id, path, &ind->n_aliases, &ind->name_en,
                                   &ind->name_zh, &ind->name_ko, &rc);
        if (!ind->name_en)
            ind->name_en = ind->id;
        ind->pediatric = bool_field(e, "pediatric", 0);
        ind->rules_apply = bool_field(e, "rules_apply", 1);
        ind->off_label = bool_field(e, "off_label", 0);
        snprintf(field, sizeof field, "%s.muscles", path);
        ind->muscles = str_list(L, json_object_get(e, "muscles"), &ind->n_muscles, &rc, field);
        ind->diluent_ml_max = num_field(L, e, "diluent_ml_max", -1, path, &rc);
        ind->diluent_source = str_field(L, e, "diluent_source", ind->diluent_ml_max > 0, path, &rc);
        ind->note = str_field(L, e, "note", 0, path, &rc);
        if (rc)
            return rc;
        if ((rc = add_aliases(L, ind->aliases, ind->n_aliases, KIND_INDICATION, i, path)))
            return rc;
        kb->n_indications++;
    }
    return rc;
}

static int load_terms(loader_t *L, json_t *arr)
{
    bont_kb_t *kb = L->kb;
    size_t n = json_array_size(arr);
    kb->terms = kb_alloc(L, n, sizeof *kb->terms);
    if (!kb->terms)
        return BONT_ENOMEM;
    int rc = 0;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64];
        snprintf(path, sizeof path, "terms[%zu]", i);
        bont_term_t *t = &kb->terms[i];
        t->id = str_field(L, e, "id", 1, path, &rc);
        t->kind = str_field(L, e, "kind", 1, path, &rc);
        t->group = str_field(L, e, "group", 0, path, &rc);
        if (rc)
            return rc;
        const char *en, *zh, *ko;
        t->aliases = names_field(L, e, t->id, path, &t->n_aliases, &en, &zh, &ko, &rc);
        if (rc)
            return rc;
        if ((rc = add_aliases(L, t->aliases, t->n_aliases, KIND_TERM, i, path)))
            return rc;
        kb->n_terms++;
    }
    return rc;
}

static int load_rules(loader_t *L, json_t *arr)
{
    bont_kb_t *kb = L->kb;
    size_t n = json_array_size(arr);
    kb->rules = kb_alloc(L, n, sizeof *kb->rules);
    if (!kb->rules)
        return BONT_ENOMEM;
    int rc = 0;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64], field[96];
        snprintf(path, sizeof path, "rules[%zu]", i);
        bont_rule_t *r = &kb->rules[i];
        r->id = str_field(L, e, "id", 1, path, &rc);
        const char *type = str_field(L, e, "type", 1, path, &rc);
        if (rc)
            return rc;
        if (bont_rule_type_parse(type, &r->type) != 0) {
            snprintf(field, sizeof field, "%s.type", path);
            return fail(L, BONT_EKB, field, "unknown rule type \"%s\"", type);
        }
        r->product = str_field(L, e, "product", 0, path, &rc);
        snprintf(field, sizeof field, "%s.indications", path);
        r->indications =
            str_list(L, json_object_get(e, "indications"), &r->n_indications, &rc, field);
        r->across_indications = bool_field(e, "across_indications", 0);
        r->both_sides = bool_field(e, "both_sides", 0);
        r->muscle = str_field(L, e, "muscle", 0, path, &rc);
        r->region = str_field(L, e, "region", 0, path, &rc);
        r->population = str_field(L, e, "population", 0, path, &rc);
        r->min = num_field(L, e, "min", -1, path, &rc);
        r->max = num_field(L, e, "max", -1, path, &rc);
        r->per_kg_min = num_field(L, e, "per_kg_min", -1, path, &rc);
        r->per_kg_max = num_field(L, e, "per_kg_max", -1, path, &rc);
        r->window_days = num_field(L, e, "window_days", -1, path, &rc);
        r->evidence = str_field(L, e, "evidence", 1, path, &rc);
        r->source = str_field(L, e, "source", 1, path, &rc);
        r->note = str_field(L, e, "note", 1, path, &rc);
        if (rc)
            return rc;
        const char *over = str_field(L, e, "over", 0, path, &rc);
        const char *under = str_field(L, e, "under", 0, path, &rc);
        r->over = BONT_SEV_ERROR;
        r->under = BONT_SEV_NOTE;
        if ((over && severity_parse(over, &r->over)) ||
            (under && severity_parse(under, &r->under))) {
            snprintf(field, sizeof field, "%s.over", path);
            return fail(L, BONT_EKB, field, "severity must be error, warning or note%s", "");
        }
        if (r->type == BONT_RULE_CUMULATIVE && r->window_days <= 0) {
            snprintf(field, sizeof field, "%s.window_days", path);
            return fail(L, BONT_EKB, field, "a cumulative rule needs window_days > 0%s", "");
        }
        if (r->min < 0 && r->max < 0 && r->per_kg_min < 0 && r->per_kg_max < 0) {
            snprintf(field, sizeof field, "%s", path);
            return fail(L, BONT_EKB, field, "rule \"%s\" has no bound", r->id);
        }
        kb->n_rules++;
    }
    return rc;
}

static int load_contras(loader_t *L, json_t *arr)
{
    bont_kb_t *kb = L->kb;
    size_t n = json_array_size(arr);
    kb->contras = kb_alloc(L, n, sizeof *kb->contras);
    if (!kb->contras)
        return BONT_ENOMEM;
    int rc = 0;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64], field[96];
        snprintf(path, sizeof path, "contraindications[%zu]", i);
        bont_contra_t *c = &kb->contras[i];
        c->id = str_field(L, e, "id", 1, path, &rc);
        c->kind = str_field(L, e, "kind", 1, path, &rc);
        snprintf(field, sizeof field, "%s.matches", path);
        c->matches = str_list(L, json_object_get(e, "matches"), &c->n_matches, &rc, field);
        c->excipient = str_field(L, e, "excipient", 0, path, &rc);
        snprintf(field, sizeof field, "%s.products", path);
        c->products = str_list(L, json_object_get(e, "products"), &c->n_products, &rc, field);
        snprintf(field, sizeof field, "%s.indications", path);
        c->indications =
            str_list(L, json_object_get(e, "indications"), &c->n_indications, &rc, field);
        const char *sev = str_field(L, e, "severity", 1, path, &rc);
        c->message = str_field(L, e, "message", 1, path, &rc);
        c->source = str_field(L, e, "source", 1, path, &rc);
        if (rc)
            return rc;
        if (severity_parse(sev, &c->severity) != 0) {
            snprintf(field, sizeof field, "%s.severity", path);
            return fail(L, BONT_EKB, field, "severity must be error, warning or note%s", "");
        }
        kb->n_contras++;
    }
    return rc;
}

/* ---- cross-checks: every id a data file names must exist --------------------------------- */

static size_t find_index(const bont_kb_t *kb, int kind, const char *name);

static int check_source_ids(loader_t *L, const char *where, const char *sources)
{
    if (!sources)
        return BONT_OK;
    /* Free-text provenance ("estimate: ...", "derived: ...") is allowed; a list of ids is
     * checked id by id. */
    if (strchr(sources, ':'))
        return BONT_OK;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", sources);
    for (char *save = NULL, *tok = strtok_r(buf, " ,;", &save); tok;
         tok = strtok_r(NULL, " ,;", &save)) {
        if (!bont_kb_source(L->kb, tok)) {
            char msg[256];
            snprintf(msg, sizeof msg, "%.64s names source \"%.64s\", which sources*.json lacks",
                     where, tok);
            return fail(L, BONT_EKB, where, "%s", msg);
        }
    }
    return BONT_OK;
}

static int cross_check(loader_t *L)
{
    bont_kb_t *kb = L->kb;
    int rc;
    L->file = "products.json";
    for (size_t i = 0; i < kb->n_products; i++) {
        const bont_product_t *p = &kb->products[i];
        if ((rc = check_source_ids(L, p->id, p->source)) ||
            (rc = check_source_ids(L, p->id, p->ratio_source)) ||
            (rc = check_source_ids(L, p->id, p->in_use_source)))
            return rc;
        for (size_t k = 0; k < p->n_vials; k++)
            if ((rc = check_source_ids(L, p->id, p->vials[k].source)))
                return rc;
    }
    L->file = "muscles.json";
    for (size_t i = 0; i < kb->n_muscles; i++) {
        const bont_muscle_t *m = &kb->muscles[i];
        for (size_t k = 0; k < m->n_neighbours; k++)
            if (find_index(kb, KIND_MUSCLE, m->neighbours[k].id) == (size_t)-1)
                return fail(L, BONT_EKB, m->id, "neighbour \"%s\" is not in the atlas",
                            m->neighbours[k].id);
    }
    L->file = "indications.json";
    for (size_t i = 0; i < kb->n_indications; i++) {
        const bont_indication_t *ind = &kb->indications[i];
        for (size_t k = 0; k < ind->n_muscles; k++)
            if (find_index(kb, KIND_MUSCLE, ind->muscles[k]) == (size_t)-1)
                return fail(L, BONT_EKB, ind->id, "muscle \"%s\" is not in the atlas",
                            ind->muscles[k]);
        if ((rc = check_source_ids(L, ind->id, ind->diluent_source)))
            return rc;
    }
    L->file = "rules.json";
    for (size_t i = 0; i < kb->n_rules; i++) {
        const bont_rule_t *r = &kb->rules[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(kb->rules[j].id, r->id) == 0)
                return fail(L, BONT_EKB, r->id, "rule id \"%s\" is used twice", r->id);
        if (r->product && !bont_kb_product(kb, r->product))
            return fail(L, BONT_EKB, r->id, "unknown product \"%s\"", r->product);
        if (r->muscle && find_index(kb, KIND_MUSCLE, r->muscle) == (size_t)-1)
            return fail(L, BONT_EKB, r->id, "unknown muscle \"%s\"", r->muscle);
        for (size_t k = 0; k < r->n_indications; k++)
            if (find_index(kb, KIND_INDICATION, r->indications[k]) == (size_t)-1)
                return fail(L, BONT_EKB, r->id, "unknown indication \"%s\"", r->indications[k]);
        if ((rc = check_source_ids(L, r->id, r->source)))
            return rc;
    }
    L->file = "contraindications.json";
    for (size_t i = 0; i < kb->n_contras; i++) {
        const bont_contra_t *c = &kb->contras[i];
        for (size_t k = 0; k < c->n_products; k++)
            if (!bont_kb_product(kb, c->products[k]))
                return fail(L, BONT_EKB, c->id, "unknown product \"%s\"", c->products[k]);
        for (size_t k = 0; k < c->n_indications; k++)
            if (find_index(kb, KIND_INDICATION, c->indications[k]) == (size_t)-1)
                return fail(L, BONT_EKB, c->id, "unknown indication \"%s\"", c->indications[k]);
        for (size_t k = 0; k < c->n_matches; k++) {
            int found = 0;
            for (size_t t = 0; t < kb->n_terms && !found; t++)
                found = strcmp(kb->terms[t].id, c->matches[k]) == 0 ||
                        (kb->terms[t].group && strcmp(kb->terms[t].group, c->matches[k]) == 0);
            if (!found)
                return fail(L, BONT_EKB, c->id, "matches \"%s\", which is no term or group",
                            c->matches[k]);
        }
        if ((rc = check_source_ids(L, c->id, c->source)))
            return rc;
    }
    return BONT_OK;
}

/* ---- entry points ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    const char *array_key;
    int (*load)(loader_t *, json_t *);
} loaders[] = {
    {"products.json", "products", load_products},
    {"muscles.json", "muscles", load_muscles},
    {"indications.json", "indications", load_indications},
    {"terms.json", "terms", load_terms},
    {"rules.json", "rules", load_rules},
    {"contraindications.json", "contraindications", load_contras},
};

static int load_files(const kb_file_t *files, size_t n_files, bont_kb_t **out, bont_error_t *err)
{
    *out = NULL;
    bont_kb_t *kb = calloc(1, sizeof *kb);
    if (!kb)
        return BONT_ENOMEM;
    loader_t L = {kb, err, ""};
    int rc = BONT_OK;
    /* Sources first, so every other file's source ids can be checked. */
    for (size_t i = 0; i < n_files && !rc; i++) {
        if (strncmp(files[i].name, "sources", 7) != 0)
            continue;
        json_t *arr = parse_file(&L, &files[i], "sources", &rc);
        if (!rc)
            rc = load_sources(&L, arr);
    }
    for (size_t l = 0; l < sizeof loaders / sizeof loaders[0] && !rc; l++) {
        const kb_file_t *f = NULL;
        for (size_t i = 0; i < n_files; i++)
            if (strcmp(files[i].name, loaders[l].name) == 0)
                f = &files[i];
        if (!f) {
            L.file = loaders[l].name;
            rc = fail(&L, BONT_EKB, NULL, "data file %s is missing", loaders[l].name);
            break;
        }
        json_t *arr = parse_file(&L, f, loaders[l].array_key, &rc);
        if (!rc)
            rc = loaders[l].load(&L, arr);
    }
    if (!rc)
        rc = cross_check(&L);
    if (rc) {
        bont_kb_free(&kb);
        return rc;
    }
    *out = kb;
    return BONT_OK;
}

const bont_embedded_file_t *bont_embedded_find(const char *name)
{
    for (const bont_embedded_file_t *f = bont_embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

int bont_kb_load(bont_kb_t **out, bont_error_t *err)
{
    size_t n = 0;
    while (bont_embedded_files[n].name)
        n++;
    kb_file_t *files = calloc(n ? n : 1, sizeof *files);
    if (!files)
        return BONT_ENOMEM;
    for (size_t i = 0; i < n; i++)
        files[i] = (kb_file_t){bont_embedded_files[i].name, bont_embedded_files[i].data,
                               bont_embedded_files[i].size};
    int rc = load_files(files, n, out, err);
    free(files);
    return rc;
}

int bont_kb_load_dir(bont_kb_t **out, const char *dir, bont_error_t *err)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d) {
        bont_error_setf(err, NULL, "cannot open knowledge-base folder %s", dir);
        return BONT_EIO;
    }
    kb_file_t files[64];
    char *names[64], *datas[64];
    size_t n = 0;
    int rc = BONT_OK;
    struct dirent *de;
    while ((de = readdir(d)) && n < 64) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t size = 0;
        char *data = NULL;
        if ((rc = bont_read_file(path, &data, &size)) != 0) {
            bont_error_setf(err, NULL, "cannot read %s", path);
            break;
        }
        names[n] = strdup(de->d_name);
        datas[n] = data;
        files[n] = (kb_file_t){names[n], data, size};
        n++;
    }
    closedir(d);
    if (!rc)
        rc = load_files(files, n, out, err);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(datas[i]);
    }
    return rc;
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
    free(kb->sources);
    free(kb);
    *kbp = NULL;
}

static size_t find_index(const bont_kb_t *kb, int kind, const char *name)
{
    if (!kb || !name)
        return (size_t)-1;
    char *norm = bont_name_normalize(name);
    if (!norm)
        return (size_t)-1;
    size_t found = (size_t)-1;
    for (size_t i = 0; i < kb->n_aliases; i++)
        if (kb->aliases[i].kind == kind && strcmp(kb->aliases[i].norm, norm) == 0) {
            found = kb->aliases[i].index;
            break;
        }
    free(norm);
    return found;
}

const bont_product_t *bont_kb_product(const bont_kb_t *kb, const char *name)
{
    size_t i = find_index(kb, KIND_PRODUCT, name);
    return i == (size_t)-1 ? NULL : &kb->products[i];
}

const bont_muscle_t *bont_kb_muscle(const bont_kb_t *kb, const char *name)
{
    size_t i = find_index(kb, KIND_MUSCLE, name);
    return i == (size_t)-1 ? NULL : &kb->muscles[i];
}

const bont_indication_t *bont_kb_indication(const bont_kb_t *kb, const char *name)
{
    size_t i = find_index(kb, KIND_INDICATION, name);
    return i == (size_t)-1 ? NULL : &kb->indications[i];
}

const bont_term_t *bont_kb_term(const bont_kb_t *kb, const char *name)
{
    size_t i = find_index(kb, KIND_TERM, name);
    return i == (size_t)-1 ? NULL : &kb->terms[i];
}

const bont_source_t *bont_kb_source(const bont_kb_t *kb, const char *id)
{
    for (size_t i = 0; kb && id && i < kb->n_sources; i++)
        if (strcmp(kb->sources[i].id, id) == 0)
            return &kb->sources[i];
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
    case KIND_PRODUCT:
        return kb->products[index].id;
    case KIND_MUSCLE:
        return kb->muscles[index].id;
    case KIND_INDICATION:
        return kb->indications[index].id;
    default:
        return kb->terms[index].id;
    }
}

size_t bont_kb_suggest(const bont_kb_t *kb, const char *kind_name, const char *name,
                       const char **out, size_t max)
{
    int kind = strcmp(kind_name, "product") == 0      ? KIND_PRODUCT
               : strcmp(kind_name, "muscle") == 0     ? KIND_MUSCLE
               : strcmp(kind_name, "indication") == 0 ? KIND_INDICATION
                                                      : KIND_TERM;
    char *norm = bont_name_normalize(name ? name : "");
    if (!norm || max == 0) {
        free(norm);
        return 0;
    }
    /* Best distance per entry, then the closest entries; a prefix or substring match counts as
     * close, so "corrugator" finds corrugator_supercilii. */
    size_t n_entries = kind == KIND_PRODUCT      ? kb->n_products
                       : kind == KIND_MUSCLE     ? kb->n_muscles
                       : kind == KIND_INDICATION ? kb->n_indications
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
        size_t d = bont_edit_distance(norm, al, 64);
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
