/* test_spread.c: spread shares, needle placement and side-effect risk (include/bont/spread.h,
 * docs/model.md sections Spread and Side-effect risk). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bont/spread.h"
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

static double spread_total(const bont_reach_t *r, size_t n)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++)
        s += r[k].spread ? r[k].share : 0.0;
    return s;
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

/* The contract: same z, same shares; the set of structures never depends on z; shares are
 * fractions that add up to at most the dose. */
TEST(spread_reach_is_deterministic_and_fixed)
{
    fixture_t f;
    bont_plan_t *plan = NULL;
    if (setup(&f) == 0 && (plan = plan_one(&f, "onabotulinumtoxinA", "sternocleidomastoid", "left",
                                           60, 2, 2, "palpation", -1))) {
        bont_error_t err;
        bont_reach_t *a = NULL, *b = NULL, *m = NULL;
        size_t na = 0, nb = 0, nm = 0;
        double z[2] = {1.3, -0.7};
        CHECK(bont_spread_reach(f.kb, plan, f.sp, z, &a, &na, &err) == 0);
        CHECK(bont_spread_reach(f.kb, plan, f.sp, z, &b, &nb, &err) == 0);
        CHECK(bont_spread_reach(f.kb, plan, f.sp, NULL, &m, &nm, &err) == 0);
        CHECK_INT(na, nb);
        CHECK_INT(na, nm);
        CHECK(a && b && memcmp(a, b, na * sizeof *a) == 0);
        double total_a = 0.0, total_m = 0.0;
        for (size_t k = 0; a && m && k < na; k++) {
            CHECK(a[k].muscle == m[k].muscle && a[k].side == m[k].side);
            CHECK(a[k].spread == m[k].spread && a[k].injection == m[k].injection);
            CHECK(a[k].volume_ml == m[k].volume_ml);
            CHECK(a[k].share >= 0.0 && a[k].share <= 1.0);
            CHECK(a[k].effect_scale > 0.0 && a[k].effect_scale <= 1.0);
            total_a += a[k].share;
            total_m += m[k].share;
        }
        CHECK(total_a <= 1.0 + 1e-12 && total_m <= 1.0 + 1e-12);
        CHECK(m && !m[0].spread && m[0].share > 0.5); /* most stays in the target */
        CHECK(m && strcmp(m[0].muscle->id, "sternocleidomastoid") == 0);
        /* The atlas lists the pharynx among SCM's neighbours: reached by spread only. */
        bool pharynx = false;
        for (size_t k = 0; m && k < nm; k++)
            if (strcmp(m[k].muscle->id, "pharyngeal_constrictors") == 0)
                pharynx = m[k].spread && m[k].side == BONT_SIDE_NONE && m[k].volume_ml < 25.0;
        CHECK(pharynx);
        /* Extreme deviates: still the same set. */
        double zz[2] = {-6.0, 6.0};
        bont_reach_t *x = NULL;
        size_t nx = 0;
        CHECK(bont_spread_reach(f.kb, plan, f.sp, zz, &x, &nx, &err) == 0);
        CHECK_INT(nx, nm);
        free(x);
        free(a);
        free(b);
        free(m);
    }
    bont_plan_free(&plan);
    teardown(&f);
}

/* Both sides of a sided neighbour of a midline target; injected structures are not "spread". */
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
        CHECK(bont_plan_parse(f.kb, text, strlen(text), "t.json", &plan, &err) == 0);
        bont_reach_t *r = NULL;
        size_t n = 0;
        if (plan && bont_spread_reach(f.kb, plan, f.sp, NULL, &r, &n, &err) == 0) {
            int corr_left = 0, corr_right = 0;
            for (size_t k = 0; k < n; k++) {
                if (r[k].injection != 0 || strcmp(r[k].muscle->id, "corrugator_supercilii") != 0)
                    continue;
                if (r[k].side == BONT_SIDE_LEFT) {
                    corr_left++;
                    CHECK(!r[k].spread); /* injected by the second entry */
                    CHECK(r[k].effect_scale == 1.0);
                }
                if (r[k].side == BONT_SIDE_RIGHT) {
                    corr_right++;
                    CHECK(r[k].spread);
                }
            }
            CHECK_INT(corr_left, 1);
            CHECK_INT(corr_right, 1);
            bont_target_t t;
            CHECK(bont_spread_target(&r[1], &t, &err) == 0);
            CHECK_STR(t.role, r[1].spread ? "spread" : "target");
            CHECK(t.volume_ml == r[1].volume_ml);
        }
        free(r);
        bont_plan_free(&plan);
    }
    teardown(&f);
}

/* Median peak effect of the target and the summed spread shares for one plan. */
static void target_and_spread(const fixture_t *f, const bont_plan_t *plan, double *target_pct,
                              double *spread_share, double *mean_target_pct)
{
    bont_error_t err;
    bont_reach_t *r = NULL, *st = NULL;
    size_t n = 0, ns = 0, np = 0;
    float *pk = NULL;
    *target_pct = *spread_share = *mean_target_pct = NAN;
    if (bont_spread_reach(f->kb, plan, f->sp, NULL, &r, &n, &err) == 0)
        *spread_share = spread_total(r, n);
    bont_risk_opts_t one = {.n_patients = 1};
    if (bont_risk_plan_peaks(f->kb, plan, f->sp, &one, &st, &pk, &ns, &np, &err) == 0)
        *target_pct = pk[0];
    free(st);
    free(pk);
    bont_risk_opts_t many = {.n_patients = 400, .seed = 7};
    if (bont_risk_plan_peaks(f->kb, plan, f->sp, &many, &st, &pk, &ns, &np, &err) == 0) {
        double s = 0.0;
        for (size_t p = 0; p < np; p++)
            s += pk[p];
        *mean_target_pct = s / (double)np;
    }
    free(st);
    free(pk);
    free(r);
}

/* Done-when of issue 4: guided injection gives a larger target effect and a smaller spread than
 * palpation at the same dose. */
TEST(spread_guided_beats_palpation)
{
    fixture_t f;
    if (setup(&f) == 0) {
        static const char *const guided[] = {"ultrasound", "emg", "stimulation"};
        /* Flexor carpi radialis 20 U: a forearm muscle, dose below saturation. */
        bont_plan_t *palp = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right", 20,
                                     1, 2, "palpation", -1);
        double tp = 0, sp_p = 0, mp = 0;
        if (palp)
            target_and_spread(&f, palp, &tp, &sp_p, &mp);
        for (size_t g = 0; g < 3; g++) {
            bont_plan_t *plan = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right",
                                         20, 1, 2, guided[g], -1);
            double tg = 0, sp_g = 0, mg = 0;
            if (plan)
                target_and_spread(&f, plan, &tg, &sp_g, &mg);
            CHECK_MSG(tg > tp + 5.0, "%s: target %.1f %% vs palpation %.1f %%", guided[g], tg, tp);
            CHECK_MSG(mg > mp + 5.0, "%s: mean target %.1f %% vs palpation %.1f %%", guided[g], mg,
                      mp);
            CHECK_MSG(sp_g < 0.9 * sp_p, "%s: spread %.4f vs palpation %.4f", guided[g], sp_g,
                      sp_p);
            bont_plan_free(&plan);
        }
        bont_plan_free(&palp);
    }
    teardown(&f);
}

/* Kim 2003: the same dose in 0.5 mL weakens the target more than in 0.1 mL; Lapatki 2011 and
 * Shaari & Sanders 1993: farther from the endplate band, less effect. */
TEST(spread_volume_and_endplate)
{
    fixture_t f;
    if (setup(&f) == 0) {
        /* 20 U in one site, 5 times the volume as in Kim's 0.1 vs 0.5 mL: 0.2 mL (100 U + 1 mL)
         * against 1 mL (100 U + 5 mL). */
        bont_plan_t *small = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right",
                                      20, 1, 1, "palpation", -1);
        bont_plan_t *large = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right",
                                      20, 1, 5, "palpation", -1);
        double ts = 0, ss = 0, ms = 0, tl = 0, sl = 0, ml = 0;
        if (small && large) {
            target_and_spread(&f, small, &ts, &ss, &ms);
            target_and_spread(&f, large, &tl, &sl, &ml);
            CHECK_MSG(tl > ts, "0.5 mL %.1f %% vs 0.1 mL %.1f %%", tl, ts);
            CHECK_MSG(sl > ss, "the field widens with volume: %.4f vs %.4f", sl, ss);
        }
        bont_plan_free(&small);
        bont_plan_free(&large);
        double prev = 1e9;
        for (int mm = 0; mm <= 30; mm += 10) {
            bont_plan_t *p = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right",
                                      20, 1, 2, "stimulation", mm);
            bont_reach_t *r = NULL;
            size_t n = 0;
            bont_error_t err;
            if (p && bont_spread_reach(f.kb, p, f.sp, NULL, &r, &n, &err) == 0) {
                CHECK_MSG(r[0].share <= prev, "%d mm: %.3f", mm, r[0].share);
                prev = r[0].share;
            }
            free(r);
            bont_plan_free(&p);
        }
        /* 20 mm against 30 mm: Lapatki's 46 % less per cm (nearer the band the share is capped by
         * what spread leaves in the target). */
        bont_plan_t *p10 = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right", 20,
                                    1, 2, "stimulation", 20);
        bont_plan_t *p20 = plan_one(&f, "onabotulinumtoxinA", "flexor_carpi_radialis", "right", 20,
                                    1, 2, "stimulation", 30);
        bont_reach_t *r10 = NULL, *r20 = NULL;
        size_t n10 = 0, n20 = 0;
        bont_error_t err;
        if (p10 && p20 && bont_spread_reach(f.kb, p10, f.sp, NULL, &r10, &n10, &err) == 0 &&
            bont_spread_reach(f.kb, p20, f.sp, NULL, &r20, &n20, &err) == 0)
            CHECK_REL(r20[0].share / r10[0].share, 0.54, 0.02);
        free(r10);
        free(r20);
        bont_plan_free(&p10);
        bont_plan_free(&p20);
    }
    teardown(&f);
}

/* No serotype difference in spread (Eleopra 2004): the same geometry gives the same shares for
 * a type A and a type B product. */
TEST(spread_no_serotype_difference)
{
    fixture_t f;
    if (setup(&f) == 0) {
        bont_plan_t *a =
            plan_one(&f, "onabotulinumtoxinA", "splenius_capitis", "right", 50, 2, 2, "emg", -1);
        bont_plan_t *b =
            plan_one(&f, "rimabotulinumtoxinB", "splenius_capitis", "right", 2500, 2, 0, "emg", -1);
        bont_reach_t *ra = NULL, *rb = NULL;
        size_t na = 0, nb = 0;
        bont_error_t err;
        if (a && b && bont_spread_reach(f.kb, a, f.sp, NULL, &ra, &na, &err) == 0 &&
            bont_spread_reach(f.kb, b, f.sp, NULL, &rb, &nb, &err) == 0) {
            CHECK_INT(na, nb);
            /* Myobloc is a ready-made 5000 U/mL solution: 0.5 mL against 1 mL of Botox here,
             * so compare plans with the same volume per site. */
            bont_plan_t *a2 = plan_one(&f, "onabotulinumtoxinA", "splenius_capitis", "right", 50, 2,
                                       1, "emg", -1);
            bont_reach_t *r2 = NULL;
            size_t n2 = 0;
            if (a2 && bont_spread_reach(f.kb, a2, f.sp, NULL, &r2, &n2, &err) == 0)
                for (size_t k = 0; k < n2 && k < nb; k++)
                    CHECK_REL(r2[k].share, rb[k].share, 1e-12);
            free(r2);
            bont_plan_free(&a2);
        }
        free(ra);
        free(rb);
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
        /* Peaks are the reached layer's; the threshold is on the whole structure. */
        bont_reach_t *r = NULL;
        size_t n = 0;
        double scale = 0.0;
        bont_error_t err;
        if (bont_spread_reach(f.kb, plan, f.sp, NULL, &r, &n, &err) == 0)
            for (size_t k = 0; k < n; k++)
                if (r[k].muscle == ph)
                    scale = r[k].effect_scale;
        free(r);
        CHECK(scale > 0.0 && scale < 1.0);
        float peaks[4] = {0.0f, (float)(thr / scale * 1.001), (float)(thr / scale * 0.5), 100.0f};
        bont_risk_t risk;
        bool has = false;
        CHECK(bont_risk_assess(f.kb, plan, f.sp, ph, BONT_SIDE_NONE, peaks, 4, &risk, &has, &err) ==
              0);
        CHECK(has);
        CHECK_STR(risk.effect, "dysphagia");
        CHECK_REL(risk.probability, 0.5, 1e-12);
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

/* Reproducible per seed; the dose raises the risk; a product without a unit ratio is refused. */
TEST(spread_risk_plan_reproducible)
{
    fixture_t f;
    if (setup(&f) == 0) {
        bont_error_t err;
        bont_plan_t *plan = NULL;
        CHECK(bont_plan_load(f.kb, "tests/spread/dysport_cd_1000.json", &plan, &err) == 0);
        bont_risk_t *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        bont_risk_opts_t o = {.n_patients = 300, .seed = 42};
        if (plan) {
            CHECK(bont_risk_plan(f.kb, plan, f.sp, &o, &a, &na, &err) == 0);
            CHECK(bont_risk_plan(f.kb, plan, f.sp, &o, &b, &nb, &err) == 0);
            CHECK_INT(na, nb);
            CHECK(na > 0 && a && b && memcmp(a, b, na * sizeof *a) == 0);
            for (size_t i = 1; i < na; i++)
                CHECK(a[i - 1].probability >= a[i].probability);
        }
        free(a);
        free(b);
        double p250 = 0, p1000 = 0;
        bont_plan_t *low = NULL;
        CHECK(bont_plan_load(f.kb, "tests/spread/dysport_cd_250.json", &low, &err) == 0);
        if (plan && low) {
            CHECK(bont_risk_plan_effect(f.kb, low, f.sp, &o, "dysphagia", &p250, &err) == 0);
            CHECK(bont_risk_plan_effect(f.kb, plan, f.sp, &o, "dysphagia", &p1000, &err) == 0);
            CHECK_MSG(p1000 > p250, "1000 U %.3f vs 250 U %.3f", p1000, p250);
        }
        /* Ultrasound keeps the injectate in the SCM: less dysphagia (Muscle Nerve 2012;46:535). */
        bont_plan_t *us = NULL;
        double p_us = 1;
        CHECK(bont_plan_load(f.kb, "tests/spread/dysport_cd_1000_us.json", &us, &err) == 0);
        if (us)
            CHECK(bont_risk_plan_effect(f.kb, us, f.sp, &o, "dysphagia", &p_us, &err) == 0);
        CHECK_MSG(p_us < p1000, "ultrasound %.3f vs unguided %.3f", p_us, p1000);
        bont_plan_free(&us);
        bont_plan_free(&low);
        bont_plan_free(&plan);
        bont_plan_t *dax = plan_one(&f, "daxibotulinumtoxinA", "sternocleidomastoid", "left", 60, 2,
                                    1.2, "emg", -1);
        if (dax) {
            CHECK_INT(bont_risk_plan(f.kb, dax, f.sp, &o, &a, &na, &err), BONT_ERANGE);
            CHECK(a == NULL && na == 0);
        }
        bont_plan_free(&dax);
    }
    teardown(&f);
}

/* bont check shows the risks next to the rule findings; the exit code follows the rules. */
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
    json_t *first = json_array_get(risks, 0);
    CHECK_STR(json_string_value(json_object_get(first, "effect")), "dysphagia");
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
