/* risk_cache.c: the peak-effect tables of bont_risk_plan kept between calls, keyed by model
 * parameters, tissue, serotype and horizon, for programs that check many plans. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model/spread_internal.h"

/* Tables the cache keeps: a few tissues and two serotypes at one horizon fill a dozen; the
 * bound keeps a caller that varies parameters from growing it without end. */
#define CACHE_ENTRIES 64
#define TABLE_MAX     512

typedef struct cache_entry_t {
    bont_params_t params;
    int tissue, serotype, days;
    size_t n;
    double table[TABLE_MAX];
} cache_entry_t;

struct bont_risk_cache_t {
    pthread_mutex_t mu;
    cache_entry_t *entries; /* n_entries of them (owned) */
    size_t n_entries;
};

int bont_risk_cache_new(bont_risk_cache_t **out)
{
    bont_risk_cache_t *c = calloc(1, sizeof *c);
    if (c)
        c->entries = calloc(CACHE_ENTRIES, sizeof *c->entries);
    if (!c || !c->entries) {
        free(c);
        *out = NULL;
        return BONT_ENOMEM;
    }
    pthread_mutex_init(&c->mu, NULL);
    *out = c;
    return 0;
}

void bont_risk_cache_free(bont_risk_cache_t **cache)
{
    if (!cache || !*cache)
        return;
    pthread_mutex_destroy(&(*cache)->mu);
    free((*cache)->entries);
    free(*cache);
    *cache = NULL;
}

/* The parameters are plain doubles (bont/model.h), so equal bytes mean equal parameters. */
static cache_entry_t *find(bont_risk_cache_t *c, const bont_params_t *params, int tissue,
                           int serotype, int days, size_t n)
{
    for (size_t i = 0; i < c->n_entries; i++) {
        cache_entry_t *e = &c->entries[i];
        if (e->tissue == tissue && e->serotype == serotype && e->days == days && e->n == n &&
            memcmp(&e->params, params, sizeof *params) == 0)
            return e;
    }
    return NULL;
}

bool bont__risk_cache_get(bont_risk_cache_t *cache, const bont_params_t *params, int tissue,
                          int serotype, int days, double *table, size_t n)
{
    pthread_mutex_lock(&cache->mu);
    cache_entry_t *e = find(cache, params, tissue, serotype, days, n);
    if (e)
        memcpy(table, e->table, n * sizeof *table);
    pthread_mutex_unlock(&cache->mu);
    return e != NULL;
}

void bont__risk_cache_put(bont_risk_cache_t *cache, const bont_params_t *params, int tissue,
                          int serotype, int days, const double *table, size_t n)
{
    if (n > TABLE_MAX)
        return;
    pthread_mutex_lock(&cache->mu);
    /* Two threads may build the same table at once; the second finds the first's. */
    if (!find(cache, params, tissue, serotype, days, n) && cache->n_entries < CACHE_ENTRIES) {
        cache_entry_t *e = &cache->entries[cache->n_entries++];
        e->params = *params;
        e->tissue = tissue;
        e->serotype = serotype;
        e->days = days;
        e->n = n;
        memcpy(e->table, table, n * sizeof *table);
    }
    pthread_mutex_unlock(&cache->mu);
}
