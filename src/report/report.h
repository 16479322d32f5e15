/* report.h: writers for simulation results (text table, JSON, CSV) and SVG line charts
 * (internal to the library and the command-line tool). */
#ifndef BONT_REPORT_REPORT_H
#define BONT_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bont/error.h"
#include "bont/model.h"
#include "bont/population.h"

/* One line (or set of markers) of a chart; arrays are borrowed. */
typedef struct bont_svg_series_t {
    const char *label; /* shown at the line's end (lines) or in the legend (markers) */
    const double *x;
    const double *y;
    size_t n;
    bool markers;       /* draw points with their own symbol instead of a line */
    const double *y_lo; /* optional error bars for markers (NULL for none) */
    const double *y_hi;
    const double *band_lo; /* optional shaded band around a line, e.g. 5-95 % (issue 4) */
    const double *band_hi;
} bont_svg_series_t;

typedef struct bont_svg_chart_t {
    const char *title;
    const char *subtitle; /* may be NULL */
    const char *x_label;  /* with unit, e.g. "days after injection" */
    const char *y_label;  /* with unit, e.g. "effect (% loss of function)" */
    double x_min, x_max, y_min, y_max;
    bool x_days; /* ticks at weeks/months rather than round decimals */
    const bont_svg_series_t *series;
    size_t n_series;
    const char *const *notes; /* lines of text under the chart (may be NULL) */
    size_t n_notes;
} bont_svg_chart_t;

/* Writes a self-contained SVG (white background, black axes, grey grid, each line its own colour
 * and dash pattern so it stays readable when printed in black and white). */
/* "left", "right" or "midline". */
const char *bont_report_side_name(bont_side_t s);
/* A number with one decimal, or "null" when undefined; -0.0 prints as 0.0. */
void bont_report_num1(FILE *f, double v);
/* The same into buf, or undefined when v is not finite. */
void bont_report_fmt1(char *buf, size_t size, double v, const char *undefined);
/* s as a JSON string literal. */
void bont_report_json_str(FILE *f, const char *s);

int bont_svg_write(FILE *f, const bont_svg_chart_t *chart);
int bont_svg_write_file(const char *path, const bont_svg_chart_t *chart, bont_error_t *err);

/* The label of a result's target: "corrugator_supercilii (left)". */
void bont_report_target_label(const bont_sim_result_t *r, char *buf, size_t size);

/* Simulation output (docs/model.md section 8 and the JSON contract of `bont simulate`). */
void bont_report_sim_text(FILE *f, const bont_sim_t *sim, const char *title);
void bont_report_sim_json(FILE *f, const bont_sim_t *sim);
void bont_report_sim_csv(FILE *f, const bont_sim_t *sim);
int bont_report_sim_svg(const char *path, const bont_sim_t *sim, const char *title,
                        bont_error_t *err);

/* Population output (`bont simulate --patients N`, issue 4; popout.c). */
void bont_report_pop_text(FILE *f, const bont_pop_t *pop, const char *title);
void bont_report_pop_json(FILE *f, const bont_pop_t *pop);
void bont_report_pop_csv(FILE *f, const bont_pop_t *pop);
int bont_report_pop_svg(const char *path, const bont_pop_t *pop, const char *title,
                        bont_error_t *err);

#endif
