/* handout_html.c: the patient handout as one printable HTML page (A4, print stylesheet, CJK
 * fonts named) with its timeline as inline SVG; every string is escaped for XML. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/handout.h"
#include "report/internal.h"

static void put(FILE *f, const char *s)
{
    bont_report_put_xml(f, s);
}

/* Fonts by language: Debian's fonts-noto-cjk holds Noto Sans CJK SC and KR; Latin text falls
 * back to the sans-serif the system has. */
static const char *font_family(bont_lang_t lang)
{
    switch (lang) {
    case BONT_LANG_ZH:
        return "\"Noto Sans CJK SC\", \"Noto Sans SC\", \"Source Han Sans SC\", sans-serif";
    case BONT_LANG_KO:
        return "\"Noto Sans CJK KR\", \"Noto Sans KR\", \"Source Han Sans K\", sans-serif";
    default:
        return "\"Noto Sans\", \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif";
    }
}

static const char *const stylesheet =
    "@page { size: A4; margin: 11mm 13mm; }\n"
    "html { font-size: 10pt; line-height: 1.42; color: #111; background: #fff; }\n"
    "body { margin: 0 auto; max-width: 184mm; }\n"
    ":lang(ko) { word-break: keep-all; overflow-wrap: anywhere; }\n"
    "header { display: flex; justify-content: space-between; align-items: flex-end;\n"
    "  border-bottom: 2px solid #222; padding-bottom: 3px; margin-bottom: 6px; }\n"
    "h1 { font-size: 16pt; margin: 0; }\n"
    "header .clinic { text-align: right; font-size: 9pt; }\n"
    "h2 { font-size: 11.5pt; margin: 7px 0 3px; border-bottom: 1px solid #bbb; }\n"
    "p { margin: 2px 0; }\n"
    "ul { margin: 2px 0 3px 0; padding-left: 17px; }\n"
    "li { margin: 1px 0; }\n"
    "section { break-inside: avoid; page-break-inside: avoid; }\n"
    "section.warning { border: 2.5px solid #b00020; background: #fff3f3; border-radius: 4px;\n"
    "  padding: 2px 10px 5px; }\n"
    "section.warning h2 { color: #b00020; border-bottom: none; font-size: 13pt; }\n"
    "section.warning li { font-weight: bold; }\n"
    "section.warning ul { columns: 2; column-gap: 18px; }\n"
    ".alert { border: 2px solid #b00020; color: #b00020; font-weight: bold;\n"
    "  padding: 4px 8px; margin: 4px 0; }\n"
    ".detail, .note { font-size: 8.3pt; color: #444; }\n"
    ".detail { display: block; }\n"
    "section.sources { font-size: 7pt; color: #555; overflow-wrap: anywhere; }\n"
    "section.sources h2 { font-size: 8.5pt; }\n"
    "section.sources ul { padding-left: 12px; }\n"
    "figure { margin: 3px 0; }\n"
    "svg { width: 100%; height: auto; display: block; }\n"
    "@media screen { body { padding: 10mm; } }\n";

typedef struct html_ctx_t {
    FILE *f;
    bool in_list;
    bool in_section;
} html_ctx_t;

static void close_list(html_ctx_t *t)
{
    if (t->in_list)
        fputs("</ul>\n", t->f);
    t->in_list = false;
}

static void html_begin(void *ctx, const bont__handout_facts_t *x, const char *title)
{
    html_ctx_t *t = ctx;
    bont_lang_t lang = bont_i18n_thread_lang();
    fprintf(t->f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
            bont_lang_html(lang));
    fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          t->f);
    put(t->f, title);
    fprintf(t->f, "</title>\n<style>\nhtml { font-family: %s; }\n%s</style>\n</head>\n<body>\n",
            font_family(lang), stylesheet);
    fputs("<header><div><h1>", t->f);
    put(t->f, title);
    fputs("</h1><div>", t->f);
    put(t->f, x->date);
    fputs("</div>", t->f);
    if (x->h->patient) {
        fputs("<div class=\"patient\">", t->f);
        put(t->f, x->h->patient);
        fputs("</div>", t->f);
    }
    fputs("</div><div class=\"clinic\">", t->f);
    if (x->h->clinic) {
        fputs("<strong>", t->f);
        put(t->f, x->h->clinic);
        fputs("</strong><br>", t->f);
    }
    if (x->h->phone)
        put(t->f, x->h->phone);
    fputs("</div></header>\n", t->f);
}

static void html_section(void *ctx, const char *id, const char *heading)
{
    html_ctx_t *t = ctx;
    close_list(t);
    if (t->in_section)
        fputs("</section>\n", t->f);
    fprintf(t->f, "<section class=\"%s\">\n<h2>", id);
    put(t->f, heading);
    fputs("</h2>\n", t->f);
    t->in_section = true;
}

static void html_para(void *ctx, const char *s, bont__handout_style_t style)
{
    html_ctx_t *t = ctx;
    close_list(t);
    fputs(style == HANDOUT_ALERT  ? "<p class=\"alert\">"
          : style == HANDOUT_NOTE ? "<p class=\"note\">"
                                  : "<p>",
          t->f);
    put(t->f, s);
    fputs("</p>\n", t->f);
}

static void html_item(void *ctx, const char *s, const char *detail)
{
    html_ctx_t *t = ctx;
    if (!t->in_list)
        fputs("<ul>\n", t->f);
    t->in_list = true;
    fputs("<li>", t->f);
    put(t->f, s);
    if (detail) {
        fputs("<span class=\"detail\">", t->f);
        put(t->f, detail);
        fputs("</span>", t->f);
    }
    fputs("</li>\n", t->f);
}

static void html_list_end(void *ctx)
{
    close_list(ctx);
}

static void html_timeline(void *ctx, const bont__handout_facts_t *x)
{
    html_ctx_t *t = ctx;
    close_list(t);
    fputs("<figure>\n", t->f);
    bont__handout_svg(t->f, x);
    fputs("</figure>\n", t->f);
}

static void html_end(void *ctx)
{
    html_ctx_t *t = ctx;
    close_list(t);
    if (t->in_section)
        fputs("</section>\n", t->f);
    fputs("</body>\n</html>\n", t->f);
}

int bont_report_handout_html(FILE *f, const bont_handout_t *h)
{
    bont__handout_facts_t *x = malloc(sizeof *x);
    if (!x)
        return BONT_ENOMEM;
    int rc = bont__handout_facts(h, x);
    if (rc == 0) {
        static const bont__handout_emitter_t emit = {
            html_begin, html_section, html_para, html_item, html_list_end, html_timeline, html_end};
        html_ctx_t t = {f, false, false};
        bont__handout_walk(x, &emit, &t);
    }
    free(x);
    return bont__stream_rc(f, rc);
}

/* ---- The timeline ----------------------------------------------------------------------------
 * Effect (percent of the full effect) against weeks after the injection for the main injected
 * structure: the median of the virtual patients with the band where 90 of 100 lie, and the
 * windows the text names (noticed, strongest, wears off, next treatment). */

enum { SVG_W = 640, SVG_H = 190, PLOT_L = 46, PLOT_R = 14, PLOT_T = 40, PLOT_B = 36 };

typedef struct axis_t {
    double days; /* the x axis runs from 0 to days */
} axis_t;

static double px(const axis_t *a, double day)
{
    return PLOT_L + (SVG_W - PLOT_L - PLOT_R) * fmin(fmax(day, 0), a->days) / a->days;
}

static double py(double pct)
{
    return PLOT_T + (SVG_H - PLOT_T - PLOT_B) * (1.0 - fmin(fmax(pct, 0), 100) / 100.0);
}

static void svg_text(FILE *f, double x, double y, const char *anchor, const char *cls,
                     const char *s)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor, cls);
    put(f, s);
    fputs("</text>\n", f);
}

static void svg_axes(FILE *f, const axis_t *a)
{
    double x0 = PLOT_L, x1 = SVG_W - PLOT_R, y0 = py(0), y1 = py(100);
    for (int pct = 0; pct <= 100; pct += 50) {
        fprintf(f, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>\n", PLOT_L,
                x1, py(pct), py(pct));
        char lab[16];
        snprintf(lab, sizeof lab, "%d%%", pct);
        svg_text(f, PLOT_L - 4, py(pct) + 3.5, "end", "tick", lab);
    }
    int step = a->days > 200 ? 8 : 4;
    for (int w = 0; w * 7 <= a->days; w += step) {
        char lab[16];
        snprintf(lab, sizeof lab, "%d", w);
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"tickmark\"/>\n",
                px(a, w * 7.0), px(a, w * 7.0), y0, y0 + 4);
        svg_text(f, px(a, w * 7.0), y0 + 14, "middle", "tick", lab);
    }
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>\n", x0, x1,
            y0, y0);
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>\n", x0, x0,
            y0, y1);
    svg_text(f, (x0 + x1) / 2, SVG_H - 4, "middle", "label", BONT_TR("weeks after the injection"));
    fprintf(f,
            "<text transform=\"translate(11 %.1f) rotate(-90)\" text-anchor=\"middle\" "
            "class=\"label\">",
            (y0 + y1) / 2);
    put(f, BONT_TR("effect"));
    fputs("</text>\n", f);
}

/* A path through the series s (percent per day) over the axis. */
static void svg_series(FILE *f, const axis_t *a, const double *s, const char *cls)
{
    fprintf(f, "<polyline class=\"%s\" points=\"", cls);
    for (int d = 0; d <= (int)a->days; d++)
        fprintf(f, "%s%.1f,%.1f", d ? " " : "", px(a, d), py(s[d]));
    fputs("\"/>\n", f);
}

static void svg_band(FILE *f, const axis_t *a, const bont__course_window_t *c)
{
    fputs("<polygon class=\"band\" points=\"", f);
    for (int d = 0; d <= (int)a->days; d++)
        fprintf(f, "%.1f,%.1f ", px(a, d), py(c->p95[d]));
    for (int d = (int)a->days; d >= 0; d--)
        fprintf(f, "%.1f,%.1f%s", px(a, d), py(c->p5[d]), d ? " " : "");
    fputs("\"/>\n", f);
}

/* A window [from, to] days shaded under the plot, with its label in row (0 or 1) above it. */
static void svg_window(FILE *f, const axis_t *a, double from, double to, const char *cls, int row,
                       const char *label)
{
    double x0 = px(a, from), x1 = fmax(px(a, to), x0 + 2);
    fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" class=\"%s\"/>\n", x0,
            PLOT_T, x1 - x0, py(0) - PLOT_T, cls);
    double mid = (x0 + x1) / 2;
    const char *anchor = mid < PLOT_L + 60 ? "start" : mid > SVG_W - PLOT_R - 60 ? "end" : "middle";
    double at = strcmp(anchor, "start") == 0 ? x0 : strcmp(anchor, "end") == 0 ? x1 : mid;
    svg_text(f, at, row ? PLOT_T - 20 : PLOT_T - 6, anchor, cls, label);
}

void bont__handout_svg(FILE *f, const bont__handout_facts_t *x)
{
    const bont__course_window_t *c = &x->course;
    double span = fmax(c->off_max_week * 7.0, x->interval_days) + 21;
    axis_t a = {fmin(c->days, fmax(span, 56))};
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "aria-label=\"",
            SVG_W, SVG_H);
    put(f, BONT_TR("Timeline of the effect"));
    fputs("\">\n<style>text { font-family: inherit; fill: #222; } .tick { font-size: 10px; } "
          ".label { font-size: 11px; } .grid { stroke: #ddd; } .axis, .tickmark { stroke: #222; } "
          ".band { fill: #9ec5e8; opacity: 0.55; } .median { fill: none; stroke: #1f4e79; "
          "stroke-width: 2.2; } .notice { fill: #2e7d32; fill-opacity: 0.18; } text.notice { "
          "fill: #1b5e20; fill-opacity: 1; font-size: 10.5px; } .peak { fill: #ef6c00; "
          "fill-opacity: 0.22; } text.peak { fill: #b34700; fill-opacity: 1; font-size: 10.5px; "
          "} .off { fill: #757575; fill-opacity: 0.2; } text.off { fill: #333; fill-opacity: 1; "
          "font-size: 10.5px; } .next { fill: #6a1b9a; fill-opacity: 0.25; } text.next { fill: "
          "#6a1b9a; fill-opacity: 1; font-size: 10.5px; }</style>\n",
          f);
    svg_axes(f, &a);
    svg_window(f, &a, c->notice_min_day, c->notice_max_day, "notice", 0, BONT_TR("noticed"));
    svg_window(f, &a, c->peak_day - 1, c->peak_day + 1, "peak", 1, BONT_TR("strongest"));
    svg_window(f, &a, c->off_min_week * 7.0, c->off_max_week * 7.0, "off", 0, BONT_TR("wears off"));
    if (x->interval_days >= 0)
        svg_window(f, &a, x->interval_days, x->interval_days + 1, "next", 1,
                   BONT_TR("next treatment"));
    svg_band(f, &a, c);
    svg_series(f, &a, c->p50, "median");
    fputs("</svg>\n", f);
}
