/* svg.c: small SVG line charts for simulated time courses and validation plots. */
#include "report/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Plot area in SVG user units; fonts are sized for an A4 page at full width. */
enum { W = 900, PLOT_L = 80, PLOT_T = 70, PLOT_W = 560, PLOT_H = 380, LEGEND_ROW = 20 };

/* Colours from the Okabe-Ito palette (distinguishable with colour-vision deficiency; its yellow,
 * too pale on paper, replaced by purple), paired
 * with dash patterns so lines stay apart in black and white; the dash shifts every 8 lines so
 * no two of the first 64 lines look alike. */
static const char *const colours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                      "#E69F00", "#56B4E9", "#000000", "#7F3C8D"};
static const char *const dashes[] = {"", "8 4", "2 3", "10 3 2 3", "4 4", "12 4", "1 2", "6 2 2 2"};

static double nice_step(double range, int target_ticks)
{
    double raw = range / target_ticks;
    double p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    return (m <= 1.0 ? 1.0 : m <= 2.0 ? 2.0 : m <= 5.0 ? 5.0 : 10.0) * p;
}

static double day_step(double range)
{
    static const double steps[] = {1, 2, 7, 14, 30, 60, 90, 180, 365, 730};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (range / steps[i] <= 10.0)
            return steps[i];
    return nice_step(range, 8);
}

/* Legend rows needed for the line series (markers have their own legend inside the plot). */
static size_t n_line_series(const bont__svg_chart_t *c, size_t *max_label)
{
    size_t n = 0;
    *max_label = 0;
    for (size_t i = 0; i < c->n_series; i++)
        if (!c->series[i].markers) {
            n++;
            size_t l = c->series[i].label ? strlen(c->series[i].label) : 0;
            if (l > *max_label)
                *max_label = l;
        }
    return n;
}

int bont__svg_write(FILE *f, const bont__svg_chart_t *c)
{
    double xr = c->x_max - c->x_min, yr = c->y_max - c->y_min;
    if (!(xr > 0) || !(yr > 0))
        return BONT_EINVAL;
    /* The legend sits right of the plot, one row per line, so labels never overlap however the
     * lines bunch up; the picture grows to hold it. */
    size_t max_label, n_lines = n_line_series(c, &max_label);
    int legend_h = PLOT_T + 10 + LEGEND_ROW * (int)n_lines;
    int h = PLOT_T + PLOT_H + 70 + 18 * (int)c->n_notes;
    int w = PLOT_L + PLOT_W + 60 + 8 * (int)(max_label > 60 ? 60 : max_label);
    for (size_t i = 0; i < c->n_notes; i++) {
        int nw = PLOT_L + 20 + (int)(6.8 * (double)strlen(c->notes[i]));
        if (nw > w)
            w = nw;
    }
    if (w < W)
        w = W;
    if (legend_h + 20 > PLOT_T + PLOT_H + 50) {
        int extra = legend_h + 20 - (PLOT_T + PLOT_H + 50);
        h += extra;
    }
#define SX(x) (PLOT_L + ((x)-c->x_min) / xr * PLOT_W)
#define SY(y) (PLOT_T + PLOT_H - ((y)-c->y_min) / yr * PLOT_H)
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
            "%d\" font-family=\"Helvetica, Arial, sans-serif\">\n",
            w, h, w, h);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
    fprintf(f, "<text x=\"%d\" y=\"28\" font-size=\"18\" font-weight=\"bold\">", PLOT_L);
    bont_report_put_xml(f, c->title);
    fprintf(f, "</text>\n");
    if (c->subtitle) {
        fprintf(f, "<text x=\"%d\" y=\"50\" font-size=\"13\" fill=\"#333\">", PLOT_L);
        bont_report_put_xml(f, c->subtitle);
        fprintf(f, "</text>\n");
    }
    /* Grid and ticks. */
    double xs = c->x_days ? day_step(xr) : nice_step(xr, 8);
    double ys = nice_step(yr, 6);
    for (double x = ceil(c->x_min / xs) * xs; x <= c->x_max + 1e-9 * xr; x += xs) {
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>\n"
                "<text x=\"%.1f\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">%g</text>\n",
                SX(x), PLOT_T, SX(x), PLOT_T + PLOT_H, SX(x), PLOT_T + PLOT_H + 20, x);
    }
    for (double y = ceil(c->y_min / ys) * ys; y <= c->y_max + 1e-9 * yr; y += ys) {
        fprintf(f,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n"
                "<text x=\"%d\" y=\"%.1f\" font-size=\"13\" text-anchor=\"end\">%g</text>\n",
                PLOT_L, SY(y), PLOT_L + PLOT_W, SY(y), PLOT_L - 8, SY(y) + 4, y);
    }
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#000\" "
            "stroke-width=\"1.2\"/>\n",
            PLOT_L, PLOT_T, PLOT_W, PLOT_H);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">",
            PLOT_L + PLOT_W / 2, PLOT_T + PLOT_H + 44);
    bont_report_put_xml(f, c->x_label);
    fprintf(f,
            "</text>\n<text transform=\"translate(24 %d) rotate(-90)\" font-size=\"14\" "
            "text-anchor=\"middle\">",
            PLOT_T + PLOT_H / 2);
    bont_report_put_xml(f, c->y_label);
    fprintf(f, "</text>\n");

    /* Lines, clipped to the plot area. */
    fprintf(
        f,
        "<clipPath id=\"plot\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath>\n",
        PLOT_L, PLOT_T, PLOT_W, PLOT_H);
    size_t n_markers = 0, row = 0;
    for (size_t i = 0; i < c->n_series; i++) {
        const bont__svg_series_t *s = &c->series[i];
        const char *col = colours[i % 8];
        if (s->markers) {
            for (size_t k = 0; k < s->n; k++) {
                if (!isfinite(s->x[k]) || !isfinite(s->y[k]))
                    continue;
                if (s->y_lo && s->y_hi && isfinite(s->y_lo[k]) && isfinite(s->y_hi[k]))
                    fprintf(f,
                            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                            "stroke-width=\"1.5\" clip-path=\"url(#plot)\"/>\n",
                            SX(s->x[k]), SY(s->y_lo[k]), SX(s->x[k]), SY(s->y_hi[k]), col);
                fprintf(f,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"%s\" "
                        "stroke=\"#000\" clip-path=\"url(#plot)\"/>\n",
                        SX(s->x[k]) - 4.5, SY(s->y[k]) - 4.5, col);
            }
            int ly = PLOT_T + 16 + 20 * (int)n_markers++;
            fprintf(f,
                    "<rect x=\"%d\" y=\"%d\" width=\"9\" height=\"9\" fill=\"%s\" stroke=\"#000\"/>"
                    "<text x=\"%d\" y=\"%d\" font-size=\"13\">",
                    PLOT_L + 10, ly - 8, col, PLOT_L + 24, ly);
            bont_report_put_xml(f, s->label);
            fprintf(f, "</text>\n");
            continue;
        }
        if (s->band_lo && s->band_hi) { /* the band under its line (issue 4) */
            fprintf(f,
                    "<polygon fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\" "
                    "clip-path=\"url(#plot)\" points=\"",
                    col);
            for (size_t k = 0; k < s->n; k++)
                if (isfinite(s->x[k]) && isfinite(s->band_hi[k]))
                    fprintf(f, "%.1f,%.1f ", SX(s->x[k]), SY(s->band_hi[k]));
            for (size_t k = s->n; k-- > 0;)
                if (isfinite(s->x[k]) && isfinite(s->band_lo[k]))
                    fprintf(f, "%.1f,%.1f ", SX(s->x[k]), SY(s->band_lo[k]));
            fprintf(f, "\"/>\n");
        }
        fprintf(
            f,
            "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" stroke-dasharray=\"%s\" "
            "clip-path=\"url(#plot)\" points=\"",
            col, dashes[(i + i / 8) % 8]);
        for (size_t k = 0; k < s->n; k++)
            if (isfinite(s->x[k]) && isfinite(s->y[k]))
                fprintf(f, "%.1f,%.1f ", SX(s->x[k]), SY(s->y[k]));
        fprintf(f, "\"/>\n");
        /* Its legend row: a sample of the line, then the label. */
        int ly = PLOT_T + 10 + LEGEND_ROW * (int)row++;
        fprintf(f,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                "stroke-width=\"2.2\" stroke-dasharray=\"%s\"/>\n<text x=\"%d\" y=\"%d\" "
                "font-size=\"13\">",
                PLOT_L + PLOT_W + 12, ly, PLOT_L + PLOT_W + 44, ly, col, dashes[(i + i / 8) % 8],
                PLOT_L + PLOT_W + 50, ly + 4);
        bont_report_put_xml(f, s->label);
        fprintf(f, "</text>\n");
    }
    for (size_t i = 0; i < c->n_notes; i++) {
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#222\">", PLOT_L,
                PLOT_T + PLOT_H + 70 + 18 * (int)i);
        bont_report_put_xml(f, c->notes[i]);
        fprintf(f, "</text>\n");
    }
    fprintf(f, "</svg>\n");
#undef SX
#undef SY
    return bont__stream_rc(f, 0);
}
