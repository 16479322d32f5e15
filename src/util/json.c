/* json.c: jansson parsing that tells a failed allocation from malformed text. */
#include "util/json.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "bont/error.h"

static _Thread_local int alloc_failed; /* an allocation of this thread's parse failed */
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static json_malloc_t inner_malloc; /* the allocation function installed before ours */

static void *noting_malloc(size_t size)
{
    void *p = inner_malloc(size);
    if (!p)
        alloc_failed = 1;
    return p;
}

/* Wraps whatever allocation functions jansson has (its own, or a program's), so that a program
 * that set its own before keeps them. */
static void install(void)
{
    json_free_t inner_free;
    json_get_alloc_funcs(&inner_malloc, &inner_free);
    if (!inner_malloc)
        inner_malloc = malloc;
    json_set_alloc_funcs(noting_malloc, inner_free ? inner_free : free);
}

int bont__json_load(const char *text, size_t len, size_t flags, json_t **root, json_error_t *jerr)
{
    pthread_once(&install_once, install);
    alloc_failed = 0;
    *root = json_loadb(text, len, flags, jerr);
    if (alloc_failed) {
        json_decref(*root);
        *root = NULL;
        snprintf(jerr->text, sizeof jerr->text, "out of memory while parsing");
        return BONT_ENOMEM;
    }
    if (!*root)
        return json_error_code(jerr) == json_error_out_of_memory ? BONT_ENOMEM : BONT_EPARSE;
    return 0;
}
