/* kb_internal.h: what the knowledge base's source files share: the kb struct, the loader state
 * and the table-driven reader of data-file entries. */
#ifndef BONT_KB_INTERNAL_H
#define BONT_KB_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "bont/kb.h"

enum {
    BONT__KIND_PRODUCT,
    BONT__KIND_MUSCLE,
    BONT__KIND_INDICATION,
    BONT__KIND_TERM,
    BONT__KIND_GUIDANCE, /* guidance methods */
    BONT__KIND_EFFECT,   /* adverse effects */
    BONT__KIND_COUNT
};

/* The longest normalised name a look-up compares; longer names match nothing. */
#define BONT__KB_NAME_MAX 256

typedef struct bont__alias_t {
    char *norm;   /* normalised name (owned) */
    int kind;     /* BONT__KIND_* */
    size_t index; /* entry in the kind's array */
} bont__alias_t;

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
    bont_history_rule_t *history_rules;
    size_t n_history_rules;
    bont_source_t *sources;
    size_t n_sources;
    bont_jurisdiction_t *jurisdictions;
    size_t n_jurisdictions;
    bont_guidance_method_t *guidance_methods;
    size_t n_guidance_methods;
    bont_guidance_rule_t *guidance_rules;
    size_t n_guidance_rules;
    bont_adverse_effect_t *effects;
    size_t n_effects;
    bont_adverse_reaction_t *reactions; /* sorted by product, indication, rate (highest first) */
    size_t n_reactions;
    bont__alias_t *aliases; /* sorted by kind, then name, once loading is done */
    size_t n_aliases, cap_aliases;
};

typedef struct bont__loader_t {
    bont_kb_t *kb;
    bont_error_t *err;
    const char *file; /* current file name, for messages ("products.json") */
    size_t base;      /* index of the file's first entry in the array its kind shares with other
                         files (indications*.json), for the alias index */
} bont__loader_t;

/* Records the first error: err->file is data/FILE, field and message; returns rc. */
int bont__kb_fail(bont__loader_t *L, int rc, const char *field, const char *fmt, const char *what);

/* calloc that the kb frees with itself. */
void *bont__kb_alloc(bont__loader_t *L, size_t n, size_t size);

/* Reads the top-level array array_key of root (one data file) into a new array of entries, by
 * the table of the file: *entries gets the array (kb-owned), *n its length. */
int bont__kb_read_file(bont__loader_t *L, json_t *root, const char *array_key, void **entries,
                       size_t *n);

/* Registers name as an alias of entry index of kind (checked for clashes once all are in). */
int bont__kb_add_alias(bont__loader_t *L, const char *name, int kind, size_t index);

/* Sorts the aliases and refuses a name that names two entries of one kind. */
int bont__kb_index_aliases(bont__loader_t *L);

/* The entry index of kind named name (any alias), or (size_t)-1. */
size_t bont__kb_find(const bont_kb_t *kb, int kind, const char *name);

/* Every id a data file names must exist; resolves the atlas neighbours and the effects of the
 * adverse reactions. */
int bont__kb_cross_check(bont__loader_t *L);

/* Sorts the adverse reactions by product, indication and rate (highest first). */
void bont__kb_sort_reactions(bont_kb_t *kb);

#endif
