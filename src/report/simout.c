/* simout.c: `bont simulate` output for one typical patient: aligned text table, JSON (the
 * contract other tools read), CSV (one row per muscle and day) and the SVG plot. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

/* Days shown in the text's effect-over-time table (and the horizon). */
static const int landmark_days[] = {0, 3, 7, 14, 28, 56, 84, 112, 140, 180, 270, 365};

static void sim_label(const bont_sim_result_t *r, char *buf, size_t size)
{
    bont__target_label(buf, size, r->target.muscle, bont__side(r->target.side));
}

/* Response duration as people read it: "-" never reached, "> days" still above at the end. */
static void fmt_response(char *buf, size_t size, double v, int days, const char *none)
{
    if (isinf(v))
        snprintf(buf, size, "> %d", days);
    else
        bont__fmt1(buf, size, v, none);
}

/* The readouts table: one row per structure. */
static int readouts_table(FILE *f, const bont_sim_t *sim, bont__scratch_t *sc)
{
    int days = bont_sim_days(sim);
    bont__table_t *t = bont__table_new(12, "lllrrrrrrrrr");
    if (!t)
        return BONT_ENOMEM;
    bont__table_rowf(t, BONT_TR("muscle\tside\trole\tdose (U)\tU/mL\treached (%%)\tonset (d)\t"
                                "peak day\tpeak (%%)\tduration (d)\tnoticed (d)\tresponse (d)"));
    for (size_t i = 0; i < bont_sim_n_targets(sim); i++) {
        const bont_sim_result_t *r = bont_sim_result(sim, i);
        char on[32], pk[32], pe[32], du[32], no[32], re[32];
        bont__fmt1(on, sizeof on, r->readouts.onset_day, "-");
        bont__fmt_day(pk, sizeof pk, r->readouts.peak_day, "-");
        bont__fmt1(pe, sizeof pe, r->readouts.peak_effect_pct, "-");
        if (isfinite(r->readouts.duration_days))
            bont__fmt1(du, sizeof du, r->readouts.duration_days, "-");
        else if (isfinite(r->readouts.peak_day)) /* still above half its peak at the end */
            snprintf(du, sizeof du, "> %d", days);
        else
            snprintf(du, sizeof du, "-");
        bont__fmt1(no, sizeof no, r->readouts.noticeable_onset_day, "-");
        fmt_response(re, sizeof re, r->readouts.response_duration_days, days, "-");
        bont__table_rowf(t, "%s\t%s\t%s\t%.1f\t%.2f\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s",
                         bont__tx(sc, r->target.muscle), bont__side(r->target.side),
                         bont__tx(sc, r->target.role), r->dose_ona_u, r->conc_u_per_ml,
                         100.0 * r->scale, on, pk, pe, du, no, re);
    }
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    return 0;
}

static const bont_target_t *sim_target(const void *ctx, size_t i)
{
    return &bont_sim_result(ctx, i)->target;
}

static void sim_cell(char *buf, size_t size, const void *ctx, size_t i, int day)
{
    bont__fmt1(buf, size, bont_sim_result(ctx, i)->effect_pct[day], "-");
}

int bont_report_sim_text(FILE *f, const bont_sim_t *sim, const bont_plan_t *plan)
{
    bont__scratch_t sc = {0};
    bont__model_heading(f, plan, bont_sim_model(sim), &sc);
    fprintf(f, BONT_TR("Horizon     %d days, 1 virtual patient (typical parameters)\n\n"),
            bont_sim_days(sim));
    int rc = readouts_table(f, sim, &sc);
    /* xgettext:no-c-format */
    bont__course_t course = {.heading = BONT_TR("effect (%) on day"),
                             .marks = landmark_days,
                             .n_marks = sizeof landmark_days / sizeof landmark_days[0],
                             .days = bont_sim_days(sim),
                             .n_rows = bont_sim_n_targets(sim),
                             .target = sim_target,
                             .cell = sim_cell,
                             .ctx = sim};
    if (rc == 0)
        rc = bont__course_table(f, &course, &sc);
    if (rc == 0)
        /* xgettext:no-c-format */
        fputs(BONT_TR("\nEffect: loss of force (muscles) or of secretion (glands, skin, organs) of "
                      "the whole structure,\npercent of baseline. Role spread: reached only by "
                      "toxin spreading from the injected ones.\nU/mL: concentration where the "
                      "injection fields reach; reached: share of the structure they reach.\n"
                      "Onset: first time the effect reaches 25% of its peak. Duration: days from "
                      "injection until\nthe effect falls below 50% of its peak. Noticed: first "
                      "day the effect reaches the level people\nperceive. Response: days the "
                      "effect stays at or above the indication's response threshold.\nDose: "
                      "onabotulinumtoxinA-equivalent units through the product's literature "
                      "ratio (units of\ndifferent products are not interchangeable).\n"),
              f);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, rc);
}

/* "   \"key\": [v0, v1, ...],\n" with one decimal per day. */
static void json_series(FILE *f, const char *key, const double *v, int days)
{
    fprintf(f, "   \"%s\": [", key);
    for (int d = 0; d <= days; d++) {
        fputs(d ? ", " : "", f);
        bont__put_num1(f, v[d]);
    }
    fprintf(f, "],\n");
}

static int sim_json_write(FILE *f, const void *ctx)
{
    return bont_report_sim_json_write(f, ctx);
}

int bont_report_sim_json_write(FILE *f, const bont_sim_t *sim)
{
    int days = bont_sim_days(sim);
    fprintf(f, "{\"model\": ");
    bont__put_json_str(f, bont_sim_model(sim)->name);
    fprintf(f, ", \"days\": %d, \"patients\": 1,\n \"muscles\": [", days);
    for (size_t i = 0; i < bont_sim_n_targets(sim); i++) {
        const bont_sim_result_t *r = bont_sim_result(sim, i);
        fprintf(f, "%s\n  {\"muscle\": ", i ? "," : "");
        bont__put_json_str(f, r->target.muscle);
        fprintf(f, ", \"side\": \"%s\", \"role\": ", bont__side(r->target.side));
        bont__put_json_str(f, r->target.role);
        fprintf(f, ", \"dose_ona_u\": ");
        bont__put_sig6(f, r->dose_ona_u);
        fprintf(f, ", \"concentration_u_per_ml\": ");
        bont__put_sig6(f, r->conc_u_per_ml);
        fprintf(f, ", \"scale\": ");
        bont__put_sig6(f, r->scale);
        fprintf(f, ",\n   \"day\": [");
        bont__put_day_axis(f, days);
        fprintf(f, "],\n");
        json_series(f, "effect_pct", r->effect_pct, days);
        if (r->cmap_pct)
            json_series(f, "cmap_pct", r->cmap_pct, days);
        fprintf(f, "   \"readouts\": {\"onset_day\": ");
        bont__put_num1(f, r->readouts.onset_day);
        fprintf(f, ", \"peak_day\": ");
        bont__put_day(f, r->readouts.peak_day);
        fprintf(f, ", \"peak_effect_pct\": ");
        bont__put_num1(f, r->readouts.peak_effect_pct);
        fprintf(f, ", \"duration_days\": ");
        bont__put_num1(f, r->readouts.duration_days);
        fprintf(f, ",\n                \"noticeable_onset_day\": ");
        bont__put_num1(f, r->readouts.noticeable_onset_day);
        /* null when never reached, or still above at the end (then response_beyond_horizon) */
        fprintf(f, ", \"response_duration_days\": ");
        bont__put_num1(f, r->readouts.response_duration_days);
        fprintf(f, ", \"response_beyond_horizon\": %s}}",
                isinf(r->readouts.response_duration_days) ? "true" : "false");
    }
    fprintf(f, "\n ],\n \"risks\": []}\n");
    return bont__stream_rc(f, 0);
}

json_t *bont_report_sim_json(const bont_sim_t *sim)
{
    return bont__json_from_writer(sim_json_write, sim);
}

int bont_report_sim_csv(FILE *f, const bont_sim_t *sim)
{
    int days = bont_sim_days(sim);
    fprintf(f, "model,muscle,side,role,day,effect_pct,cmap_pct,onset_day,peak_day,"
               "peak_effect_pct,duration_days,concentration_u_per_ml,scale,noticeable_onset_day,"
               "response_duration_days\n");
    for (size_t i = 0; i < bont_sim_n_targets(sim); i++) {
        const bont_sim_result_t *r = bont_sim_result(sim, i);
        char on[32], pe[32], du[32], pk[32], no[32], re[32];
        bont__fmt1(no, sizeof no, r->readouts.noticeable_onset_day, "");
        fmt_response(re, sizeof re, r->readouts.response_duration_days, days, "");
        bont__fmt1(on, sizeof on, r->readouts.onset_day, "");
        bont__fmt1(pe, sizeof pe, r->readouts.peak_effect_pct, "");
        bont__fmt1(du, sizeof du, r->readouts.duration_days, "");
        bont__fmt_day(pk, sizeof pk, r->readouts.peak_day, "");
        for (int d = 0; d <= days; d++) {
            char e[32], c[32] = "";
            bont__fmt1(e, sizeof e, r->effect_pct[d], "");
            if (r->cmap_pct)
                bont__fmt1(c, sizeof c, r->cmap_pct[d], "");
            fprintf(f, "%s,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%.6g,%.6g,%s,%s\n",
                    bont_sim_model(sim)->name, r->target.muscle, bont__side(r->target.side),
                    r->target.role, d, e, c, on, pk, pe, du, r->conc_u_per_ml, r->scale, no, re);
        }
    }
    return bont__stream_rc(f, 0);
}

int bont_report_sim_svg(FILE *f, const bont_sim_t *sim, const bont_plan_t *plan)
{
    size_t n = bont_sim_n_targets(sim);
    bont__svg_series_t *s = calloc(n ? n : 1, sizeof *s);
    char(*labels)[160] = calloc(n ? n : 1, sizeof *labels);
    size_t *order = calloc(n ? n : 1, sizeof *order);
    int rc = BONT_ENOMEM;
    if (!s || !labels || !order)
        goto cleanup;
    /* Legend rows in order of peak effect, as the lines stack in the plot. */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        double pk = bont_sim_result(sim, i)->readouts.peak_effect_pct;
        for (; j > 0 && bont_sim_result(sim, order[j - 1])->readouts.peak_effect_pct < pk; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (size_t i = 0; i < n; i++) {
        const bont_sim_result_t *r = bont_sim_result(sim, order[i]);
        char name[128];
        sim_label(r, name, sizeof name);
        if (isfinite(r->readouts.peak_day))
            snprintf(labels[i], sizeof labels[i], "%s %.0f%%", name, r->readouts.peak_effect_pct);
        else
            snprintf(labels[i], sizeof labels[i], "%s", name);
        s[i] = (bont__svg_series_t){.label = labels[i], .y = r->effect_pct};
    }
    char sub[256];
    snprintf(sub, sizeof sub,
             BONT_TR("model %s; effect = loss of force (muscle) or secretion (gland), %% of "
                     "baseline"),
             bont_sim_model(sim)->name);
    rc = bont__effect_svg(f, plan, bont_sim_days(sim), sub, s, n, NULL, 0);
cleanup:
    free(order);
    free(s);
    free(labels);
    return rc;
}
