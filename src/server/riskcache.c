/* riskcache.c: the side-effect risks of POST /api/v1/check kept between requests, keyed by a
 * SHA-256 of exactly what the risk engine reads, so a plan checked again (the plan builder
 * re-checks on every edit, and many clinics send the same label plans) costs a look-up instead
 * of 2000 virtual patients (docs/performance.md "Web server"). */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bont/version.h"
#include "kb/embedded.h"
#include "server/internal.h"

typedef struct entry_t {
    unsigned char key[BONT__RISK_KEY_BYTES];
    uint64_t used;          /* tick of the last look-up or store; 0: empty */
    bont_risk_list_t risks; /* owned copy */
} entry_t;

struct bont__risk_cache_t {
    pthread_mutex_t mu;
    unsigned char identity[BONT__RISK_KEY_BYTES]; /* the data and the check's constants */
    entry_t *entries;                             /* capacity of them */
    size_t capacity;
    uint64_t tick;
    unsigned long long hits, misses;
};

static void put_bytes(crypto_hash_sha256_state *h, const void *p, size_t n)
{
    crypto_hash_sha256_update(h, p, (unsigned long long)n);
}

/* Integers and doubles as their 8 bytes (a double's bits: two values the engine tells apart
 * never share a key), strings with their length first (no two lists of strings run
 * together). */
static void put_i64(crypto_hash_sha256_state *h, int64_t v)
{
    put_bytes(h, &v, sizeof v);
}

static void put_f64(crypto_hash_sha256_state *h, double v)
{
    put_bytes(h, &v, sizeof v);
}

static void put_str(crypto_hash_sha256_state *h, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_i64(h, s ? (int64_t)n : -1);
    put_bytes(h, s ? s : "", n);
}

int bont__risk_cache_new(bont__risk_cache_t **out, size_t capacity)
{
    bont__risk_cache_t *c = calloc(1, sizeof *c);
    *out = NULL;
    if (!c || !(c->entries = calloc(capacity ? capacity : 1, sizeof *c->entries))) {
        free(c);
        return BONT_ENOMEM;
    }
    c->capacity = capacity;
    pthread_mutex_init(&c->mu, NULL);
    /* The parameters' identity: every built-in data file (model, spread, variability,
     * thresholds, atlas, products) and the check's patients, seed and horizon. The kb and the
     * spread parameters a server holds are loaded once at its start and never change while it
     * runs, and the cache lives and dies with the server. */
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    put_str(&h, "bont risk cache 1");
    put_str(&h, BONT_VERSION);
    put_i64(&h, BONT_RISK_CHECK_PATIENTS);
    put_i64(&h, BONT_RISK_CHECK_SEED);
    put_i64(&h, BONT_RISK_HORIZON_DAYS);
    for (const bont_embedded_file_t *f = bont__embedded_files; f->name; f++) {
        put_str(&h, f->name);
        put_i64(&h, (int64_t)f->size);
        put_bytes(&h, f->data, f->size);
    }
    crypto_hash_sha256_final(&h, c->identity);
    *out = c;
    return 0;
}

void bont__risk_cache_free(bont__risk_cache_t **cp)
{
    if (!cp || !*cp)
        return;
    for (size_t i = 0; i < (*cp)->capacity; i++)
        bont_risk_list_clear(&(*cp)->entries[i].risks);
    pthread_mutex_destroy(&(*cp)->mu);
    free((*cp)->entries);
    free(*cp);
    *cp = NULL;
}

/* What bont_risk_check reads of a plan (the population engine without history, its exposure
 * layout and the risks' reasons): product, indication (the response threshold), and per
 * injection target, side, units, sites, volume, guidance and endplate distance. Not the
 * patient, the date, the vial's lot or the history: the risks do not depend on them. */
void bont__risk_key(const bont__risk_cache_t *c, const bont_plan_t *plan,
                    unsigned char key[BONT__RISK_KEY_BYTES])
{
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    put_bytes(&h, c->identity, sizeof c->identity);
    put_str(&h, plan->product ? plan->product->id : NULL);
    put_str(&h, plan->indication ? plan->indication->id : NULL);
    put_i64(&h, (int64_t)plan->n_injections);
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *in = &plan->injections[i];
        put_str(&h, in->muscle ? in->muscle->id : NULL);
        put_i64(&h, (int64_t)in->side);
        put_f64(&h, in->units);
        put_i64(&h, (int64_t)in->sites);
        put_f64(&h, in->volume_ml);
        put_i64(&h, (int64_t)in->guidance);
        put_f64(&h, in->endplate_mm);
    }
    crypto_hash_sha256_final(&h, key);
}

/* A deep copy of src into dst (0, or BONT_ENOMEM with dst empty): the per-person risks and the
 * structures they point into, re-pointed into the copy. */
static int copy_list(bont_risk_list_t *dst, const bont_risk_list_t *src)
{
    *dst = *src;
    dst->risks = malloc((src->n ? src->n : 1) * sizeof *dst->risks);
    dst->structures = malloc((src->n_structures ? src->n_structures : 1) * sizeof *dst->structures);
    if (!dst->risks || !dst->structures) {
        free(dst->risks);
        free(dst->structures);
        memset(dst, 0, sizeof *dst);
        return BONT_ENOMEM;
    }
    if (src->n_structures)
        memcpy(dst->structures, src->structures, src->n_structures * sizeof *dst->structures);
    for (size_t i = 0; i < src->n; i++) {
        dst->risks[i] = src->risks[i];
        if (src->risks[i].structures)
            dst->risks[i].structures =
                dst->structures + (src->risks[i].structures - src->structures);
    }
    return 0;
}

static entry_t *find(bont__risk_cache_t *c, const unsigned char *key)
{
    for (size_t i = 0; i < c->capacity; i++)
        if (c->entries[i].used && memcmp(c->entries[i].key, key, BONT__RISK_KEY_BYTES) == 0)
            return &c->entries[i];
    return NULL;
}

bool bont__risk_cache_get(bont__risk_cache_t *c, const unsigned char *key, bont_risk_list_t *out)
{
    bool hit = false;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&c->mu);
    entry_t *e = find(c, key);
    if (e && copy_list(out, &e->risks) == 0) {
        e->used = ++c->tick;
        hit = true;
    }
    if (hit)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->mu);
    return hit;
}

void bont__risk_cache_put(bont__risk_cache_t *c, const unsigned char *key,
                          const bont_risk_list_t *risks)
{
    if (c->capacity == 0)
        return;
    bont_risk_list_t copy;
    if (copy_list(&copy, risks) != 0)
        return; /* out of memory: the answer stands, uncached */
    pthread_mutex_lock(&c->mu);
    entry_t *e = find(c, key);
    if (!e) { /* an empty slot, else the least recently used */
        e = &c->entries[0];
        for (size_t i = 1; i < c->capacity && e->used; i++)
            if (c->entries[i].used < e->used)
                e = &c->entries[i];
        memcpy(e->key, key, BONT__RISK_KEY_BYTES);
    }
    bont_risk_list_clear(&e->risks);
    e->risks = copy;
    e->used = ++c->tick;
    pthread_mutex_unlock(&c->mu);
}

void bont__risk_cache_stats(bont__risk_cache_t *c, unsigned long long *hits,
                            unsigned long long *misses, size_t *entries)
{
    pthread_mutex_lock(&c->mu);
    *hits = c->hits;
    *misses = c->misses;
    *entries = 0;
    for (size_t i = 0; i < c->capacity; i++)
        *entries += c->entries[i].used != 0;
    pthread_mutex_unlock(&c->mu);
}

int bont__risk_check_cached(bont_server_t *srv, const bont_plan_t *plan, bont_risk_list_t *out,
                            bont_error_t *err)
{
    unsigned char key[BONT__RISK_KEY_BYTES];
    bont__risk_key(srv->risk_cache, plan, key);
    if (bont__risk_cache_get(srv->risk_cache, key, out))
        return 0;
    /* One thread per request: the server's workers are the parallelism. */
    int rc = bont_risk_check(srv->kb, plan, srv->spread, 1, out, err);
    /* A run that gave no risks for a reason (why_none) is not kept: its message may name
     * what the key leaves out, and it is rare. */
    if (rc == 0 && out->why_none[0] == '\0')
        bont__risk_cache_put(srv->risk_cache, key, out);
    return rc;
}
