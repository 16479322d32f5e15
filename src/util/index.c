/* index.c: an open-addressing hash table keyed by (pointer, tag), positions as values. */
#include "util/index.h"

#include <stdint.h>
#include <stdlib.h>

#include "bont/error.h"

struct bont__index_slot_t {
    const void *key; /* NULL marks an empty slot */
    int tag;
    size_t value;
};

static size_t slot_of(const bont__index_t *ix, const void *key, int tag)
{
    /* splitmix64's finaliser spreads pointers, which share their low bits, over the table. */
    uint64_t h = (uint64_t)(uintptr_t)key ^ ((uint64_t)(unsigned)tag * 0x9e3779b97f4a7c15ull);
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    h ^= h >> 31;
    size_t i = (size_t)h & (ix->cap - 1);
    while (ix->slots[i].key && !(ix->slots[i].key == key && ix->slots[i].tag == tag))
        i = (i + 1) & (ix->cap - 1);
    return i;
}

size_t bont__index_get(const bont__index_t *ix, const void *key, int tag)
{
    if (!ix->cap || !key)
        return BONT__INDEX_NONE;
    size_t i = slot_of(ix, key, tag);
    return ix->slots[i].key ? ix->slots[i].value : BONT__INDEX_NONE;
}

static int grow(bont__index_t *ix)
{
    size_t cap = ix->cap ? 2 * ix->cap : 16;
    bont__index_t big = {calloc(cap, sizeof *big.slots), cap, 0};
    if (!big.slots)
        return BONT_ENOMEM;
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->slots[i].key) {
            size_t j = slot_of(&big, ix->slots[i].key, ix->slots[i].tag);
            big.slots[j] = ix->slots[i];
            big.n++;
        }
    free(ix->slots);
    *ix = big;
    return 0;
}

int bont__index_put(bont__index_t *ix, const void *key, int tag, size_t *value)
{
    if (!key)
        return BONT_EINVAL;
    if (2 * (ix->n + 1) > ix->cap && grow(ix) != 0) /* at most half full */
        return BONT_ENOMEM;
    size_t i = slot_of(ix, key, tag);
    if (ix->slots[i].key) {
        *value = ix->slots[i].value;
        return 0;
    }
    ix->slots[i] = (bont__index_slot_t){key, tag, *value};
    ix->n++;
    return 1;
}

void bont__index_free(bont__index_t *ix)
{
    free(ix->slots);
    ix->slots = NULL;
    ix->cap = ix->n = 0;
}
