/* test_spread_calibration.c: the spread and risk model against the published side-effect rates
 * of tests/spread/calibration.json (docs/validation.md, Side-effect risk), and the fit that set
 * the calibrated values of data/spread-params.json (BONT_SPREAD_FIT=1, see fit below). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

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

/* Predicted value of check i in percent (total rate with placebo for event checks). */
static int cal_predict(cal_t *C, size_t i, size_t n_patients)
{
    cal_check_t *c = &C->checks[i];
    bont_error_t err;
    bont_risk_opts_t o = {.n_patients = n_patients, .seed = 1};
    int rc;
    if (strcmp(c->measure, "risk") == 0) {
        double p = 0.0;
        rc = bont_risk_plan_effect(C->kb, C->plans[i], C->sp, &o, c->effect, &p, &err);
        if (c->n > 0) { /* independent causes: background or toxin */
            double bg = c->placebo_n ? (double)c->placebo_events / c->placebo_n : 0.0;
            p = 1.0 - (1.0 - bg) * (1.0 - p);
        }
        c->predicted_pct = 100.0 * p;
    } else {
        bont_reach_t *st = NULL;
        float *pk = NULL;
        size_t ns = 0, np = 0;
        rc = bont_risk_plan_peaks(C->kb, C->plans[i], C->sp, &o, &st, &pk, &ns, &np, &err);
        double sum = 0.0;
        size_t count = 0;
        for (size_t s = 0; rc == 0 && s < ns; s++)
            for (size_t k = 0; k < c->n_structures; k++)
                if (strcmp(st[s].muscle->id, c->structures[k]) == 0) {
                    for (size_t p = 0; p < np; p++)
                        sum += pk[s * np + p];
                    count += np;
                }
        c->predicted_pct = count ? sum / count : NAN;
        free(st);
        free(pk);
    }
    CHECK_MSG(rc == 0, "%s: %s", c->id, err.message);
    return rc;
}

static bool cal_within(const cal_check_t *c)
{
    return c->predicted_pct >= c->allowed_lo - 1e-9 && c->predicted_pct <= c->allowed_hi + 1e-9;
}

/* Error in units of half the allowed interval, measured from the observed value. */
static double cal_norm_error(const cal_check_t *c)
{
    double obs = c->predicted_pct < c->lo_pct   ? c->lo_pct
                 : c->predicted_pct > c->hi_pct ? c->hi_pct
                                                : c->predicted_pct;
    double half = c->predicted_pct < obs ? obs - c->allowed_lo : c->allowed_hi - obs;
    return half > 0 ? (c->predicted_pct - obs) / half : 0.0;
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

/* The fit: with BONT_SPREAD_FIT=1 (and optionally BONT_SPREAD_FIT_PARAMS="name,name,..."),
 * coordinate search on a log scale over the named parameters, minimising the sum of squared
 * normalised errors of the scored checks; prints the best values to copy into
 * data/spread-params.json. Without the variable the test does nothing. */
static double fit_loss(cal_t *C, size_t n_patients)
{
    double loss = 0.0;
    for (size_t i = 0; i < C->n; i++)
        if (C->checks[i].scored) {
            cal_predict(C, i, n_patients);
            double e = cal_norm_error(&C->checks[i]);
            loss += e * e;
        }
    return loss;
}

TEST_TIMEOUT(spread_fit, 3600)
{
    const char *on = getenv("BONT_SPREAD_FIT");
    if (!on || !*on)
        return;
    const char *names = getenv("BONT_SPREAD_FIT_PARAMS");
    if (!names || !*names)
        names = "edge_share.muscle,proximity_log_sd,threshold.dysphagia,orbital_septum_factor,"
                "edge_share.skin";
    cal_t C;
    if (cal_load(&C) != 0) {
        cal_free(&C);
        return;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s", names);
    double *fields[16];
    const char *labels[16];
    size_t n_fields = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && n_fields < 16;
         tok = strtok_r(NULL, ",", &save)) {
        fields[n_fields] = bont_spread_field(C.sp, tok);
        CHECK_MSG(fields[n_fields] != NULL, "unknown parameter %s", tok);
        labels[n_fields] = tok;
        n_fields += fields[n_fields] != NULL;
    }
    size_t np = 1000;
    double best = fit_loss(&C, np);
    for (int round = 0; round < 6; round++) {
        double step = round < 3 ? 0.5 : 0.15; /* log-scale step */
        for (size_t f = 0; f < n_fields; f++)
            for (int dir = -1; dir <= 1; dir += 2)
                for (int tries = 0; tries < 8; tries++) {
                    double old = *fields[f];
                    *fields[f] = old * exp(dir * step);
                    double l = fit_loss(&C, np);
                    if (l < best - 1e-9) {
                        best = l;
                    } else {
                        *fields[f] = old;
                        break;
                    }
                }
        printf("    round %d loss %.4f:", round, best);
        for (size_t f = 0; f < n_fields; f++)
            printf(" %s=%.4g", labels[f], *fields[f]);
        printf("\n");
    }
    for (size_t i = 0; i < C.n; i++)
        cal_predict(&C, i, CAL_PATIENTS);
    cal_print(&C);
    cal_free(&C);
}
