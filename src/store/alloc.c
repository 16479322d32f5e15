/* alloc.c: the store's allocations, which the test build can make fail one by one. */
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

#ifdef BONT_TEST_BUILD
int (*bont__store_alloc_fault)(void);
#define FAULT() (bont__store_alloc_fault && bont__store_alloc_fault())
#else
#define FAULT() 0
#endif

void *bont__store_calloc(size_t n, size_t size)
{
    return FAULT() ? NULL : calloc(n, size);
}

void *bont__store_realloc(void *p, size_t size)
{
    return FAULT() ? NULL : realloc(p, size);
}

char *bont__store_strdup(const char *s)
{
    return FAULT() ? NULL : strdup(s);
}

int bont__store_grow(void **arr, size_t *cap, size_t count, size_t elem)
{
    if (count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > ((size_t)-1) / elem)
        return BONT_ENOMEM;
    void *grown = bont__store_realloc(*arr, ncap * elem);
    if (!grown)
        return BONT_ENOMEM;
    memset((char *)grown + *cap * elem, 0, (ncap - *cap) * elem);
    *arr = grown;
    *cap = ncap;
    return 0;
}
