/* test_risk_cache.c: the web server's cache of check risks (src/server/riskcache.c): its key
 * follows what the risks depend on, a hit gives exactly the uncached answer, it stays within its
 * size, and it holds under threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/plan.h"
#include "test.h"
#include "test_server.h"

#define JSON_TYPE "application/json"

/* A glabellar plan; fmt's %s take patient, units of the procerus, guidance and date. */
static void plan_text(char *out, size_t size, const char *patient, const char *units,
                      const char *guidance, const char *date)
{
    snprintf(out, size,
             "{\"date\": \"%s\", \"indication\": \"glabellar_lines\", \"product\": "
             "\"onabotulinumtoxinA\", \"vial\": {\"units\": 100, \"diluent_ml\": 2.5}, "
             "\"patient\": {%s}, \"injections\": [{\"muscle\": \"procerus\", \"units\": %s, "
             "\"guidance\": \"%s\"}, {\"muscle\": \"corrugator_supercilii\", \"side\": \"left\", "
             "\"units\": 8, \"sites\": 2}, {\"muscle\": \"corrugator_supercilii\", \"side\": "
             "\"right\", \"units\": 8, \"sites\": 2}]}",
             date, patient, units, guidance);
}

static bool key_of(const bont_kb_t *kb, const bont__risk_cache_t *c, const char *text,
                   unsigned char key[BONT__RISK_KEY_BYTES])
{
    bont_plan_t *plan = NULL;
    bont_error_t err;
    int rc = bont_plan_parse(kb, text, strlen(text), "t.json", &plan, &err);
    CHECK_MSG(rc == 0, "plan: %s", err.message);
    if (rc == 0)
        bont__risk_key(c, plan, key);
    bont_plan_free(&plan);
    return rc == 0;
}

/* The key changes with every field the engine reads and not with the others. */
TEST(risk_cache_key_follows_the_inputs)
{
    bont_kb_t *kb = NULL;
    bont__risk_cache_t *c = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    CHECK_INT(bont__risk_cache_new(&c, 4), 0);
    if (!kb || !c)
        goto cleanup;
    char text[2048];
    unsigned char base[BONT__RISK_KEY_BYTES], k[BONT__RISK_KEY_BYTES];
    plan_text(text, sizeof text, "\"age_years\": 40", "4", "palpation", "2026-11-21");
    CHECK(key_of(kb, c, text, base));
    /* Not read by the risks: the patient, the date. */
    plan_text(text, sizeof text, "\"age_years\": 71, \"sex\": \"male\"", "4", "palpation",
              "2026-10-02");
    CHECK(key_of(kb, c, text, k) && memcmp(k, base, sizeof k) == 0);
    /* Read: the dose (also by 1e-9 U), the guidance. */
    static const char *const units[] = {"5", "4.000000001"};
    for (size_t i = 0; i < 2; i++) {
        plan_text(text, sizeof text, "\"age_years\": 40", units[i], "palpation", "2026-11-21");
        CHECK_MSG(key_of(kb, c, text, k) && memcmp(k, base, sizeof k) != 0, "units %s", units[i]);
    }
    plan_text(text, sizeof text, "\"age_years\": 40", "4", "ultrasound", "2026-11-21");
    CHECK(key_of(kb, c, text, k) && memcmp(k, base, sizeof k) != 0);
cleanup:
    bont__risk_cache_free(&c);
    CHECK(c == NULL);
    bont_kb_free(&kb);
}

/* A list whose every field follows from its key's first byte, to tell entries apart: risk i
 * carries structure i. */
static void list_for(unsigned v, bont_risk_list_t *l)
{
    memset(l, 0, sizeof *l);
    l->n = l->n_structures = v % 4;
    l->n_patients = 1000 + v;
    l->risks = calloc(l->n + 1, sizeof *l->risks);
    l->structures = calloc(l->n + 1, sizeof *l->structures);
    for (size_t i = 0; l->risks && l->structures && i < l->n; i++) {
        bont_risk_t *r = &l->structures[i];
        r->probability = v / 256.0 + (double)i;
        snprintf(r->reason, sizeof r->reason, "key %u risk %zu", v, i);
        l->risks[i] = (bont_effect_risk_t){.risk = *r, .structures = r, .n_structures = 1};
    }
}

static bool list_is(unsigned v, const bont_risk_list_t *l)
{
    bool ok = l->n == v % 4 && l->n_structures == l->n && l->n_patients == 1000 + v &&
              l->why_none[0] == '\0';
    for (size_t i = 0; ok && i < l->n; i++) {
        char want[64];
        snprintf(want, sizeof want, "key %u risk %zu", v, i);
        const bont_effect_risk_t *e = &l->risks[i];
        ok = e->risk.probability == v / 256.0 + (double)i && strcmp(e->risk.reason, want) == 0 &&
             e->n_structures == 1 && e->structures == &l->structures[i] &&
             e->structures->probability == e->risk.probability &&
             strcmp(e->structures->reason, want) == 0;
    }
    return ok;
}

/* The least recently used entry leaves first, and the cache never holds more than its size. */
TEST(risk_cache_is_bounded_lru)
{
    bont__risk_cache_t *c = NULL;
    CHECK_INT(bont__risk_cache_new(&c, 3), 0);
    if (!c)
        return;
    unsigned char key[5][BONT__RISK_KEY_BYTES];
    for (unsigned v = 0; v < 5; v++) {
        memset(key[v], 0, BONT__RISK_KEY_BYTES);
        key[v][0] = (unsigned char)v;
    }
    bont_risk_list_t l, got;
    for (unsigned v = 0; v < 3; v++) {
        list_for(v, &l);
        bont__risk_cache_put(c, key[v], &l);
        bont_risk_list_clear(&l);
    }
    CHECK(bont__risk_cache_get(c, key[0], &got) && list_is(0, &got)); /* 0 used again */
    bont_risk_list_clear(&got);
    list_for(3, &l);
    bont__risk_cache_put(c, key[3], &l); /* evicts 1, the least recently used */
    bont_risk_list_clear(&l);
    CHECK(!bont__risk_cache_get(c, key[1], &got));
    CHECK(bont__risk_cache_get(c, key[0], &got) && list_is(0, &got));
    bont_risk_list_clear(&got);
    CHECK(bont__risk_cache_get(c, key[2], &got) && list_is(2, &got));
    bont_risk_list_clear(&got);
    CHECK(bont__risk_cache_get(c, key[3], &got) && list_is(3, &got));
    bont_risk_list_clear(&got);
    unsigned long long hits, misses;
    size_t entries;
    bont__risk_cache_stats(c, &hits, &misses, &entries);
    CHECK(hits == 4 && misses == 1 && entries == 3);
    bont__risk_cache_free(&c);
    /* Size 0 keeps nothing. */
    CHECK_INT(bont__risk_cache_new(&c, 0), 0);
    list_for(2, &l);
    bont__risk_cache_put(c, key[2], &l);
    bont_risk_list_clear(&l);
    CHECK(c && !bont__risk_cache_get(c, key[2], &got));
    bont__risk_cache_free(&c);
}

typedef struct worker_t {
    bont__risk_cache_t *c;
    unsigned seed;
    int wrong, hits;
} worker_t;

static void *hammer(void *arg)
{
    worker_t *w = arg;
    unsigned s = w->seed;
    for (int i = 0; i < 4000; i++) {
        s = s * 1103515245u + 12345u;
        unsigned v = (s >> 16) % 40;
        unsigned char key[BONT__RISK_KEY_BYTES] = {0};
        key[0] = (unsigned char)v;
        bont_risk_list_t l;
        if (bont__risk_cache_get(w->c, key, &l)) {
            w->hits++;
            w->wrong += !list_is(v, &l);
        } else {
            list_for(v, &l);
            bont__risk_cache_put(w->c, key, &l);
        }
        bont_risk_list_clear(&l);
    }
    return NULL;
}

/* Eight threads reading and writing 40 keys through 16 entries: every hit is its key's list. */
TEST(risk_cache_under_threads)
{
    bont__risk_cache_t *c = NULL;
    CHECK_INT(bont__risk_cache_new(&c, 16), 0);
    if (!c)
        return;
    pthread_t th[8];
    worker_t w[8];
    for (int t = 0; t < 8; t++) {
        w[t] = (worker_t){.c = c, .seed = 17u + (unsigned)t};
        CHECK_INT(pthread_create(&th[t], NULL, hammer, &w[t]), 0);
    }
    int wrong = 0, hits = 0;
    for (int t = 0; t < 8; t++) {
        pthread_join(th[t], NULL);
        wrong += w[t].wrong;
        hits += w[t].hits;
    }
    CHECK_INT(wrong, 0);
    CHECK(hits > 1000);
    unsigned long long h, m;
    size_t entries;
    bont__risk_cache_stats(c, &h, &m, &entries);
    CHECK(h == (unsigned long long)hits && h + m == 8 * 4000 && entries == 16);
    bont__risk_cache_free(&c);
}

/* Through the server: the second check of a plan is a hit and the same answer, byte for byte,
 * as the first and as bont check; another patient on the same plan hits; a changed dose or
 * guidance misses and answers as bont check does. */
TEST_TIMEOUT(risk_cache_api_same_answer, 180)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    char cookie[128], token[64];
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    csrf_of(&f, cookie, token, sizeof token);
    char today[11], text[2048];
    bont__server_today(today);
    bont__risk_cache_t *c = f.srv->risk_cache;
    unsigned long long hits, misses;
    size_t entries;
    static const struct {
        const char *patient, *units, *guidance;
        bool hit;
    } cases[] = {{"\"age_years\": 46, \"sex\": \"female\"", "4", "palpation", false},
                 {"\"age_years\": 46, \"sex\": \"female\"", "4", "palpation", true},
                 {"\"age_years\": 33, \"sex\": \"male\"", "4", "palpation", true},
                 {"\"age_years\": 46, \"sex\": \"female\"", "6", "palpation", false},
                 {"\"age_years\": 46, \"sex\": \"female\"", "4", "emg", false}};
    char *first = NULL;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        plan_text(text, sizeof text, cases[i].patient, cases[i].units, cases[i].guidance, today);
        unsigned long long h0, m0;
        bont__risk_cache_stats(c, &h0, &m0, &entries);
        bont__resp_t r;
        request(&f, "POST", "/api/v1/check", cookie, ORIGIN_OK, token, JSON_TYPE, text, &r);
        CHECK_MSG(r.status == 200, "case %zu: %d %s", i, r.status, body_of(&r));
        bont__risk_cache_stats(c, &hits, &misses, &entries);
        CHECK_MSG(hits == h0 + cases[i].hit && misses == m0 + 1 - cases[i].hit,
                  "case %zu: hits %llu -> %llu, misses %llu -> %llu", i, h0, hits, m0, misses);
        if (i == 0)
            first = strdup(body_of(&r));
        if (i == 1)
            CHECK_MSG(first && strcmp(first, body_of(&r)) == 0, "a hit answers differently");
        /* The command, uncached in its own process, prints the same risks. */
        if (i != 2) {
            char path[256], cmd[512], out[1 << 16], err[4096];
            snprintf(path, sizeof path, "%s/plan-%zu.json", f.dir, i);
            FILE *fp = fopen(path, "w");
            if (fp) {
                fputs(text, fp);
                fclose(fp);
            }
            snprintf(cmd, sizeof cmd, "%s check %s --format json", bont_test_bin(), path);
            bont_test_run(cmd, out, sizeof out, err, sizeof err);
            json_t *cli = json_loads(out, 0, NULL), *api = json_loads(body_of(&r), 0, NULL);
            CHECK_MSG(cli && api &&
                          json_equal(json_object_get(cli, "risks"), json_object_get(api, "risks")),
                      "case %zu: risks differ from bont check", i);
            json_decref(cli);
            json_decref(api);
        }
        bont__resp_clear(&r);
    }
    CHECK(entries == 3);
    free(first);
    fixture_close(&f);
}
