/* simout.c: `bont simulate` output: aligned text table, JSON (the contract other tools read),
 * CSV (one row per muscle and day) and the SVG plot. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/table.h"

void bont_report_target_label(const bont_sim_result_t *r, char *buf, size_t size)
{
    if (r->target.side == BONT_SIDE_NONE)
        snprintf(buf, size, "%s", r->target.muscle);
    else
        snprintf(buf, size, "%s (%s)", r->target.muscle, bont_report_side_name(r->target.side));
}

void bont_report_sim_text(FILE *f, const bont_sim_t *sim, const char *title)
{
    const bont_model_t *m = bont_sim_model(sim);
    int days = bont_sim_days(sim);
    if (title)
        fprintf(f, "Plan        %s\n", title);
    fprintf(f, "Model       %s: %s\n", m->name, m->title);
    fprintf(f, "Horizon     %d days, 1 virtual patient (typical parameters)\n\n", days);
    bont_table_t *t = bont_table_new(9, "lllrrrrrr");
    if (!t)
        return;
    bont_table_rowf(t, "muscle\tside\trole\tdose (ona-eq U)\tU/mL\tonset (d)\tpeak (d)\t"
                       "peak effect (%%)\tduration (d)");
    for (size_t i = 0; i < bont_sim_n_targets(sim); i++) {
        const bont_sim_result_t *r = bont_sim_result(sim, i);
        char on[32], pk[32], pe[32], du[32];
        bont_report_fmt1(on, sizeof on, r->readouts.onset_day, "-");
        bont_report_fmt1(pk, sizeof pk, r->readouts.peak_day, "-");
        bont_report_fmt1(pe, sizeof pe, r->readouts.peak_effect_pct, "-");
        if (isfinite(r->readouts.duration_days))
            bont_report_fmt1(du, sizeof du, r->readouts.duration_days, "-");
        else if (isfinite(r->readouts.peak_day))
            snprintf(du, sizeof du, "> %d", days);
        else
            snprintf(du, sizeof du, "-");
        if (isfinite(r->readouts.peak_day))
            snprintf(pk, sizeof pk, "%.0f", r->readouts.peak_day);
        bont_table_rowf(t, "%s\t%s\t%s\t%.1f\t%.2f\t%s\t%s\t%s\t%s", r->target.muscle,
                        bont_report_side_name(r->target.side), r->target.role, r->dose_ona_u,
                        r->dose_ona_u / r->target.volume_ml, on, pk, pe, du);
    }
    bont_table_print(t, f, 0);
    bont_table_free(&t);

    /* The course at a few landmark days. */
    static const int marks[] = {0, 3, 7, 14, 28, 56, 84, 112, 140, 180, 270, 365};
    int n_marks = 0, cols[16];
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (marks[i] <= days)
            cols[n_marks++] = marks[i];
    if (cols[n_marks - 1] != days && n_marks < 16)
        cols[n_marks++] = days;
    char align[24];
    memset(align, 'r', sizeof align);
    align[0] = 'l';
    align[n_marks + 1] = '\0';
    t = bont_table_new(n_marks + 1, align);
    if (!t)
        return;
    const char **cells = calloc((size_t)n_marks + 1, sizeof *cells);
    char(*bufs)[48] = calloc((size_t)n_marks + 1, sizeof *bufs);
    if (cells && bufs) {
        snprintf(bufs[0], sizeof bufs[0], "effect (%%) on day");
        for (int c = 0; c < n_marks; c++)
            snprintf(bufs[c + 1], sizeof bufs[0], "%d", cols[c]);
        for (int c = 0; c <= n_marks; c++)
            cells[c] = bufs[c];
        bont_table_row(t, cells);
        for (size_t i = 0; i < bont_sim_n_targets(sim); i++) {
            const bont_sim_result_t *r = bont_sim_result(sim, i);
            bont_report_target_label(r, bufs[0], sizeof bufs[0]);
            for (int c = 0; c < n_marks; c++)
                bont_report_fmt1(bufs[c + 1], sizeof bufs[0], r->effect_pct[cols[c]], "-");
            bont_table_row(t, cells);
        }
        fputc('\n', f);
        bont_table_print(t, f, 0);
    }
    free(cells);
    free(bufs);
    bont_table_free(&t);
    fprintf(f,
            "\nEffect: loss of force (muscles) or of secretion (glands, skin, organs), percent of "
            "baseline.\nOnset: first time the effect reaches 25%% of its peak. Duration: days from "
            "injection until\nthe effect falls below 50%% of its peak. Dose: onabotulinumtoxinA-"
            "equivalent units through the\nproduct's literature ratio (units of different products "
            "are not interchangeable).\n");
}

void bont_report_sim_json(FILE *f, const bont_sim_t *sim)
{
    int days = bont_sim_days(sim);
    fprintf(f, "{\"model\": \"%s\", \"days\": %d, \"patients\": 1,\n \"muscles\": [",
            bont_sim_model(sim)->name, days);
    for (size_t i = 0; i < bont_sim_n_targets(sim); i++) {
        const bont_sim_result_t *r = bont_sim_result(sim, i);
        fprintf(f, "%s\n  {\"muscle\": \"%s\", \"side\": \"%s\", \"role\": \"%s\",\n   \"day\": [",
                i ? "," : "", r->target.muscle, bont_report_side_name(r->target.side),
                r->target.role);
        for (int d = 0; d <= days; d++)
            fprintf(f, "%s%d", d ? ", " : "", d);
        fprintf(f, "],\n   \"effect_pct\": [");
        for (int d = 0; d <= days; d++) {
            fputs(d ? ", " : "", f);
            bont_report_num1(f, r->effect_pct[d]);
        }
        fprintf(f, "],\n");
        if (r->cmap_pct) {
            fprintf(f, "   \"cmap_pct\": [");
            for (int d = 0; d <= days; d++) {
                fputs(d ? ", " : "", f);
                bont_report_num1(f, r->cmap_pct[d]);
            }
            fprintf(f, "],\n");
        }
        fprintf(f, "   \"readouts\": {\"onset_day\": ");
        bont_report_num1(f, r->readouts.onset_day);
        fprintf(f, ", \"peak_day\": ");
        if (isfinite(r->readouts.peak_day))
            fprintf(f, "%.0f", r->readouts.peak_day);
        else
            fputs("null", f);
        fprintf(f, ", \"peak_effect_pct\": ");
        bont_report_num1(f, r->readouts.peak_effect_pct);
        fprintf(f, ", \"duration_days\": ");
        bont_report_num1(f, r->readouts.duration_days);
        fprintf(f, "}}");
    }
    fprintf(f, "\n ],\n \"risks\": []}\n");
}

void bont_report_sim_csv(FILE *f, const bont_sim_t *sim)
{
    int days = bont_sim_days(sim);
    fprintf(f, "model,muscle,side,role,day,effect_pct,cmap_pct,onset_day,peak_day,"
               "peak_effect_pct,duration_days\n");
    for (size_t i = 0; i < bont_sim_n_targets(sim); i++) {
        const bont_sim_result_t *r = bont_sim_result(sim, i);
        char on[32], pe[32], du[32], pk[32];
        bont_report_fmt1(on, sizeof on, r->readouts.onset_day, "");
        bont_report_fmt1(pe, sizeof pe, r->readouts.peak_effect_pct, "");
        bont_report_fmt1(du, sizeof du, r->readouts.duration_days, "");
        if (isfinite(r->readouts.peak_day))
            snprintf(pk, sizeof pk, "%.0f", r->readouts.peak_day);
        else
            pk[0] = '\0';
        for (int d = 0; d <= days; d++) {
            char e[32], c[32];
            bont_report_fmt1(e, sizeof e, r->effect_pct[d], "");
            if (r->cmap_pct)
                bont_report_fmt1(c, sizeof c, r->cmap_pct[d], "");
            else
                c[0] = '\0';
            fprintf(f, "%s,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s\n", bont_sim_model(sim)->name,
                    r->target.muscle, bont_report_side_name(r->target.side), r->target.role, d, e,
                    c, on, pk, pe, du);
        }
    }
}

int bont_report_sim_svg(const char *path, const bont_sim_t *sim, const char *title,
                        bont_error_t *err)
{
    int days = bont_sim_days(sim);
    size_t n = bont_sim_n_targets(sim);
    double *x = malloc(((size_t)days + 1) * sizeof *x);
    bont_svg_series_t *s = calloc(n ? n : 1, sizeof *s);
    char(*labels)[160] = calloc(n ? n : 1, sizeof *labels);
    size_t *order = NULL;
    int rc = BONT_ENOMEM;
    if (!x || !s || !labels) {
        bont_error_setf(err, NULL, "out of memory");
        goto cleanup;
    }
    for (int d = 0; d <= days; d++)
        x[d] = d;
    /* Legend rows in order of peak effect, as the lines stack in the plot. */
    order = calloc(n ? n : 1, sizeof *order);
    if (!order)
        goto cleanup;
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
        bont_report_target_label(r, name, sizeof name);
        if (isfinite(r->readouts.peak_day))
            snprintf(labels[i], sizeof labels[i], "%s %.0f%%", name, r->readouts.peak_effect_pct);
        else
            snprintf(labels[i], sizeof labels[i], "%s", name);
        s[i] = (bont_svg_series_t){
            .label = labels[i], .x = x, .y = r->effect_pct, .n = (size_t)days + 1};
    }
    char sub[256];
    snprintf(sub, sizeof sub,
             "model %s; effect = loss of force (muscle) or secretion (gland), %% "
             "of baseline",
             bont_sim_model(sim)->name);
    bont_svg_chart_t chart = {.title = title ? title : "Simulated effect",
                              .subtitle = sub,
                              .x_label = "days after injection",
                              .y_label = "effect (% of baseline function lost)",
                              .x_min = 0,
                              .x_max = days,
                              .y_min = 0,
                              .y_max = 100,
                              .x_days = true,
                              .series = s,
                              .n_series = n};
    rc = bont_svg_write_file(path, &chart, err);
cleanup:
    free(order);
    free(x);
    free(s);
    free(labels);
    return rc;
}
