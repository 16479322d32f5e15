/* format.c: small formatting helpers shared by the report writers. */
#include <math.h>
#include <stdio.h>

#include "report/report.h"

const char *bont_report_side_name(bont_side_t s)
{
    return s == BONT_SIDE_LEFT ? "left" : s == BONT_SIDE_RIGHT ? "right" : "midline";
}

void bont_report_num1(FILE *f, double v)
{
    if (!isfinite(v))
        fputs("null", f);
    else
        fprintf(f, "%.1f", fabs(v) < 0.05 ? 0.0 : v);
}

void bont_report_fmt1(char *buf, size_t size, double v, const char *undefined)
{
    if (!isfinite(v))
        snprintf(buf, size, "%s", undefined);
    else
        snprintf(buf, size, "%.1f", fabs(v) < 0.05 ? 0.0 : v);
}

void bont_report_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}
