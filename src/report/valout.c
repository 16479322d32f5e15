/* valout.c: `bont validate` output: per dataset its checks against the observed values, a
 * summary, the JSON form, and one SVG plot per dataset. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

/* An observed value or range ("12", "10-14"), "-" when there is none. */
static void fmt_range(char *buf, size_t size, double lo, double hi)
{
    if (!isfinite(lo))
        snprintf(buf, size, "-");
    else if (lo == hi)
        snprintf(buf, size, "%.4g", lo);
    else
        snprintf(buf, size, "%.4g-%.4g", lo, hi);
}

/* A compared number, four significant digits, "-" when there is none. */
static void fmt_num(char *buf, size_t size, double v)
{
    if (isfinite(v))
        snprintf(buf, size, "%.4g", v);
    else
        snprintf(buf, size, "-");
}

static int dataset_text(FILE *f, const bont_val_dataset_t *d, bont__scratch_t *sc)
{
    fprintf(f, "== %s  [%s]\n   %s\n", bont__tx(sc, d->id), bont__tx(sc, d->species),
            bont__tx(sc, d->summary));
    bont__table_t *t = bont__table_new(7, "llrrrrl");
    if (!t)
        return BONT_ENOMEM;
    bont__table_rowf(t, BONT_TR("check\tstatus\tobserved\tpredicted\terror\ttolerance\tunit"));
    for (size_t j = 0; j < d->n_checks; j++) {
        const bont_val_check_t *c = &d->checks[j];
        char obs[64], pred[32], e[32], tol[32];
        fmt_range(obs, sizeof obs, c->observed_lo, c->observed_hi);
        fmt_num(pred, sizeof pred, c->predicted);
        fmt_num(e, sizeof e, c->error);
        fmt_num(tol, sizeof tol, c->status <= BONT_VAL_FAIL ? c->tolerance : NAN);
        bont__table_rowf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s", bont__tx(sc, c->id),
                         bont_val_status_name(c->status), obs, pred, e, tol, bont__tx(sc, c->unit));
    }
    bont__table_print(t, f, 3);
    bont__table_free(&t);
    fputc('\n', f);
    return 0;
}

static int summary_text(FILE *f, const bont_validation_t *v, bont__scratch_t *sc)
{
    bont__table_t *t = bont__table_new(6, "lrrrrr");
    if (!t)
        return BONT_ENOMEM;
    bont__table_rowf(t, BONT_TR("dataset\tscored\tpassed\tfailed\tshown\tRMS error/tolerance"));
    for (size_t i = 0; i < v->n_datasets; i++) {
        const bont_val_dataset_t *d = &v->datasets[i];
        size_t shown = 0;
        for (size_t j = 0; j < d->n_checks; j++)
            shown += d->checks[j].status == BONT_VAL_SHOWN;
        char rms[32];
        fmt_num(rms, sizeof rms, d->rms_norm_error);
        bont__table_rowf(t, "%s\t%zu\t%zu\t%zu\t%zu\t%s", bont__tx(sc, d->id),
                         d->n_pass + d->n_fail, d->n_pass, d->n_fail, shown, rms);
    }
    fputs(BONT_TR("Summary (one parameter set for every dataset)\n"), f);
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    fprintf(f, BONT_TR("\n%zu checks passed, %zu failed, %zu shown without a score\n"), v->n_pass,
            v->n_fail, v->n_shown);
    return 0;
}

int bont_report_validation_text(FILE *f, const bont_validation_t *v)
{
    bont__scratch_t sc = {0};
    int rc = 0;
    for (size_t i = 0; i < v->n_datasets && rc == 0; i++)
        rc = dataset_text(f, &v->datasets[i], &sc);
    if (rc == 0)
        rc = summary_text(f, v, &sc);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, rc);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("null", f);
}

static void check_json(FILE *f, const bont_val_check_t *c)
{
    fprintf(f, "{\"id\": ");
    bont__put_json_str(f, c->id);
    fprintf(f, ", \"status\": ");
    bont__put_json_str(f, bont_val_status_name(c->status));
    fprintf(f, ", \"observed_lo\": ");
    json_num(f, c->observed_lo);
    fprintf(f, ", \"observed_hi\": ");
    json_num(f, c->observed_hi);
    fprintf(f, ", \"predicted\": ");
    json_num(f, c->predicted);
    fprintf(f, ", \"error\": ");
    json_num(f, c->error);
    fprintf(f, ", \"tolerance\": ");
    json_num(f, c->tolerance);
    fprintf(f, ", \"unit\": ");
    bont__put_json_str(f, c->unit);
    fputc('}', f);
}

int bont_report_validation_json_write(FILE *f, const bont_validation_t *v)
{
    fprintf(f, "{\"passed\": %zu, \"failed\": %zu, \"shown\": %zu, \"datasets\": [", v->n_pass,
            v->n_fail, v->n_shown);
    for (size_t i = 0; i < v->n_datasets; i++) {
        const bont_val_dataset_t *d = &v->datasets[i];
        fprintf(f, "%s\n {\"id\": ", i ? "," : "");
        bont__put_json_str(f, d->id);
        fprintf(f, ", \"passed\": %zu, \"failed\": %zu, \"rms_norm_error\": ", d->n_pass,
                d->n_fail);
        json_num(f, d->rms_norm_error);
        fprintf(f, ", \"checks\": [");
        for (size_t j = 0; j < d->n_checks; j++) {
            fprintf(f, "%s\n  ", j ? "," : "");
            check_json(f, &d->checks[j]);
        }
        fprintf(f, "]}");
    }
    fprintf(f, "\n]}\n");
    return bont__stream_rc(f, 0);
}

static int validation_json_write(FILE *f, const void *ctx)
{
    return bont_report_validation_json_write(f, ctx);
}

json_t *bont_report_validation_json(const bont_validation_t *v)
{
    return bont__json_from_writer(validation_json_write, v);
}

/* ---- SVG ----------------------------------------------------------------------------------- */

/* The y axis of each plotted quantity, with its unit. */
static const char *quantity_label(const char *quantity)
{
    static const char *const labels[][2] = {
        {"effect", "effect (% loss of function)"},
        {"tension", "tension (% of control)"},
        {"cmap_decrement", "CMAP decrement (% of baseline)"},
        {"release", "transmitter release (% of control)"},
        {"atrophy", "muscle mass lost (%)"},
    };
    for (size_t j = 0; j < sizeof labels / sizeof labels[0]; j++)
        if (quantity && !strcmp(quantity, labels[j][0]))
            return BONT_TR(labels[j][1]);
    return BONT_TR(labels[0][1]);
}

/* "PASS  label: observed 12, predicted 11.5 %, tolerance 2" for the lines under the plot. */
static char *check_note(const bont_val_check_t *c)
{
    char line[600], obs[64], pred[64], tol[48] = "";
    fmt_range(obs, sizeof obs, c->observed_lo, c->observed_hi);
    fmt_num(pred, sizeof pred, c->predicted);
    if (c->status <= BONT_VAL_FAIL && isfinite(c->tolerance))
        snprintf(tol, sizeof tol, BONT_TR(", tolerance %.3g"), c->tolerance);
    snprintf(line, sizeof line, BONT_TR("%s  %s: observed %s, predicted %s %s%s"),
             bont_val_status_name(c->status), c->label, obs, pred, c->unit, tol);
    return strdup(line);
}

int bont_report_validation_svg(FILE *f, const bont_validation_t *v, size_t i, bont_error_t *err)
{
    bont_val_plot_t *p = NULL;
    int rc = bont_validation_plot(v, i, &p, err);
    if (rc)
        return rc;
    const bont_val_dataset_t *ds = &v->datasets[i];
    bont__svg_series_t *series = calloc(p->n_curves + 1, sizeof *series);
    char **notes = calloc(ds->n_checks + 1, sizeof *notes);
    size_t ns = 0, nn = 0;
    double xmax = 0.0;
    rc = BONT_ENOMEM;
    if (!series || !notes)
        goto cleanup;
    for (size_t j = 0; j < p->n_curves; j++) {
        const bont_val_curve_t *c = &p->curves[j];
        series[ns++] = (bont__svg_series_t){.label = c->name, .x = c->x, .y = c->y, .n = c->n};
        if (c->n)
            xmax = fmax(xmax, c->x[c->n - 1]);
    }
    if (p->n_obs) {
        series[ns++] = (bont__svg_series_t){.label = BONT_TR("observed (bar: range +- tolerance)"),
                                            .x = p->obs_x,
                                            .y = p->obs_y,
                                            .n = p->n_obs,
                                            .markers = true,
                                            .y_lo = p->obs_lo,
                                            .y_hi = p->obs_hi};
        for (size_t j = 0; j < p->n_obs; j++)
            xmax = fmax(xmax, p->obs_x[j]);
    }
    for (size_t j = 0; j < ds->n_checks; j++)
        if (!(notes[nn++] = check_note(&ds->checks[j])))
            goto cleanup;
    char title[300], sub[300];
    snprintf(title, sizeof title, "%s (%s)", ds->id, ds->species);
    if (p->n_curves)
        snprintf(sub, sizeof sub, BONT_TR("%zu passed, %zu failed; lines: model scenarios"),
                 ds->n_pass, ds->n_fail);
    else
        snprintf(sub, sizeof sub, BONT_TR("nothing simulated: %s"), p->kind);
    bont__svg_chart_t chart = {.title = title,
                               .subtitle = sub,
                               .x_label = p->minutes ? BONT_TR("minutes") : BONT_TR("days"),
                               .y_label = quantity_label(p->quantity),
                               .x_min = 0,
                               .x_max = xmax > 0 ? xmax : 1,
                               .y_min = 0,
                               .y_max = 100,
                               .x_days = !p->minutes,
                               .series = series,
                               .n_series = ns,
                               .notes = (const char *const *)notes,
                               .n_notes = nn};
    rc = bont__svg_write(f, &chart);
cleanup:
    if (rc == BONT_ENOMEM)
        bont_error_setf(err, NULL, "out of memory");
    for (size_t j = 0; notes && j < nn; j++)
        free(notes[j]);
    free(notes);
    free(series);
    bont_validation_plot_free(&p);
    return rc;
}
