/* kb_tables.c: one table-driven reader for the knowledge base's data files: each file's entry
 * struct is described by a table of fields (key, kind, where it goes), read by the same code;
 * what a table cannot say (names in three languages, derived defaults, cross-field checks) is
 * done by its finish function. */
#include "kb/kb_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

typedef enum field_kind_t {
    F_STR,       /* const char *; required: missing is an error */
    F_NUM,       /* double; dflt when missing */
    F_BOOL,      /* bool; dflt when missing or not a boolean */
    F_LIST,      /* const char ** and a size_t count: a string or a list of strings */
    F_ARRAY,     /* an array of sub-table entries and a size_t count */
    F_SEVERITY,  /* bont_severity_t; dflt when missing unless required */
    F_SEV_NONE,  /* int: a bont_severity_t, or -1 for "none"; dflt when missing */
    F_RULE_TYPE, /* bont_rule_type_t, required */
} field_kind_t;

typedef struct table_t table_t;

typedef struct field_t {
    const char *key;    /* JSON member; "a.b" is member b of object a */
    field_kind_t kind;  /* how it is read */
    size_t offset;      /* of the value in the entry struct */
    size_t n_offset;    /* F_LIST, F_ARRAY: of its size_t count */
    int required;       /* F_STR, F_SEVERITY: missing is an error */
    double dflt;        /* F_NUM, F_BOOL, F_SEVERITY: the value when missing */
    const table_t *sub; /* F_ARRAY: the table of its elements */
} field_t;

struct table_t {
    const char *name;      /* the table's name for bont__kb_read_file, e.g. "guidance_rules" */
    const char *array_key; /* its top-level array in the file, e.g. "rules" */
    size_t size;           /* bytes of one entry struct */
    const field_t *fields;
    size_t n_fields;
    /* Completes and checks entry i (its JSON object e, its path for messages); may be NULL. */
    int (*finish)(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path);
};

#define STR(T, m, key, req)                                                                        \
    {                                                                                              \
        key, F_STR, offsetof(T, m), 0, req, 0, NULL                                                \
    }
#define NUM(T, m, key, dflt)                                                                       \
    {                                                                                              \
        key, F_NUM, offsetof(T, m), 0, 0, dflt, NULL                                               \
    }
#define BOOL(T, m, key, dflt)                                                                      \
    {                                                                                              \
        key, F_BOOL, offsetof(T, m), 0, 0, dflt, NULL                                              \
    }
#define LIST(T, m, n, key)                                                                         \
    {                                                                                              \
        key, F_LIST, offsetof(T, m), offsetof(T, n), 0, 0, NULL                                    \
    }
#define ARRAY(T, m, n, key, sub)                                                                   \
    {                                                                                              \
        key, F_ARRAY, offsetof(T, m), offsetof(T, n), 0, 0, sub                                    \
    }
#define SEVERITY(T, m, key, req, dflt)                                                             \
    {                                                                                              \
        key, F_SEVERITY, offsetof(T, m), 0, req, dflt, NULL                                        \
    }
#define SEV_NONE(T, m, key, dflt)                                                                  \
    {                                                                                              \
        key, F_SEV_NONE, offsetof(T, m), 0, 0, dflt, NULL                                          \
    }
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reading one value ------------------------------------------------------------------- */

int bont__kb_fail(bont__loader_t *L, int rc, const char *field, const char *fmt, const char *what)
{
    if (L->err) {
        snprintf(L->err->file, sizeof L->err->file, "data/%s", L->file);
        L->err->line = L->err->column = 0;
        bont_error_setf(L->err, field, fmt, what ? what : "");
    }
    return rc;
}

void *bont__kb_alloc(bont__loader_t *L, size_t n, size_t size)
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

static json_t *member(json_t *obj, const char *key)
{
    const char *dot = strchr(key, '.');
    if (!dot)
        return json_object_get(obj, key);
    char head[64];
    snprintf(head, sizeof head, "%.*s", (int)(dot - key), key);
    return member(json_object_get(obj, head), dot + 1);
}

static int severity_parse(const char *s, bont_severity_t *out)
{
    static const char *const names[] = {"note", "warning", "error"};
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (bont_severity_t)i;
            return 0;
        }
    return BONT_EUNKNOWN;
}

/* A string or a list of strings, as an array of n strings. */
static int read_list(bont__loader_t *L, json_t *v, const char ***out, size_t *n, const char *field)
{
    *out = NULL;
    *n = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) && !json_is_array(v))
        return bont__kb_fail(L, BONT_EKB, field, "expected a string or a list of strings%s", "");
    size_t m = json_is_string(v) ? 1 : json_array_size(v);
    const char **a = bont__kb_alloc(L, m, sizeof *a);
    if (!a)
        return BONT_ENOMEM;
    for (size_t i = 0; i < m; i++) {
        json_t *e = json_is_string(v) ? v : json_array_get(v, i);
        if (!json_is_string(e))
            return bont__kb_fail(L, BONT_EKB, field, "expected only strings in the list%s", "");
        a[i] = json_string_value(e);
    }
    *out = a;
    *n = m;
    return 0;
}

static int read_array(bont__loader_t *L, const table_t *t, json_t *arr, void **out, size_t *n,
                      const char *path);

static int read_value(bont__loader_t *L, const field_t *f, json_t *v, char *entry,
                      const char *field)
{
    char *at = entry + f->offset;
    int missing = !v || json_is_null(v);
    switch (f->kind) {
    case F_STR:
        if (missing && f->required)
            return bont__kb_fail(L, BONT_EKB, field, "missing required text field%s", "");
        if (!missing && !json_is_string(v))
            return bont__kb_fail(L, BONT_EKB, field, "expected a string%s", "");
        *(const char **)at = missing ? NULL : json_string_value(v);
        return 0;
    case F_NUM:
        if (!missing && !json_is_number(v))
            return bont__kb_fail(L, BONT_EKB, field, "expected a number%s", "");
        *(double *)at = missing ? f->dflt : json_number_value(v);
        return 0;
    case F_BOOL:
        *(bool *)at = json_is_boolean(v) ? json_is_true(v) : f->dflt != 0;
        return 0;
    case F_LIST:
        return read_list(L, v, (const char ***)at, (size_t *)(entry + f->n_offset), field);
    case F_ARRAY:
        return read_array(L, f->sub, v, (void **)at, (size_t *)(entry + f->n_offset), field);
    case F_SEVERITY:
        if (missing && !f->required) {
            *(bont_severity_t *)at = (bont_severity_t)f->dflt;
            return 0;
        }
        if (severity_parse(json_string_value(v), (bont_severity_t *)at) != 0)
            return bont__kb_fail(L, BONT_EKB, field, "severity must be error, warning or note%s",
                                 "");
        return 0;
    case F_SEV_NONE: {
        bont_severity_t sev;
        if (missing)
            *(int *)at = (int)f->dflt;
        else if (json_is_string(v) && strcmp(json_string_value(v), "none") == 0)
            *(int *)at = -1;
        else if (severity_parse(json_string_value(v), &sev) == 0)
            *(int *)at = (int)sev;
        else
            return bont__kb_fail(L, BONT_EKB, field,
                                 "severity must be error, warning, note or none%s", "");
        return 0;
    }
    case F_RULE_TYPE:
        if (bont_rule_type_parse(json_string_value(v), (bont_rule_type_t *)at) != 0)
            return bont__kb_fail(L, BONT_EKB, field, "unknown rule type \"%s\"",
                                 missing             ? ""
                                 : json_is_string(v) ? json_string_value(v)
                                                     : "?");
        return 0;
    }
    return 0;
}

static int read_entry(bont__loader_t *L, const table_t *t, json_t *e, void *entry, size_t i,
                      const char *path)
{
    for (size_t k = 0; k < t->n_fields; k++) {
        const field_t *f = &t->fields[k];
        char field[160];
        snprintf(field, sizeof field, "%s.%s", path, f->key);
        int rc = read_value(L, f, member(e, f->key), entry, field);
        if (rc)
            return rc;
    }
    return t->finish ? t->finish(L, entry, e, i, path) : 0;
}

static int read_array(bont__loader_t *L, const table_t *t, json_t *arr, void **out, size_t *n,
                      const char *path)
{
    size_t m = json_array_size(arr);
    char *entries = bont__kb_alloc(L, m, t->size);
    *out = entries;
    *n = 0;
    if (!entries)
        return BONT_ENOMEM;
    for (size_t i = 0; i < m; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        int rc = read_entry(L, t, json_array_get(arr, i), entries + i * t->size, i, p);
        if (rc)
            return rc;
        (*n)++;
    }
    return 0;
}

/* ---- names and aliases ------------------------------------------------------------------- */

static int add_aliases(bont__loader_t *L, const char **names, size_t n, int kind, size_t index)
{
    for (size_t k = 0; k < n; k++) {
        int rc = bont__kb_add_alias(L, names[k], kind, L->base + index);
        if (rc)
            return rc;
    }
    return 0;
}

/* "names": {"en": [...], "zh": [...], "ko": [...]} and "aliases": [...] with the id first, each
 * name once; first[] gets the first name of each language (NULL when none). */
static int read_names(bont__loader_t *L, json_t *e, const char *id, const char *path,
                      const char ***out, size_t *n, const char *first[3])
{
    static const char *const langs[3] = {"en", "zh", "ko"};
    json_t *names = json_object_get(e, "names"), *extra = json_object_get(e, "aliases");
    const char **lists[4];
    size_t ns[4], total = 1;
    char field[160];
    for (int l = 0; l < 4; l++) {
        snprintf(field, sizeof field, "%s.%s%s", path, l < 3 ? "names." : "aliases",
                 l < 3 ? langs[l] : "");
        int rc = read_list(L, l < 3 ? json_object_get(names, langs[l]) : extra, &lists[l], &ns[l],
                           field);
        if (rc)
            return rc;
        total += ns[l];
        if (l < 3)
            first[l] = ns[l] ? lists[l][0] : NULL;
    }
    const char **a = bont__kb_alloc(L, total, sizeof *a);
    if (!a)
        return BONT_ENOMEM;
    size_t k = 0;
    a[k++] = id;
    for (int l = 0; l < 4; l++)
        for (size_t i = 0; i < ns[l]; i++) {
            int dup = 0;
            for (size_t j = 0; l < 3 && j < k && !dup; j++)
                dup = strcmp(a[j], lists[l][i]) == 0;
            if (!dup)
                a[k++] = lists[l][i];
        }
    *out = a;
    *n = k;
    return 0;
}

/* The names of an entry that is shown to people (muscles, indications): its aliases and the
 * first name in each language, the id when there is no English one. */
static int read_display_names(bont__loader_t *L, json_t *e, const char *id, const char *path,
                              const char ***aliases, size_t *n, const char **en, const char **zh,
                              const char **ko)
{
    const char *first[3];
    int rc = read_names(L, e, id, path, aliases, n, first);
    *en = first[0] ? first[0] : id;
    *zh = first[1];
    *ko = first[2];
    return rc;
}

/* The display names of an entry and its aliases in the index, under kind. */
static int named_entry(bont__loader_t *L, json_t *e, const char *id, const char *path, int kind,
                       size_t i, const char ***aliases, size_t *n, const char **en, const char **zh,
                       const char **ko)
{
    int rc = read_display_names(L, e, id, path, aliases, n, en, zh, ko);
    return rc ? rc : add_aliases(L, *aliases, *n, kind, i);
}

/* A text field that this entry needs, though the table lets others go without. */
static int missing(bont__loader_t *L, const char *path, const char *key)
{
    char field[160];
    snprintf(field, sizeof field, "%s.%s", path, key);
    return bont__kb_fail(L, BONT_EKB, field, "missing required text field%s", "");
}

/* ---- the tables -------------------------------------------------------------------------- */

#define NO_JURISDICTIONS "expected the jurisdictions whose label it comes from (\"any\" when none)"

/* The entry's field key holds a value the table cannot refuse by type alone. */
static int bad_value(bont__loader_t *L, const char *path, const char *key, const char *what)
{
    char field[160];
    snprintf(field, sizeof field, "%s.%s", path, key);
    return bont__kb_fail(L, BONT_EKB, field, "%s", what);
}

static int finish_vial(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    (void)e;
    (void)i;
    if (((bont_vial_t *)entry)->units <= 0)
        return bad_value(L, path, "units", "vial units must be > 0");
    return 0;
}

static const field_t vial_fields[] = {
    NUM(bont_vial_t, units, "units", -1),
    NUM(bont_vial_t, diluent_ml_min, "diluent_ml_min", -1),
    NUM(bont_vial_t, diluent_ml_max, "diluent_ml_max", -1),
    NUM(bont_vial_t, solution_ml, "solution_ml", 0),
    BOOL(bont_vial_t, derived, "derived", 0),
    SEVERITY(bont_vial_t, outside, "outside", 0, BONT_SEV_WARNING),
    STR(bont_vial_t, source, "source", 1),
    STR(bont_vial_t, note, "note", 0),
};
static const table_t vial_table = {
    NULL, NULL, sizeof(bont_vial_t), vial_fields, N_OF(vial_fields), finish_vial};

static const field_t excipient_fields[] = {
    STR(bont_excipient_t, term, "term", 1),
    STR(bont_excipient_t, amount, "amount", 0),
    STR(bont_excipient_t, source, "source", 1),
};
static const table_t excipient_table = {
    NULL, NULL, sizeof(bont_excipient_t), excipient_fields, N_OF(excipient_fields), NULL};

static const field_t label_fields[] = {
    STR(bont_label_t, jurisdiction, "jurisdiction", 1),
    STR(bont_label_t, name, "name", 1),
    LIST(bont_label_t, indications, n_indications, "indications"),
    STR(bont_label_t, source, "source", 1),
};
static const table_t label_table = {
    NULL, NULL, sizeof(bont_label_t), label_fields, N_OF(label_fields), NULL};

static int finish_product(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    bont_product_t *p = entry;
    const char *sero = json_string_value(json_object_get(e, "serotype"));
    if (!sero || (strcmp(sero, "A") != 0 && strcmp(sero, "B") != 0))
        return bad_value(L, path, "serotype", "expected \"A\" or \"B\"");
    p->serotype = sero[0];
    /* The id and the brand are names too. */
    const char **a = bont__kb_alloc(L, p->n_aliases + 2, sizeof *a);
    if (!a)
        return BONT_ENOMEM;
    size_t n = 0;
    a[n++] = p->id;
    a[n++] = p->display;
    for (size_t k = 0; k < p->n_aliases; k++)
        if (strcmp(p->aliases[k], p->display) != 0 && strcmp(p->aliases[k], p->id) != 0)
            a[n++] = p->aliases[k];
    p->aliases = a;
    p->n_aliases = n;
    return add_aliases(L, p->aliases, p->n_aliases, BONT__KIND_PRODUCT, i);
}

static const field_t product_fields[] = {
    STR(bont_product_t, id, "id", 1),
    STR(bont_product_t, display, "display", 1),
    LIST(bont_product_t, aliases, n_aliases, "aliases"),
    ARRAY(bont_product_t, vials, n_vials, "vials", &vial_table),
    NUM(bont_product_t, in_use_h, "in_use_h", -1),
    STR(bont_product_t, in_use_source, "in_use_source", 1),
    STR(bont_product_t, excipients, "excipients", 1),
    ARRAY(bont_product_t, excipient_list, n_excipients, "excipient_list", &excipient_table),
    ARRAY(bont_product_t, labels, n_labels, "labels", &label_table),
    NUM(bont_product_t, ratio_min, "ratio_to_ona.min", -1),
    NUM(bont_product_t, ratio_max, "ratio_to_ona.max", -1),
    STR(bont_product_t, ratio_source, "ratio_to_ona.source", 1),
    STR(bont_product_t, ratio_note, "ratio_to_ona.note", 1),
    STR(bont_product_t, source, "source", 1),
};

static const field_t neighbour_fields[] = {
    STR(bont_neighbour_t, id, "id", 1),
    NUM(bont_neighbour_t, distance_mm, "distance_mm", -1),
    BOOL(bont_neighbour_t, fascia, "fascia", 0),
    BOOL(bont_neighbour_t, estimate, "estimate", 0),
    STR(bont_neighbour_t, source, "source", 1),
};
static const table_t neighbour_table = {
    NULL, NULL, sizeof(bont_neighbour_t), neighbour_fields, N_OF(neighbour_fields), NULL};

static int finish_muscle(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    bont_muscle_t *m = entry;
    /* A range defaults to the value itself; a volume needs its source. */
    if (isnan(m->volume_ml_min))
        m->volume_ml_min = m->volume_ml;
    if (isnan(m->volume_ml_max))
        m->volume_ml_max = m->volume_ml;
    if (json_object_get(e, "volume_ml") && !m->volume_source)
        return missing(L, path, "volume_ml.source");
    if (json_object_get(e, "thickness_mm") && !m->thickness_source)
        return missing(L, path, "thickness_mm.source");
    if (json_object_get(e, "thickness_mm") && !(m->thickness_mm > 0))
        return missing(L, path, "thickness_mm.value (a positive number of mm)");
    return named_entry(L, e, m->id, path, BONT__KIND_MUSCLE, i, &m->aliases, &m->n_aliases,
                       &m->name_en, &m->name_zh, &m->name_ko);
}

static const field_t muscle_fields[] = {
    STR(bont_muscle_t, id, "id", 1),
    STR(bont_muscle_t, kind, "kind", 1),
    STR(bont_muscle_t, region, "region", 1),
    BOOL(bont_muscle_t, sided, "sided", 0),
    NUM(bont_muscle_t, volume_ml, "volume_ml.value", -1),
    NUM(bont_muscle_t, volume_ml_min, "volume_ml.min", NAN),
    NUM(bont_muscle_t, volume_ml_max, "volume_ml.max", NAN),
    BOOL(bont_muscle_t, volume_estimate, "volume_ml.estimate", 0),
    STR(bont_muscle_t, volume_source, "volume_ml.source", 0),
    NUM(bont_muscle_t, thickness_mm, "thickness_mm.value", -1),
    STR(bont_muscle_t, thickness_source, "thickness_mm.source", 0),
    ARRAY(bont_muscle_t, neighbours, n_neighbours, "neighbours", &neighbour_table),
    STR(bont_muscle_t, side_effect, "side_effect.effect", 0),
    STR(bont_muscle_t, side_effect_label, "side_effect.label", 0),
};

static int finish_indication(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    bont_indication_t *ind = entry;
    if (ind->diluent_ml_max > 0 && !ind->diluent_source)
        return missing(L, path, "diluent_source");
    if (ind->evidence_level && !ind->evidence_source)
        return missing(L, path, "evidence.source");
    return named_entry(L, e, ind->id, path, BONT__KIND_INDICATION, i, &ind->aliases,
                       &ind->n_aliases, &ind->name_en, &ind->name_zh, &ind->name_ko);
}

static const field_t indication_fields[] = {
    STR(bont_indication_t, id, "id", 1),
    BOOL(bont_indication_t, pediatric, "pediatric", 0),
    BOOL(bont_indication_t, rules_apply, "rules_apply", 1),
    BOOL(bont_indication_t, off_label, "off_label", 0),
    LIST(bont_indication_t, muscles, n_muscles, "muscles"),
    NUM(bont_indication_t, diluent_ml_max, "diluent_ml_max", -1),
    STR(bont_indication_t, diluent_source, "diluent_source", 0),
    STR(bont_indication_t, note, "note", 0),
    STR(bont_indication_t, evidence_level, "evidence.level", 0),
    STR(bont_indication_t, evidence_scale, "evidence.scale", 0),
    STR(bont_indication_t, evidence_source, "evidence.source", 0),
    STR(bont_indication_t, evidence_note, "evidence.note", 0),
};

static int finish_term(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    bont_term_t *t = entry;
    const char *first[3];
    int rc = read_names(L, e, t->id, path, &t->aliases, &t->n_aliases, first);
    return rc ? rc : add_aliases(L, t->aliases, t->n_aliases, BONT__KIND_TERM, i);
}

static const field_t term_fields[] = {
    STR(bont_term_t, id, "id", 1),
    STR(bont_term_t, kind, "kind", 1),
    STR(bont_term_t, group, "group", 0),
};

static int finish_band(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    (void)e;
    (void)i;
    const bont_weight_band_t *b = entry;
    if (!(b->kg_min >= 0) || !(b->max > 0))
        return bad_value(L, path, "max", "a weight band needs kg_min >= 0 and max > 0");
    if (b->kg_max >= 0 && b->kg_max <= b->kg_min)
        return bad_value(L, path, "kg_max", "a weight band needs kg_max > kg_min (or -1)");
    return 0;
}

static const field_t band_fields[] = {
    NUM(bont_weight_band_t, kg_min, "kg_min", -1),
    NUM(bont_weight_band_t, kg_max, "kg_max", -1),
    NUM(bont_weight_band_t, max, "max", -1),
};
static const table_t band_table = {
    NULL, NULL, sizeof(bont_weight_band_t), band_fields, N_OF(band_fields), finish_band};

/* An age basis, when given, is one of the known words; a contraindication is an error. */
static int check_age_basis(bont__loader_t *L, const char *path, const char *key, const char *basis,
                           bont_severity_t sev)
{
    static const char *const known[] = {"contraindicated", "not_established", "outside_indication",
                                        "adult_rules_apply"};
    if (!basis)
        return 0;
    if (!bont__str_in(known, N_OF(known), basis))
        return bad_value(L, path, key,
                         "expected contraindicated, not_established, outside_indication or "
                         "adult_rules_apply");
    if (!strcmp(basis, "contraindicated") && sev != BONT_SEV_ERROR)
        return bad_value(L, path, key, "an age the label contraindicates is an error");
    return 0;
}

static int finish_rule(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    (void)e;
    (void)i;
    const bont_rule_t *r = entry;
    int rc;
    if (r->type == BONT_RULE_CUMULATIVE && r->window_days <= 0)
        return bad_value(L, path, "window_days", "a cumulative rule needs window_days > 0");
    if (r->min < 0 && r->max < 0 && r->per_kg_min < 0 && r->per_kg_max < 0 && !r->n_weight_bands)
        return bont__kb_fail(L, BONT_EKB, path, "rule \"%s\" has no bound", r->id);
    if (!r->n_jurisdictions)
        return bad_value(L, path, "jurisdictions", NO_JURISDICTIONS);
    if (r->per && (strcmp(r->per, "muscle") != 0 || r->type != BONT_RULE_VOLUME_PER_SITE))
        return bad_value(L, path, "per", "per \"muscle\" is for volume_per_site rules only");
    if (r->n_weight_bands && r->type != BONT_RULE_UNITS_PER_SESSION)
        return bad_value(L, path, "weight_bands", "weight bands are for units_per_session rules");
    if ((rc = check_age_basis(L, path, "age_basis.under", r->age_basis_under, r->under)) ||
        (rc = check_age_basis(L, path, "age_basis.over", r->age_basis_over, r->over)))
        return rc;
    return 0;
}

static const field_t rule_fields[] = {
    STR(bont_rule_t, id, "id", 1),
    {"type", F_RULE_TYPE, offsetof(bont_rule_t, type), 0, 1, 0, NULL},
    STR(bont_rule_t, product, "product", 0),
    LIST(bont_rule_t, indications, n_indications, "indications"),
    BOOL(bont_rule_t, across_indications, "across_indications", 0),
    BOOL(bont_rule_t, both_sides, "both_sides", 0),
    STR(bont_rule_t, muscle, "muscle", 0),
    STR(bont_rule_t, region, "region", 0),
    STR(bont_rule_t, population, "population", 0),
    NUM(bont_rule_t, min, "min", -1),
    NUM(bont_rule_t, max, "max", -1),
    NUM(bont_rule_t, per_kg_min, "per_kg_min", -1),
    NUM(bont_rule_t, per_kg_max, "per_kg_max", -1),
    NUM(bont_rule_t, window_days, "window_days", -1),
    STR(bont_rule_t, evidence, "evidence", 1),
    STR(bont_rule_t, source, "source", 1),
    STR(bont_rule_t, note, "note", 1),
    SEVERITY(bont_rule_t, over, "over", 0, BONT_SEV_ERROR),
    SEVERITY(bont_rule_t, under, "under", 0, BONT_SEV_NOTE),
    LIST(bont_rule_t, jurisdictions, n_jurisdictions, "jurisdictions"),
    STR(bont_rule_t, per, "per", 0),
    STR(bont_rule_t, age_basis_under, "age_basis.under", 0),
    STR(bont_rule_t, age_basis_over, "age_basis.over", 0),
    NUM(bont_rule_t, weight_kg_min, "weight_kg_min", -1),
    ARRAY(bont_rule_t, weight_bands, n_weight_bands, "weight_bands", &band_table),
};

static int finish_contra(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    (void)e;
    (void)i;
    return ((bont_contra_t *)entry)->n_jurisdictions
               ? 0
               : bad_value(L, path, "jurisdictions", NO_JURISDICTIONS);
}

static const field_t contra_fields[] = {
    STR(bont_contra_t, id, "id", 1),
    STR(bont_contra_t, kind, "kind", 1),
    LIST(bont_contra_t, matches, n_matches, "matches"),
    LIST(bont_contra_t, products, n_products, "products"),
    LIST(bont_contra_t, indications, n_indications, "indications"),
    SEVERITY(bont_contra_t, severity, "severity", 1, 0),
    STR(bont_contra_t, message, "message", 1),
    STR(bont_contra_t, source, "source", 1),
    LIST(bont_contra_t, jurisdictions, n_jurisdictions, "jurisdictions"),
    STR(bont_contra_t, differs_from, "differs_from", 0),
};

static const field_t history_rule_fields[] = {
    STR(bont_history_rule_t, id, "id", 1),
    NUM(bont_history_rule_t, window_days, "window_days", -1),
    NUM(bont_history_rule_t, age_below_years, "age_below_years", -1),
    STR(bont_history_rule_t, evidence, "evidence", 0),
    STR(bont_history_rule_t, source, "source", 1),
    STR(bont_history_rule_t, note, "note", 1),
};

static const field_t source_fields[] = {
    STR(bont_source_t, id, "id", 1),
    STR(bont_source_t, kind, "kind", 0),
    STR(bont_source_t, title, "title", 1),
    STR(bont_source_t, url, "url", 0),
    STR(bont_source_t, issuer, "issuer", 0),
    STR(bont_source_t, date, "date", 0),
    STR(bont_source_t, version, "version", 0),
    BOOL(bont_source_t, primary, "primary", 0),
    STR(bont_source_t, jurisdiction, "jurisdiction", 0),
    STR(bont_source_t, read_via, "read_via", 0),
    STR(bont_source_t, note, "note", 0),
};

static const field_t jurisdiction_fields[] = {
    STR(bont_jurisdiction_t, id, "id", 1),
    STR(bont_jurisdiction_t, regulator, "regulator", 1),
    STR(bont_jurisdiction_t, label, "label", 1),
    LIST(bont_jurisdiction_t, near, n_near, "near"),
    BOOL(bont_jurisdiction_t, selectable, "selectable", 0),
};

static int finish_method(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    bont_guidance_method_t *g = entry;
    return named_entry(L, e, g->id, path, BONT__KIND_GUIDANCE, i, &g->aliases, &g->n_aliases,
                       &g->name_en, &g->name_zh, &g->name_ko);
}

static const field_t method_fields[] = {
    STR(bont_guidance_method_t, id, "id", 1),
};

static int finish_guidance_rule(bont__loader_t *L, void *entry, json_t *e, size_t i,
                                const char *path)
{
    (void)e;
    (void)i;
    const bont_guidance_rule_t *g = entry;
    if (!g->n_accepted)
        return missing(L, path, "accepted");
    return g->n_jurisdictions ? 0 : bad_value(L, path, "jurisdictions", NO_JURISDICTIONS);
}

static const field_t guidance_rule_fields[] = {
    STR(bont_guidance_rule_t, id, "id", 1),
    STR(bont_guidance_rule_t, product, "product", 0),
    LIST(bont_guidance_rule_t, indications, n_indications, "indications"),
    LIST(bont_guidance_rule_t, accepted, n_accepted, "accepted"),
    SEV_NONE(bont_guidance_rule_t, other, "other", BONT_SEV_WARNING),
    SEV_NONE(bont_guidance_rule_t, unstated, "unstated", -1),
    STR(bont_guidance_rule_t, evidence, "evidence", 1),
    STR(bont_guidance_rule_t, source, "source", 1),
    LIST(bont_guidance_rule_t, jurisdictions, n_jurisdictions, "jurisdictions"),
    STR(bont_guidance_rule_t, note, "note", 1),
};

static int finish_effect(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    bont_adverse_effect_t *x = entry;
    return named_entry(L, e, x->id, path, BONT__KIND_EFFECT, i, &x->aliases, &x->n_aliases,
                       &x->name_en, &x->name_zh, &x->name_ko);
}

static const field_t effect_fields[] = {
    STR(bont_adverse_effect_t, id, "id", 1),
    STR(bont_adverse_effect_t, model_effect, "model_effect", 0),
};

static int finish_reaction(bont__loader_t *L, void *entry, json_t *e, size_t i, const char *path)
{
    (void)e;
    (void)i;
    const bont_adverse_reaction_t *r = entry;
    if (!(r->rate_pct >= 0 && r->rate_pct <= 100))
        return bad_value(L, path, "rate_pct", "rate_pct must be a percentage from 0 to 100");
    if (!isnan(r->placebo_pct) && !(r->placebo_pct >= 0 && r->placebo_pct <= 100))
        return bad_value(L, path, "placebo_pct",
                         "placebo_pct must be a percentage from 0 to 100, or null");
    return 0;
}

static const field_t reaction_fields[] = {
    STR(bont_adverse_reaction_t, product, "product", 1),
    STR(bont_adverse_reaction_t, indication, "indication", 1),
    STR(bont_adverse_reaction_t, effect, "effect", 1),
    NUM(bont_adverse_reaction_t, rate_pct, "rate_pct", NAN),
    NUM(bont_adverse_reaction_t, placebo_pct, "placebo_pct", NAN),
    STR(bont_adverse_reaction_t, dose, "dose", 0),
    NUM(bont_adverse_reaction_t, n, "n", NAN),
    NUM(bont_adverse_reaction_t, n_placebo, "n_placebo", NAN),
    STR(bont_adverse_reaction_t, design, "design", 0),
    STR(bont_adverse_reaction_t, jurisdiction, "jurisdiction", 1),
    STR(bont_adverse_reaction_t, source, "source", 1),
    STR(bont_adverse_reaction_t, where, "where", 0),
    STR(bont_adverse_reaction_t, note, "note", 0),
};

#define TABLE(name, key, T, fields, finish)                                                        \
    {                                                                                              \
        name, key, sizeof(T), fields, N_OF(fields), finish                                         \
    }

static const table_t tables[] = {
    TABLE("products", "products", bont_product_t, product_fields, finish_product),
    TABLE("muscles", "muscles", bont_muscle_t, muscle_fields, finish_muscle),
    TABLE("indications", "indications", bont_indication_t, indication_fields, finish_indication),
    TABLE("terms", "terms", bont_term_t, term_fields, finish_term),
    TABLE("rules", "rules", bont_rule_t, rule_fields, finish_rule),
    TABLE("contraindications", "contraindications", bont_contra_t, contra_fields, finish_contra),
    TABLE("history_rules", "history_rules", bont_history_rule_t, history_rule_fields, NULL),
    TABLE("sources", "sources", bont_source_t, source_fields, NULL),
    TABLE("jurisdictions", "jurisdictions", bont_jurisdiction_t, jurisdiction_fields, NULL),
    TABLE("guidance_methods", "methods", bont_guidance_method_t, method_fields, finish_method),
    TABLE("guidance_rules", "rules", bont_guidance_rule_t, guidance_rule_fields,
          finish_guidance_rule),
    TABLE("adverse_effects", "effects", bont_adverse_effect_t, effect_fields, finish_effect),
    TABLE("adverse_reactions", "rows", bont_adverse_reaction_t, reaction_fields, finish_reaction),
};

int bont__kb_read_file(bont__loader_t *L, json_t *root, const char *table, void **entries,
                       size_t *n)
{
    const table_t *t = NULL;
    for (size_t i = 0; i < N_OF(tables) && !t; i++)
        if (strcmp(tables[i].name, table) == 0)
            t = &tables[i];
    *entries = NULL;
    *n = 0;
    if (!t)
        return bont__kb_fail(L, BONT_EKB, table, "no table \"%s\"", table);
    json_t *arr = json_object_get(root, t->array_key);
    if (!json_is_array(arr))
        return bont__kb_fail(L, BONT_EKB, t->array_key, "expected a top-level list \"%s\"",
                             t->array_key);
    return read_array(L, t, arr, entries, n, t->array_key);
}
