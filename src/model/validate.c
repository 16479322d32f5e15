/* validate.c: runs the model v2 on every dataset of data/calibration.json and compares each
 * check's observed number with the prediction (docs/validation.md, docs/model.md 12.6). The
 * scenarios (validate_scen.c) and metrics (validate_metric.c) are exactly those of
 * bench/reference/v2/validate.py, its oracle. One parameter set for all: the only per-scenario
 * parameter overrides allowed are in verification datasets, whose published table is itself a
 * function of that parameter (Lebeda's kS). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/datafile.h"
#include "model/validate_internal.h"

typedef struct priv_t {
    json_t *root;
    bont__val_ds_t *ds;
} priv_t;

const char *bont_val_status_name(bont_val_status_t s)
{
    static const char *const names[] = {"PASS", "FAIL", "shown", "input", "not modelled"};
    return (unsigned)s <= BONT_VAL_NOT_MODELLED ? names[s] : "?";
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

static int run_dataset(const bont__val_ctx_t *cx, json_t *jd, bont_val_dataset_t *out,
                       bont__val_ds_t *d)
{
    bont_error_t *err = cx->err;
    out->id = bont__val_jstr(jd, "id", "?");
    out->file = bont__val_jstr(jd, "file", "");
    out->source = bont__val_jstr(jd, "source", "");
    out->species = bont__val_jstr(jd, "species", "");
    out->summary = bont__val_jstr(jd, "summary", "");
    d->kind = bont__val_jstr(jd, "kind", "");
    d->plot = bont__val_jstr(jd, "plot", "effect");
    d->time_unit =
        !strcmp(bont__val_jstr(jd, "time_unit", "d"), "min") ? BONT__VAL_MIN_PER_DAY : 1.0;
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
        c->id = bont__val_jstr(jc, "id", "?");
        c->label = bont__val_jstr(jc, "label", "");
        c->unit = bont__val_jstr(jc, "unit", "");
        c->note = bont__val_jstr(jc, "note", "");
        c->tolerance = bont__val_jnum(jc, "tolerance", NAN);
        c->predicted = c->error = NAN;
        observed_range(json_object_get(jc, "observed"), &c->observed_lo, &c->observed_hi);
        if (parse_status(bont__val_jstr(jc, "status", ""), &c->status) != 0) {
            bont_error_setf(err, c->id, "dataset %s: unknown status", out->id);
            return BONT_EPARSE;
        }
        const char *mname = bont__val_jstr(jc, "metric", NULL);
        const char *sname = bont__val_jstr(jc, "scenario", NULL);
        if (!mname || !strcmp(mname, "ratio_of"))
            continue; /* ratios in a second pass, once the checks they divide are computed */
        bont__val_scen_t *s = NULL;
        for (size_t j = 0; sname && j < d->n_scen; j++)
            if (!strcmp(d->scen[j].name, sname))
                s = &d->scen[j];
        if (sname && !s) {
            bont_error_setf(err, c->id, "dataset %s: no scenario \"%s\"", out->id, sname);
            return BONT_EKB;
        }
        if (s && s->state == 0) {
            int rc = bont__val_run_scenario(cx, d, jd, s);
            s->state = rc ? -1 : 1;
            if (rc) {
                if (err)
                    snprintf(err->field, sizeof err->field, "%s/%s", out->id, s->name);
                return rc;
            }
        }
        c->predicted = bont__val_metric(cx, d, s, mname, json_object_get(jc, "arg"));
    }
    for (size_t i = 0; i < out->n_checks; i++) {
        json_t *jc = json_array_get(checks, i);
        bont_val_check_t *c = &out->checks[i];
        const char *mname = bont__val_jstr(jc, "metric", NULL);
        if (mname && !strcmp(mname, "ratio_of")) {
            json_t *arg = json_object_get(jc, "arg");
            const char *num = bont__val_jstr(arg, "num", ""), *den = bont__val_jstr(arg, "den", "");
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

int bont_validation_run(const bont_kb_t *kb, const bont_params_t *params,
                        const char *calibration_path, bont_validation_t **out, bont_error_t *err)
{
    *out = NULL;
    json_t *root = NULL;
    bont_spread_t *sp = NULL;
    bont_variability_t *var = NULL;
    bont__val_ctx_t cx = {.kb = kb, .params = params, .err = err};
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
                bont__val_scen_free(&pv->ds[i].scen[j]);
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

static double plotted(const bont__val_ds_t *d, const bont__val_scen_t *s, size_t k)
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
static bool drawable(const bont__val_ds_t *d, json_t *jc, double *t)
{
    const char *m = bont__val_jstr(jc, "metric", "");
    json_t *arg = json_object_get(jc, "arg");
    *t = bont__val_jnum(arg, "day", NAN) * d->time_unit;
    if (!strcmp(m, "tension_frac_at")) {
        *t = bont__val_jnum(arg, "t", NAN);
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
static int plot_observed(const bont_val_dataset_t *ds, const bont__val_ds_t *d, json_t *jchecks,
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
    const bont__val_ds_t *d = &pv->ds[i];
    json_t *jchecks =
        json_object_get(json_array_get(json_object_get(pv->root, "datasets"), i), "checks");
    bont_val_plot_t *p = calloc(1, sizeof *p);
    if (!p || !(p->curves = calloc(d->n_scen + 1, sizeof *p->curves)))
        goto nomem;
    p->quantity = d->plot;
    p->kind = d->kind;
    p->minutes = d->time_unit > 1;
    for (size_t j = 0; j < d->n_scen; j++) {
        const bont__val_scen_t *s = &d->scen[j];
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
