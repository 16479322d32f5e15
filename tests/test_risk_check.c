/* test_risk_check.c: the side-effect risks bont check shows (bont_risk_check) are the same with
 * and without the table cache and on any number of threads, and a plan whose risks cannot be
 * computed gets a reason instead of an error. */
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "bont/plan.h"
#include "bont/spread.h"
#include "test.h"

static bool same_risks(const bont_risk_list_t *a, const bont_risk_list_t *b)
{
    if (a->n != b->n || a->n_patients != b->n_patients || strcmp(a->why_none, b->why_none))
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->risks[i].effect, b->risks[i].effect) ||
            a->risks[i].muscle != b->risks[i].muscle || a->risks[i].side != b->risks[i].side ||
            a->risks[i].probability != b->risks[i].probability ||
            strcmp(a->risks[i].reason, b->risks[i].reason))
            return false;
    return true;
}

TEST(risk_check_same_with_cache_and_threads)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    bont_risk_cache_t *cache = NULL;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    CHECK_INT(bont_risk_cache_new(&cache), 0);
    const char *plans[] = {"examples/glabellar_lines.json", "examples/cervical_dystonia.json",
                           "examples/cervical_dystonia_rima.json", "examples/sialorrhea.json"};
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
        bont_plan_t *plan = NULL;
        CHECK_INT(bont_plan_load(kb, plans[i], &plan, &err), 0);
        if (!plan)
            continue;
        bont_risk_list_t plain, cached, again, threaded;
        CHECK_INT(bont_risk_check(kb, plan, NULL, 1, NULL, &plain, &err), 0);
        CHECK_INT(bont_risk_check(kb, plan, NULL, 1, cache, &cached, &err), 0);
        CHECK_INT(bont_risk_check(kb, plan, NULL, 1, cache, &again, &err), 0);
        CHECK_INT(bont_risk_check(kb, plan, NULL, 3, cache, &threaded, &err), 0);
        CHECK_INT(plain.n_patients, BONT_RISK_CHECK_PATIENTS);
        CHECK_MSG(plain.n > 0, "%s: no risks (%s)", plans[i], plain.why_none);
        CHECK_MSG(same_risks(&plain, &cached) && same_risks(&plain, &again) &&
                      same_risks(&plain, &threaded),
                  "%s: the cache or the threads changed the risks", plans[i]);
        bont_risk_list_clear(&plain);
        bont_risk_list_clear(&cached);
        bont_risk_list_clear(&again);
        bont_risk_list_clear(&threaded);
        CHECK(plain.risks == NULL && plain.n == 0);
        bont_plan_free(&plan);
    }
    bont_risk_cache_free(&cache);
    CHECK(cache == NULL);
    bont_kb_free(&kb);
}

TEST(risk_check_without_ratio_gives_a_reason)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    /* daxibotulinumtoxinA has no accepted unit ratio: no risks, and the reason. */
    const char *text = "{\"date\": \"2026-01-10\", \"indication\": \"glabellar_lines\", "
                       "\"product\": \"daxibotulinumtoxinA\", \"vial\": {\"units\": 100, "
                       "\"diluent_ml\": 0.8}, \"patient\": {\"age_years\": 40}, \"injections\": "
                       "[{\"muscle\": \"procerus\", \"units\": 8}]}";
    bont_plan_t *plan = NULL;
    CHECK_INT(bont_plan_parse(kb, text, strlen(text), "dax", &plan, &err), 0);
    bont_risk_list_t r;
    if (plan) {
        CHECK_INT(bont_risk_check(kb, plan, NULL, 1, NULL, &r, &err), 0);
        CHECK_INT(r.n, 0);
        CHECK_MSG(r.why_none[0] != '\0', "no reason given");
        bont_risk_list_clear(&r);
    }
    bont_plan_free(&plan);
    bont_kb_free(&kb);
}
