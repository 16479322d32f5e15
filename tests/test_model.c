/* test_model.c: the model library: Lebeda closed forms, the chain propagator, parameters,
 * exposure, readouts and the mechanisms of the bont model (docs/model.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bont/model.h"
#include "model/chain.h"
#include "test.h"

#define MIN_PER_DAY 1440.0

static bont_params_t params(void)
{
    bont_params_t p;
    bont_error_t err;
    bont_error_clear(&err);
    int rc = bont_params_load(&p, &err);
    CHECK_MSG(rc == 0, "params: %s", err.message);
    return p;
}

/* Runs a Lebeda model from t = 0 for `days` at one sample per minute; caller frees. */
static double *run_lebeda(const bont_model_t *m, const bont_params_t *p, double days, size_t *n)
{
    *n = (size_t)(days * MIN_PER_DAY);
    double *e = calloc(*n + 1, sizeof *e);
    bont_trace_t tr = {.steps_per_day = (int)MIN_PER_DAY, .n_steps = *n, .effect_frac = e};
    bont_target_t t = {.muscle = "x", .tissue = BONT_TISSUE_MUSCLE, .volume_ml = 1};
    bont_dose_t d = {.t_days = 0, .serotype = BONT_SERO_A, .ona_u = 1};
    CHECK_INT(m->run(p, &t, &d, 1, &tr, NULL), 0);
    return e;
}

/* The lebeda4 model (stepped with the matrix-exponential propagator) against the closed-form
 * hypoexponential solution of BIOMD0000000178, to a relative 1e-9, for the BioModels kS and the
 * two other kS values of the reference table. */
TEST(lebeda4_matches_closed_form)
{
    bont_params_t p = params();
    const double ks[] = {1.5e-4, 1e-3, 1e-2};
    for (int v = 0; v < 3; v++) {
        p.k_bulk_per_min = ks[v];
        size_t n;
        double *e = run_lebeda(bont_model_lebeda4, &p, 12, &n);
        double k[5] = {p.k_bulk_per_min, p.k_bind_per_min, p.k_endo_per_min, p.k_transloc_per_min,
                       0};
        double worst = 0;
        for (size_t i = 10; i <= n; i++) { /* from 10 min: below, lytic is ~1e-9 of its end */
            double exact = bont__chain_closed_form_last(k, 5, (double)i);
            double rel = fabs(e[i] - exact) / exact;
            if (rel > worst)
                worst = rel;
        }
        CHECK_MSG(worst <= 1e-9, "kS %g: worst relative error %.3g", ks[v], worst);
        free(e);
    }
}

TEST(lebeda3_matches_closed_form)
{
    bont_params_t p = params();
    size_t n;
    double *e = run_lebeda(bont_model_lebeda3, &p, 1, &n);
    double k[4] = {p.k_bind_per_min, p.k_endo_per_min, p.k_transloc_per_min, 0};
    for (size_t i = 10; i <= n; i++)
        CHECK_REL(e[i], bont__chain_closed_form_last(k, 4, (double)i), 1e-9);
    free(e);
}

/* Time at which the closed form reaches level, by bisection (minutes). */
static double closed_form_time(const double *k, int n, double level)
{
    double lo = 0, hi = 1e6;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (bont__chain_closed_form_last(k, n, mid) < level)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The reference times of calibration/lebeda2008_ode_reference_times.csv (COMPUTED there; printed
 * to 0.1 min), from the model's closed form and from the stepped model. */
TEST(lebeda_reference_times)
{
    bont_params_t p = params();
    static const struct {
        double ks; /* 0: three-step */
        double t[3];
    } rows[] = {{0, {26.8, 79.5, 204.1}},
                {0.01, {68.6, 173.0, 370.9}},
                {0.001, {200.2, 797.7, 2407.1}},
                {0.00015, {804.1, 4722.7, 15452.3}}};
    const double levels[3] = {0.1, 0.5, 0.9};
    for (int r = 0; r < 4; r++) {
        double k[5];
        int n = 0;
        if (rows[r].ks > 0)
            k[n++] = rows[r].ks;
        k[n++] = p.k_bind_per_min;
        k[n++] = p.k_endo_per_min;
        k[n++] = p.k_transloc_per_min;
        k[n++] = 0;
        bont_params_t q = p;
        q.k_bulk_per_min = rows[r].ks;
        size_t ns;
        double *e =
            run_lebeda(rows[r].ks > 0 ? bont_model_lebeda4 : bont_model_lebeda3, &q, 12, &ns);
        for (int l = 0; l < 3; l++) {
            double t = closed_form_time(k, n, levels[l]);
            CHECK_MSG(fabs(t - rows[r].t[l]) <= 0.05, "kS %g level %g: %.3f min, table %.1f",
                      rows[r].ks, levels[l], t, rows[r].t[l]);
            /* The stepped model crosses the level in the same minute. */
            size_t i = 0;
            while (i < ns && e[i] < levels[l])
                i++;
            CHECK_MSG(fabs((double)i - t) <= 1.0, "stepped crossing %zu min vs %.2f", i, t);
        }
        free(e);
    }
}

/* Equal rates break the closed form (division by k_j - k_i); the propagator must not care.
 * Two equal rates k: x1(t) = k t exp(-k t) (Erlang). */
TEST(chain_propagator_equal_rates)
{
    double k[3] = {0.7, 0.7, 0.0};
    double prop[BONT_CHAIN_MAX][BONT_CHAIN_MAX];
    bont__chain_propagator(k, 3, 0.25, prop);
    double x[3] = {1, 0, 0};
    for (int s = 1; s <= 40; s++) {
        bont__chain_apply(prop, 3, x);
        double t = 0.25 * s;
        CHECK_REL(x[0], exp(-0.7 * t), 1e-12);
        CHECK_REL(x[1], 0.7 * t * exp(-0.7 * t), 1e-12);
        CHECK_REL(x[0] + x[1] + x[2], 1.0, 1e-12);
    }
    /* A stiff step (rate x step = 300) keeps mass and stays non-negative. */
    double k2[2] = {3000.0, 0.0};
    bont__chain_propagator(k2, 2, 0.1, prop);
    double y[2] = {1, 0};
    bont__chain_apply(prop, 2, y);
    CHECK(y[0] >= 0 && y[0] < 1e-100);
    CHECK_REL(y[1], 1.0, 1e-12);
}

TEST(params_embedded_and_errors)
{
    bont_params_t p = params();
    CHECK_REL(p.k_bind_per_min, 0.058, 1e-12);
    CHECK_REL(p.lc_half_life_d[BONT_SERO_A], 31, 1e-12);
    /* v2 fields (docs/model.md 12.1); fitted values may move, their ranges may not. */
    CHECK(p.field_length_mm > 0.0 && p.dermis_thickness_mm > 0.0);
    CHECK(p.uptake_fast_fraction > 0.0 && p.uptake_fast_fraction < 1.0);
    CHECK(p.atrophy_effect_share >= 0.0 && p.atrophy_effect_share <= 1.0);
    CHECK(p.atrophy_recovery_per_d < p.atrophy_rate_per_d); /* the lasting residue */
    CHECK(p.atrophy_max[BONT_TISSUE_MUSCLE] > 0.0);
    CHECK(p.atrophy_max[BONT_TISSUE_EXTRAOCULAR] == 0.0); /* Ugalde 2005: no atrophy */
    CHECK(p.atrophy_max[BONT_TISSUE_AUTONOMIC] == 0.0);
    CHECK(p.sprout_rate_per_d[BONT_TISSUE_EXTRAOCULAR] > p.sprout_rate_per_d[BONT_TISSUE_MUSCLE]);
    CHECK(bont_params_field(&p, "coverage_u_per_ml") == NULL); /* removed in v2 */
    CHECK(bont_params_field(&p, "atrophy_max") == NULL);
    size_t n;
    const bont_param_info_t *t = bont_params_table(&n);
    CHECK(n >= 20);
    for (size_t i = 0; i < n; i++)
        CHECK(bont_params_field(&p, t[i].name) != NULL);
    CHECK(bont_params_field(&p, "no_such") == NULL);

    bont_error_t err;
    bont_params_t q;
    const char *bad_unit = "{\"parameters\": [{\"name\": \"k_bind_per_min\", \"value\": 0.058, "
                           "\"unit\": \"1/s\", \"source\": \"x\"}]}";
    CHECK_INT(bont_params_parse(&q, bad_unit, strlen(bad_unit), "t.json", &err), BONT_ERANGE);
    CHECK(strstr(err.message, "1/min") != NULL);
    const char *missing = "{\"parameters\": []}";
    CHECK_INT(bont_params_parse(&q, missing, strlen(missing), "t.json", &err), BONT_EMISSING);
    const char *nosrc = "{\"parameters\": [{\"name\": \"k_bind_per_min\", \"value\": 1, "
                        "\"unit\": \"1/min\", \"source\": \"\"}]}";
    CHECK_INT(bont_params_parse(&q, nosrc, strlen(nosrc), "t.json", &err), BONT_EMISSING);
}

/* Readout thresholds (data/readout-thresholds.json): the default for unlisted indications, the
 * indication's own otherwise, and clear errors for a file without a default or out of range. */
TEST(readout_thresholds_load_and_errors)
{
    bont_readout_thresholds_t t;
    bont_error_t err;
    bont_error_clear(&err);
    CHECK_INT(bont_readout_thresholds_load(&t, &err), 0);
    CHECK(t.perceptible_pct > 0.0 && t.perceptible_pct < 100.0);
    CHECK(t.n_response > 0);
    CHECK(bont_readout_response_pct(&t, NULL) == t.response_default);
    CHECK(bont_readout_response_pct(&t, "no_such_indication") == t.response_default);
    CHECK(bont_readout_response_pct(&t, t.response[0].indication) == t.response[0].pct);

    const char *no_default =
        "{\"perceptible\": {\"threshold_pct\": 25, \"status\": \"estimate\", "
        "\"source\": \"x\"}, \"response\": [{\"indication\": \"a\", "
        "\"threshold_pct\": 50, \"status\": \"estimate\", \"source\": \"x\"}]}";
    CHECK_INT(bont_readout_thresholds_parse(&t, no_default, strlen(no_default), "t.json", &err),
              BONT_EMISSING);
    CHECK(strstr(err.message, "default") != NULL);
    CHECK(strcmp(err.file, "t.json") == 0);
    const char *range = "{\"perceptible\": {\"threshold_pct\": 120, \"status\": \"estimate\", "
                        "\"source\": \"x\"}, \"response\": []}";
    CHECK_INT(bont_readout_thresholds_parse(&t, range, strlen(range), "t.json", &err), BONT_ERANGE);
    CHECK(strstr(err.field, "perceptible") != NULL);
    const char *nosrc = "{\"perceptible\": {\"threshold_pct\": 25, \"status\": \"estimate\"}, "
                        "\"response\": []}";
    CHECK_INT(bont_readout_thresholds_parse(&t, nosrc, strlen(nosrc), "t.json", &err),
              BONT_EMISSING);
}

/* The simulate grid (docs/model.md section 7): 1/32-day steps for the first day after each
 * session, steps_per_day after, every session and whole day a sample. */
TEST(sim_grid_fine_after_sessions)
{
    double *t = NULL;
    size_t n = 0;
    double sess[2] = {30.0, 0.0};
    CHECK_INT(bont_sim_grid(60, 10, sess, 2, &t, &n, NULL), 0);
    CHECK_INT((int)n, 2 * 32 + 58 * 10);
    CHECK(t[0] == 0.0 && t[n] == 60.0);
    CHECK(t[1] == 1.0 / 32.0 && t[32] == 1.0 && t[33] == 1.1);
    bool has30 = false, whole = true;
    for (size_t k = 0; k < n; k++) {
        CHECK(t[k + 1] > t[k]);
        has30 |= t[k] == 30.0;
    }
    for (int d = 0; d <= 60; d++) {
        bool found = false;
        for (size_t k = 0; k <= n; k++)
            found |= t[k] == (double)d;
        whole &= found;
    }
    CHECK(has30 && whole);
    free(t);
    CHECK_INT(bont_sim_grid(0, 10, NULL, 0, &t, &n, NULL), BONT_EINVAL);
    CHECK_INT(bont_sim_grid(10, 10, (double[]){11.0}, 1, &t, &n, NULL), BONT_EINVAL);
}

TEST(exposure_uses_literature_ratio)
{
    bont_product_t abo = {
        .id = "abobotulinumtoxinA", .serotype = 'A', .ratio_min = 2.5, .ratio_max = 3.0};
    bont_product_t daxi = {
        .id = "daxibotulinumtoxinA", .serotype = 'A', .ratio_min = -1, .ratio_max = -1};
    double u;
    bont_error_t err;
    CHECK_INT(bont_exposure_ona_u(&abo, 500, &u, &err), 0);
    CHECK_REL(u, 500 / sqrt(7.5), 1e-12);
    CHECK_INT(bont_exposure_ona_u(&daxi, 40, &u, &err), BONT_ERANGE);
    CHECK(strstr(err.message, "no accepted unit ratio") != NULL);
    bont_serotype_t s;
    bont_product_t rima = {.id = "rimabotulinumtoxinB", .serotype = 'B'};
    CHECK_INT(bont_product_serotype(&rima, &s, &err), 0);
    CHECK_INT(s, BONT_SERO_B);
}

TEST(readouts_of_a_known_curve)
{
    /* effect = t/10 up to day 10 (peak 1.0), then falls 1 % a day: onset 2.5, peak 10,
     * below half at day 60. */
    int spd = 10;
    size_t n = 100 * (size_t)spd;
    double *e = malloc((n + 1) * sizeof *e);
    for (size_t k = 0; k <= n; k++) {
        double t = (double)k / spd;
        e[k] = t <= 10 ? t / 10 : 1.0 - 0.01 * (t - 10);
    }
    bont_readouts_t r;
    bont_readouts_compute(e, n, spd, 0, &r);
    CHECK_REL(r.onset_day, 2.5, 1e-12);
    CHECK_REL(r.peak_day, 10, 1e-12);
    CHECK_REL(r.peak_effect_pct, 100, 1e-12);
    CHECK_REL(r.duration_days, 60, 1e-9);
    /* No fall below half within the horizon: duration undefined. */
    bont_readouts_compute(e, 40 * (size_t)spd, spd, 0, &r);
    CHECK(isnan(r.duration_days));
    memset(e, 0, (n + 1) * sizeof *e);
    bont_readouts_compute(e, n, spd, 0, &r);
    CHECK(isnan(r.onset_day) && isnan(r.peak_day));
    free(e);
}

/* ---- Mechanisms of the bont model -------------------------------------------------------------
 */

typedef struct course_t {
    double *effect, *cmap, *release, *atrophy;
    size_t n;
    bont_readouts_t ro;
} course_t;

static course_t run_bont(const bont_params_t *p, bont_tissue_t tissue, double vol_ml,
                         const bont_dose_t *doses, size_t n_doses, int days, double t0)
{
    course_t c;
    c.n = (size_t)days * 10;
    c.effect = calloc(4 * (c.n + 1), sizeof(double));
    c.cmap = c.effect + c.n + 1;
    c.release = c.cmap + c.n + 1;
    c.atrophy = c.release + c.n + 1;
    bont_trace_t tr = {.steps_per_day = 10,
                       .n_steps = c.n,
                       .effect_frac = c.effect,
                       .cmap_frac = c.cmap,
                       .release_frac = c.release,
                       .atrophy_frac = c.atrophy};
    bont_target_t t = {.muscle = "x", .tissue = tissue, .volume_ml = vol_ml, .role = "target"};
    bont_error_t err;
    CHECK_INT(bont_model_bont->run(p, &t, doses, n_doses, &tr, &err), 0);
    bont_readouts_compute(c.effect, c.n, 10, t0, &c.ro);
    return c;
}

/* A v2 dose: concentration c (U/mL) in the compartment, its share scale of the structure. */
static bont_dose_t dose_at(double t_days, bont_serotype_t sero, double c, double scale)
{
    return (bont_dose_t){
        .t_days = t_days, .serotype = sero, .ona_u = 1, .conc_u_per_ml = c, .scale = scale};
}

TEST(bont_effect_bounded_and_zero_without_dose)
{
    bont_params_t p = params();
    bont_dose_t d = dose_at(0, BONT_SERO_A, 4, 1);
    for (int t = 0; t < BONT_TISSUE_COUNT; t++) {
        course_t c = run_bont(&p, (bont_tissue_t)t, 5, &d, 1, 365, 0);
        for (size_t k = 0; k <= c.n; k++) {
            CHECK(c.effect[k] >= 0 && c.effect[k] <= 1);
            CHECK(c.release[k] >= 0 && c.release[k] <= 1);
            if (bont_tissue_has_junction((bont_tissue_t)t))
                CHECK(c.cmap[k] >= 0 && c.cmap[k] <= 1);
            else
                CHECK(isnan(c.cmap[k]) && c.atrophy[k] == 0);
        }
        CHECK(c.effect[0] == 0);
        CHECK(c.ro.peak_effect_pct > 10);
        free(c.effect);
    }
    course_t c = run_bont(&p, BONT_TISSUE_MUSCLE, 5, NULL, 0, 30, 0);
    for (size_t k = 0; k <= c.n; k++)
        CHECK(c.effect[k] == 0);
    free(c.effect);
}

/* Sections 1.4 and 6.4: a higher concentration weakens the compartment more, and the structure's
 * effect, CMAP loss and atrophy are the compartment's times its share of the structure. */
TEST(bont_concentration_and_scale)
{
    bont_params_t p = params();
    bont_dose_t lo = dose_at(0, BONT_SERO_A, 0.2, 1), hi = dose_at(0, BONT_SERO_A, 2, 1);
    bont_dose_t half = dose_at(0, BONT_SERO_A, 2, 0.5);
    course_t a = run_bont(&p, BONT_TISSUE_MUSCLE, 10, &lo, 1, 200, 0);
    course_t b = run_bont(&p, BONT_TISSUE_MUSCLE, 10, &hi, 1, 200, 0);
    course_t c = run_bont(&p, BONT_TISSUE_MUSCLE, 10, &half, 1, 200, 0);
    CHECK(b.ro.peak_effect_pct > a.ro.peak_effect_pct + 5);
    for (size_t k = 0; k <= b.n; k++) {
        CHECK(fabs(c.effect[k] - 0.5 * b.effect[k]) < 1e-12);
        CHECK(fabs((1 - c.cmap[k]) - 0.5 * (1 - b.cmap[k])) < 1e-12);
        CHECK(fabs(c.atrophy[k] - 0.5 * b.atrophy[k]) < 1e-12);
        CHECK(c.release[k] == b.release[k]);
    }
    free(a.effect);
    free(b.effect);
    free(c.effect);
}

/* Section 1.5: weakness grows with concentration toward a plateau (each doubling adds less at
 * high doses). */
TEST(bont_dose_response_saturates)
{
    bont_params_t p = params();
    double prev = 0, prev_gain = 1e9;
    for (double u = 0.25; u <= 64; u *= 2) {
        bont_dose_t d = dose_at(0, BONT_SERO_A, u, 1);
        course_t c = run_bont(&p, BONT_TISSUE_MUSCLE, 8, &d, 1, 60, 0);
        double peak = 1 - c.cmap[0];
        for (size_t k = 0; k <= c.n; k++)
            peak = fmax(peak, 1 - c.cmap[k]);
        double gain = peak - prev;
        CHECK_MSG(gain >= -1e-9, "CMAP decrement fell from %g to %g at %g U/mL", prev, peak, u);
        if (u > 2)
            CHECK_MSG(gain <= prev_gain + 1e-9, "gain grew at %g U/mL", u);
        prev = peak;
        prev_gain = gain;
        free(c.effect);
    }
}

/* Sessions add up (section 2): a second session 12 weeks after the first lasts longer than the
 * first did, measured from its own day. */
TEST(bont_repeated_sessions_add_up)
{
    bont_params_t p = params();
    bont_dose_t d[2] = {dose_at(0, BONT_SERO_A, 1, 1), dose_at(84, BONT_SERO_A, 1, 1)};
    course_t one = run_bont(&p, BONT_TISSUE_MUSCLE, 40, d, 1, 400, 0);
    course_t two = run_bont(&p, BONT_TISSUE_MUSCLE, 40, d, 2, 400, 84);
    CHECK_MSG(two.ro.duration_days > one.ro.duration_days, "second %g d, first %g d",
              two.ro.duration_days, one.ro.duration_days);
    /* And the light chain left from the first session shows before the second one. */
    CHECK(two.effect[84 * 10] > 0);
    free(one.effect);
    free(two.effect);
}

/* Sections 3-5: release falls below what the median fibre needs (1/SF50), sprouts then carry part
 * of it, and in the end (after the long-lived light chain is gone) release and force return. */
TEST(bont_release_recovers)
{
    bont_params_t p = params();
    bont_dose_t d = dose_at(0, BONT_SERO_A, 2, 1);
    course_t c = run_bont(&p, BONT_TISSUE_MUSCLE, 20, &d, 1, 2500, 0);
    double min_r = 1;
    for (size_t k = 0; k <= c.n; k++)
        min_r = fmin(min_r, c.release[k]);
    CHECK_MSG(min_r < 1.0 / p.safety_factor_median, "lowest release %g", min_r);
    CHECK_MSG(c.release[c.n] > 0.95, "release after 2500 d: %g", c.release[c.n]);
    CHECK(c.effect[c.n] < 0.01);
    free(c.effect);
}

/* A session 12 weeks after the first works again (its toxin silences the sprouts of the first,
 * section 4) and, on top of what is left of the first, weakens more than it did alone. */
TEST(bont_reinjection_works)
{
    bont_params_t p = params();
    bont_dose_t d[2] = {dose_at(0, BONT_SERO_A, 1, 1), dose_at(84, BONT_SERO_A, 1, 1)};
    course_t one = run_bont(&p, BONT_TISSUE_MUSCLE, 40, d, 1, 300, 0);
    course_t two = run_bont(&p, BONT_TISSUE_MUSCLE, 40, d, 2, 300, 84);
    CHECK_MSG(two.ro.peak_effect_pct >= one.ro.peak_effect_pct, "second peak %g, first %g",
              two.ro.peak_effect_pct, one.ro.peak_effect_pct);
    free(one.effect);
    free(two.effect);
}

/* Serotype persistence (section 2): at the same exposure, E wears off much sooner than A. */
TEST(bont_serotype_e_recovers_sooner)
{
    bont_params_t p = params();
    bont_dose_t a = dose_at(0, BONT_SERO_A, 2, 1), e = dose_at(0, BONT_SERO_E, 2, 1);
    course_t ca = run_bont(&p, BONT_TISSUE_MUSCLE, 20, &a, 1, 300, 0);
    course_t ce = run_bont(&p, BONT_TISSUE_MUSCLE, 20, &e, 1, 300, 0);
    CHECK(isfinite(ce.ro.duration_days));
    CHECK(!isfinite(ca.ro.duration_days) || ce.ro.duration_days < 0.5 * ca.ro.duration_days);
    free(ca.effect);
    free(ce.effect);
}

/* Section 4: extraocular muscles sprout early and large, so the same exposure wears off sooner
 * than in other skeletal muscle (strabismus label: paralysis 2-6 weeks). */
TEST(bont_extraocular_recovers_sooner)
{
    bont_params_t p = params();
    bont_dose_t d = dose_at(0, BONT_SERO_A, 2, 1);
    course_t m = run_bont(&p, BONT_TISSUE_MUSCLE, 1, &d, 1, 365, 0);
    course_t x = run_bont(&p, BONT_TISSUE_EXTRAOCULAR, 1, &d, 1, 365, 0);
    CHECK(isfinite(x.ro.duration_days));
    CHECK_MSG(!isfinite(m.ro.duration_days) || x.ro.duration_days < m.ro.duration_days,
              "extraocular %g d, muscle %g d", x.ro.duration_days, m.ro.duration_days);
    for (size_t k = 0; k <= x.n; k++)
        CHECK(x.atrophy[k] == 0); /* no atrophy in the class (Ugalde 2005) */
    free(m.effect);
    free(x.effect);
}

/* Section 6: atrophy builds while fibres fail and is regained much more slowly, so a residue of
 * it outlasts the effect (the lasting residue); and the fast share of the capture starts the
 * effect within the first day (section 1.5). */
TEST(bont_atrophy_outlasts_effect_and_fast_onset)
{
    bont_params_t p = params();
    bont_dose_t d = dose_at(0, BONT_SERO_A, 4, 1);
    course_t c = run_bont(&p, BONT_TISSUE_MUSCLE, 1, &d, 1, 365, 0);
    double a_peak = 0;
    size_t k_a = 0;
    for (size_t k = 0; k <= c.n; k++)
        if (c.atrophy[k] > a_peak) {
            a_peak = c.atrophy[k];
            k_a = k;
        }
    CHECK(a_peak > 0.05);
    CHECK_MSG(c.atrophy[c.n] > 0.25 * a_peak, "atrophy at day 365 %g of a peak %g", c.atrophy[c.n],
              a_peak);
    CHECK((double)k_a / 10 < 180);
    CHECK(c.effect[10] > 0.0); /* day 1 */
    free(c.effect);
}

/* The run on explicit sample times (the simulate grid) agrees with the uniform grid where the
 * two grids share samples, to within the scheme's error. */
TEST(bont_explicit_times_match_uniform_grid)
{
    bont_params_t p = params();
    bont_dose_t d = dose_at(0, BONT_SERO_A, 2, 0.8);
    course_t u = run_bont(&p, BONT_TISSUE_MUSCLE, 1, &d, 1, 100, 0);
    double *t = NULL;
    size_t n = 0;
    CHECK_INT(bont_sim_grid(100, 10, (double[]){0.0}, 1, &t, &n, NULL), 0);
    double *e = calloc(n + 1, sizeof *e);
    bont_trace_t tr = {.steps_per_day = 10, .n_steps = n, .t_days = t, .effect_frac = e};
    bont_target_t tg = {.muscle = "x", .tissue = BONT_TISSUE_MUSCLE, .volume_ml = 1};
    CHECK_INT(bont_model_bont->run(&p, &tg, &d, 1, &tr, NULL), 0);
    size_t k = 0;
    for (int day = 0; day <= 100; day++) {
        while (t[k] < day - 1e-9)
            k++;
        CHECK_MSG(fabs(e[k] - u.effect[day * 10]) < 0.005, "day %d: %g vs %g", day, e[k],
                  u.effect[day * 10]);
    }
    /* A dose at a time that is not a sample is refused. */
    bont_dose_t off = dose_at(0.01, BONT_SERO_A, 2, 1);
    CHECK_INT(bont_model_bont->run(&p, &tg, &off, 1, &tr, NULL), BONT_EINVAL);
    free(e);
    free(t);
    free(u.effect);
}

TEST(bont_rejects_bad_input)
{
    bont_params_t p = params();
    double e[11];
    bont_trace_t tr = {.steps_per_day = 1, .n_steps = 10, .effect_frac = e};
    bont_target_t t = {.muscle = "x", .tissue = BONT_TISSUE_COUNT, .volume_ml = 1};
    bont_dose_t d = dose_at(0, BONT_SERO_A, 1, 1);
    bont_error_t err;
    CHECK_INT(bont_model_bont->run(&p, &t, &d, 1, &tr, &err), BONT_EINVAL);
    t.tissue = BONT_TISSUE_MUSCLE;
    d.t_days = -1;
    CHECK_INT(bont_model_bont->run(&p, &t, &d, 1, &tr, &err), BONT_EINVAL);
    d.t_days = 0;
    d.conc_u_per_ml = -1;
    CHECK_INT(bont_model_bont->run(&p, &t, &d, 1, &tr, &err), BONT_EINVAL);
    d.conc_u_per_ml = NAN;
    CHECK_INT(bont_model_bont->run(&p, &t, &d, 1, &tr, &err), BONT_EINVAL);
    d.conc_u_per_ml = 1;
    d.scale = 1.5;
    CHECK_INT(bont_model_bont->run(&p, &t, &d, 1, &tr, &err), BONT_EINVAL);
    d.scale = 1;
    tr.steps_per_day = 0;
    CHECK_INT(bont_model_bont->run(&p, &t, &d, 1, &tr, &err), BONT_EINVAL);
    tr.steps_per_day = 1;
    double bad_t[11] = {0, 1, 1, 3, 4, 5, 6, 7, 8, 9, 10}; /* not rising */
    tr.t_days = bad_t;
    CHECK_INT(bont_model_bont->run(&p, &t, &d, 1, &tr, &err), BONT_EINVAL);
    CHECK(bont_model_find("bont") == bont_model_bont);
    CHECK(bont_model_find("lebeda4") == bont_model_lebeda4);
    CHECK(bont_model_find("nope") == NULL);
    CHECK_INT(bont_model_count(), 3);
}
