/* validate_scen.c: the scenarios of `bont validate` (bench/reference/v2/validate.py
 * run_scenario): the Lebeda chains in closed form, concentration targets (baths, rodent
 * injections), plans for the median patient through exposure, and populations with every
 * deviate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate_internal.h"

#define MAX_SESS 16 /* sessions (at_days) of one scenario */

/* ---- Grids, closed forms, sampling -------------------------------------------------------- */

/* Sample times (validate.py's model.grid_times): with spd, steps of 1/spd day and 1/32 day (if
 * finer) for the first day after each session; without (spd 0), the population grid (1/32 day
 * for the first day, 1/8 to day 4, 1/4 to day 10, 1/2 to day 30, then whole days). Never past a
 * session or the end; times rounded to 1/3200 day. */
static int grid_times(double days, const double *sess, size_t n_sess, int spd, double **out,
                      size_t *n_out)
{
    size_t cap = 1024, n = 0;
    double *t = malloc(cap * sizeof *t), now = 0.0;
    if (!t)
        return BONT_ENOMEM;
    t[n++] = 0.0;
    while (now < days - 1e-12) {
        double since = 1e9, next = 1e18;
        for (size_t i = 0; i < n_sess; i++) {
            if (sess[i] <= now + 1e-12 && now - sess[i] < since)
                since = now - sess[i];
            if (sess[i] > now + 1e-12 && sess[i] < next)
                next = sess[i];
        }
        double h;
        if (spd > 0)
            h = since < 1 ? fmin(1.0 / spd, 0.03125) : 1.0 / spd;
        else
            h = since < 1    ? 0.03125
                : since < 4  ? 0.125
                : since < 10 ? 0.25
                : since < 30 ? 0.5
                             : 1.0;
        h = fmin(h, fmin(next - now, days - now));
        now = round((now + h) * 3200.0) / 3200.0;
        if (n == cap) {
            double *g = realloc(t, 2 * cap * sizeof *t);
            if (!g) {
                free(t);
                return BONT_ENOMEM;
            }
            t = g;
            cap *= 2;
        }
        t[n++] = now;
    }
    *out = t;
    *n_out = n - 1;
    return 0;
}

/* The Lebeda chain's last state in closed form (hypoexponential CDF; reference model.md 1.2). */
double bont__val_lebeda_lytic(const bont_params_t *p, double t_days, bool four, double kbulk)
{
    double k[4];
    int m = 0;
    if (four)
        k[m++] = (isnan(kbulk) ? p->k_bulk_per_min : kbulk) * BONT__VAL_MIN_PER_DAY;
    k[m++] = p->k_bind_per_min * BONT__VAL_MIN_PER_DAY;
    k[m++] = p->k_endo_per_min * BONT__VAL_MIN_PER_DAY;
    k[m++] = p->k_transloc_per_min * BONT__VAL_MIN_PER_DAY;
    if (!(t_days > 0))
        return 0.0;
    double s = 0.0;
    for (int i = 0; i < m; i++) {
        double c = 1.0;
        for (int j = 0; j < m; j++)
            if (j != i)
                c *= k[j] / (k[j] - k[i]);
        s += c * exp(-k[i] * t_days);
    }
    return 1.0 - s;
}

/* np.interp: linear between samples, clamped at the ends. */

/* ---- Scenario runs -------------------------------------------------------------------------- */

static int alloc_curves(bont__val_scen_t *sc, size_t n)
{
    sc->n = n;
    sc->effect = calloc(5 * (n + 1), sizeof *sc->effect);
    if (!sc->effect)
        return BONT_ENOMEM;
    sc->cmap = sc->effect + (n + 1);
    sc->release = sc->effect + 2 * (n + 1);
    sc->atrophy = sc->effect + 3 * (n + 1);
    sc->rparent = sc->effect + 4 * (n + 1);
    return 0;
}

static int at_days_of(json_t *a, double *out, size_t *n)
{
    *n = 0;
    if (json_is_array(a) && json_array_size(a) > 0) {
        for (size_t i = 0; i < json_array_size(a) && *n < MAX_SESS; i++)
            out[(*n)++] = json_number_value(json_array_get(a, i));
        return 0;
    }
    out[(*n)++] = 0.0;
    return 0;
}

/* One compartment at concentration c (ona-eq U/mL) and scale at each session, on the times t. */
static int run_compartment(const bont_params_t *p, bont_tissue_t tissue, bont_serotype_t sero,
                           const double *sess, size_t n_sess, double c, double scale,
                           const double *t, size_t n, double *e, double *cm, double *rel,
                           double *atr, double *rp, bont_error_t *err)
{
    bont_dose_t d[MAX_SESS];
    for (size_t i = 0; i < n_sess; i++)
        d[i] = (bont_dose_t){
            .t_days = sess[i], .serotype = sero, .ona_u = c, .conc_u_per_ml = c, .scale = scale};
    bont_target_t tg = {.muscle = "compartment", .tissue = tissue, .volume_ml = 1.0};
    bont_trace_t tr = {.steps_per_day = 1,
                       .n_steps = n,
                       .t_days = t,
                       .effect_frac = e,
                       .cmap_frac = cm,
                       .release_frac = rel,
                       .release_parent = rp,
                       .atrophy_field = atr};
    return bont_model_bont->run(p, &tg, d, n_sess, &tr, err);
}

/* The smallest concentration that blocks `block` of the fibres by `by_day` (bisection in log c,
 * 30 halvings of 8 decades): how the animal datasets define their paralysing doses. */
static int dose_for_block(const bont_params_t *p, bont_tissue_t tissue, bont_serotype_t sero,
                          json_t *dfb, double *c_out, bont_error_t *err)
{
    double by = bont__val_jnum(dfb, "by_day", 2), block = bont__val_jnum(dfb, "block", 0.95),
           zero = 0.0;
    double *t = NULL;
    size_t n = 0;
    int rc = grid_times(by, &zero, 1, 10, &t, &n);
    double *buf = rc ? NULL : malloc(2 * (n + 1) * sizeof *buf);
    if (!buf) {
        free(t);
        return BONT_ENOMEM;
    }
    double lo = -3.0, hi = 5.0;
    for (int it = 0; it < 30 && rc == 0; it++) {
        double mid = 0.5 * (lo + hi);
        rc = run_compartment(p, tissue, sero, &zero, 1, pow(10.0, mid), 1.0, t, n, buf, buf + n + 1,
                             NULL, NULL, NULL, err);
        if (1.0 - buf[n + 1 + n] >= block)
            hi = mid;
        else
            lo = mid;
    }
    *c_out = pow(10.0, hi);
    free(buf);
    free(t);
    return rc;
}

/* Targets with a concentration: notional compartments over the whole structure (baths, rodent
 * injections), weighted by their concentrations. */
static int run_concentrations(const bont__val_ctx_t *cx, const bont_params_t *p, json_t *spec,
                              bont__val_scen_t *sc)
{
    bont_error_t *err = cx->err;
    json_t *targets = json_object_get(spec, "targets");
    int days = (int)bont__val_jnum(spec, "days", 180),
        spd = (int)bont__val_jnum(spec, "steps_per_day", 0);
    double *tmp = NULL, wsum = 0.0;
    int rc = 0;
    for (size_t i = 0; i < json_array_size(targets) && rc == 0; i++) {
        json_t *tg = json_array_get(targets, i);
        /* validate.py: anything but muscle is an autonomic target */
        bont_tissue_t tissue = strcmp(bont__val_jstr(tg, "tissue", "muscle"), "muscle") == 0
                                   ? BONT_TISSUE_MUSCLE
                                   : BONT_TISSUE_AUTONOMIC;
        bont_serotype_t sero;
        if (bont_serotype_parse(bont__val_jstr(tg, "serotype", "A"), &sero) != 0) {
            bont_error_setf(err, "serotype", "scenario %s: unknown serotype", sc->name);
            rc = BONT_EUNKNOWN;
            break;
        }
        double sess[MAX_SESS];
        size_t n_sess;
        at_days_of(json_object_get(tg, "at_days"), sess, &n_sess);
        if (!sc->t) {
            if ((rc = grid_times(days, sess, n_sess, spd, &sc->t, &sc->n)) != 0 ||
                (rc = alloc_curves(sc, sc->n)) != 0)
                break;
            if (!(tmp = malloc(5 * (sc->n + 1) * sizeof *tmp))) {
                rc = BONT_ENOMEM;
                break;
            }
        }
        double c = bont__val_jnum(tg, "concentration_u_per_ml", 1.0);
        json_t *dfb = json_object_get(tg, "dose_for_block");
        if (json_is_object(dfb))
            rc = dose_for_block(p, tissue, sero, dfb, &c, err);
        size_t L = sc->n + 1;
        if (rc == 0)
            rc = run_compartment(p, tissue, sero, sess, n_sess, c, 1.0, sc->t, sc->n, tmp, tmp + L,
                                 tmp + 2 * L, tmp + 3 * L, tmp + 4 * L, err);
        for (size_t k = 0; rc == 0 && k < 5 * L; k++)
            sc->effect[k] += c * tmp[k]; /* the five curves lie one after another */
        wsum += c;
        for (size_t k = 0; k < n_sess; k++)
            sc->last_dose = fmax(sc->last_dose, sess[k]);
    }
    for (size_t k = 0; rc == 0 && sc->effect && k < 5 * (sc->n + 1); k++)
        sc->effect[k] /= wsum;
    free(tmp);
    return rc;
}

bont_side_t bont__val_side_of(const char *s)
{
    return !s                                       ? BONT_SIDE_NONE
           : !strcmp(s, "left") || !strcmp(s, "l")  ? BONT_SIDE_LEFT
           : !strcmp(s, "right") || !strcmp(s, "r") ? BONT_SIDE_RIGHT
                                                    : BONT_SIDE_NONE;
}

static bont_guidance_t guidance_of(const char *g)
{
    return !strcmp(g, "palpation")     ? BONT_GUIDE_PALPATION
           : !strcmp(g, "emg")         ? BONT_GUIDE_EMG
           : !strcmp(g, "stimulation") ? BONT_GUIDE_STIMULATION
           : !strcmp(g, "ultrasound")  ? BONT_GUIDE_ULTRASOUND
                                       : BONT_GUIDE_UNKNOWN;
}

/* The plan of a scenario's targets (validate.py: one product, the first target's). */
static int plan_of(const bont__val_ctx_t *cx, json_t *spec, bont__val_scen_t *sc, bont_plan_t **out)
{
    bont_error_t *err = cx->err;
    json_t *targets = json_object_get(spec, "targets");
    size_t n = json_array_size(targets);
    bont_plan_t *pl = calloc(1, sizeof *pl);
    if (!pl || !(pl->injections = calloc(n ? n : 1, sizeof *pl->injections)) ||
        !(pl->file = strdup("calibration.json"))) {
        bont_plan_free(&pl);
        return BONT_ENOMEM;
    }
    const char *prod = bont__val_jstr(json_array_get(targets, 0), "product", "");
    pl->product = bont_kb_product(cx->kb, prod);
    sc->indication = bont__val_jstr(spec, "indication", "research");
    pl->indication = bont_kb_indication(cx->kb, sc->indication);
    if (pl->indication)
        sc->indication = pl->indication->id;
    int rc = pl->product ? 0 : BONT_EUNKNOWN;
    if (rc)
        bont_error_setf(err, "product", "scenario %s: the kb has no product \"%s\"", sc->name,
                        prod);
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *tg = json_array_get(targets, i);
        bont_injection_t *in = &pl->injections[pl->n_injections++];
        in->muscle = bont_kb_muscle(cx->kb, bont__val_jstr(tg, "muscle", ""));
        if (!in->muscle) {
            bont_error_setf(err, "muscle", "scenario %s: the atlas has no muscle \"%s\"", sc->name,
                            bont__val_jstr(tg, "muscle", ""));
            rc = BONT_EUNKNOWN;
            break;
        }
        in->side = bont__val_side_of(json_string_value(json_object_get(tg, "side")));
        in->units = bont__val_jnum(tg, "units", 0);
        in->sites = (int)bont__val_jnum(tg, "sites", 1);
        in->volume_ml = bont__val_jnum(tg, "volume_ml", 0.1 * (in->sites > 1 ? in->sites : 1));
        in->guidance = guidance_of(bont__val_jstr(tg, "guidance", "unknown"));
        in->endplate_mm = bont__val_jnum(tg, "endplate_mm", -1.0);
    }
    if (rc)
        bont_plan_free(&pl);
    *out = pl;
    return rc;
}

/* A plan for the median patient (exposure and spread without deviates): every structure it
 * reaches, then the dose-weighted means of the injected ones (CMAP over muscles only). */
static int run_median_plan(const bont__val_ctx_t *cx, const bont_params_t *p, json_t *spec,
                           bont__val_scen_t *sc)
{
    bont_error_t *err = cx->err;
    bont_exposure_layout_t *L = NULL;
    double *buf = NULL, *tmp = NULL;
    int rc = plan_of(cx, spec, sc, &sc->plan);
    if (rc == 0)
        rc = bont_exposure_layout_new(sc->plan, cx->sp, p, &L, err);
    if (rc)
        return rc;
    double sess[MAX_SESS];
    size_t n_sess;
    at_days_of(json_object_get(spec, "at_days"), sess, &n_sess);
    for (size_t k = 0; k < n_sess; k++)
        sc->last_dose = fmax(sc->last_dose, sess[k]);
    int days = (int)bont__val_jnum(spec, "days", 180),
        spd = (int)bont__val_jnum(spec, "steps_per_day", 0);
    size_t ns = bont_exposure_n_structs(L);
    const bont_exposure_struct_t *xs = bont_exposure_structs(L);
    if ((rc = grid_times(days + sc->last_dose, sess, n_sess, spd, &sc->t, &sc->n)) != 0 ||
        (rc = alloc_curves(sc, sc->n)) != 0)
        goto cleanup;
    size_t K1 = sc->n + 1;
    buf = malloc(3 * (ns ? ns : 1) * sizeof *buf);
    tmp = malloc(5 * K1 * sizeof *tmp);
    sc->s_effect = calloc(ns * K1 + 1, sizeof *sc->s_effect);
    sc->s_muscle = calloc(ns + 1, sizeof *sc->s_muscle);
    sc->s_side = calloc(ns + 1, sizeof *sc->s_side);
    if (!buf || !tmp || !sc->s_effect || !sc->s_muscle || !sc->s_side) {
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    double *conc = buf, *scale = buf + ns;
    bont_spread_exposure(L, p->field_length_mm, 0.0, NULL, conc, scale, buf + 2 * ns);
    double w = 0.0, wc = 0.0;
    sc->n_struct = ns;
    for (size_t j = 0; j < ns && rc == 0; j++) {
        sc->s_muscle[j] = xs[j].muscle;
        sc->s_side[j] = xs[j].side;
        if (!(conc[j] > 0.0))
            continue;
        rc = run_compartment(p, xs[j].tissue, bont_exposure_serotype(L), sess, n_sess, conc[j],
                             scale[j], sc->t, sc->n, tmp, tmp + K1, tmp + 2 * K1, tmp + 3 * K1,
                             tmp + 4 * K1, err);
        memcpy(sc->s_effect + j * K1, tmp, K1 * sizeof *tmp);
        double wj = xs[j].weight_ona_u;
        if (!(wj > 0.0))
            continue;
        bool junction = bont_tissue_has_junction(xs[j].tissue);
        for (size_t k = 0; k < K1; k++) {
            sc->effect[k] += wj * tmp[k];
            sc->release[k] += wj * tmp[2 * K1 + k];
            sc->atrophy[k] += wj * tmp[3 * K1 + k];
            sc->rparent[k] += wj * tmp[4 * K1 + k];
            if (junction)
                sc->cmap[k] += wj * tmp[K1 + k];
        }
        w += wj;
        wc += junction ? wj : 0.0;
    }
    for (size_t k = 0; rc == 0 && k < K1; k++) {
        sc->effect[k] = w > 0 ? sc->effect[k] / w : NAN;
        sc->release[k] = w > 0 ? sc->release[k] / w : NAN;
        sc->atrophy[k] = w > 0 ? sc->atrophy[k] / w : NAN;
        sc->rparent[k] = w > 0 ? sc->rparent[k] / w : NAN;
        sc->cmap[k] = wc > 0 ? sc->cmap[k] / wc : NAN;
    }
cleanup:
    free(buf);
    free(tmp);
    bont_exposure_layout_free(&L);
    return rc;
}

/* A population: `patients` virtual patients with every deviate and a fixed seed; the peaks of
 * the risks within the risk checks' horizon. */
static int run_population(const bont__val_ctx_t *cx, const bont_params_t *p,
                          const bont__val_ds_t *d, json_t *jd, json_t *spec, bont__val_scen_t *sc)
{
    int rc = plan_of(cx, spec, sc, &sc->plan);
    if (rc)
        return rc;
    int peak_days = 0;
    json_t *checks = json_object_get(jd, "checks");
    for (size_t i = 0; i < json_array_size(checks); i++) {
        json_t *c = json_array_get(checks, i);
        if (!strcmp(bont__val_jstr(c, "scenario", ""), sc->name) &&
            !strcmp(bont__val_jstr(c, "metric", ""), "risk"))
            peak_days = (int)bont__val_jnum(json_object_get(c, "arg"), "days", 0);
    }
    (void)d;
    bont_pop_opts_t o = {.n_patients = (size_t)bont__val_jnum(spec, "patients", 1000),
                         .seed = (uint64_t)bont__val_jnum(spec, "seed", 1),
                         .threads = 0,
                         .days = (int)bont__val_jnum(spec, "days", 180),
                         .params = p,
                         .variability = cx->var,
                         .spread = cx->sp,
                         .thresholds = &cx->thr,
                         .peak_days = peak_days};
    return bont_pop_run(cx->kb, sc->plan, &o, &sc->pop, cx->err);
}

int bont__val_run_scenario(const bont__val_ctx_t *cx, const bont__val_ds_t *d, json_t *jd,
                           bont__val_scen_t *sc)
{
    json_t *spec = sc->spec;
    bont_error_t *err = cx->err;
    const char *model = bont__val_jstr(spec, "model", "bont");
    bont_params_t p = *cx->params;
    json_t *ov = json_object_get(spec, "params");
    sc->kbulk = NAN;
    if (!strcmp(model, "lebeda3") || !strcmp(model, "lebeda4")) {
        /* The published chains in closed form, at steps_per_day (1440: every minute). */
        sc->lebeda = true;
        sc->four = !strcmp(model, "lebeda4");
        sc->kbulk = bont__val_jnum(ov, "k_bulk_per_min", NAN);
        double spd = bont__val_jnum(spec, "steps_per_day", 1440),
               days = bont__val_jnum(spec, "days", 180);
        size_t n = (size_t)(days * spd);
        sc->t = malloc((n + 1) * sizeof *sc->t);
        if (!sc->t || alloc_curves(sc, n))
            return BONT_ENOMEM;
        for (size_t k = 0; k <= n; k++) {
            sc->t[k] = (double)k / spd;
            sc->effect[k] = bont__val_lebeda_lytic(&p, sc->t[k], sc->four, sc->kbulk);
            sc->cmap[k] = sc->release[k] = 1.0 - sc->effect[k];
        }
        return 0;
    }
    if (strcmp(model, "bont") != 0) {
        bont_error_setf(err, "model", "unknown model %s in scenario %s", model, sc->name);
        return BONT_EUNKNOWN;
    }
    if (json_is_object(ov) && strcmp(d->kind, "verification") != 0) {
        bont_error_setf(err, "params",
                        "scenario %s overrides parameters, which only verification datasets "
                        "may do",
                        sc->name);
        return BONT_EKB;
    }
    /* Rodent intramuscular injections move toxin from bulk faster (Lebeda 2008): a property of
     * the preparation, the same for every rodent dataset. */
    if (!strcmp(bont__val_jstr(spec, "uptake", "human"), "rodent"))
        p.k_bulk_per_min = p.k_bulk_rodent_per_min;
    json_t *t0 = json_array_get(json_object_get(spec, "targets"), 0);
    if (!json_object_get(t0, "muscle"))
        return run_concentrations(cx, &p, spec, sc);
    if (bont__val_jnum(spec, "patients", 0) > 0)
        return run_population(cx, &p, d, jd, spec, sc);
    return run_median_plan(cx, &p, spec, sc);
}

void bont__val_scen_free(bont__val_scen_t *s)
{
    free(s->t);
    free(s->effect);
    free(s->s_effect);
    free(s->s_muscle);
    free(s->s_side);
    bont_pop_free(&s->pop);
    bont_plan_free(&s->plan);
}
