/* test_model_diff.c: differential tests of the bont model v2 against the independent Python
 * reference (docs/model.md 12.8): one compartment against LSODA (12.8.1). The reference runs in
 * the test (Debian's python3-scipy, scripts/deps.sh); BONT_DIFF_CASES sets the number of random
 * cases (default 64; the contract's 512 in a full run). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/model.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/spread.h"
#include "reference.h"
#include "test.h"

#define TOL_EFFECT 0.3 /* percentage points, every day (12.8.1) */
#define TOL_DAY    0.2 /* noticeable onset and response duration, days */

static int sero_of(const char *s)
{
    bont_serotype_t v = BONT_SERO_A;
    CHECK_INT(bont_serotype_parse(s, &v), 0);
    return (int)v;
}

static bont_tissue_t tissue_of(const char *s)
{
    for (int t = 0; t < BONT_TISSUE_COUNT; t++)
        if (strcmp(bont_tissue_name((bont_tissue_t)t), s) == 0)
            return (bont_tissue_t)t;
    CHECK_MSG(0, "unknown tissue %s", s);
    return BONT_TISSUE_MUSCLE;
}

/* Compares an optional readout: both null, both "inf", or numbers within tol. */
static bool same_readout(json_t *ref, double c, double tol, double *worst)
{
    if (json_is_null(ref) || !ref)
        return isnan(c);
    if (json_is_string(ref))
        return isinf(c);
    double d = fabs(json_number_value(ref) - c);
    if (d > *worst)
        *worst = d;
    return d <= tol;
}

/* One case: the C model on the simulate grid against the reference's LSODA. */
static void run_case(json_t *cs, int days, size_t i, double *w_eff, double *w_day)
{
    bont_params_t p;
    memset(&p, 0, sizeof p);
    size_t n_tab;
    const bont_param_info_t *tab = bont_params_table(&n_tab);
    json_t *jp = json_object_get(cs, "params");
    for (size_t k = 0; k < n_tab; k++) {
        json_t *v = json_object_get(jp, tab[k].name);
        CHECK_MSG(json_is_number(v), "case %zu: the reference has no %s", i, tab[k].name);
        *bont_params_field(&p, tab[k].name) = json_number_value(v);
    }
    CHECK_INT((int)json_object_size(jp), (int)n_tab); /* the same parameter names on both sides */
    json_t *sess = json_object_get(cs, "sessions");
    size_t n_d = json_array_size(sess);
    bont_dose_t d[2];
    double sd[2];
    for (size_t k = 0; k < n_d && k < 2; k++) {
        json_t *s = json_array_get(sess, k);
        d[k] = (bont_dose_t){
            .t_days = json_number_value(json_object_get(s, "t_days")),
            .serotype = (bont_serotype_t)sero_of(json_string_value(json_object_get(s, "serotype"))),
            .ona_u = 1.0,
            .conc_u_per_ml = json_number_value(json_object_get(s, "conc_u_per_ml")),
            .scale = json_number_value(json_object_get(s, "scale"))};
        sd[k] = d[k].t_days;
    }
    bont_target_t t = {.muscle = "case",
                       .tissue = tissue_of(json_string_value(json_object_get(cs, "tissue"))),
                       .volume_ml = 1.0,
                       .role = "target"};
    double *tt = NULL;
    size_t n = 0;
    CHECK_INT(bont_sim_grid(days, 10, sd, n_d, &tt, &n, NULL), 0);
    double *e = malloc((n + 1) * sizeof *e);
    bont_trace_t tr = {.steps_per_day = 10, .n_steps = n, .t_days = tt, .effect_frac = e};
    CHECK_INT(bont_model_bont->run(&p, &t, d, n_d, &tr, NULL), 0);
    json_t *ref = json_object_get(cs, "effect");
    size_t k = 0;
    for (int day = 0; day <= days; day++) {
        while (k < n && tt[k] < day - 1e-9)
            k++;
        double dd = 100.0 * fabs(e[k] - json_number_value(json_array_get(ref, (size_t)day)));
        if (dd > *w_eff)
            *w_eff = dd;
        CHECK_MSG(dd <= TOL_EFFECT, "case %zu (%s) day %d: C %.3f %%, LSODA %.3f %%", i,
                  bont_tissue_name(t.tissue), day, 100.0 * e[k],
                  100.0 * json_number_value(json_array_get(ref, (size_t)day)));
    }
    bont_readouts_t ro;
    bont_readouts_at(tt, e, n, json_number_value(json_object_get(cs, "t0_day")),
                     json_number_value(json_object_get(cs, "perceptible")),
                     json_number_value(json_object_get(cs, "response")), &ro);
    CHECK_MSG(same_readout(json_object_get(cs, "noticeable_onset_day"), ro.noticeable_onset_day,
                           TOL_DAY, w_day),
              "case %zu: noticeable onset C %g", i, ro.noticeable_onset_day);
    CHECK_MSG(same_readout(json_object_get(cs, "response_duration_days"), ro.response_duration_days,
                           TOL_DAY, w_day),
              "case %zu: response duration C %g", i, ro.response_duration_days);
    free(e);
    free(tt);
}

TEST_TIMEOUT(differential_single_compartment_lsoda, 900)
{
    if (!bont_test_have_scipy())
        return;
    const char *env = getenv("BONT_DIFF_CASES");
    int n_cases = env && atoi(env) > 0 ? atoi(env) : 64;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 bench/reference/diff_single.py --n %d", n_cases);
    json_t *j = bont_test_reference_json(cmd);
    if (!j)
        return;
    int days = (int)json_integer_value(json_object_get(j, "days"));
    json_t *cases = json_object_get(j, "cases");
    CHECK_INT((int)json_array_size(cases), n_cases);
    double w_eff = 0.0, w_day = 0.0;
    for (size_t i = 0; i < json_array_size(cases); i++)
        run_case(json_array_get(cases, i), days, i, &w_eff, &w_day);
    printf("    one compartment against LSODA: %zu cases, %d days; largest difference %.3f points "
           "(effect), %.3f d (noticeable onset, response duration)\n",
           json_array_size(cases), days, w_eff, w_day);
    json_decref(j);
}

/* ---- Exposure (12.8.3) ------------------------------------------------------------------------
 */

#define TOL_EXPOSURE 1e-9 /* relative: closed form on both sides */

static bool close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(fabs(a), fabs(b)) + 1e-300;
}

/* One plan's structures and draws against the reference. */
static void exposure_plan(const bont_kb_t *kb, const bont_spread_t *sp, const bont_params_t *p,
                          json_t *jp, size_t *n_draws, double *worst)
{
    const char *name = json_string_value(json_object_get(jp, "plan"));
    char path[512];
    snprintf(path, sizeof path, "examples/%s", name);
    bont_plan_t *plan = NULL;
    bont_exposure_layout_t *L = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    int rc = bont_plan_load(kb, path, &plan, &err);
    if (rc == 0)
        rc = bont_exposure_layout_new(plan, sp, p, &L, &err);
    if (json_object_get(jp, "skipped")) {
        CHECK_MSG(rc != 0, "%s: the reference skips it (%s), C lays it out", name,
                  json_string_value(json_object_get(jp, "skipped")));
        goto cleanup;
    }
    CHECK_MSG(rc == 0, "%s: %s", name, err.message);
    if (rc)
        goto cleanup;
    json_t *js = json_object_get(jp, "structs");
    size_t ns = bont_exposure_n_structs(L);
    const bont_exposure_struct_t *st = bont_exposure_structs(L);
    CHECK_MSG(json_array_size(js) == ns, "%s: %zu structures, reference %zu", name, ns,
              json_array_size(js));
    if (json_array_size(js) != ns)
        goto cleanup;
    for (size_t k = 0; k < ns; k++) {
        json_t *s = json_array_get(js, k);
        const char *side = st[k].side == BONT_SIDE_NONE ? "midline" : bont_side_name(st[k].side);
        CHECK_STR(st[k].muscle->id, json_string_value(json_object_get(s, "muscle")));
        CHECK_STR(side, json_string_value(json_object_get(s, "side")));
        CHECK(st[k].injected == json_is_true(json_object_get(s, "injected")));
    }
    double *buf = malloc(3 * ns * sizeof *buf + 1), *conc = buf, *scale = buf + ns;
    double *u = malloc((bont_exposure_n_sites(L) + 1) * sizeof *u);
    json_t *med = json_object_get(jp, "median");
    bont_spread_exposure(L, p->field_length_mm, 0.0, NULL, conc, scale, buf + 2 * ns);
    for (size_t k = 0; k < ns; k++) {
        double rc_ = json_number_value(json_array_get(json_object_get(med, "conc"), k));
        double rs = json_number_value(json_array_get(json_object_get(med, "scale"), k));
        CHECK_MSG(close_rel(conc[k], rc_, TOL_EXPOSURE) && close_rel(scale[k], rs, TOL_EXPOSURE),
                  "%s median %s: C %.12g U/mL scale %.12g, reference %.12g, %.12g", name,
                  st[k].muscle->id, conc[k], scale[k], rc_, rs);
    }
    json_t *draws = json_object_get(jp, "draws");
    for (size_t d = 0; d < json_array_size(draws); d++) {
        json_t *dr = json_array_get(draws, d);
        json_t *ju = json_object_get(dr, "u_site");
        CHECK_INT((int)json_array_size(ju), (int)bont_exposure_n_sites(L));
        for (size_t i = 0; i < json_array_size(ju) && i < bont_exposure_n_sites(L); i++)
            u[i] = json_number_value(json_array_get(ju, i));
        bont_spread_exposure(L, json_number_value(json_object_get(dr, "field_mm")),
                             json_number_value(json_object_get(dr, "z_prox")), u, conc, scale,
                             buf + 2 * ns);
        json_t *jc = json_object_get(dr, "conc"), *jsc = json_object_get(dr, "scale");
        for (size_t k = 0; k < ns; k++) {
            double rc_ = json_number_value(json_array_get(jc, k));
            double rs = json_number_value(json_array_get(jsc, k));
            double e = fmax(fabs(conc[k] - rc_) / fmax(fabs(rc_), 1e-300),
                            fabs(scale[k] - rs) / fmax(fabs(rs), 1e-300));
            if (e > *worst && rc_ > 0)
                *worst = e;
            CHECK_MSG(close_rel(conc[k], rc_, TOL_EXPOSURE) &&
                          close_rel(scale[k], rs, TOL_EXPOSURE),
                      "%s draw %zu %s: C %.12g U/mL scale %.12g, reference %.12g, %.12g", name, d,
                      st[k].muscle->id, conc[k], scale[k], rc_, rs);
        }
        (*n_draws)++;
    }
    free(u);
    free(buf);
cleanup:
    bont_exposure_layout_free(&L);
    bont_plan_free(&plan);
}

TEST_TIMEOUT(differential_exposure_with_deviates, 600)
{
    if (!bont_test_have_scipy())
        return;
    const char *env = getenv("BONT_DIFF_DRAWS");
    int draws = env && atoi(env) > 0 ? atoi(env) : 200;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 bench/reference/diff_exposure.py --draws %d",
             draws);
    json_t *j = bont_test_reference_json(cmd);
    bont_kb_t *kb = NULL;
    bont_spread_t *sp = NULL;
    bont_params_t p;
    bont_error_t err;
    if (!j)
        return;
    int rc = bont_kb_load(&kb, &err);
    if (rc == 0)
        rc = bont_spread_load(&sp, &err);
    if (rc == 0)
        rc = bont_params_load(&p, &err);
    CHECK_MSG(rc == 0, "load: %s", err.message);
    size_t n_draws = 0, n_plans = 0;
    double worst = 0.0;
    json_t *plans = json_object_get(j, "plans");
    for (size_t i = 0; rc == 0 && i < json_array_size(plans); i++, n_plans++)
        exposure_plan(kb, sp, &p, json_array_get(plans, i), &n_draws, &worst);
    CHECK(n_plans >= 10);
    printf("    exposure against the reference: %zu plans, %zu draws; largest relative "
           "difference %.2g\n",
           n_plans, n_draws, worst);
    bont_spread_free(&sp);
    bont_kb_free(&kb);
    json_decref(j);
}

/* ---- The risk engine (12.8.5) -----------------------------------------------------------------
 */

/* The C engine (bont simulate --patients, the engine of bont check) against the reference's
 * bont_v2.py patients with different random numbers: each side effect's risk over the
 * structures carrying it differs by no more than the two 95 % intervals' half-widths combined. */
TEST_TIMEOUT(differential_risk_engine, 600)
{
    if (!bont_test_have_scipy())
        return;
    static const char *const plans[] = {"glabellar_lines", "cervical_dystonia", "chronic_migraine",
                                        "forehead_lines"};
    bont_kb_t *kb = NULL;
    bont_spread_t *sp = NULL;
    bont_error_t err;
    int rc = bont_kb_load(&kb, &err);
    if (rc == 0)
        rc = bont_spread_load(&sp, &err);
    CHECK_MSG(rc == 0, "load: %s", err.message);
    size_t compared = 0;
    for (size_t i = 0; rc == 0 && i < sizeof plans / sizeof plans[0]; i++) {
        char cmd[512], path[256];
        snprintf(path, sizeof path, "examples/%s.json", plans[i]);
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 bench/reference/bont_v2.py patients %s --patients %d "
                 "--seed 11 --days %d",
                 path, BONT_RISK_CHECK_PATIENTS, BONT_RISK_HORIZON_DAYS);
        json_t *ref = bont_test_reference_json(cmd);
        bont_plan_t *plan = NULL;
        bont_pop_t *pop = NULL;
        bont_risk_list_t list = {0};
        bont_pop_opts_t o = {.n_patients = BONT_RISK_CHECK_PATIENTS,
                             .seed = BONT_RISK_CHECK_SEED,
                             .days = BONT_RISK_HORIZON_DAYS,
                             .spread = sp};
        int prc = bont_plan_load(kb, path, &plan, &err);
        if (prc == 0)
            prc = bont_pop_run(kb, plan, &o, &pop, &err);
        if (prc == 0)
            prc = bont_pop_risks(pop, &list, &err);
        CHECK_MSG(prc == 0, "%s: %s", plans[i], err.message);
        size_t n = list.n;
        json_t *risks = json_object_get(ref, "risks");
        CHECK_MSG(prc || json_object_size(risks) == n, "%s: %zu side effects, reference %zu",
                  plans[i], n, json_object_size(risks));
        for (size_t k = 0; k < n; k++) {
            const bont_risk_t *r = &list.risks[k].risk;
            json_t *e = json_object_get(risks, r->effect);
            json_t *ci = json_object_get(e, "ci95_pct");
            CHECK_MSG(e != NULL, "%s: %s not in the reference", plans[i], r->effect);
            if (!e)
                continue;
            double p_ref = json_number_value(json_object_get(e, "probability_pct"));
            double h_ref = (json_number_value(json_array_get(ci, 1)) -
                            json_number_value(json_array_get(ci, 0))) /
                           2.0;
            double p_c = 100.0 * r->probability;
            double h_c = 100.0 * (r->ci95_hi - r->ci95_lo) / 2.0;
            CHECK_MSG(fabs(p_c - p_ref) <= h_c + h_ref + 0.01,
                      "%s %s: C %.2f %% (+-%.2f), reference %.2f %% (+-%.2f)", plans[i], r->effect,
                      p_c, h_c, p_ref, h_ref);
            compared++;
        }
        bont_risk_list_clear(&list);
        bont_pop_free(&pop);
        bont_plan_free(&plan);
        json_decref(ref);
    }
    printf("    risk engine against the reference: %zu side-effect risks compared\n", compared);
    bont_spread_free(&sp);
    bont_kb_free(&kb);
}
