/* index.h: a hash index from a (pointer, small integer) key, such as a muscle and its side, to a
 * position, so that grouping n injections or reach entries costs O(n) instead of O(n^2). */
#ifndef BONT_UTIL_INDEX_H
#define BONT_UTIL_INDEX_H

#include <stddef.h>

#define BONT__INDEX_NONE ((size_t)-1)

typedef struct bont__index_slot_t bont__index_slot_t;

typedef struct bont__index_t {
    bont__index_slot_t *slots; /* owned; cap entries, open addressing */
    size_t cap;                /* a power of two, or 0 before the first put */
    size_t n;                  /* keys stored */
} bont__index_t;

/* The position stored for (key, tag), or BONT__INDEX_NONE. */
size_t bont__index_get(const bont__index_t *ix, const void *key, int tag);

/* Stores position value for (key, tag) unless the key is present. *value receives the stored
 * position: the one given when the key is new, the earlier one otherwise. Returns 1 when the
 * key was added, 0 when it was present, BONT_ENOMEM when the index could not grow. */
int bont__index_put(bont__index_t *ix, const void *key, int tag, size_t *value);

/* Frees the slots and clears ix (a zeroed index is empty and valid). */
void bont__index_free(bont__index_t *ix);

#endif
