/* test_spread_calibration.c: the one risk engine (docs/spread.md section 3) against the published
 * side-effect rates of tests/spread/calibration.json. The parameters are fitted by the reference
 * (bench/reference/v2/fit.py) on data/calibration.json, which holds these rates too. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bont/population.h"
#include "bont/spread.h"
#include "test.h"

#define CAL_FILE     "tests/spread/calibration.json"
#define CAL_PATIENTS 4000
#define MAX_CHECKS   32

typedef struct cal_check_t {
    const char *id, *label, *plan, *measure, *effect;
    const char *structures[8];
    size_t n_structures;
    bool scored;
    int events, n, placebo_events, placebo_n; /* n = 0 when the check has a range instead */
    double lo_pct, hi_pct, tolerance_pct;
    double predicted_pct; /* total rate (with placebo) for event checks */
    double allowed_lo, allowed_hi;
} cal_check_t;

typedef struct cal_t {
    json_t *root;
    cal_check_t checks[MAX_CHECKS];
    size_t n;
    bont_kb_t *kb;
    bont_spread_t *sp;
    bont_plan_t *plans[MAX_CHECKS];
} cal_t;

/* 95 % Wilson score interval of k events in n, percent. */
static void wilson(int k, int n, double *lo, double *hi)
{
    double z = 1.959964, p = (double)k / n, z2n = z * z / n;
    double centre = (p + z2n / 2) / (1 + z2n);
    double half = z * sqrt(p * (1 - p) / n + z2n / (4.0 * n)) / (1 + z2n);
    *lo = 100.0 * (centre - half);
    *hi = 100.0 * (centre + half);
}

static int num(json_t *o, const char *key, double *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

/* BONT_SPREAD_SET="name=value,name=value" overrides parameters, for sensitivity runs. */
static void apply_overrides(bont_spread_t *sp)
{
    const char *set = getenv("BONT_SPREAD_SET");
    if (!set || !*set)
        return;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", set);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        double *f = NULL;
        if (eq) {
            *eq = '\0';
            f = bont_spread_field(sp, tok);
        }
        CHECK_MSG(f != NULL, "BONT_SPREAD_SET: unknown parameter %s", tok);
        if (f)
            *f = atof(eq + 1);
    }
}

static int cal_load(cal_t *C)
{
    memset(C, 0, sizeof *C);
    bont_error_t err;
    json_error_t jerr;
    C->root = json_load_file(CAL_FILE, 0, &jerr);
    CHECK_MSG(C->root != NULL, "%s: %s", CAL_FILE, jerr.text);
    if (!C->root || bont_kb_load(&C->kb, &err) || bont_spread_load(&C->sp, &err))
        return -1;
    apply_overrides(C->sp);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(C->root, "checks"), i, e)
    {
        if (C->n == MAX_CHECKS)
            break;
        cal_check_t *c = &C->checks[C->n];
        c->id = json_string_value(json_object_get(e, "id"));
        c->label = json_string_value(json_object_get(e, "label"));
        c->plan = json_string_value(json_object_get(e, "plan"));
        c->measure = json_string_value(json_object_get(e, "measure"));
        c->effect = json_string_value(json_object_get(e, "effect"));
        c->scored = json_is_true(json_object_get(e, "scored"));
        size_t k;
        json_t *s;
        json_array_foreach(json_object_get(e, "structures"), k, s) if (k < 8)
            c->structures[c->n_structures++] = json_string_value(s);
        double v;
        if (num(e, "events", &v) == 0) {
            c->events = (int)v;
            c->n = num(e, "n", &v) == 0 ? (int)v : 0;
            c->placebo_events = num(e, "placebo_events", &v) == 0 ? (int)v : 0;
            c->placebo_n = num(e, "placebo_n", &v) == 0 ? (int)v : 0;
            c->lo_pct = c->hi_pct = 100.0 * c->events / c->n;
            wilson(c->events, c->n, &c->allowed_lo, &c->allowed_hi);
        } else {
            CHECK(num(e, "observed_lo_pct", &c->lo_pct) == 0);
            CHECK(num(e, "observed_hi_pct", &c->hi_pct) == 0);
            CHECK(num(e, "tolerance_pct", &c->tolerance_pct) == 0);
            c->allowed_lo = c->lo_pct - c->tolerance_pct;
            c->allowed_hi = c->hi_pct + c->tolerance_pct;
        }
        CHECK_MSG(c->id && c->plan && c->measure, "check %zu incomplete", i);
        if (!c->plan || bont_plan_load(C->kb, c->plan, &C->plans[C->n], &err) != 0) {
            CHECK_MSG(0, "%s: %s", c->plan ? c->plan : "(no plan)", err.message);
            return -1;
        }
        C->n++;
    }
    return 0;
}

static void cal_free(cal_t *C)
{
    for (size_t i = 0; i < C->n; i++)
        bont_plan_free(&C->plans[i]);
    bont_spread_free(&C->sp);
    bont_kb_free(&C->kb);
    json_decref(C->root);
}

/* Predicted value of check i in percent (total rate with placebo for event checks), from the
 * one risk engine (bont_pop_run with every deviate, as bont check and simulate --patients). */
static int cal_predict(cal_t *C, size_t i, size_t n_patients)
{
    cal_check_t *c = &C->checks[i];
    bont_error_t err;
    bont_pop_opts_t o = {.n_patients = n_patients,
                         .seed = BONT_RISK_CHECK_SEED,
                         .days = BONT_RISK_HORIZON_DAYS,
                         .spread = C->sp};
    bont_pop_t *pop = NULL;
    int rc = bont_pop_run(C->kb, C->plans[i], &o, &pop, &err);
    if (rc == 0 && strcmp(c->measure, "risk") == 0) {
        bont_risk_list_t r;
        double p = 0.0;
        rc = bont_pop_risks(pop, &r, &err);
        for (size_t k = 0; rc == 0 && k < r.n; k++)
            if (strcmp(r.risks[k].risk.effect, c->effect) == 0)
                p = r.risks[k].risk.probability;
        bont_risk_list_clear(&r);
        if (c->n > 0) { /* independent causes: background or toxin */
            double bg = c->placebo_n ? (double)c->placebo_events / c->placebo_n : 0.0;
            p = 1.0 - (1.0 - bg) * (1.0 - p);
        }
        c->predicted_pct = 100.0 * p;
    } else if (rc == 0) { /* mean peak loss of the named structures */
        double sum = 0.0;
        size_t count = 0;
        for (size_t s = 0; s < bont_pop_n_results(pop); s++) {
            const bont_pop_result_t *r = bont_pop_result(pop, s);
            for (size_t k = 0; k < c->n_structures; k++)
                if (strcmp(r->target.muscle, c->structures[k]) == 0) {
                    for (size_t p = 0; p < n_patients; p++)
                        sum += r->peak_effect_pct[p] * r->effect_scale;
                    count += n_patients;
                }
        }
        c->predicted_pct = count ? sum / (double)count : NAN;
    }
    bont_pop_free(&pop);
    CHECK_MSG(rc == 0, "%s: %s", c->id, err.message);
    return rc;
}

static bool cal_within(const cal_check_t *c)
{
    return c->predicted_pct >= c->allowed_lo - 1e-9 && c->predicted_pct <= c->allowed_hi + 1e-9;
}

static void cal_print(const cal_t *C)
{
    printf("    %-34s %-8s %-13s %-15s %s\n", "check", "status", "predicted %", "observed %",
           "allowed %");
    for (size_t i = 0; i < C->n; i++) {
        const cal_check_t *c = &C->checks[i];
        char obs[32];
        if (c->n)
            snprintf(obs, sizeof obs, "%.1f (%d/%d)", c->lo_pct, c->events, c->n);
        else if (c->lo_pct == c->hi_pct)
            snprintf(obs, sizeof obs, "%.1f", c->lo_pct);
        else
            snprintf(obs, sizeof obs, "%.1f-%.1f", c->lo_pct, c->hi_pct);
        printf("    %-34s %-8s %-13.1f %-15s %.1f-%.1f\n", c->id,
               !c->scored      ? "shown"
               : cal_within(c) ? "pass"
                               : "FAIL",
               c->predicted_pct, obs, c->allowed_lo, c->allowed_hi);
    }
}

TEST_TIMEOUT(spread_calibration, 300)
{
    cal_t C;
    if (cal_load(&C) == 0) {
        for (size_t i = 0; i < C.n; i++)
            cal_predict(&C, i, CAL_PATIENTS);
        cal_print(&C);
        for (size_t i = 0; i < C.n; i++)
            if (C.checks[i].scored)
                CHECK_MSG(cal_within(&C.checks[i]), "%s: predicted %.1f %%, allowed %.1f-%.1f %%",
                          C.checks[i].id, C.checks[i].predicted_pct, C.checks[i].allowed_lo,
                          C.checks[i].allowed_hi);
    }
    cal_free(&C);
}
