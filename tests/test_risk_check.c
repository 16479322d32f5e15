/* test_risk_check.c: the side-effect risks bont check shows (bont_risk_check) are reproducible
 * and the same on any number of threads, they are those of the population engine, and a plan
 * whose risks cannot be computed gets a reason instead of an error. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/spread.h"
#include "test.h"

static bool same_risk(const bont_risk_t *a, const bont_risk_t *b)
{
    return strcmp(a->effect, b->effect) == 0 && a->muscle == b->muscle && a->side == b->side &&
           a->probability == b->probability && a->ci95_lo == b->ci95_lo &&
           a->ci95_hi == b->ci95_hi && strcmp(a->reason, b->reason) == 0;
}

static bool same_risks(const bont_risk_list_t *a, const bont_risk_list_t *b)
{
    if (a->n != b->n || a->n_structures != b->n_structures || a->n_patients != b->n_patients ||
        strcmp(a->why_none, b->why_none))
        return false;
    for (size_t i = 0; i < a->n; i++) {
        if (!same_risk(&a->risks[i].risk, &b->risks[i].risk) ||
            a->risks[i].n_structures != b->risks[i].n_structures)
            return false;
        for (size_t j = 0; j < a->risks[i].n_structures; j++)
            if (!same_risk(&a->risks[i].structures[j], &b->risks[i].structures[j]))
                return false;
    }
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
            for (size_t k = 0; k < chk.n_structures; k++) {
                const bont_risk_t *c = &chk.structures[k];
                if (c->muscle == r->risk.muscle && c->side == r->risk.side) {
                    found = true;
                    CHECK_MSG(c->probability == r->risk.probability &&
                                  c->ci95_lo == r->risk.ci95_lo && c->ci95_hi == r->risk.ci95_hi,
                              "%s %s: check %g, simulate --patients %g", plans[i], r->risk.effect,
                              c->probability, r->risk.probability);
                    CHECK(c->ci95_lo <= c->probability && c->probability <= c->ci95_hi);
                }
            }
            CHECK_MSG(found, "%s: %s of %s missing from check", plans[i], r->risk.effect,
                      r->target.muscle);
        }
        CHECK_INT((int)chk.n_structures, (int)n);
        /* The per-person risks too: the same list from the same run. */
        bont_risk_list_t sim;
        CHECK_INT(pop ? bont_pop_risks(pop, &sim, &err) : -1, 0);
        CHECK_MSG(pop && same_risks(&chk, &sim), "%s: per-person risks differ", plans[i]);
        bont_risk_list_clear(&sim);
        bont_risk_list_clear(&chk);
        bont_pop_free(&pop);
        bont_plan_free(&plan);
    }
    bont_spread_free(&sp);
    bont_kb_free(&kb);
}

/* The per-person risk of each side effect (docs/spread.md section 3) is the count of patients
 * with any of its structures past its threshold, counted here again from the engine's
 * per-patient peaks; it lies between the largest structure's risk and their sum. */
TEST_TIMEOUT(risk_per_person_counts_patients, 120)
{
    bont_kb_t *kb = NULL;
    bont_spread_t *sp = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    CHECK_INT(bont_spread_load(&sp, &err), 0);
    const char *plans[] = {"examples/glabellar_lines.json", "examples/chronic_migraine.json",
                           "examples/cervical_dystonia.json"};
    size_t several = 0;
    for (size_t i = 0; kb && sp && i < sizeof plans / sizeof plans[0]; i++) {
        bont_plan_t *plan = NULL;
        bont_pop_t *pop = NULL;
        bont_risk_list_t list = {0};
        CHECK_INT(bont_plan_load(kb, plans[i], &plan, &err), 0);
        bont_pop_opts_t o = {.n_patients = 1000,
                             .seed = 7,
                             .days = BONT_RISK_HORIZON_DAYS,
                             .spread = sp,
                             .risk_only = true};
        if (plan)
            CHECK_INT(bont_pop_run(kb, plan, &o, &pop, &err), 0);
        if (pop)
            CHECK_INT(bont_pop_risks(pop, &list, &err), 0);
        size_t n_pat = pop ? bont_pop_n_patients(pop) : 0, total = 0;
        CHECK_INT((int)list.n_patients, (int)n_pat);
        for (size_t e = 0; e < list.n; e++) {
            const bont_effect_risk_t *er = &list.risks[e];
            double top = 0.0, sum = 0.0;
            size_t k = 0;
            for (size_t j = 0; j < er->n_structures; j++) {
                top = er->structures[j].probability > top ? er->structures[j].probability : top;
                sum += er->structures[j].probability;
                CHECK_STR(er->structures[j].effect, er->risk.effect);
                CHECK(j == 0 || er->structures[j - 1].probability >= er->structures[j].probability);
            }
            CHECK_MSG(er->n_structures > 0 && er->risk.probability >= top - 1e-12 &&
                          er->risk.probability <= sum + 1e-12,
                      "%s %s: per person %g, largest structure %g, sum %g", plans[i],
                      er->risk.effect, er->risk.probability, top, sum);
            /* The structure named at the top level carries most of the risk. */
            CHECK(er->n_structures == 0 || (er->risk.muscle == er->structures[0].muscle &&
                                            er->risk.side == er->structures[0].side));
            for (size_t p = 0; p < n_pat; p++) {
                bool any = false;
                for (size_t r = 0; r < bont_pop_n_results(pop); r++) {
                    const bont_pop_result_t *res = bont_pop_result(pop, r);
                    if (res->has_risk && strcmp(res->risk.effect, er->risk.effect) == 0 &&
                        res->peak_effect_pct[p] * res->effect_scale >= res->risk.threshold_pct)
                        any = true;
                }
                k += any;
            }
            CHECK_MSG(er->risk.probability == (double)k / (double)n_pat,
                      "%s %s: per person %g, %zu of %zu patients counted", plans[i],
                      er->risk.effect, er->risk.probability, k, n_pat);
            CHECK(er->risk.ci95_lo <= er->risk.probability &&
                  er->risk.probability <= er->risk.ci95_hi);
            /* Calibrated rates first, then the most probable. */
            if (e > 0) {
                const bont_risk_t *prev = &list.risks[e - 1].risk;
                CHECK(prev->calibrated > er->risk.calibrated ||
                      (prev->calibrated == er->risk.calibrated &&
                       prev->probability >= er->risk.probability));
            }
            several += er->n_structures > 1 && er->risk.probability > top;
            total += er->n_structures;
        }
        size_t with_risk = 0;
        for (size_t r = 0; pop && r < bont_pop_n_results(pop); r++)
            with_risk += bont_pop_result(pop, r)->has_risk;
        CHECK_INT((int)total, (int)with_risk);
        CHECK_INT((int)list.n_structures, (int)with_risk);
        bont_risk_list_clear(&list);
        bont_pop_free(&pop);
        bont_plan_free(&plan);
    }
    /* Somewhere two structures' patients differ, so the per-person risk exceeds each. */
    CHECK_MSG(several > 0, "no effect whose per-person risk exceeds its largest structure");
    bont_spread_free(&sp);
    bont_kb_free(&kb);
}

/* Glabellar lines, 20 U: eyelid ptosis is one entry per person, with both levators below it. */
TEST_TIMEOUT(risk_glabellar_ptosis_is_one_entry, 120)
{
    bont_kb_t *kb = NULL;
    bont_plan_t *plan = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    if (kb)
        CHECK_INT(bont_plan_load(kb, "examples/glabellar_lines.json", &plan, &err), 0);
    bont_risk_list_t r = {0};
    if (plan)
        CHECK_INT(bont_risk_check(kb, plan, NULL, 1, &r, &err), 0);
    size_t n_ptosis = 0;
    for (size_t i = 0; i < r.n; i++) {
        const bont_effect_risk_t *e = &r.risks[i];
        if (strcmp(e->risk.effect, "ptosis") != 0)
            continue;
        n_ptosis++;
        CHECK_INT((int)e->n_structures, 2);
        if (e->n_structures == 2) {
            CHECK_STR(e->structures[0].muscle->id, "levator_palpebrae_superioris");
            CHECK_STR(e->structures[1].muscle->id, "levator_palpebrae_superioris");
            CHECK(e->structures[0].side != e->structures[1].side);
        }
        CHECK(e->risk.calibrated);
        CHECK(e->risk.threshold_pct == e->structures[0].threshold_pct);
    }
    CHECK_INT((int)n_ptosis, 1);
    bont_risk_list_clear(&r);
    bont_plan_free(&plan);
    bont_kb_free(&kb);
}

/* The commands agree: `bont check` and `bont simulate --patients 2000 --seed 1 --days 120` print
 * the same JSON risks, per person and per structure. */
TEST_TIMEOUT(risk_check_and_simulate_print_the_same, 120)
{
    static char out[1 << 23], err[1 << 12];
    char cmd[512];
    json_t *risks[2] = {NULL, NULL}, *root[2] = {NULL, NULL};
    snprintf(cmd, sizeof cmd, "%s check examples/glabellar_lines.json --format json",
             bont_test_bin());
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    root[0] = json_loads(out, 0, NULL);
    snprintf(cmd, sizeof cmd,
             "%s simulate examples/glabellar_lines.json --patients %d --seed %d --days %d "
             "--format json",
             bont_test_bin(), BONT_RISK_CHECK_PATIENTS, BONT_RISK_CHECK_SEED,
             BONT_RISK_HORIZON_DAYS);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    root[1] = json_loads(out, 0, NULL);
    for (int i = 0; i < 2; i++)
        risks[i] = json_object_get(root[i], "risks");
    CHECK(json_array_size(risks[0]) > 0);
    CHECK_MSG(json_equal(risks[0], risks[1]), "check and simulate --patients differ");
    json_t *first = json_array_get(risks[0], 0);
    CHECK_STR(json_string_value(json_object_get(first, "effect")), "ptosis");
    CHECK_INT((int)json_array_size(json_object_get(first, "structures")), 2);
    json_decref(root[0]);
    json_decref(root[1]);
}
