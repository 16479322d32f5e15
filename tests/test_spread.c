/* test_spread.c: spread shares, needle placement and side-effect risk (include/bont/spread.h,
 * docs/model.md sections Spread and Side-effect risk). */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/spread.h"
#include "model/spread_internal.h"
#include "test.h"

typedef struct fixture_t {
    bont_kb_t *kb;
    bont_spread_t *sp;
} fixture_t;

static int setup(fixture_t *f)
{
    bont_error_t err;
    memset(f, 0, sizeof *f);
    int rc = bont_kb_load(&f->kb, &err);
    if (rc == 0)
        rc = bont_spread_load(&f->sp, &err);
    CHECK_MSG(rc == 0, "load: %s", err.message);
    return rc;
}

static void teardown(fixture_t *f)
{
    bont_spread_free(&f->sp);
    bont_kb_free(&f->kb);
    CHECK(f->sp == NULL && f->kb == NULL);
}

/* A one-muscle plan; guidance, volume per site and endplate distance as given. */
static bont_plan_t *plan_one(const fixture_t *f, const char *product, const char *muscle,
                             const char *side, double units, int sites, double diluent_ml,
                             const char *guidance, double endplate_mm)
{
    char text[2048], extra[128] = "";
    if (endplate_mm >= 0)
        snprintf(extra, sizeof extra, ", \"endplate_mm\": %g", endplate_mm);
    snprintf(text, sizeof text,
             "{\"date\": \"2026-11-21\", \"indication\": \"research\", \"product\": \"%s\","
             " \"patient\": {\"age_years\": 50},"
             " \"vial\": {\"units\": %g, \"diluent_ml\": %g},"
             " \"injections\": [{\"muscle\": \"%s\"%s%s%s, \"units\": %g, \"sites\": %d,"
             " \"guidance\": \"%s\"%s}]}",
             product, strcmp(product, "rimabotulinumtoxinB") == 0 ? 5000.0 : 100.0,
             strcmp(product, "rimabotulinumtoxinB") == 0 ? 0.0 : diluent_ml, muscle,
             side ? ", \"side\": \"" : "", side ? side : "", side ? "\"" : "", units, sites,
             guidance, extra);
    bont_plan_t *plan = NULL;
    bont_error_t err;
    int rc = bont_plan_parse(f->kb, text, strlen(text), "test.json", &plan, &err);
    CHECK_MSG(rc == 0, "plan: %s (%s)", err.message, text);
    return plan;
}

/* One patient's exposure of a plan: structures and their concentration and scale (caller frees
 * *conc, which also holds the scales after n entries). */
typedef struct expo_t {
    bont_exposure_layout_t *L;
    const bont_exposure_struct_t *st;
    size_t n;
    double *conc, *scale, *work;
} expo_t;

static int expo_new(const fixture_t *f, const bont_plan_t *plan, expo_t *e)
{
    memset(e, 0, sizeof *e);
    bont_params_t p;
    bont_error_t err;
    int rc = bont_params_load(&p, &err);
    if (rc == 0)
        rc = bont_exposure_layout_new(plan, f->sp, &p, &e->L, &err);
    CHECK_MSG(rc == 0, "exposure: %s", err.message);
    if (rc)
        return rc;
    e->st = bont_exposure_structs(e->L);
    e->n = bont_exposure_n_structs(e->L);
    e->conc = calloc(3 * e->n + 1, sizeof *e->conc);
    e->scale = e->conc + e->n;
    e->work = e->conc + 2 * e->n;
    return 0;
}

/* The exposure of the patient with field length field_mm, deviates z_prox and u_site. */
static void expo_eval(expo_t *e, double field_mm, double z_prox, const double *u_site)
{
    bont_spread_exposure(e->L, field_mm, z_prox, u_site, e->conc, e->scale, e->work);
}

static void expo_free(expo_t *e)
{
    free(e->conc);
    bont_exposure_layout_free(&e->L);
}

/* The median field length. */
static double field_mm(void)
{
    bont_params_t p;
    return bont_params_load(&p, NULL) == 0 ? p.field_length_mm : 0.0;
}

TEST(spread_params_load_and_fields)
{
    fixture_t f;
    if (setup(&f) == 0) {
        CHECK_INT(bont_spread_n_random(f.sp), 2);
        CHECK(bont_spread_field(f.sp, "spread_length_mm") != NULL);
        CHECK(bont_spread_field(f.sp, "misplacement.palpation") != NULL);
        CHECK(bont_spread_field(f.sp, "subcutis_factor") != NULL);
        CHECK(bont_spread_field(f.sp, "accuracy.palpation") == NULL); /* v1, removed */
        CHECK(bont_spread_field(f.sp, "threshold.dysphagia") != NULL);
        CHECK(bont_spread_field(f.sp, "no_such_parameter") == NULL);
        CHECK(bont_spread_threshold_pct(f.sp, "ptosis") ==
              bont_spread_threshold_pct(f.sp, "default"));
        /* Guided needles miss less often than palpation (Ann Rehabil Med 2015;39:163). */
        CHECK(*bont_spread_field(f.sp, "misplacement.ultrasound") <
              *bont_spread_field(f.sp, "misplacement.palpation"));
    }
    teardown(&f);
}

/* Tissue classes of atlas structures (docs/model.md section 4): region orbit muscles are
 * extraocular, glands, skin and organs autonomic. */
TEST(tissue_of_atlas_structures)
{
    fixture_t f;
    if (setup(&f) == 0) {
        const struct {
            const char *id;
            bont_tissue_t tissue;
        } cases[] = {{"medial_rectus", BONT_TISSUE_EXTRAOCULAR},
                     {"levator_palpebrae_superioris", BONT_TISSUE_EXTRAOCULAR},
                     {"orbicularis_oculi", BONT_TISSUE_MUSCLE},
                     {"sternocleidomastoid", BONT_TISSUE_MUSCLE},
                     {"axilla", BONT_TISSUE_AUTONOMIC},
                     {"parotid_gland", BONT_TISSUE_AUTONOMIC},
                     {"detrusor", BONT_TISSUE_AUTONOMIC}};
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const bont_muscle_t *m = bont_kb_muscle(f.kb, cases[i].id);
            bont_tissue_t t = BONT_TISSUE_COUNT;
            CHECK_MSG(m != NULL, "%s", cases[i].id);
            if (m) {
                CHECK_INT(bont_tissue_of_muscle(m, &t), 0);
                CHECK_MSG(t == cases[i].tissue, "%s: %s", cases[i].id, bont_tissue_name(t));
            }
        }
        CHECK(bont_tissue_has_junction(BONT_TISSUE_EXTRAOCULAR));
        CHECK(!bont_tissue_has_junction(BONT_TISSUE_AUTONOMIC));
        CHECK_INT(bont_tissue_of_muscle(NULL, &(bont_tissue_t){0}), BONT_EINVAL);
    }
    teardown(&f);
}

/* The contract (docs/spread.md section 4): same deviates, same exposure; the set and order of the
 * structures never depend on the deviates; concentrations are >= 0 and scales fractions. */
TEST(spread_exposure_is_deterministic_and_fixed)
{
    fixture_t f;
    bont_plan_t *plan = NULL;
    expo_t e;
    if (setup(&f) == 0 &&
        (plan = plan_one(&f, "onabotulinumtoxinA", "sternocleidomastoid", "left", 60, 2, 2,
                         "palpation", -1)) &&
        expo_new(&f, plan, &e) == 0) {
        CHECK_INT((int)bont_exposure_n_sites(e.L), 2);
        double u[2] = {0.001, 0.7}, *a = malloc(2 * e.n * sizeof *a);
        expo_eval(&e, field_mm(), 1.3, u);
        memcpy(a, e.conc, 2 * e.n * sizeof *a);
        expo_eval(&e, field_mm(), 1.3, u);
        CHECK(memcmp(a, e.conc, 2 * e.n * sizeof *a) == 0);
        for (size_t k = 0; k < e.n; k++)
            CHECK(e.conc[k] >= 0.0 && e.scale[k] >= 0.0 && e.scale[k] <= 1.0);
        CHECK(e.st[0].injected && strcmp(e.st[0].muscle->id, "sternocleidomastoid") == 0);
        CHECK(e.st[0].weight_ona_u == 60.0);
        /* The atlas lists the pharynx among SCM's neighbours: reached by spread only. */
        bool pharynx = false;
        for (size_t k = 0; k < e.n; k++)
            if (strcmp(e.st[k].muscle->id, "pharyngeal_constrictors") == 0)
                pharynx = !e.st[k].injected && e.st[k].side == BONT_SIDE_NONE &&
                          e.st[k].weight_ona_u == 0.0;
        CHECK(pharynx);
        /* The median: most of the dose acts in the target, i.e. the units in its reached part
         * (concentration x reached volume) outweigh all the neighbours' together. A sheet lying on
         * the target within the bolus (the platysma over the SCM) may see the same
         * concentration, over a small part of itself. */
        expo_eval(&e, field_mm(), 0.0, NULL);
        double own_u = e.conc[0] * e.scale[0] * e.st[0].muscle->volume_ml, nb_u = 0.0;
        for (size_t k = 1; k < e.n; k++) {
            nb_u += e.conc[k] * e.scale[k] * e.st[k].muscle->volume_ml;
            CHECK(e.conc[k] <= 1.05 * e.conc[0]);
        }
        CHECK_MSG(nb_u < own_u, "neighbours %.2f U-eq, target %.2f", nb_u, own_u);
        free(a);
        expo_free(&e);
    }
    bont_plan_free(&plan);
    teardown(&f);
}

/* Both sides of a sided neighbour of a midline target; injected structures keep their role. */
TEST(spread_sides_and_roles)
{
    fixture_t f;
    if (setup(&f) == 0) {
        const char *text = "{\"date\": \"2026-11-21\", \"indication\": \"glabellar_lines\","
                           " \"product\": \"onabotulinumtoxinA\", \"patient\": {\"age_years\": 40},"
                           " \"vial\": {\"units\": 100, \"diluent_ml\": 2.5}, \"injections\": ["
                           " {\"muscle\": \"procerus\", \"units\": 4},"
                           " {\"muscle\": \"corrugator_supercilii\", \"side\": \"left\", "
                           "\"units\": 8, \"sites\": 2}]}";
        bont_plan_t *plan = NULL;
        bont_error_t err;
        expo_t e;
        CHECK(bont_plan_parse(f.kb, text, strlen(text), "t.json", &plan, &err) == 0);
        if (plan && expo_new(&f, plan, &e) == 0) {
            int corr_left = 0, corr_right = 0;
            for (size_t k = 0; k < e.n; k++) {
                if (strcmp(e.st[k].muscle->id, "corrugator_supercilii") != 0)
                    continue;
                if (e.st[k].side == BONT_SIDE_LEFT) {
                    corr_left++;
                    CHECK(e.st[k].injected && k == 1); /* injected by the second entry */
                }
                if (e.st[k].side == BONT_SIDE_RIGHT) {
                    corr_right++;
                    CHECK(!e.st[k].injected && e.st[k].source == 0); /* from the procerus */
                }
            }
            CHECK_INT(corr_left, 1);
            CHECK_INT(corr_right, 1);
            CHECK_INT((int)bont_exposure_n_sites(e.L), 3);
            expo_free(&e);
        }
        bont_plan_free(&plan);
    }
    teardown(&f);
}

/* Mean over many patients (stratified site uniforms, no proximity deviate) of the target's
 * concentration and of the neighbours' summed concentration. */
static void mean_exposure(const fixture_t *f, const bont_plan_t *plan, double *target,
                          double *neighbours)
{
    expo_t e;
    *target = *neighbours = NAN;
    if (expo_new(f, plan, &e))
        return;
    size_t ns = bont_exposure_n_sites(e.L), n = 4000;
    double *u = malloc(ns * sizeof *u), t = 0.0, nb = 0.0;
    for (size_t p = 0; p < n; p++) {
        for (size_t s = 0; s < ns; s++) /* a lattice: every patient's sites in distinct strata */
            u[s] = fmod(((double)p + 0.5) / (double)n + 0.618033988749895 * (double)s, 1.0);
        expo_eval(&e, field_mm(), 0.0, u);
        t += e.conc[0];
        for (size_t k = 1; k < e.n; k++)
            nb += e.conc[k];
    }
    *target = t / (double)n;
    *neighbours = nb / (double)n;
    free(u);
    expo_free(&e);
}

/* Done-when of issue 4, in v2 terms (docs/spread.md section 2): guided injections are misplaced
 * less often than palpation, so on average the target gets more of the dose and the neighbours
 * less. */
TEST(spread_guided_beats_palpation)
{
    fixture_t f;
    if (setup(&f) == 0) {
        static const char *const guided[] = {"ultrasound", "emg", "stimulation"};
        bont_plan_t *palp = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right", 20,
                                     2, 2, "palpation", -1);
        double tp = 0, np = 0;
        if (palp)
            mean_exposure(&f, palp, &tp, &np);
        for (size_t g = 0; g < 3; g++) {
            bont_plan_t *plan = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right",
                                         20, 2, 2, guided[g], -1);
            double tg = 0, ng = 0;
            if (plan)
                mean_exposure(&f, plan, &tg, &ng);
            CHECK_MSG(tg > tp, "%s: target %.4f U/mL vs palpation %.4f", guided[g], tg, tp);
            CHECK_MSG(ng < np, "%s: neighbours %.4f U/mL vs palpation %.4f", guided[g], ng, np);
            bont_plan_free(&plan);
        }
        bont_plan_free(&palp);
    }
    teardown(&f);
}

/* Kim 2003: the same dose in a larger volume reaches more of the target (a larger field);
 * Lapatki 2011: farther from the endplate band, less of the dose acts in
 * the target's terminals. */
TEST(spread_volume_and_endplate)
{
    fixture_t f;
    if (setup(&f) == 0) {
        bont_plan_t *small = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right",
                                      20, 1, 1, "palpation", -1);
        bont_plan_t *large = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right",
                                      20, 1, 5, "palpation", -1);
        expo_t es, el;
        if (small && large && expo_new(&f, small, &es) == 0) {
            if (expo_new(&f, large, &el) == 0) {
                expo_eval(&es, field_mm(), 0.0, NULL);
                expo_eval(&el, field_mm(), 0.0, NULL);
                CHECK_MSG(el.scale[0] > es.scale[0], "reached: 1 mL %.3f vs 0.2 mL %.3f",
                          el.scale[0], es.scale[0]);
                expo_free(&el);
            }
            expo_free(&es);
        }
        bont_plan_free(&small);
        bont_plan_free(&large);
        double prev = 1e9;
        for (int mm = 0; mm <= 40; mm += 10) {
            bont_plan_t *p = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right",
                                      20, 1, 2, "stimulation", mm);
            expo_t e;
            if (p && expo_new(&f, p, &e) == 0) {
                expo_eval(&e, field_mm(), 0.0, NULL);
                CHECK_MSG(e.conc[0] <= prev * (1 + 1e-12), "%d mm: %.4f U/mL", mm, e.conc[0]);
                CHECK_MSG(mm < 20 || e.conc[0] < 0.9 * prev, "%d mm: %.4f U/mL", mm, e.conc[0]);
                prev = e.conc[0];
                expo_free(&e);
            }
            bont_plan_free(&p);
        }
    }
    teardown(&f);
}

/* No serotype difference in spread (Eleopra 2004): at the same volume per site, a type A and a
 * type B plan expose the same structures in proportion to their onabotulinumtoxinA-equivalent
 * units. */
TEST(spread_no_serotype_difference)
{
    fixture_t f;
    if (setup(&f) == 0) {
        /* Myobloc is a ready-made 5000 U/mL solution: 2500 U are 0.5 mL, as 50 U of Botox in
         * 1 mL of diluent per 100 U. */
        bont_plan_t *a =
            plan_one(&f, "onabotulinumtoxinA", "splenius_capitis", "right", 50, 2, 1, "emg", -1);
        bont_plan_t *b =
            plan_one(&f, "rimabotulinumtoxinB", "splenius_capitis", "right", 2500, 2, 0, "emg", -1);
        expo_t ea, eb;
        if (a && b && expo_new(&f, a, &ea) == 0) {
            if (expo_new(&f, b, &eb) == 0) {
                CHECK_INT((int)ea.n, (int)eb.n);
                CHECK(bont_exposure_serotype(eb.L) == BONT_SERO_B);
                expo_eval(&ea, field_mm(), 0.0, NULL);
                expo_eval(&eb, field_mm(), 0.0, NULL);
                double ra = bont_exposure_total_ona_u(ea.L), rb = bont_exposure_total_ona_u(eb.L);
                for (size_t k = 0; k < ea.n && k < eb.n; k++) {
                    CHECK_REL(ea.conc[k] / ra, eb.conc[k] / rb, 1e-12);
                    CHECK_REL(ea.scale[k], eb.scale[k], 1e-12);
                }
                expo_free(&eb);
            }
            expo_free(&ea);
        }
        bont_plan_free(&a);
        bont_plan_free(&b);
    }
    teardown(&f);
}

TEST(spread_risk_assess_threshold_and_reason)
{
    fixture_t f;
    bont_plan_t *plan = NULL;
    if (setup(&f) == 0 && (plan = plan_one(&f, "onabotulinumtoxinA", "sternocleidomastoid", "left",
                                           60, 2, 2, "palpation", -1))) {
        const bont_muscle_t *ph = bont_kb_muscle(f.kb, "pharyngeal_constrictors");
        const bont_muscle_t *scm = bont_kb_muscle(f.kb, "sternocleidomastoid");
        const bont_muscle_t *plat = bont_kb_muscle(f.kb, "platysma");
        double thr = bont_spread_threshold_pct(f.sp, "dysphagia");
        /* Peaks are of the whole structure (v2: effect = scale x e_f). */
        float peaks[4] = {0.0f, (float)(thr * 1.001), (float)(thr * 0.5), 100.0f};
        bont_risk_t risk;
        bool has = false;
        bont_error_t err;
        CHECK(bont_risk_assess(f.kb, plan, f.sp, ph, BONT_SIDE_NONE, peaks, 4, &risk, &has, &err) ==
              0);
        CHECK(has);
        CHECK_STR(risk.effect, "dysphagia");
        CHECK_REL(risk.probability, 0.5, 1e-12);
        CHECK(risk.ci95_lo < 0.5 && risk.ci95_hi > 0.5);
        CHECK(risk.threshold_pct == thr);
        CHECK_MSG(strstr(risk.reason, "sternocleidomastoid 60 U left") != NULL &&
                      strstr(risk.reason, "mL per site") != NULL,
                  "reason: %s", risk.reason);
        /* No side effect for the platysma; the injected SCM's weakness is the intent. */
        CHECK(bont_risk_assess(f.kb, plan, f.sp, plat, BONT_SIDE_LEFT, peaks, 4, &risk, &has,
                               &err) == 0);
        CHECK(!has);
        CHECK(bont_risk_assess(f.kb, plan, f.sp, scm, BONT_SIDE_LEFT, peaks, 4, &risk, &has,
                               &err) == 0);
        CHECK(!has);
    }
    bont_plan_free(&plan);
    teardown(&f);
}

/* The probability of one side effect per person in bont check's risks. */
static double check_risk(const fixture_t *f, const char *path, const char *effect)
{
    bont_plan_t *plan = NULL;
    bont_error_t err;
    bont_risk_list_t r;
    double p = -1.0;
    CHECK(bont_plan_load(f->kb, path, &plan, &err) == 0);
    if (plan && bont_risk_check(f->kb, plan, f->sp, 2, &r, &err) == 0) {
        for (size_t i = 0; i < r.n; i++)
            if (strcmp(r.risks[i].risk.effect, effect) == 0)
                p = r.risks[i].risk.probability;
        bont_risk_list_clear(&r);
    }
    bont_plan_free(&plan);
    return p;
}

/* Reproducible; the dose raises the risk of dysphagia (Poewe 1998); ultrasound keeps the
 * injectate in the SCM (Muscle Nerve 2012;46:535); a product without a unit ratio gets a
 * reason instead of risks. */
TEST_TIMEOUT(spread_risk_check_dose_and_guidance, 120)
{
    fixture_t f;
    if (setup(&f) == 0) {
        double p1000 = check_risk(&f, "tests/spread/dysport_cd_1000.json", "dysphagia");
        CHECK(p1000 == check_risk(&f, "tests/spread/dysport_cd_1000.json", "dysphagia"));
        double p250 = check_risk(&f, "tests/spread/dysport_cd_250.json", "dysphagia");
        double p_us = check_risk(&f, "tests/spread/dysport_cd_1000_us.json", "dysphagia");
        CHECK_MSG(p1000 > p250, "1000 U %.4f vs 250 U %.4f", p1000, p250);
        CHECK_MSG(p_us < p1000, "ultrasound %.4f vs unguided %.4f", p_us, p1000);
        bont_plan_t *dax = plan_one(&f, "daxibotulinumtoxinA", "sternocleidomastoid", "left", 60, 2,
                                    1.2, "emg", -1);
        bont_risk_list_t r;
        bont_error_t err;
        if (dax) {
            CHECK_INT(bont_risk_check(f.kb, dax, f.sp, 1, &r, &err), 0);
            CHECK(r.n == 0 && r.why_none[0] != '\0');
            bont_risk_list_clear(&r);
        }
        bont_plan_free(&dax);
    }
    teardown(&f);
}

TEST(spread_check_shows_risks)
{
    static char out[1 << 16], err[1 << 12];
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s check examples/cervical_dystonia.json", bont_test_bin());
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    CHECK(strstr(out, "Side-effect risk") != NULL);
    CHECK_MSG(strstr(out, "dysphagia") != NULL && strstr(out, "pharyngeal_constrictors") != NULL,
              "%s", out);
    CHECK(strstr(out, "sternocleidomastoid 40 U left") != NULL);
    CHECK(strstr(out, "Verdict: ok") != NULL);
    snprintf(cmd, sizeof cmd, "%s check examples/dysport_milk_allergy.json --format json",
             bont_test_bin());
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 1); /* a rule, not a risk */
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr);
    CHECK_MSG(root != NULL, "not JSON: %s", jerr.text);
    json_t *risks = json_object_get(root, "risks");
    CHECK(json_is_array(risks) && json_array_size(risks) > 0);
    /* Dysphagia from the pharyngeal constrictors among them (v2 puts dry mouth from the
     * parotid first, as the Python reference does for cervical dystonia plans). */
    json_t *first = NULL;
    for (size_t i = 0; i < json_array_size(risks) && !first; i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(risks, i), "effect")),
                    "dysphagia"))
            first = json_array_get(risks, i);
    CHECK(first != NULL);
    CHECK_STR(json_string_value(json_object_get(first, "muscle")), "pharyngeal_constrictors");
    CHECK(json_is_null(json_object_get(first, "side")));
    double p = json_number_value(json_object_get(first, "probability"));
    CHECK(p > 0.0 && p < 1.0);
    CHECK(json_string_length(json_object_get(first, "reason")) > 10);
    json_decref(root);
    /* A product without a unit ratio: the risks are not computed, and check still works. */
    snprintf(cmd, sizeof cmd, "%s check tests/spread/daxxify_cd.json", bont_test_bin());
    int rc = bont_test_run(cmd, out, sizeof out, err, sizeof err);
    CHECK_MSG(rc == 0 || rc == 1, "rc %d: %s", rc, err);
    CHECK_MSG(strstr(out, "not computed") != NULL, "%s", out);
}

/* Example plan `name` and its exposure layout in e (NULL, and nothing to free, when either
 * fails). */
static bont_plan_t *example_expo(const fixture_t *f, const char *name, expo_t *e)
{
    char path[128];
    snprintf(path, sizeof path, "examples/%s.json", name);
    bont_plan_t *plan = NULL;
    bont_error_t err;
    CHECK(bont_plan_load(f->kb, path, &plan, &err) == 0);
    if (plan && expo_new(f, plan, e) != 0)
        bont_plan_free(&plan);
    return plan;
}

/* n site uniforms crowded below the misplacement shares (about a third of the sites
 * misplaced), from the generator state *s. */
static void crowded_uniforms(uint64_t *s, double *u, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
        u[k] = (double)(*s >> 11) / 9007199254740992.0 * 0.03;
    }
}

/* The population's fast path (include/bont/spread.h): the exposure without misplacement, then
 * each misplaced site moved, equals the full evaluation with the same deviates, on every example
 * plan and for crowded uniforms (many misplaced sites). */
TEST(spread_exposure_misplace_fast_path)
{
    fixture_t f;
    if (setup(&f) != 0) {
        teardown(&f);
        return;
    }
    static const char *const plans[] = {"glabellar_lines",  "cervical_dystonia",
                                        "chronic_migraine", "palmar_hyperhidrosis",
                                        "strabismus",       "upper_limb_spasticity"};
    uint64_t s = 12345;
    size_t moved = 0;
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
        expo_t e;
        bont_plan_t *plan = example_expo(&f, plans[i], &e);
        if (!plan)
            continue;
        size_t ns = bont_exposure_n_sites(e.L);
        double *u = malloc((ns + 1) * sizeof *u), *full = malloc(2 * e.n * sizeof *full);
        for (int draw = 0; draw < 50; draw++) {
            double z = (draw % 7 - 3) * 0.6, fl = field_mm() * (1.0 + 0.01 * (draw % 5));
            crowded_uniforms(&s, u, ns);
            expo_eval(&e, fl, z, u);
            memcpy(full, e.conc, 2 * e.n * sizeof *full);
            expo_eval(&e, fl, z, NULL);
            for (size_t k = 0; k < ns; k++) {
                moved += u[k] < bont_exposure_site_misplacement(e.L, k);
                bont_spread_exposure_misplace(e.L, fl, z, k, u[k], e.conc, e.scale, e.work);
            }
            double cmax = 0.0;
            for (size_t k = 0; k < e.n; k++)
                cmax = fmax(cmax, full[k]);
            for (size_t k = 0; k < e.n; k++)
                CHECK_MSG(fabs(e.conc[k] - full[k]) <= 1e-12 * cmax &&
                              fabs(e.scale[k] - full[e.n + k]) <= 1e-12,
                          "%s draw %d %s: fast %.15g / %.15g, full %.15g / %.15g", plans[i], draw,
                          e.st[k].muscle->id, e.conc[k], e.scale[k], full[k], full[e.n + k]);
        }
        CHECK(bont_exposure_site_misplacement(e.L, ns) == 0.0); /* out of range */
        free(u);
        free(full);
        expo_free(&e);
        bont_plan_free(&plan);
    }
    CHECK(moved > 100);
    teardown(&f);
}

/* A part of the plan (model/spread_internal.h): for each structure alone, the injections that
 * target or neighbour it give its concentration and scale bit for bit as the whole plan does,
 * with misplaced sites; and the selection leaves injections out where it can. */
TEST(spread_exposure_part_is_exact_for_the_needed)
{
    fixture_t f;
    if (setup(&f) != 0) {
        teardown(&f);
        return;
    }
    static const char *const plans[] = {"cervical_dystonia", "chronic_migraine",
                                        "upper_limb_spasticity", "glabellar_lines"};
    uint64_t s = 777;
    size_t skipped = 0;
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
        expo_t e;
        bont_plan_t *plan = example_expo(&f, plans[i], &e);
        if (!plan)
            continue;
        size_t ns = bont_exposure_n_sites(e.L), ni = plan->n_injections;
        double *u = malloc((ns + 1) * sizeof *u), *full = malloc(2 * e.n * sizeof *full);
        bool *need = calloc(e.n, sizeof *need);
        size_t *sel = calloc(ni + 1, sizeof *sel);
        crowded_uniforms(&s, u, ns);
        double z = 0.7, fl = field_mm() * 1.02;
        expo_eval(&e, fl, z, u);
        memcpy(full, e.conc, 2 * e.n * sizeof *full);
        for (size_t k = 0; k < e.n; k++) {
            memset(need, 0, e.n * sizeof *need);
            need[k] = true;
            size_t n_sel = bont__exposure_select(e.L, need, sel);
            CHECK(n_sel >= 1 && n_sel <= ni);
            skipped += ni - n_sel;
            bont__spread_exposure_part(e.L, sel, n_sel, fl, z, u, e.conc, e.scale, e.work);
            CHECK_MSG(e.conc[k] == full[k] && e.scale[k] == full[e.n + k],
                      "%s %s: part %.17g / %.17g, whole %.17g / %.17g", plans[i],
                      e.st[k].muscle->id, e.conc[k], e.scale[k], full[k], full[e.n + k]);
        }
        free(sel);
        free(need);
        free(u);
        free(full);
        expo_free(&e);
        bont_plan_free(&plan);
    }
    CHECK(skipped > 0);
    teardown(&f);
}
