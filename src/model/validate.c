/* validate.c: runs the model on every dataset of data/calibration.json and compares each check's
 * observed number with the prediction (docs/validation.md). One parameter set for all: the only
 * per-scenario parameter overrides allowed are in verification datasets, whose published table
 * is itself a function of that parameter (Lebeda's kS). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/model.h"
#include "kb/datafile.h"
#include "util/text.h"

/* Curves of one simulated scenario, aggregated over its targets (dose-weighted mean). */
typedef struct scen_t {
    const char *name;
    json_t *spec; /* borrowed from the parsed file */
    int state;    /* 0 not run, 1 ok, -1 failed */
    int spd;
    size_t n;                                  /* steps */
    double *effect, *cmap, *release, *atrophy; /* n + 1 each, fractions */
    double last_dose_day;
    char error[256];
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

/* ---- Running scenarios ------------------------------------------------------------------------
 */

typedef struct built_t {
    bont_target_t target;
    bont_dose_t doses[8];
    size_t n_doses;
    double weight;
} built_t;

static int run_one(const bont_model_t *m, const bont_params_t *p, const built_t *b, int spd,
                   size_t n, double *e, double *c, double *r, double *a, bont_error_t *err)
{
    bont_trace_t tr = {.steps_per_day = spd,
                       .n_steps = n,
                       .effect_frac = e,
                       .cmap_frac = c,
                       .release_frac = r,
                       .atrophy_frac = a};
    return m->run(p, &b->target, b->doses, b->n_doses, &tr, err);
}

/* The smallest dose per mL that blocks `block` of the fibres by `by_day` (bisection in log c):
 * how the animal datasets define their paralysing doses. */
static int dose_for_block(const bont_model_t *m, const bont_params_t *p, built_t *b, json_t *spec,
                          bont_error_t *err)
{
    double block = jnum(spec, "block", 0.95), by_day = jnum(spec, "by_day", 2);
    int spd = 10;
    size_t n = (size_t)ceil(by_day * spd);
    double *buf = malloc(4 * (n + 1) * sizeof *buf);
    if (!buf)
        return BONT_ENOMEM;
    double lo = -3.0, hi = 5.0;
    int rc = 0;
    for (int it = 0; it < 50 && rc == 0; it++) {
        double mid = 0.5 * (lo + hi);
        for (size_t i = 0; i < b->n_doses; i++)
            b->doses[i].ona_u = pow(10.0, mid) * b->target.volume_ml;
        rc = run_one(m, p, b, spd, n, buf, buf + n + 1, buf + 2 * (n + 1), buf + 3 * (n + 1), err);
        double fail = 1.0 - buf[n + 1 + n];
        if (fail >= block)
            hi = mid;
        else
            lo = mid;
    }
    for (size_t i = 0; i < b->n_doses; i++)
        b->doses[i].ona_u = pow(10.0, hi) * b->target.volume_ml;
    free(buf);
    return rc;
}

static int build_target(const ctx_t *cx, const bont_model_t *m, const bont_params_t *p, json_t *t,
                        built_t *b)
{
    bont_error_t *err = cx->err;
    memset(b, 0, sizeof *b);
    int rc = 0;
    const char *muscle = jstr(t, "muscle", NULL);
    const char *side = jstr(t, "side", "");
    bont_side_t s = !strcmp(side, "left")    ? BONT_SIDE_LEFT
                    : !strcmp(side, "right") ? BONT_SIDE_RIGHT
                                             : BONT_SIDE_NONE;
    if (muscle) {
        const bont_muscle_t *mu = bont_kb_muscle(cx->kb, muscle);
        if (!mu) {
            bont_error_setf(err, "muscle", "the atlas has no muscle \"%s\"", muscle);
            return BONT_EUNKNOWN;
        }
        rc = bont_target_from_muscle(mu, s, &b->target, err);
        if (rc)
            return rc;
    } else {
        /* A notional 1 mL target when the source gives only a concentration. */
        const char *tissue = jstr(t, "tissue", "muscle");
        b->target.muscle = "target";
        b->target.role = "target";
        b->target.volume_ml = 1.0;
        b->target.tissue = !strcmp(tissue, "muscle")        ? BONT_TISSUE_MUSCLE
                           : !strcmp(tissue, "extraocular") ? BONT_TISSUE_EXTRAOCULAR
                                                            : BONT_TISSUE_AUTONOMIC;
    }
    bont_serotype_t sero = BONT_SERO_A;
    double ona_u = 0.0;
    const char *product = jstr(t, "product", NULL);
    if (product) {
        const bont_product_t *pr = bont_kb_product(cx->kb, product);
        if (!pr) {
            bont_error_setf(err, "product", "the kb has no product \"%s\"", product);
            return BONT_EUNKNOWN;
        }
        rc = bont_product_serotype(pr, &sero, err);
        if (!rc)
            rc = bont_exposure_ona_u(pr, jnum(t, "units", 0), &ona_u, err);
        if (rc)
            return rc;
    } else {
        if (bont_serotype_parse(jstr(t, "serotype", "A"), &sero) != 0) {
            bont_error_setf(err, "serotype", "unknown serotype");
            return BONT_EUNKNOWN;
        }
        ona_u = jnum(t, "concentration_u_per_ml", 1.0) * b->target.volume_ml;
    }
    json_t *at = json_object_get(t, "at_days");
    if (json_is_array(at) && json_array_size(at) > 0) {
        size_t i;
        json_t *v;
        json_array_foreach(at, i, v)
        {
            if (b->n_doses < 8)
                b->doses[b->n_doses++] =
                    (bont_dose_t){.t_days = json_number_value(v), .serotype = sero, .ona_u = ona_u};
        }
    } else {
        b->doses[b->n_doses++] = (bont_dose_t){.t_days = 0.0, .serotype = sero, .ona_u = ona_u};
    }
    json_t *dfb = json_object_get(t, "dose_for_block");
    if (json_is_object(dfb))
        rc = dose_for_block(m, p, b, dfb, err);
    b->weight = 0.0;
    for (size_t i = 0; i < b->n_doses; i++)
        b->weight += b->doses[i].ona_u;
    return rc;
}

static int run_scenario(const ctx_t *cx, const ds_priv_t *d, scen_t *sc)
{
    json_t *spec = sc->spec;
    bont_error_t *err = cx->err;
    const bont_model_t *m = bont_model_find(jstr(spec, "model", "bont"));
    if (!m) {
        bont_error_setf(err, "model", "unknown model in scenario %s", sc->name);
        return BONT_EUNKNOWN;
    }
    bont_params_t p = *cx->params;
    json_t *ov = json_object_get(spec, "params");
    if (json_is_object(ov)) {
        if (strcmp(d->kind, "verification") != 0) {
            bont_error_setf(err, "params",
                            "scenario %s overrides parameters, which only "
                            "verification datasets may do",
                            sc->name);
            return BONT_EKB;
        }
        const char *key;
        json_t *v;
        json_object_foreach(ov, key, v)
        {
            double *f = bont_params_field(&p, key);
            if (!f || !json_is_number(v)) {
                bont_error_setf(err, "params", "unknown parameter %s in scenario %s", key,
                                sc->name);
                return BONT_EUNKNOWN;
            }
            *f = json_number_value(v);
        }
    }
    /* Rodent intramuscular injections move toxin from bulk faster (Lebeda 2008): a property of
     * the preparation, the same for every rodent dataset. */
    if (!strcmp(jstr(spec, "uptake", "human"), "rodent"))
        p.k_bulk_per_min = p.k_bulk_rodent_per_min;
    int days = (int)jnum(spec, "days", 180);
    sc->spd = (int)jnum(spec, "steps_per_day", 10);
    sc->n = (size_t)days * (size_t)sc->spd;
    size_t len = sc->n + 1;
    double *buf = calloc(8 * len, sizeof *buf);
    if (!buf)
        return BONT_ENOMEM;
    sc->effect = buf;
    sc->cmap = buf + len;
    sc->release = buf + 2 * len;
    sc->atrophy = buf + 3 * len;
    double *e = buf + 4 * len, *c = buf + 5 * len, *r = buf + 6 * len, *a = buf + 7 * len;
    json_t *targets = json_object_get(spec, "targets");
    double wsum = 0.0, wcmap = 0.0;
    size_t i;
    json_t *t;
    int rc = 0;
    json_array_foreach(targets, i, t)
    {
        built_t b;
        rc = build_target(cx, m, &p, t, &b);
        if (!rc)
            rc = run_one(m, &p, &b, sc->spd, sc->n, e, c, r, a, err);
        if (rc)
            break;
        for (size_t j = 0; j < b.n_doses; j++)
            if (b.doses[j].t_days > sc->last_dose_day)
                sc->last_dose_day = b.doses[j].t_days;
        bool muscle = bont_tissue_has_junction(b.target.tissue);
        for (size_t k = 0; k < len; k++) {
            sc->effect[k] += b.weight * e[k];
            sc->release[k] += b.weight * r[k];
            sc->atrophy[k] += b.weight * a[k];
            if (muscle)
                sc->cmap[k] += b.weight * c[k];
        }
        wsum += b.weight;
        if (muscle)
            wcmap += b.weight;
    }
    if (rc == 0 && !(wsum > 0.0)) {
        bont_error_setf(err, "targets", "scenario %s has no dose", sc->name);
        rc = BONT_EKB;
    }
    if (rc == 0)
        for (size_t k = 0; k < len; k++) {
            sc->effect[k] /= wsum;
            sc->release[k] /= wsum;
            sc->atrophy[k] /= wsum;
            sc->cmap[k] = wcmap > 0.0 ? sc->cmap[k] / wcmap : NAN;
        }
    return rc;
}

/* ---- Metrics ----------------------------------------------------------------------------------
 */

static double sample(const scen_t *s, const double *y, double day)
{
    double x = day * s->spd;
    if (x <= 0)
        return y[0];
    if (x >= (double)s->n)
        return y[s->n];
    size_t k = (size_t)x;
    double f = x - (double)k;
    return y[k] + f * (y[k + 1] - y[k]);
}

static size_t argmax_from(const scen_t *s, const double *y, double from_day, bool negate)
{
    size_t k0 = (size_t)floor(from_day * s->spd + 0.5), best = k0;
    for (size_t k = k0; k <= s->n; k++)
        if (negate ? y[k] < y[best] : y[k] > y[best])
            best = k;
    return best;
}

static double max_of(const double *y, size_t n)
{
    double m = y[0];
    for (size_t k = 1; k <= n; k++)
        m = fmax(m, y[k]);
    return m;
}

/* First time (days) at or after from_k where y crosses level upwards (up) or downwards. */
static double crossing(const scen_t *s, const double *y, size_t from_k, double level, bool up)
{
    for (size_t k = from_k; k <= s->n; k++) {
        bool hit = up ? y[k] >= level : y[k] < level;
        if (hit) {
            if (k == from_k)
                return (double)k / s->spd;
            double f = (level - y[k - 1]) / (y[k] - y[k - 1]);
            return ((double)(k - 1) + f) / s->spd;
        }
    }
    return NAN;
}

static double metric(const ctx_t *cx, const ds_priv_t *d, const scen_t *s, const char *name,
                     json_t *arg)
{
    double tu = d->time_unit;
    double day = jnum(arg, "day", NAN), t = jnum(arg, "t", NAN);
    double frac = jnum(arg, "fraction", NAN);
    if (!s) {
        if (!strcmp(name, "param") || !strcmp(name, "param_half_time")) {
            bont_params_t p = *cx->params;
            double *f = bont_params_field(&p, jstr(arg, "name", ""));
            if (!f)
                return NAN;
            return !strcmp(name, "param") ? *f : M_LN2 / *f;
        }
        if (!strcmp(name, "param_cleaved_ratio_at_median")) {
            double s_med = pow(cx->params->safety_factor_median, -1.0 / cx->params->snare_coop);
            return (1.0 - s_med) / s_med;
        }
        if (!strcmp(name, "product_ratio")) {
            const bont_product_t *pr = bont_kb_product(cx->kb, jstr(arg, "product", ""));
            return pr && pr->ratio_min > 0 ? sqrt(pr->ratio_min * pr->ratio_max) : NAN;
        }
        return NAN;
    }
    bont_readouts_t ro;
    if (!strcmp(name, "time_to_effect"))
        return crossing(s, s->effect, 0, frac, true) * tu;
    if (!strcmp(name, "tension_frac_at"))
        return 1.0 - sample(s, s->effect, t / tu);
    if (!strcmp(name, "tension_at"))
        return 100.0 * (1.0 - sample(s, s->effect, day));
    if (!strcmp(name, "effect_at"))
        return 100.0 * sample(s, s->effect, day);
    if (!strcmp(name, "cmap_decrement_at"))
        return 100.0 * (1.0 - sample(s, s->cmap, day));
    if (!strcmp(name, "atrophy_at"))
        return 100.0 * sample(s, s->atrophy, day);
    if (!strcmp(name, "effect_rel_at"))
        return sample(s, s->effect, day) / sample(s, s->effect, jnum(arg, "ref_day", NAN));
    if (!strcmp(name, "effect_rel_peak_at"))
        return sample(s, s->effect, day) / max_of(s->effect, s->n);
    if (!strcmp(name, "cmap_decrement_rel_peak_at")) {
        size_t k = argmax_from(s, s->cmap, 0, true);
        return (1.0 - sample(s, s->cmap, day)) / (1.0 - s->cmap[k]);
    }
    if (!strcmp(name, "peak_effect"))
        return 100.0 * max_of(s->effect, s->n);
    if (!strcmp(name, "peak_cmap_decrement"))
        return 100.0 * (1.0 - s->cmap[argmax_from(s, s->cmap, 0, true)]);
    if (!strcmp(name, "peak_cmap_day"))
        return floor((double)argmax_from(s, s->cmap, s->last_dose_day, true) / s->spd -
                     s->last_dose_day + 0.5);
    if (!strcmp(name, "peak_visit")) {
        json_t *visits = json_object_get(arg, "visits"), *v;
        size_t i;
        double best = NAN, best_e = -1.0;
        json_array_foreach(visits, i, v)
        {
            double e = sample(s, s->effect, json_number_value(v));
            if (e > best_e) {
                best_e = e;
                best = json_number_value(v);
            }
        }
        return best;
    }
    if (!strcmp(name, "effect_rel_max_visit")) {
        json_t *visits = json_object_get(arg, "visits"), *v;
        size_t i;
        double best = 0.0;
        json_array_foreach(visits, i, v)
        {
            best = fmax(best, sample(s, s->effect, json_number_value(v)));
        }
        return sample(s, s->effect, day) / best;
    }
    if (!strcmp(name, "mean_effect_between")) {
        double a = jnum(arg, "start", 0), b = jnum(arg, "end", 0), sum = 0.0;
        int m = 0;
        for (size_t k = (size_t)(a * s->spd); k <= (size_t)(b * s->spd) && k <= s->n; k++, m++)
            sum += s->effect[k];
        return m ? 100.0 * sum / m : NAN;
    }
    if (!strcmp(name, "onset_day") || !strcmp(name, "peak_day") || !strcmp(name, "duration_days") ||
        !strcmp(name, "duration_weeks")) {
        bont_readouts_compute(s->effect, s->n, s->spd, s->last_dose_day, &ro);
        if (!strcmp(name, "onset_day"))
            return ro.onset_day;
        if (!strcmp(name, "peak_day"))
            return ro.peak_day;
        return !strcmp(name, "duration_days") ? ro.duration_days : ro.duration_days / 7.0;
    }
    if (!strcmp(name, "force_recovery_day")) {
        size_t kp = argmax_from(s, s->effect, s->last_dose_day, false);
        return crossing(s, s->effect, kp, 1.0 - frac, false) - s->last_dose_day;
    }
    if (!strcmp(name, "release_recovery_week")) {
        size_t km = argmax_from(s, s->release, s->last_dose_day, true);
        return (crossing(s, s->release, km, frac, true) - s->last_dose_day) / 7.0;
    }
    return NAN;
}

/* ---- The run -----------------------------------------------------------------------------------
 */

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

/* Compares a computed check with its observed range and counts it. */
static void score(bont_val_dataset_t *out, bont_val_check_t *c, double *sum2, int *n2)
{
    double lo = c->observed_lo, hi = c->observed_hi, p = c->predicted;
    if (isfinite(p) && isfinite(lo))
        c->error = p < lo ? p - lo : p > hi ? p - hi : 0.0;
    if (c->status != BONT_VAL_PASS)
        return;
    bool ok = isfinite(c->error) && fabs(c->error) <= c->tolerance * (1 + 1e-9) + 1e-12;
    c->status = ok ? BONT_VAL_PASS : BONT_VAL_FAIL;
    if (ok)
        out->n_pass++;
    else
        out->n_fail++;
    if (c->tolerance > 0 && isfinite(c->error)) {
        *sum2 += (c->error / c->tolerance) * (c->error / c->tolerance);
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
    d->time_unit = !strcmp(jstr(jd, "time_unit", "d"), "min") ? 1440.0 : 1.0;
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
        json_t *arg = json_object_get(jc, "arg");
        if (mname && !strcmp(mname, "ratio_of")) {
            continue; /* second pass, once the checks it divides are computed */
        } else if (mname) {
            scen_t *s = NULL;
            for (size_t j = 0; sname && j < d->n_scen; j++)
                if (!strcmp(d->scen[j].name, sname))
                    s = &d->scen[j];
            if (sname && !s) {
                bont_error_setf(err, c->id, "dataset %s: no scenario \"%s\"", out->id, sname);
                return BONT_EKB;
            }
            if (s && s->state == 0) {
                int rc = run_scenario(cx, d, s);
                s->state = rc ? -1 : 1;
                if (rc) {
                    if (err)
                        snprintf(err->field, sizeof err->field, "%s/%s", out->id, s->name);
                    return rc;
                }
            }
            c->predicted = metric(cx, d, s, mname, arg);
        }
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
            c->predicted = a / b;
        }
        score(out, c, &sum2, &n2);
    }
    out->rms_norm_error = n2 ? sqrt(sum2 / n2) : NAN;
    return 0;
}

int bont_validation_run(const bont_kb_t *kb, const bont_params_t *params,
                        const char *calibration_path, bont_validation_t **out, bont_error_t *err)
{
    *out = NULL;
    json_t *root = NULL;
    int rc = calibration_path ? bont__data_file(calibration_path, &root, err)
                              : bont__data_embedded("calibration.json", &root, err);
    if (rc)
        return rc;
    bont_validation_t *v = calloc(1, sizeof *v);
    priv_t *pv = calloc(1, sizeof *pv);
    json_t *arr = json_object_get(root, "datasets");
    size_t n = json_array_size(arr);
    if (v && pv) {
        v->datasets = calloc(n ? n : 1, sizeof *v->datasets);
        pv->ds = calloc(n ? n : 1, sizeof *pv->ds);
    }
    if (!v || !pv || !v->datasets || !pv->ds) {
        if (v)
            free(v->datasets);
        free(v);
        if (pv)
            free(pv->ds);
        free(pv);
        json_decref(root);
        return BONT_ENOMEM;
    }
    pv->root = root;
    v->priv_ = pv;
    v->n_datasets = n;
    ctx_t cx = {kb, params, err};
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = run_dataset(&cx, json_array_get(arr, i), &v->datasets[i], &pv->ds[i]);
        v->n_pass += v->datasets[i].n_pass;
        v->n_fail += v->datasets[i].n_fail;
        for (size_t j = 0; j < v->datasets[i].n_checks; j++)
            v->n_shown += v->datasets[i].checks[j].status == BONT_VAL_SHOWN;
    }
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
                free(pv->ds[i].scen[j].effect);
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

/* ---- Plot data
 * --------------------------------------------------------------------------------------
 */

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
           (!strcmp(m, "atrophy_at") && !strcmp(d->plot, "atrophy"));
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
        if (s->state != 1)
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
            c->x[k] = (double)(k * stride) / s->spd * d->time_unit;
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
