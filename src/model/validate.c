/* validate.c: runs the model v2 on every dataset of data/calibration.json and compares each
 * check's observed number with the prediction (docs/validation.md, docs/model.md 12.6). The
 * scenarios and metrics are exactly those of bench/reference/v2/validate.py (run_scenario,
 * metric, population_metric), its oracle. One parameter set for all: the only per-scenario
 * parameter overrides allowed are in verification datasets, whose published table is itself a
 * function of that parameter (Lebeda's kS). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/model.h"
#include "bont/population.h"
#include "bont/spread.h"
#include "kb/datafile.h"
#include "util/text.h"

#define MIN_PER_DAY 1440.0
#define MAX_SESS    16 /* sessions (at_days) of one scenario */

/* Curves of one simulated scenario (fractions on the sample times t), the plan-level ones for a
 * plan: the dose-weighted mean over its injected structures. */
typedef struct scen_t {
    const char *name;
    json_t *spec;                                        /* borrowed from the parsed file */
    int state;                                           /* 0 not run, 1 ok, -1 failed */
    size_t n;                                            /* samples - 1 */
    double *t;                                           /* n + 1 times, days */
    double *effect, *cmap, *release, *atrophy, *rparent; /* n + 1 each, one block (owned) */
    double last_dose;
    bool lebeda, four; /* a Lebeda chain in closed form */
    double kbulk;      /* its kS override, or NAN */
    const char *indication;
    /* A median-patient plan: every reached structure's own effect, n_struct x (n + 1). */
    size_t n_struct;
    const bont_muscle_t **s_muscle;
    bont_side_t *s_side;
    double *s_effect;
    /* A population scenario. */
    bont_pop_t *pop;
    bont_plan_t *plan;
} scen_t;

typedef struct ds_priv_t {
    scen_t *scen;
    size_t n_scen;
    double time_unit; /* unit of time-valued arguments and results per day (1 or 1440) */
    const char *plot; /* quantity plotted: effect, tension, cmap_decrement, release, atrophy */
    const char *kind;
} ds_priv_t;

typedef struct priv_t {
    json_t *root;
    ds_priv_t *ds;
} priv_t;

typedef struct ctx_t {
    const bont_kb_t *kb;
    const bont_params_t *params;
    const bont_spread_t *sp;
    const bont_variability_t *var;
    bont_readout_thresholds_t thr;
    bont_error_t *err;
} ctx_t;

const char *bont_val_status_name(bont_val_status_t s)
{
    static const char *const names[] = {"PASS", "FAIL", "shown", "input", "not modelled"};
    return (unsigned)s <= BONT_VAL_NOT_MODELLED ? names[s] : "?";
}

static const char *jstr(json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : dflt;
}

static double jnum(json_t *o, const char *key, double dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

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
static double lebeda_lytic(const bont_params_t *p, double t_days, bool four, double kbulk)
{
    double k[4];
    int m = 0;
    if (four)
        k[m++] = (isnan(kbulk) ? p->k_bulk_per_min : kbulk) * MIN_PER_DAY;
    k[m++] = p->k_bind_per_min * MIN_PER_DAY;
    k[m++] = p->k_endo_per_min * MIN_PER_DAY;
    k[m++] = p->k_transloc_per_min * MIN_PER_DAY;
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
static double interp(const double *t, const double *y, size_t n, double x)
{
    if (!(x > t[0]))
        return y[0];
    if (x >= t[n])
        return y[n];
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return y[lo] + (x - t[lo]) / (t[hi] - t[lo]) * (y[hi] - y[lo]);
}

/* validate.py _crossing: first sample from k0 where y reaches level (up) or falls below it,
 * interpolated; NAN if never. */
static double crossing(const double *t, const double *y, size_t n, size_t k0, double level, bool up)
{
    for (size_t k = k0; k <= n; k++) {
        bool hit = up ? y[k] >= level : y[k] < level;
        if (hit) {
            if (k == k0)
                return t[k];
            double f = (level - y[k - 1]) / (y[k] - y[k - 1]);
            return t[k - 1] + f * (t[k] - t[k - 1]);
        }
    }
    return NAN;
}

/* np.searchsorted(t, x, side="left"). */
static size_t search(const double *t, size_t n, double x)
{
    size_t k = 0;
    while (k <= n && t[k] < x)
        k++;
    return k > n ? n : k;
}

/* Index of the largest (or smallest) value from k0, NANs skipped (np.nanargmax). */
static size_t argext(const double *y, size_t n, size_t k0, bool smallest)
{
    size_t best = (size_t)-1;
    for (size_t k = k0; k <= n; k++) {
        if (isnan(y[k]))
            continue;
        if (best == (size_t)-1 || (smallest ? y[k] < y[best] : y[k] > y[best]))
            best = k;
    }
    return best == (size_t)-1 ? k0 : best;
}

/* ---- Scenario runs -------------------------------------------------------------------------- */

static int alloc_curves(scen_t *sc, size_t n)
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
    double by = jnum(dfb, "by_day", 2), block = jnum(dfb, "block", 0.95), zero = 0.0;
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
static int run_concentrations(const ctx_t *cx, const bont_params_t *p, json_t *spec, scen_t *sc)
{
    bont_error_t *err = cx->err;
    json_t *targets = json_object_get(spec, "targets");
    int days = (int)jnum(spec, "days", 180), spd = (int)jnum(spec, "steps_per_day", 0);
    double *tmp = NULL, wsum = 0.0;
    int rc = 0;
    for (size_t i = 0; i < json_array_size(targets) && rc == 0; i++) {
        json_t *tg = json_array_get(targets, i);
        /* validate.py: anything but muscle is an autonomic target */
        bont_tissue_t tissue = strcmp(jstr(tg, "tissue", "muscle"), "muscle") == 0
                                   ? BONT_TISSUE_MUSCLE
                                   : BONT_TISSUE_AUTONOMIC;
        bont_serotype_t sero;
        if (bont_serotype_parse(jstr(tg, "serotype", "A"), &sero) != 0) {
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
        double c = jnum(tg, "concentration_u_per_ml", 1.0);
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

static bont_side_t side_of(const char *s)
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
static int plan_of(const ctx_t *cx, json_t *spec, scen_t *sc, bont_plan_t **out)
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
    const char *prod = jstr(json_array_get(targets, 0), "product", "");
    pl->product = bont_kb_product(cx->kb, prod);
    sc->indication = jstr(spec, "indication", "research");
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
        in->muscle = bont_kb_muscle(cx->kb, jstr(tg, "muscle", ""));
        if (!in->muscle) {
            bont_error_setf(err, "muscle", "scenario %s: the atlas has no muscle \"%s\"", sc->name,
                            jstr(tg, "muscle", ""));
            rc = BONT_EUNKNOWN;
            break;
        }
        in->side = side_of(json_string_value(json_object_get(tg, "side")));
        in->units = jnum(tg, "units", 0);
        in->sites = (int)jnum(tg, "sites", 1);
        in->volume_ml = jnum(tg, "volume_ml", 0.1 * (in->sites > 1 ? in->sites : 1));
        in->guidance = guidance_of(jstr(tg, "guidance", "unknown"));
        in->endplate_mm = jnum(tg, "endplate_mm", -1.0);
    }
    if (rc)
        bont_plan_free(&pl);
    *out = pl;
    return rc;
}

/* A plan for the median patient (exposure and spread without deviates): every structure it
 * reaches, then the dose-weighted means of the injected ones (CMAP over muscles only). */
static int run_median_plan(const ctx_t *cx, const bont_params_t *p, json_t *spec, scen_t *sc)
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
    int days = (int)jnum(spec, "days", 180), spd = (int)jnum(spec, "steps_per_day", 0);
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
static int run_population(const ctx_t *cx, const bont_params_t *p, const ds_priv_t *d, json_t *jd,
                          json_t *spec, scen_t *sc)
{
    int rc = plan_of(cx, spec, sc, &sc->plan);
    if (rc)
        return rc;
    int peak_days = 0;
    json_t *checks = json_object_get(jd, "checks");
    for (size_t i = 0; i < json_array_size(checks); i++) {
        json_t *c = json_array_get(checks, i);
        if (!strcmp(jstr(c, "scenario", ""), sc->name) && !strcmp(jstr(c, "metric", ""), "risk"))
            peak_days = (int)jnum(json_object_get(c, "arg"), "days", 0);
    }
    (void)d;
    bont_pop_opts_t o = {.n_patients = (size_t)jnum(spec, "patients", 1000),
                         .seed = (uint64_t)jnum(spec, "seed", 1),
                         .threads = 0,
                         .days = (int)jnum(spec, "days", 180),
                         .params = p,
                         .variability = cx->var,
                         .spread = cx->sp,
                         .thresholds = &cx->thr,
                         .peak_days = peak_days};
    return bont_pop_run(cx->kb, sc->plan, &o, &sc->pop, cx->err);
}

static int run_scenario(const ctx_t *cx, const ds_priv_t *d, json_t *jd, scen_t *sc)
{
    json_t *spec = sc->spec;
    bont_error_t *err = cx->err;
    const char *model = jstr(spec, "model", "bont");
    bont_params_t p = *cx->params;
    json_t *ov = json_object_get(spec, "params");
    sc->kbulk = NAN;
    if (!strcmp(model, "lebeda3") || !strcmp(model, "lebeda4")) {
        /* The published chains in closed form, at steps_per_day (1440: every minute). */
        sc->lebeda = true;
        sc->four = !strcmp(model, "lebeda4");
        sc->kbulk = jnum(ov, "k_bulk_per_min", NAN);
        double spd = jnum(spec, "steps_per_day", 1440), days = jnum(spec, "days", 180);
        size_t n = (size_t)(days * spd);
        sc->t = malloc((n + 1) * sizeof *sc->t);
        if (!sc->t || alloc_curves(sc, n))
            return BONT_ENOMEM;
        for (size_t k = 0; k <= n; k++) {
            sc->t[k] = (double)k / spd;
            sc->effect[k] = lebeda_lytic(&p, sc->t[k], sc->four, sc->kbulk);
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
    if (!strcmp(jstr(spec, "uptake", "human"), "rodent"))
        p.k_bulk_per_min = p.k_bulk_rodent_per_min;
    json_t *t0 = json_array_get(json_object_get(spec, "targets"), 0);
    if (!json_object_get(t0, "muscle"))
        return run_concentrations(cx, &p, spec, sc);
    if (jnum(spec, "patients", 0) > 0)
        return run_population(cx, &p, d, jd, spec, sc);
    return run_median_plan(cx, &p, spec, sc);
}

/* ---- Metrics -------------------------------------------------------------------------------- */

/* Percentile q (0..1) of the n sorted values, numpy's linear interpolation. */
static double pct_sorted(const double *x, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos), hi = lo + 1 < n ? lo + 1 : lo;
    double f = pos - (double)lo;
    if (f == 0.0 || x[lo] == x[hi])
        return x[lo];
    return x[lo] + f * (x[hi] - x[lo]);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The n values of a per-patient readout, NAN mapped to nan_as (or dropped when nan_as is NAN),
 * infinities dropped when drop_inf, sorted; *m receives how many. */
static double *values_of(const float *v, size_t n, double nan_as, bool drop_inf, size_t *m)
{
    double *x = malloc((n ? n : 1) * sizeof *x);
    *m = 0;
    for (size_t i = 0; x && i < n; i++) {
        double y = v[i];
        if (isnan(y))
            y = nan_as;
        if (isnan(y) || (drop_inf && isinf(y)))
            continue;
        x[(*m)++] = y;
    }
    if (x)
        qsort(x, *m, sizeof *x, cmp_dbl);
    return x;
}

static double mean_sd(const double *x, size_t n, double *sd)
{
    double m = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++)
        m += x[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m) / (double)n; /* np.std: population SD */
    *sd = sqrt(s);
    return n ? m : NAN;
}

/* Does structure (m, side) of a population carry side effect `effect` and was it not injected? */
static bool carries(const bont_kb_t *kb, const bont_pop_result_t *r, const char *effect)
{
    const bont_muscle_t *m = bont_kb_muscle(kb, r->target.muscle);
    return m && m->side_effect && !strcmp(m->side_effect, effect) &&
           strcmp(r->target.role, "spread") == 0;
}

static bool named(json_t *muscles, const char *id)
{
    for (size_t i = 0; i < json_array_size(muscles); i++)
        if (!strcmp(json_string_value(json_array_get(muscles, i)), id))
            return true;
    return false;
}

static double population_metric(const ctx_t *cx, const scen_t *sc, const char *name, json_t *arg)
{
    const bont_pop_t *pop = sc->pop;
    size_t n = bont_pop_n_patients(pop);
    const bont_pop_plan_t *pl = bont_pop_plan(pop);
    if (!pl)
        return NAN;
    double placebo = jnum(arg, "placebo_pct", 0.0) / 100.0;
    if (!strcmp(name, "risk")) {
        const char *effect = jstr(arg, "effect", "");
        double thr = bont_spread_threshold_pct(cx->sp, effect);
        size_t hit = 0;
        for (size_t p = 0; p < n; p++) {
            bool any = false;
            for (size_t i = 0; i < bont_pop_n_results(pop) && !any; i++) {
                const bont_pop_result_t *r = bont_pop_result(pop, i);
                any = carries(cx->kb, r, effect) && r->peak_effect_pct[p] >= thr;
            }
            hit += any;
        }
        return 100.0 * (1.0 - (1.0 - placebo) * (1.0 - (double)hit / (double)n));
    }
    if (!strcmp(name, "responders_at")) {
        double day = jnum(arg, "day", NAN);
        if (json_object_get(arg, "threshold_pct"))
            return NAN; /* the engine counts responders at the indication's threshold only */
        int days = bont_pop_days(pop);
        if (!(day >= 0) || day > days)
            return NAN;
        size_t d = (size_t)floor(day);
        double f = day - (double)d;
        double r = d < (size_t)days ? pl->responders[d] * (1 - f) + pl->responders[d + 1] * f
                                    : pl->responders[d];
        return 100.0 * r;
    }
    if (!strcmp(name, "mean_struct_peak")) {
        json_t *muscles = json_object_get(arg, "muscles");
        double sum = 0.0;
        size_t m = 0;
        for (size_t i = 0; i < bont_pop_n_results(pop); i++) {
            const bont_pop_result_t *r = bont_pop_result(pop, i);
            if (!named(muscles, r->target.muscle))
                continue;
            for (size_t p = 0; p < n; p++)
                sum += r->peak_effect_pct[p];
            m += n;
        }
        return m ? sum / (double)m : NAN;
    }
    const float *on = bont_pop_patient_plan_readouts(pop, BONT_POP_NOTICEABLE_ONSET);
    const float *rd = bont_pop_patient_plan_readouts(pop, BONT_POP_RESPONSE_DURATION);
    const float *du = bont_pop_patient_plan_readouts(pop, BONT_POP_PLAN_DURATION);
    const float *pk = bont_pop_patient_plan_readouts(pop, BONT_POP_PLAN_PEAK);
    double out = NAN, sd = NAN;
    size_t m = 0;
    double *x = NULL;
    if (!strcmp(name, "noticeable_share_by")) {
        double day = jnum(arg, "day", NAN);
        size_t k = 0;
        for (size_t p = 0; p < n; p++)
            k += !isnan(on[p]) && on[p] <= day;
        return 100.0 * (1.0 - (1.0 - placebo) * (1.0 - (double)k / (double)n));
    }
    if (!strcmp(name, "median_noticeable_onset") || !strcmp(name, "onset_iqr_ratio")) {
        x = values_of(on, n, INFINITY, false, &m);
        if (x && !strcmp(name, "median_noticeable_onset"))
            out = pct_sorted(x, m, 0.5);
        else if (x)
            out = pct_sorted(x, m, 0.75) / pct_sorted(x, m, 0.25);
    } else if (!strcmp(name, "mean_noticeable_onset")) {
        x = values_of(on, n, NAN, true, &m);
        out = x ? mean_sd(x, m, &sd) : NAN;
    } else if (!strcmp(name, "median_duration_days") || !strcmp(name, "duration_cv")) {
        x = values_of(du, n, NAN, true, &m);
        double mu = x ? mean_sd(x, m, &sd) : NAN;
        out = !x ? NAN : !strcmp(name, "median_duration_days") ? pct_sorted(x, m, 0.5) : sd / mu;
    } else if (!strcmp(name, "median_response_duration")) {
        x = values_of(rd, n, NAN, false, &m);
        out = x ? pct_sorted(x, m, 0.5) : NAN;
    } else if (!strcmp(name, "response_duration_cv")) {
        x = values_of(rd, n, NAN, true, &m);
        double mu = x ? mean_sd(x, m, &sd) : NAN;
        out = sd / mu;
    } else if (!strcmp(name, "peak_effect")) {
        x = values_of(pk, n, NAN, false, &m);
        out = x ? pct_sorted(x, m, 0.5) : NAN;
    }
    free(x);
    return out;
}

/* The classic and clinical readouts of a curve from t0 (readouts.py: classic rounds the peak day
 * to a whole day). */
static void readouts_of(const ctx_t *cx, const scen_t *sc, const double *y, double t0,
                        double thr_resp_pct, bont_readouts_t *ro)
{
    bont_readouts_at(sc->t, y, sc->n, t0, cx->thr.perceptible_pct / 100.0, thr_resp_pct / 100.0,
                     ro);
    ro->peak_day = floor(ro->peak_day + 0.5);
}

/* The structure (muscle, side: any side when absent) of a median-patient plan, or NULL. */
static const double *struct_curve(const scen_t *sc, json_t *arg)
{
    const char *m = jstr(arg, "muscle", ""), *side = jstr(arg, "side", NULL);
    for (size_t j = 0; j < sc->n_struct; j++)
        if (!strcmp(sc->s_muscle[j]->id, m) && (!side || sc->s_side[j] == side_of(side)))
            return sc->s_effect + j * (sc->n + 1);
    return NULL;
}

static double lebeda_time_to(const bont_params_t *p, const scen_t *sc, double frac)
{
    double lo = 1e-9, hi = 60.0;
    if (lebeda_lytic(p, hi, sc->four, sc->kbulk) < frac)
        return NAN;
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (lebeda_lytic(p, mid, sc->four, sc->kbulk) < frac)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static double metric(const ctx_t *cx, const ds_priv_t *d, const scen_t *s, const char *name,
                     json_t *arg)
{
    const bont_params_t *P = cx->params;
    double tu = d->time_unit;
    if (!s) {
        if (!strcmp(name, "param") || !strcmp(name, "param_half_time")) {
            bont_params_t p = *P;
            double *f = bont_params_field(&p, jstr(arg, "name", ""));
            if (!f)
                return NAN;
            return !strcmp(name, "param") ? *f : M_LN2 / *f;
        }
        if (!strcmp(name, "param_cleaved_ratio_at_median")) {
            double s_med = pow(P->safety_factor_median, -1.0 / P->snare_coop);
            return (1.0 - s_med) / s_med;
        }
        if (!strcmp(name, "product_ratio")) {
            const bont_product_t *pr = bont_kb_product(cx->kb, jstr(arg, "product", ""));
            return pr && pr->ratio_min > 0 ? sqrt(pr->ratio_min * pr->ratio_max) : NAN;
        }
        return NAN;
    }
    const double *t = s->t, *e = s->effect;
    size_t n = s->n;
    double day = jnum(arg, "day", NAN), frac = jnum(arg, "fraction", NAN);
    if (!strcmp(name, "time_to_effect"))
        return (s->lebeda ? lebeda_time_to(P, s, frac) : crossing(t, e, n, 0, frac, true)) * tu;
    if (!strcmp(name, "tension_frac_at")) {
        double tt = jnum(arg, "t", NAN) / tu;
        return 1.0 - (s->lebeda ? lebeda_lytic(P, tt, s->four, s->kbulk) : interp(t, e, n, tt));
    }
    if (s->pop)
        return population_metric(cx, s, name, arg);
    double resp = jnum(arg, "threshold_pct", bont_readout_response_pct(&cx->thr, s->indication));
    bont_readouts_t ro;
    if (!strcmp(name, "tension_at"))
        return 100.0 * (1.0 - interp(t, e, n, day));
    if (!strcmp(name, "effect_at"))
        return 100.0 * interp(t, e, n, day);
    if (!strcmp(name, "cmap_decrement_at"))
        return 100.0 * (1.0 - interp(t, s->cmap, n, day));
    if (!strcmp(name, "time_to_cmap_decrement_h")) {
        double *dec = malloc((n + 1) * sizeof *dec);
        if (!dec)
            return NAN;
        for (size_t k = 0; k <= n; k++)
            dec[k] = 1.0 - s->cmap[k];
        double c = crossing(t, dec, n, 0, jnum(arg, "level_pct", NAN) / 100.0, true);
        free(dec);
        return 24.0 * (c - s->last_dose);
    }
    if (!strcmp(name, "atrophy_at") || !strcmp(name, "atrophy_field_at"))
        return 100.0 * interp(t, s->atrophy, n, day);
    if (!strcmp(name, "atrophy_field_ratio"))
        return interp(t, s->atrophy, n, day) / interp(t, s->atrophy, n, jnum(arg, "ref_day", NAN));
    if (!strcmp(name, "effect_rel_at"))
        return interp(t, e, n, day) / interp(t, e, n, jnum(arg, "ref_day", NAN));
    if (!strcmp(name, "effect_rel_peak_at"))
        return interp(t, e, n, day) / e[argext(e, n, 0, false)];
    if (!strcmp(name, "cmap_decrement_rel_peak_at"))
        return (1.0 - interp(t, s->cmap, n, day)) / (1.0 - s->cmap[argext(s->cmap, n, 0, true)]);
    if (!strcmp(name, "peak_effect"))
        return 100.0 * e[argext(e, n, 0, false)];
    if (!strcmp(name, "peak_cmap_decrement"))
        return 100.0 * (1.0 - s->cmap[argext(s->cmap, n, 0, true)]);
    if (!strcmp(name, "peak_cmap_day")) {
        size_t k = argext(s->cmap, n, search(t, n, s->last_dose), true);
        return floor(t[k] - s->last_dose + 0.5);
    }
    if (!strcmp(name, "effect_rel_max_visit")) {
        json_t *visits = json_object_get(arg, "visits");
        double best = -INFINITY;
        for (size_t i = 0; i < json_array_size(visits); i++)
            best = fmax(best, interp(t, e, n, json_number_value(json_array_get(visits, i))));
        return interp(t, e, n, day) / best;
    }
    if (!strcmp(name, "mean_effect_between")) {
        double a = jnum(arg, "start", 0), b = jnum(arg, "end", 0), sum = 0.0;
        int m = 0;
        for (double x = a; x <= b; x += 1.0, m++)
            sum += interp(t, e, n, x);
        return m ? 100.0 * sum / m : NAN;
    }
    if (!strcmp(name, "onset_day") || !strcmp(name, "peak_day") || !strcmp(name, "duration_days") ||
        !strcmp(name, "duration_weeks")) {
        readouts_of(cx, s, e, s->last_dose, resp, &ro);
        if (!strcmp(name, "onset_day"))
            return ro.onset_day;
        if (!strcmp(name, "peak_day"))
            return ro.peak_day;
        return !strcmp(name, "duration_days") ? ro.duration_days : ro.duration_days / 7.0;
    }
    if (!strcmp(name, "noticeable_onset_day") || !strcmp(name, "response_duration_days")) {
        readouts_of(cx, s, e, s->last_dose, resp, &ro);
        return !strcmp(name, "noticeable_onset_day") ? ro.noticeable_onset_day
                                                     : ro.response_duration_days;
    }
    if (!strcmp(name, "force_recovery_day")) {
        size_t kp = argext(e, n, search(t, n, s->last_dose), false);
        return crossing(t, e, n, kp, 1.0 - frac, false) - s->last_dose;
    }
    if (!strcmp(name, "release_recovery_week") || !strcmp(name, "parent_release_recovery_week")) {
        const double *y = !strcmp(name, "release_recovery_week") ? s->release : s->rparent;
        size_t km = argext(y, n, search(t, n, s->last_dose), true);
        return (crossing(t, y, n, km, frac, true) - s->last_dose) / 7.0;
    }
    if (!strcmp(name, "struct_peak_effect") || !strcmp(name, "struct_effect_at") ||
        !strcmp(name, "struct_half_peak_day")) {
        const double *y = struct_curve(s, arg);
        if (!y)
            return NAN;
        if (!strcmp(name, "struct_peak_effect"))
            return 100.0 * y[argext(y, n, 0, false)];
        if (!strcmp(name, "struct_effect_at"))
            return 100.0 * interp(t, y, n, day);
        readouts_of(cx, s, y, 0.0, resp, &ro);
        return ro.duration_days;
    }
    return NAN;
}

/* ---- The run -------------------------------------------------------------------------------- */

static void observed_range(json_t *obs, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (json_is_number(obs)) {
        *lo = *hi = json_number_value(obs);
    } else if (json_is_array(obs) && json_array_size(obs) == 2) {
        *lo = json_number_value(json_array_get(obs, 0));
        *hi = json_number_value(json_array_get(obs, 1));
    }
}

static int parse_status(const char *s, bont_val_status_t *out)
{
    if (!strcmp(s, "scored"))
        *out = BONT_VAL_PASS;
    else if (!strcmp(s, "shown"))
        *out = BONT_VAL_SHOWN;
    else if (!strcmp(s, "input"))
        *out = BONT_VAL_INPUT;
    else if (!strcmp(s, "not_modelled"))
        *out = BONT_VAL_NOT_MODELLED;
    else
        return BONT_EPARSE;
    return 0;
}

/* Compares a computed check with its observed range and counts it (validate.py run_dataset). */
static void score(bont_val_dataset_t *out, bont_val_check_t *c, double *sum2, int *n2)
{
    double lo = c->observed_lo, hi = c->observed_hi, p = c->predicted;
    if (isfinite(p) && isfinite(lo))
        c->error = p < lo ? p - lo : p > hi ? p - hi : 0.0;
    else if (isinf(p) && isfinite(lo))
        c->error = p;
    if (c->status != BONT_VAL_PASS)
        return;
    double tol = isfinite(c->tolerance) ? c->tolerance : 0.0;
    bool ok = isfinite(c->error) && fabs(c->error) <= tol * (1 + 1e-9) + 1e-12;
    c->status = ok ? BONT_VAL_PASS : BONT_VAL_FAIL;
    if (ok)
        out->n_pass++;
    else
        out->n_fail++;
    if (tol > 0 && isfinite(c->error)) {
        *sum2 += (c->error / tol) * (c->error / tol);
        (*n2)++;
    }
}

static int run_dataset(const ctx_t *cx, json_t *jd, bont_val_dataset_t *out, ds_priv_t *d)
{
    bont_error_t *err = cx->err;
    out->id = jstr(jd, "id", "?");
    out->file = jstr(jd, "file", "");
    out->source = jstr(jd, "source", "");
    out->species = jstr(jd, "species", "");
    out->summary = jstr(jd, "summary", "");
    d->kind = jstr(jd, "kind", "");
    d->plot = jstr(jd, "plot", "effect");
    d->time_unit = !strcmp(jstr(jd, "time_unit", "d"), "min") ? MIN_PER_DAY : 1.0;
    json_t *scen = json_object_get(jd, "scenarios");
    d->n_scen = json_is_object(scen) ? json_object_size(scen) : 0;
    d->scen = calloc(d->n_scen ? d->n_scen : 1, sizeof *d->scen);
    json_t *checks = json_object_get(jd, "checks");
    out->n_checks = json_array_size(checks);
    out->checks = calloc(out->n_checks ? out->n_checks : 1, sizeof *out->checks);
    if (!d->scen || !out->checks)
        return BONT_ENOMEM;
    size_t k = 0;
    const char *key;
    json_t *v;
    json_object_foreach(scen, key, v)
    {
        d->scen[k].name = key;
        d->scen[k++].spec = v;
    }
    double sum2 = 0.0;
    int n2 = 0;
    for (size_t i = 0; i < out->n_checks; i++) {
        json_t *jc = json_array_get(checks, i);
        bont_val_check_t *c = &out->checks[i];
        c->id = jstr(jc, "id", "?");
        c->label = jstr(jc, "label", "");
        c->unit = jstr(jc, "unit", "");
        c->note = jstr(jc, "note", "");
        c->tolerance = jnum(jc, "tolerance", NAN);
        c->predicted = c->error = NAN;
        observed_range(json_object_get(jc, "observed"), &c->observed_lo, &c->observed_hi);
        if (parse_status(jstr(jc, "status", ""), &c->status) != 0) {
            bont_error_setf(err, c->id, "dataset %s: unknown status", out->id);
            return BONT_EPARSE;
        }
        const char *mname = jstr(jc, "metric", NULL);
        const char *sname = jstr(jc, "scenario", NULL);
        if (!mname || !strcmp(mname, "ratio_of"))
            continue; /* ratios in a second pass, once the checks they divide are computed */
        scen_t *s = NULL;
        for (size_t j = 0; sname && j < d->n_scen; j++)
            if (!strcmp(d->scen[j].name, sname))
                s = &d->scen[j];
        if (sname && !s) {
            bont_error_setf(err, c->id, "dataset %s: no scenario \"%s\"", out->id, sname);
            return BONT_EKB;
        }
        if (s && s->state == 0) {
            int rc = run_scenario(cx, d, jd, s);
            s->state = rc ? -1 : 1;
            if (rc) {
                if (err)
                    snprintf(err->field, sizeof err->field, "%s/%s", out->id, s->name);
                return rc;
            }
        }
        c->predicted = metric(cx, d, s, mname, json_object_get(jc, "arg"));
    }
    for (size_t i = 0; i < out->n_checks; i++) {
        json_t *jc = json_array_get(checks, i);
        bont_val_check_t *c = &out->checks[i];
        const char *mname = jstr(jc, "metric", NULL);
        if (mname && !strcmp(mname, "ratio_of")) {
            json_t *arg = json_object_get(jc, "arg");
            const char *num = jstr(arg, "num", ""), *den = jstr(arg, "den", "");
            double a = NAN, b = NAN;
            for (size_t j = 0; j < out->n_checks; j++) {
                if (!strcmp(out->checks[j].id, num))
                    a = out->checks[j].predicted;
                if (!strcmp(out->checks[j].id, den))
                    b = out->checks[j].predicted;
            }
            c->predicted = b != 0.0 ? a / b : NAN;
        }
        score(out, c, &sum2, &n2);
    }
    out->rms_norm_error = n2 ? sqrt(sum2 / n2) : NAN;
    return 0;
}

static void scen_free(scen_t *s)
{
    free(s->t);
    free(s->effect);
    free(s->s_effect);
    free(s->s_muscle);
    free(s->s_side);
    bont_pop_free(&s->pop);
    bont_plan_free(&s->plan);
}

int bont_validation_run(const bont_kb_t *kb, const bont_params_t *params,
                        const char *calibration_path, bont_validation_t **out, bont_error_t *err)
{
    *out = NULL;
    json_t *root = NULL;
    bont_spread_t *sp = NULL;
    bont_variability_t *var = NULL;
    ctx_t cx = {.kb = kb, .params = params, .err = err};
    int rc = calibration_path ? bont__data_file(calibration_path, &root, err)
                              : bont__data_embedded("calibration.json", &root, err);
    if (rc == 0)
        rc = bont_spread_load(&sp, err);
    if (rc == 0)
        rc = bont_variability_load(&var, err);
    if (rc == 0)
        rc = bont_readout_thresholds_load(&cx.thr, err);
    bont_validation_t *v = rc ? NULL : calloc(1, sizeof *v);
    priv_t *pv = rc ? NULL : calloc(1, sizeof *pv);
    json_t *arr = json_object_get(root, "datasets");
    size_t n = json_array_size(arr);
    if (v && pv) {
        v->datasets = calloc(n ? n : 1, sizeof *v->datasets);
        pv->ds = calloc(n ? n : 1, sizeof *pv->ds);
    }
    if (rc == 0 && (!v || !pv || !v->datasets || !pv->ds)) {
        bont_error_setf(err, NULL, "out of memory");
        rc = BONT_ENOMEM;
    }
    if (rc) {
        if (v)
            free(v->datasets);
        free(v);
        if (pv)
            free(pv->ds);
        free(pv);
        json_decref(root);
        bont_spread_free(&sp);
        bont_variability_free(&var);
        return rc;
    }
    pv->root = root;
    v->priv_ = pv;
    v->n_datasets = n;
    cx.sp = sp;
    cx.var = var;
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = run_dataset(&cx, json_array_get(arr, i), &v->datasets[i], &pv->ds[i]);
        v->n_pass += v->datasets[i].n_pass;
        v->n_fail += v->datasets[i].n_fail;
        for (size_t j = 0; j < v->datasets[i].n_checks; j++)
            v->n_shown += v->datasets[i].checks[j].status == BONT_VAL_SHOWN;
        /* The populations are read by their checks only: free them now. */
        for (size_t j = 0; j < pv->ds[i].n_scen; j++) {
            bont_pop_free(&pv->ds[i].scen[j].pop);
            bont_plan_free(&pv->ds[i].scen[j].plan);
        }
    }
    bont_spread_free(&sp);
    bont_variability_free(&var);
    if (rc) {
        bont_validation_free(&v);
        return rc;
    }
    *out = v;
    return 0;
}

void bont_validation_free(bont_validation_t **vp)
{
    if (!vp || !*vp)
        return;
    bont_validation_t *v = *vp;
    priv_t *pv = v->priv_;
    for (size_t i = 0; i < v->n_datasets; i++) {
        free(v->datasets[i].checks);
        if (pv && pv->ds) {
            for (size_t j = 0; j < pv->ds[i].n_scen; j++)
                scen_free(&pv->ds[i].scen[j]);
            free(pv->ds[i].scen);
        }
    }
    if (pv) {
        free(pv->ds);
        json_decref(pv->root);
        free(pv);
    }
    free(v->datasets);
    free(v);
    *vp = NULL;
}

/* ---- Plot data ------------------------------------------------------------------------------ */

static double plotted(const ds_priv_t *d, const scen_t *s, size_t k)
{
    if (!strcmp(d->plot, "tension"))
        return 100.0 * (1.0 - s->effect[k]);
    if (!strcmp(d->plot, "cmap_decrement"))
        return 100.0 * (1.0 - s->cmap[k]);
    if (!strcmp(d->plot, "release"))
        return 100.0 * s->release[k];
    if (!strcmp(d->plot, "atrophy"))
        return 100.0 * s->atrophy[k];
    return 100.0 * s->effect[k];
}

/* The metric whose observed value can be drawn on the plotted quantity at a time. */
static bool drawable(const ds_priv_t *d, json_t *jc, double *t)
{
    const char *m = jstr(jc, "metric", "");
    json_t *arg = json_object_get(jc, "arg");
    *t = jnum(arg, "day", NAN) * d->time_unit;
    if (!strcmp(m, "tension_frac_at")) {
        *t = jnum(arg, "t", NAN);
        return !strcmp(d->plot, "tension");
    }
    return (!strcmp(m, "tension_at") && !strcmp(d->plot, "tension")) ||
           (!strcmp(m, "effect_at") && !strcmp(d->plot, "effect")) ||
           (!strcmp(m, "cmap_decrement_at") && !strcmp(d->plot, "cmap_decrement")) ||
           ((!strcmp(m, "atrophy_at") || !strcmp(m, "atrophy_field_at")) &&
            !strcmp(d->plot, "atrophy"));
}

/* Frees what a plot owns; keeps *p. */
static void plot_clear(bont_val_plot_t *p)
{
    for (size_t j = 0; p->curves && j < p->n_curves; j++) {
        free(p->curves[j].x);
        free(p->curves[j].y);
    }
    free(p->curves);
    free(p->obs_x);
    free(p->obs_y);
    free(p->obs_lo);
    free(p->obs_hi);
}

void bont_validation_plot_free(bont_val_plot_t **pp)
{
    if (!pp || !*pp)
        return;
    plot_clear(*pp);
    free(*pp);
    *pp = NULL;
}

/* The observed values drawable on the plotted quantity, with bars over range +- tolerance. */
static int plot_observed(const bont_val_dataset_t *ds, const ds_priv_t *d, json_t *jchecks,
                         bont_val_plot_t *p)
{
    size_t cap = ds->n_checks + 1;
    p->obs_x = calloc(cap, sizeof *p->obs_x);
    p->obs_y = calloc(cap, sizeof *p->obs_y);
    p->obs_lo = calloc(cap, sizeof *p->obs_lo);
    p->obs_hi = calloc(cap, sizeof *p->obs_hi);
    if (!p->obs_x || !p->obs_y || !p->obs_lo || !p->obs_hi)
        return BONT_ENOMEM;
    for (size_t j = 0; j < ds->n_checks; j++) {
        const bont_val_check_t *c = &ds->checks[j];
        double t;
        if (!isfinite(c->observed_lo) || !drawable(d, json_array_get(jchecks, j), &t) ||
            !isfinite(t))
            continue;
        double scale = !strcmp(c->unit, "fraction") ? 100.0 : 1.0;
        double tol = isfinite(c->tolerance) ? c->tolerance : 0.0;
        size_t k = p->n_obs++;
        p->obs_x[k] = t;
        p->obs_y[k] = scale * 0.5 * (c->observed_lo + c->observed_hi);
        p->obs_lo[k] = scale * (c->observed_lo - tol);
        p->obs_hi[k] = scale * (c->observed_hi + tol);
    }
    return 0;
}

int bont_validation_plot(const bont_validation_t *v, size_t i, bont_val_plot_t **out,
                         bont_error_t *err)
{
    *out = NULL;
    if (!v || i >= v->n_datasets) {
        bont_error_setf(err, NULL, "no dataset %zu to plot", i);
        return BONT_EINVAL;
    }
    const bont_val_dataset_t *ds = &v->datasets[i];
    priv_t *pv = v->priv_;
    const ds_priv_t *d = &pv->ds[i];
    json_t *jchecks =
        json_object_get(json_array_get(json_object_get(pv->root, "datasets"), i), "checks");
    bont_val_plot_t *p = calloc(1, sizeof *p);
    if (!p || !(p->curves = calloc(d->n_scen + 1, sizeof *p->curves)))
        goto nomem;
    p->quantity = d->plot;
    p->kind = d->kind;
    p->minutes = d->time_unit > 1;
    for (size_t j = 0; j < d->n_scen; j++) {
        const scen_t *s = &d->scen[j];
        if (s->state != 1 || !s->effect) /* populations are scored, not drawn */
            continue;
        /* At most 2000 points a line: enough for print, small files. */
        size_t stride = s->n / 2000 + 1, m = s->n / stride + 1;
        bont_val_curve_t *c = &p->curves[p->n_curves++];
        c->name = s->name;
        c->x = malloc(m * sizeof *c->x);
        c->y = malloc(m * sizeof *c->y);
        if (!c->x || !c->y)
            goto nomem;
        c->n = m;
        for (size_t k = 0; k < m; k++) {
            c->x[k] = s->t[k * stride] * d->time_unit;
            c->y[k] = plotted(d, s, k * stride);
        }
    }
    if (plot_observed(ds, d, jchecks, p) != 0)
        goto nomem;
    *out = p;
    return 0;
nomem:
    bont_validation_plot_free(&p);
    bont_error_setf(err, NULL, "out of memory");
    return BONT_ENOMEM;
}
