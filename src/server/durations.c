/* durations.c: the expected duration of each stored visit, as the model predicts it, kept
 * between requests: a stored visit never changes, and predicting it runs the model, so a
 * patient's page and the due list would otherwise simulate every visit on every view. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/internal.h"

/* Direct-mapped by visit id: bounded memory, and a visit evicted by another is simply
 * predicted again. */
enum { SLOTS = 8192 };

typedef struct slot_t {
    long long visit_id;   /* 0: empty */
    char recorded_at[24]; /* with the id, names one stored visit even across stores */
    double days;
    bool used_table; /* the table's duration (the model gave none) */
} slot_t;

struct bont__durations_t {
    pthread_mutex_t mu;
    slot_t slots[SLOTS];
};

int bont__durations_new(bont__durations_t **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return BONT_ENOMEM;
    pthread_mutex_init(&(*out)->mu, NULL);
    return 0;
}

void bont__durations_free(bont__durations_t **d)
{
    if (!d || !*d)
        return;
    pthread_mutex_destroy(&(*d)->mu);
    free(*d);
    *d = NULL;
}

static slot_t *slot_of(bont__durations_t *d, long long visit_id)
{
    unsigned long long h = (unsigned long long)visit_id * 0x9E3779B97F4A7C15ull;
    return &d->slots[(h >> 32) % SLOTS];
}

/* Whether the visit's duration is kept; fills days and used_table when it is. */
static bool lookup(bont__durations_t *d, const bont_store_visit_t *v, double *days,
                   bool *used_table)
{
    pthread_mutex_lock(&d->mu);
    slot_t *s = slot_of(d, v->id);
    bool hit = v->id > 0 && s->visit_id == v->id && strcmp(s->recorded_at, v->recorded_at) == 0;
    if (hit) {
        *days = s->days;
        *used_table = s->used_table;
    }
    pthread_mutex_unlock(&d->mu);
    return hit;
}

int bont__duration_cached(void *ctx, const bont_store_visit_t *visit, double *days,
                          bont_error_t *err)
{
    bont__duration_ctx_t *c = ctx;
    bool used_table = false;
    if (lookup(c->cache, visit, days, &used_table)) {
        c->model.used_table = used_table;
        return 0;
    }
    int rc = bont_duration_model_or_table(&c->model, visit, days, err);
    if (rc != 0 || visit->id <= 0)
        return rc;
    pthread_mutex_lock(&c->cache->mu);
    slot_t *s = slot_of(c->cache, visit->id);
    s->visit_id = visit->id;
    snprintf(s->recorded_at, sizeof s->recorded_at, "%s", visit->recorded_at);
    s->days = *days;
    s->used_table = c->model.used_table;
    pthread_mutex_unlock(&c->cache->mu);
    return 0;
}

const char *bont__duration_basis(bont__duration_ctx_t *c, long long visit_id)
{
    pthread_mutex_lock(&c->cache->mu);
    slot_t *s = slot_of(c->cache, visit_id);
    const char *basis = s->visit_id == visit_id ? (s->used_table ? "table" : "model") : NULL;
    pthread_mutex_unlock(&c->cache->mu);
    return basis;
}
