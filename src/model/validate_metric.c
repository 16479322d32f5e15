/* validate_metric.c: the metrics of `bont validate`, exactly as bench/reference/v2/validate.py
 * defines them (metric, population_metric): from a scenario's curves, or from its population. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate_internal.h"

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

static double population_metric(const bont__val_ctx_t *cx, const bont__val_scen_t *sc,
                                const char *name, json_t *arg)
{
    const bont_pop_t *pop = sc->pop;
    size_t n = bont_pop_n_patients(pop);
    const bont_pop_plan_t *pl = bont_pop_plan(pop);
    if (!pl)
        return NAN;
    double placebo = bont__val_jnum(arg, "placebo_pct", 0.0) / 100.0;
    if (!strcmp(name, "risk")) {
        const char *effect = bont__val_jstr(arg, "effect", "");
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
        double day = bont__val_jnum(arg, "day", NAN);
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
        double day = bont__val_jnum(arg, "day", NAN);
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
static void readouts_of(const bont__val_ctx_t *cx, const bont__val_scen_t *sc, const double *y,
                        double t0, double thr_resp_pct, bont_readouts_t *ro)
{
    bont_readouts_at(sc->t, y, sc->n, t0, cx->thr.perceptible_pct / 100.0, thr_resp_pct / 100.0,
                     ro);
    ro->peak_day = floor(ro->peak_day + 0.5);
}

/* The structure (muscle, side: any side when absent) of a median-patient plan, or NULL. */
static const double *struct_curve(const bont__val_scen_t *sc, json_t *arg)
{
    const char *m = bont__val_jstr(arg, "muscle", ""), *side = bont__val_jstr(arg, "side", NULL);
    for (size_t j = 0; j < sc->n_struct; j++)
        if (!strcmp(sc->s_muscle[j]->id, m) && (!side || sc->s_side[j] == bont__val_side_of(side)))
            return sc->s_effect + j * (sc->n + 1);
    return NULL;
}

static double lebeda_time_to(const bont_params_t *p, const bont__val_scen_t *sc, double frac)
{
    double lo = 1e-9, hi = 60.0;
    if (bont__val_lebeda_lytic(p, hi, sc->four, sc->kbulk) < frac)
        return NAN;
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (bont__val_lebeda_lytic(p, mid, sc->four, sc->kbulk) < frac)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The metrics of the parameter set itself (no scenario). */
static double param_metric(const bont__val_ctx_t *cx, const char *name, json_t *arg)
{
    const bont_params_t *P = cx->params;
    if (!strcmp(name, "param") || !strcmp(name, "param_half_time")) {
        bont_params_t p = *P;
        double *f = bont_params_field(&p, bont__val_jstr(arg, "name", ""));
        if (!f)
            return NAN;
        return !strcmp(name, "param") ? *f : M_LN2 / *f;
    }
    if (!strcmp(name, "param_cleaved_ratio_at_median")) {
        double s_med = pow(P->safety_factor_median, -1.0 / P->snare_coop);
        return (1.0 - s_med) / s_med;
    }
    if (!strcmp(name, "product_ratio")) {
        const bont_product_t *pr = bont_kb_product(cx->kb, bont__val_jstr(arg, "product", ""));
        return pr && pr->ratio_min > 0 ? sqrt(pr->ratio_min * pr->ratio_max) : NAN;
    }
    return NAN;
}

/* The readouts of the scenario's curve and of one structure's (section 8 of docs/model.md). */
static double readout_metric(const bont__val_ctx_t *cx, const bont__val_scen_t *s, const char *name,
                             json_t *arg)
{
    const double *t = s->t, *e = s->effect;
    size_t n = s->n;
    double day = bont__val_jnum(arg, "day", NAN), frac = bont__val_jnum(arg, "fraction", NAN);
    double resp =
        bont__val_jnum(arg, "threshold_pct", bont_readout_response_pct(&cx->thr, s->indication));
    bont_readouts_t ro;
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
    const double *y = struct_curve(s, arg);
    if (!y)
        return NAN;
    if (!strcmp(name, "struct_peak_effect"))
        return 100.0 * y[argext(y, n, 0, false)];
    if (!strcmp(name, "struct_effect_at"))
        return 100.0 * interp(t, y, n, day);
    if (!strcmp(name, "struct_half_peak_day")) {
        readouts_of(cx, s, y, 0.0, resp, &ro);
        return ro.duration_days;
    }
    return NAN;
}

double bont__val_metric(const bont__val_ctx_t *cx, const bont__val_ds_t *d,
                        const bont__val_scen_t *s, const char *name, json_t *arg)
{
    const bont_params_t *P = cx->params;
    double tu = d->time_unit;
    if (!s)
        return param_metric(cx, name, arg);
    const double *t = s->t, *e = s->effect;
    size_t n = s->n;
    double day = bont__val_jnum(arg, "day", NAN), frac = bont__val_jnum(arg, "fraction", NAN);
    if (!strcmp(name, "time_to_effect"))
        return (s->lebeda ? lebeda_time_to(P, s, frac) : crossing(t, e, n, 0, frac, true)) * tu;
    if (!strcmp(name, "tension_frac_at")) {
        double tt = bont__val_jnum(arg, "t", NAN) / tu;
        return 1.0 -
               (s->lebeda ? bont__val_lebeda_lytic(P, tt, s->four, s->kbulk) : interp(t, e, n, tt));
    }
    if (s->pop)
        return population_metric(cx, s, name, arg);
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
        double c = crossing(t, dec, n, 0, bont__val_jnum(arg, "level_pct", NAN) / 100.0, true);
        free(dec);
        return 24.0 * (c - s->last_dose);
    }
    if (!strcmp(name, "atrophy_at") || !strcmp(name, "atrophy_field_at"))
        return 100.0 * interp(t, s->atrophy, n, day);
    if (!strcmp(name, "atrophy_field_ratio"))
        return interp(t, s->atrophy, n, day) /
               interp(t, s->atrophy, n, bont__val_jnum(arg, "ref_day", NAN));
    if (!strcmp(name, "effect_rel_at"))
        return interp(t, e, n, day) / interp(t, e, n, bont__val_jnum(arg, "ref_day", NAN));
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
        double a = bont__val_jnum(arg, "start", 0), b = bont__val_jnum(arg, "end", 0), sum = 0.0;
        int m = 0;
        for (double x = a; x <= b; x += 1.0, m++)
            sum += interp(t, e, n, x);
        return m ? 100.0 * sum / m : NAN;
    }
    return readout_metric(cx, s, name, arg);
}
