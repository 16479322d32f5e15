/* svg.c: small SVG line charts for simulated time courses and validation plots. */
#include "report/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

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
            size_t l = c->series[i].label ? bont__utf8_width(c->series[i].label) : 0;
            if (l > *max_label)
                *max_label = l;
        }
    return n;
}

/* A chart's scale: data to SVG user units. */
typedef struct scale_t {
    const bont__svg_chart_t *c;
    double xr, yr; /* data ranges, > 0 */
} scale_t;

static double sx(const scale_t *s, double x)
{
    return PLOT_L + (x - s->c->x_min) / s->xr * PLOT_W;
}

static double sy(const scale_t *s, double y)
{
    return PLOT_T + PLOT_H - (y - s->c->y_min) / s->yr * PLOT_H;
}

/* Approximate width of a line of text at a font size (pixels per column; a CJK character takes
 * two), for sizing the picture. */
static int text_w(const char *s, double px_per_col)
{
    return (int)(px_per_col * (double)(s ? bont__utf8_width(s) : 0));
}

/* The picture grows to hold the legend right of the plot, the notes under it, and the title
 * and subtitle above it. */
static void picture_size(const bont__svg_chart_t *c, int *w_out, int *h_out)
{
    /* The legend sits right of the plot, one row per line, so labels never overlap however the
     * lines bunch up. */
    size_t max_label, n_lines = n_line_series(c, &max_label);
    int legend_h = PLOT_T + 10 + LEGEND_ROW * (int)n_lines;
    int h = PLOT_T + PLOT_H + 70 + 18 * (int)c->n_notes;
    int w = PLOT_L + PLOT_W + 60 + 8 * (int)(max_label > 60 ? 60 : max_label);
    for (size_t i = 0; i < c->n_notes; i++)
        if (PLOT_L + 20 + text_w(c->notes[i], 6.8) > w)
            w = PLOT_L + 20 + text_w(c->notes[i], 6.8);
    if (PLOT_L + 20 + text_w(c->subtitle, 7.0) > w)
        w = PLOT_L + 20 + text_w(c->subtitle, 7.0);
    if (PLOT_L + 20 + text_w(c->title, 10.5) > w)
        w = PLOT_L + 20 + text_w(c->title, 10.5);
    if (w < W)
        w = W;
    if (legend_h + 20 > PLOT_T + PLOT_H + 50)
        h += legend_h + 20 - (PLOT_T + PLOT_H + 50);
    *w_out = w;
    *h_out = h;
}

/* <text ...attrs>escaped s</text> */
static void text_el(FILE *f, const char *attrs, const char *s)
{
    fprintf(f, "<text %s>", attrs);
    bont_report_put_xml(f, s);
    fprintf(f, "</text>\n");
}

/* Title, grid with tick labels, the plot frame and the axis labels. */
static void frame(FILE *f, const scale_t *s)
{
    const bont__svg_chart_t *c = s->c;
    char attrs[160];
    snprintf(attrs, sizeof attrs, "x=\"%d\" y=\"28\" font-size=\"18\" font-weight=\"bold\"",
             PLOT_L);
    text_el(f, attrs, c->title);
    if (c->subtitle) {
        snprintf(attrs, sizeof attrs, "x=\"%d\" y=\"50\" font-size=\"13\" fill=\"#333\"", PLOT_L);
        text_el(f, attrs, c->subtitle);
    }
    double xs = c->x_days ? day_step(s->xr) : nice_step(s->xr, 8);
    double ys = nice_step(s->yr, 6);
    for (double x = ceil(c->x_min / xs) * xs; x <= c->x_max + 1e-9 * s->xr; x += xs)
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>\n"
                "<text x=\"%.1f\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">%g</text>\n",
                sx(s, x), PLOT_T, sx(s, x), PLOT_T + PLOT_H, sx(s, x), PLOT_T + PLOT_H + 20, x);
    for (double y = ceil(c->y_min / ys) * ys; y <= c->y_max + 1e-9 * s->yr; y += ys)
        fprintf(f,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n"
                "<text x=\"%d\" y=\"%.1f\" font-size=\"13\" text-anchor=\"end\">%g</text>\n",
                PLOT_L, sy(s, y), PLOT_L + PLOT_W, sy(s, y), PLOT_L - 8, sy(s, y) + 4, y);
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#000\" "
            "stroke-width=\"1.2\"/>\n",
            PLOT_L, PLOT_T, PLOT_W, PLOT_H);
    snprintf(attrs, sizeof attrs, "x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\"",
             PLOT_L + PLOT_W / 2, PLOT_T + PLOT_H + 44);
    text_el(f, attrs, c->x_label);
    snprintf(attrs, sizeof attrs,
             "transform=\"translate(24 %d) rotate(-90)\" font-size=\"14\" text-anchor=\"middle\"",
             PLOT_T + PLOT_H / 2);
    text_el(f, attrs, c->y_label);
}

/* Points with error bars, and their legend entry inside the plot (the k-th marker series). */
static void markers(FILE *f, const scale_t *s, const bont__svg_series_t *m, const char *col,
                    size_t k)
{
    for (size_t i = 0; i < m->n; i++) {
        if (!isfinite(m->x[i]) || !isfinite(m->y[i]))
            continue;
        if (m->y_lo && m->y_hi && isfinite(m->y_lo[i]) && isfinite(m->y_hi[i]))
            fprintf(f,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-width=\"1.5\" clip-path=\"url(#plot)\"/>\n",
                    sx(s, m->x[i]), sy(s, m->y_lo[i]), sx(s, m->x[i]), sy(s, m->y_hi[i]), col);
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"%s\" "
                "stroke=\"#000\" clip-path=\"url(#plot)\"/>\n",
                sx(s, m->x[i]) - 4.5, sy(s, m->y[i]) - 4.5, col);
    }
    int ly = PLOT_T + 16 + 20 * (int)k;
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"9\" height=\"9\" fill=\"%s\" stroke=\"#000\"/>"
            "<text x=\"%d\" y=\"%d\" font-size=\"13\">",
            PLOT_L + 10, ly - 8, col, PLOT_L + 24, ly);
    bont_report_put_xml(f, m->label);
    fprintf(f, "</text>\n");
}

/* A line with its optional band underneath, and its legend row right of the plot. */
static void line(FILE *f, const scale_t *s, const bont__svg_series_t *l, const char *col,
                 const char *dash, size_t row)
{
    if (l->band_lo && l->band_hi) {
        fprintf(f,
                "<polygon fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\" "
                "clip-path=\"url(#plot)\" points=\"",
                col);
        for (size_t k = 0; k < l->n; k++)
            if (isfinite(l->x[k]) && isfinite(l->band_hi[k]))
                fprintf(f, "%.1f,%.1f ", sx(s, l->x[k]), sy(s, l->band_hi[k]));
        for (size_t k = l->n; k-- > 0;)
            if (isfinite(l->x[k]) && isfinite(l->band_lo[k]))
                fprintf(f, "%.1f,%.1f ", sx(s, l->x[k]), sy(s, l->band_lo[k]));
        fprintf(f, "\"/>\n");
    }
    fprintf(f,
            "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" stroke-dasharray=\"%s\" "
            "clip-path=\"url(#plot)\" points=\"",
            col, dash);
    for (size_t k = 0; k < l->n; k++)
        if (isfinite(l->x[k]) && isfinite(l->y[k]))
            fprintf(f, "%.1f,%.1f ", sx(s, l->x[k]), sy(s, l->y[k]));
    fprintf(f, "\"/>\n");
    int ly = PLOT_T + 10 + LEGEND_ROW * (int)row;
    fprintf(f,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
            "stroke-width=\"2.2\" stroke-dasharray=\"%s\"/>\n<text x=\"%d\" y=\"%d\" "
            "font-size=\"13\">",
            PLOT_L + PLOT_W + 12, ly, PLOT_L + PLOT_W + 44, ly, col, dash, PLOT_L + PLOT_W + 50,
            ly + 4);
    bont_report_put_xml(f, l->label);
    fprintf(f, "</text>\n");
}

int bont__svg_write(FILE *f, const bont__svg_chart_t *c)
{
    scale_t s = {c, c->x_max - c->x_min, c->y_max - c->y_min};
    if (!(s.xr > 0) || !(s.yr > 0))
        return BONT_EINVAL;
    int w, h;
    picture_size(c, &w, &h);
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
            "%d\" font-family=\"Helvetica, Arial, sans-serif\">\n",
            w, h, w, h);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
    frame(f, &s);
    /* Lines and markers, clipped to the plot area. */
    fprintf(
        f,
        "<clipPath id=\"plot\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath>\n",
        PLOT_L, PLOT_T, PLOT_W, PLOT_H);
    size_t n_markers = 0, row = 0;
    for (size_t i = 0; i < c->n_series; i++) {
        if (c->series[i].markers)
            markers(f, &s, &c->series[i], colours[i % 8], n_markers++);
        else
            line(f, &s, &c->series[i], colours[i % 8], dashes[(i + i / 8) % 8], row++);
    }
    for (size_t i = 0; i < c->n_notes; i++) {
        char attrs[96];
        snprintf(attrs, sizeof attrs, "x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#222\"", PLOT_L,
                 PLOT_T + PLOT_H + 70 + 18 * (int)i);
        text_el(f, attrs, c->notes[i]);
    }
    fprintf(f, "</svg>\n");
    return bont__stream_rc(f, 0);
}
