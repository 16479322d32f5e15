/* effectout.c: what the one-patient and the population writers share: the heading, the
 * effect at landmark days, and the chart of effect against days. */
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

enum { MAX_LANDMARKS = 16 };

void bont__model_heading(FILE *f, const bont_plan_t *plan, const bont_model_t *m,
                         bont__scratch_t *sc)
{
    if (plan) {
        char label[1024];
        bont__plan_label(label, sizeof label, plan);
        fprintf(f, BONT_TR("Plan        %s\n"), bont__tx(sc, label));
    }
    fprintf(f, BONT_TR("Model       %s: %s\n"), bont__tx(sc, m->name), bont__tx(sc, m->title));
}

/* The landmark days up to the horizon, and the horizon itself; how many. */
static int landmarks(const int *marks, size_t n_marks, int days, int *cols)
{
    int n = 0;
    for (size_t i = 0; i < n_marks && n < MAX_LANDMARKS; i++)
        if (marks[i] <= days)
            cols[n++] = marks[i];
    if ((n == 0 || cols[n - 1] != days) && n < MAX_LANDMARKS)
        cols[n++] = days;
    return n;
}

int bont__course_table(FILE *f, const bont__course_t *c, bont__scratch_t *sc)
{
    int cols[MAX_LANDMARKS];
    int n_marks = landmarks(c->marks, c->n_marks, c->days, cols);
    char align[MAX_LANDMARKS + 2];
    memset(align, 'r', sizeof align);
    align[0] = 'l';
    align[n_marks + 1] = '\0';
    bont__table_t *t = bont__table_new(n_marks + 1, align);
    const char *cells[MAX_LANDMARKS + 1];
    char bufs[MAX_LANDMARKS + 1][160];
    if (!t)
        return BONT_ENOMEM;
    snprintf(bufs[0], sizeof bufs[0], "%s", c->heading);
    for (int k = 0; k < n_marks; k++)
        snprintf(bufs[k + 1], sizeof bufs[0], "%d", cols[k]);
    for (int k = 0; k <= n_marks; k++)
        cells[k] = bufs[k];
    bont__table_row(t, cells);
    for (size_t i = 0; i < c->n_rows; i++) {
        const bont_target_t *target = c->target(c->ctx, i);
        char label[160];
        bont__target_label(label, sizeof label, target->muscle, bont__side(target->side));
        snprintf(bufs[0], sizeof bufs[0], "%s", bont__tx(sc, label));
        for (int k = 0; k < n_marks; k++)
            c->cell(bufs[k + 1], sizeof bufs[0], c->ctx, i, cols[k]);
        bont__table_row(t, cells);
    }
    fputc('\n', f);
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    return 0;
}

int bont__effect_svg(FILE *f, const bont_plan_t *plan, int days, const char *subtitle,
                     bont__svg_series_t *series, size_t n, const char *const *notes, size_t n_notes)
{
    double *x = malloc(((size_t)days + 1) * sizeof *x);
    if (!x)
        return BONT_ENOMEM;
    for (int d = 0; d <= days; d++)
        x[d] = d;
    for (size_t i = 0; i < n; i++) {
        series[i].x = x;
        series[i].n = (size_t)days + 1;
    }
    bont__svg_chart_t chart = {.title = plan ? (plan->title ? plan->title : plan->file)
                                             : BONT_TR("Simulated effect"),
                               .subtitle = subtitle,
                               .x_label = BONT_TR("days after injection"),
                               .y_label = BONT_TR("effect (% of baseline function lost)"),
                               .x_min = 0,
                               .x_max = days,
                               .y_min = 0,
                               .y_max = 100,
                               .x_days = true,
                               .series = series,
                               .n_series = n,
                               .notes = notes,
                               .n_notes = n_notes};
    int rc = bont__svg_write(f, &chart);
    free(x);
    return rc;
}
