/* test_risk_check.c: the side-effect risks bont check shows (bont_risk_check) are reproducible
 * and the same on any number of threads, they are those of the population engine, and a plan
 * whose risks cannot be computed gets a reason instead of an error. */
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "bont/plan.h"
#include "bont/population.h"
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

TEST(risk_check_same_on_any_threads)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    const char *plans[] = {"examples/glabellar_lines.json", "examples/cervical_dystonia.json",
                           "examples/cervical_dystonia_rima.json", "examples/sialorrhea.json"};
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
        bont_plan_t *plan = NULL;
        CHECK_INT(bont_plan_load(kb, plans[i], &plan, &err), 0);
        if (!plan)
            continue;
        bont_risk_list_t plain, two, again, threaded;
        CHECK_INT(bont_risk_check(kb, plan, NULL, 1, &plain, &err), 0);
        CHECK_INT(bont_risk_check(kb, plan, NULL, 2, &two, &err), 0);
        CHECK_INT(bont_risk_check(kb, plan, NULL, 1, &again, &err), 0);
        CHECK_INT(bont_risk_check(kb, plan, NULL, 3, &threaded, &err), 0);
        CHECK_INT(plain.n_patients, BONT_RISK_CHECK_PATIENTS);
        CHECK_MSG(plain.n > 0, "%s: no risks (%s)", plans[i], plain.why_none);
        CHECK_MSG(same_risks(&plain, &two) && same_risks(&plain, &again) &&
                      same_risks(&plain, &threaded),
                  "%s: a second run or the threads changed the risks", plans[i]);
        bont_risk_list_clear(&plain);
        bont_risk_list_clear(&two);
        bont_risk_list_clear(&again);
        bont_risk_list_clear(&threaded);
        CHECK(plain.risks == NULL && plain.n == 0);
        bont_plan_free(&plan);
    }
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
        CHECK_INT(bont_risk_check(kb, plan, NULL, 1, &r, &err), 0);
        CHECK_INT(r.n, 0);
        CHECK_MSG(r.why_none[0] != '\0', "no reason given");
        bont_risk_list_clear(&r);
    }
    bont_plan_free(&plan);
    bont_kb_free(&kb);
}

/* The 95 % Wilson interval (docs/spread.md section 3) against values from the reference's
 * v2/population.py: wilson. */
TEST(risk_wilson_interval)
{
    double lo, hi;
    bont_risk_wilson(0, 2000, &lo, &hi);
    CHECK(lo == 0.0);
    CHECK_REL(hi, 0.0019170473, 1e-6);
    bont_risk_wilson(34, 2000, &lo, &hi);
    CHECK_REL(lo, 0.0121906805, 1e-6);
    CHECK_REL(hi, 0.0236611872, 1e-6);
    bont_risk_wilson(1000, 2000, &lo, &hi);
    CHECK_REL(lo + hi, 1.0, 1e-12);
    bont_risk_wilson(0, 0, &lo, &hi);
    CHECK(lo == 0.0 && hi == 1.0);
}

/* One risk engine (docs/model.md 12.8.5): bont check's risks are those of
 * `bont simulate --patients` with the same patients, seed and horizon, each inside its own
 * 95 % interval. */
TEST_TIMEOUT(risk_check_is_the_population_engine, 120)
{
    bont_kb_t *kb = NULL;
    bont_spread_t *sp = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    CHECK_INT(bont_spread_load(&sp, &err), 0);
    const char *plans[] = {"examples/glabellar_lines.json", "examples/cervical_dystonia.json",
                           "examples/chronic_migraine.json"};
    for (size_t i = 0; kb && sp && i < sizeof plans / sizeof plans[0]; i++) {
        bont_plan_t *plan = NULL;
        bont_pop_t *pop = NULL;
        bont_risk_list_t chk;
        CHECK_INT(bont_plan_load(kb, plans[i], &plan, &err), 0);
        if (!plan)
            continue;
        CHECK_INT(bont_risk_check(kb, plan, sp, 2, &chk, &err), 0);
        bont_pop_opts_t o = {.n_patients = BONT_RISK_CHECK_PATIENTS,
                             .seed = BONT_RISK_CHECK_SEED,
                             .days = BONT_RISK_HORIZON_DAYS,
                             .threads = 1,
                             .spread = sp};
        CHECK_INT(bont_pop_run(kb, plan, &o, &pop, &err), 0);
        size_t n = 0;
        for (size_t j = 0; pop && j < bont_pop_n_results(pop); j++) {
            const bont_pop_result_t *r = bont_pop_result(pop, j);
            if (!r->has_risk)
                continue;
            n++;
            bool found = false;
            for (size_t k = 0; k < chk.n; k++)
                if (chk.risks[k].muscle == r->risk.muscle && chk.risks[k].side == r->risk.side) {
                    found = true;
                    CHECK_MSG(chk.risks[k].probability == r->risk.probability &&
                                  chk.risks[k].ci95_lo == r->risk.ci95_lo &&
                                  chk.risks[k].ci95_hi == r->risk.ci95_hi,
                              "%s %s: check %g, simulate --patients %g", plans[i], r->risk.effect,
                              chk.risks[k].probability, r->risk.probability);
                    CHECK(chk.risks[k].ci95_lo <= chk.risks[k].probability &&
                          chk.risks[k].probability <= chk.risks[k].ci95_hi);
                }
            CHECK_MSG(found, "%s: %s of %s missing from check", plans[i], r->risk.effect,
                      r->target.muscle);
        }
        CHECK_INT((int)chk.n, (int)n);
        bont_risk_list_clear(&chk);
        bont_pop_free(&pop);
        bont_plan_free(&plan);
    }
    bont_spread_free(&sp);
    bont_kb_free(&kb);
}
