/* format.c: one formatter per quantity (numbers, days, units, volumes, shares, sides, targets)
 * and the JSON plumbing every writer shares. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/text.h"

void bont__fmt1(char *buf, size_t size, double v, const char *undefined)
{
    if (!isfinite(v))
        snprintf(buf, size, "%s", undefined);
    else
        snprintf(buf, size, "%.1f", fabs(v) < 0.05 ? 0.0 : v);
}

void bont__put_num1(FILE *f, double v)
{
    char buf[64];
    bont__fmt1(buf, sizeof buf, v, "null");
    fputs(buf, f);
}

void bont__put_day_axis(FILE *f, int days)
{
    for (int d = 0; d <= days; d++)
        fprintf(f, "%s%d", d ? ", " : "", d);
}

void bont__put_sig6(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.6g", v == 0.0 ? 0.0 : v);
    else
        fputs("null", f);
}

/* Halves go up (day 12.5 is day 13) in every writer; printf's "%.0f" would round them to even. */
static double whole_day(double v)
{
    return isfinite(v) ? floor(v + 0.5) : v;
}

void bont__fmt_day(char *buf, size_t size, double v, const char *undefined)
{
    if (!isfinite(v))
        snprintf(buf, size, "%s", undefined);
    else
        snprintf(buf, size, "%.0f", whole_day(v));
}

void bont__put_day(FILE *f, double v)
{
    char buf[64];
    bont__fmt_day(buf, sizeof buf, v, "null");
    fputs(buf, f);
}

/* sig significant digits, but whole numbers too large for them in full ("1000", never
 * "1e+03"). */
static void fmt_sig(char *buf, size_t size, double v, int sig)
{
    if (fabs(v) >= pow(10.0, sig - 1) && isfinite(v))
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.*g", sig, v);
}

void bont__fmt_units(char *buf, size_t size, double u)
{
    fmt_sig(buf, size, u, 4);
}

void bont__fmt_ml(char *buf, size_t size, double ml)
{
    fmt_sig(buf, size, ml, 3);
}

void bont__fmt_share_pct(char *buf, size_t size, double share)
{
    snprintf(buf, size, BONT_TR("%.1f %%"), 100.0 * share);
}

void bont__fmt_ci95_pct(char *buf, size_t size, double lo, double hi)
{
    snprintf(buf, size, BONT_TR("(95 %% CI %.1f-%.1f %%)"), 100.0 * lo, 100.0 * hi);
}

const char *bont__side(bont_side_t s)
{
    return s == BONT_SIDE_LEFT ? "left" : s == BONT_SIDE_RIGHT ? "right" : "midline";
}

void bont__put_padded(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    for (size_t w = bont__utf8_width(s); w < width; w++)
        fputc(' ', f);
}

json_t *bont__jlang(void)
{
    return json_string(bont_lang_code(bont_i18n_thread_lang()));
}

/* After snprintf cut s to fit: drops a character cut in the middle, so the escapes do not show
 * its first bytes as \xNN. */
static void fit_utf8(char *s, size_t size, int wanted)
{
    if (wanted < 0 || (size_t)wanted < size)
        return;
    size_t n = strlen(s), k = n;
    while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80 && n - k < 3)
        k--;
    if (k > 0 && (unsigned char)s[k - 1] >= 0xC0) { /* a lead byte: is its sequence whole? */
        unsigned char c = (unsigned char)s[k - 1];
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (n - (k - 1) < len)
            s[k - 1] = '\0';
    }
}

void bont__target_label(char *buf, size_t size, const char *muscle, const char *side)
{
    int n;
    if (!side || !*side || !strcmp(side, "midline"))
        n = snprintf(buf, size, "%s", muscle);
    else
        n = snprintf(buf, size, BONT_TR("%s (%s)"), muscle,
                     !strcmp(side, "left")    ? BONT_TRC("side", "left")
                     : !strcmp(side, "right") ? BONT_TRC("side", "right")
                                              : side);
    fit_utf8(buf, size, n);
}

void bont__list_add(char *buf, size_t size, const char *item)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%s", n ? BONT_TR(", ") : "", item);
}

void bont__plan_label(char *buf, size_t size, const bont_plan_t *plan)
{
    int n = plan->title ? snprintf(buf, size, "%s (%s)", plan->file, plan->title)
                        : snprintf(buf, size, "%s", plan->file);
    fit_utf8(buf, size, n);
}

void bont__ids_add(char *set, size_t size, const char *ids, void (*fn)(const char *id, void *user),
                   void *user)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", ids ? ids : "");
    if (size > 1 && set[0] != ' ')
        snprintf(set, size, " ");
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        char key[96];
        snprintf(key, sizeof key, " %s ", tok);
        if (strstr(set, key))
            continue;
        size_t n = strlen(set);
        if (n + strlen(tok) + 2 > size)
            return; /* full: the rest are not listed */
        snprintf(set + n, size - n, "%s ", tok);
        if (fn)
            fn(tok, user);
    }
}

int bont__stream_rc(FILE *f, int rc)
{
    return rc ? rc : ferror(f) ? BONT_EIO : 0;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

json_t *bont__jnum_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *bont__jnum_unless_negative(double v)
{
    return v < 0 || !isfinite(v) ? json_null() : json_real(v);
}

json_t *bont__jreal_sig(double v, int sig)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", sig, v);
    return json_real(strtod(buf, NULL));
}

void bont__jappend(json_t *arr, json_t *value, bool *failed)
{
    if (!value || !arr || json_array_append_new(arr, value) != 0)
        *failed = true;
}

int bont_report_json_write(FILE *f, json_t *root)
{
    if (!root) {
        fputc('\n', f);
        return BONT_ENOMEM;
    }
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    fputc('\n', f);
    json_decref(root);
    return bont__stream_rc(f, rc ? BONT_EIO : 0);
}

json_t *bont__json_from_writer(int (*write)(FILE *f, const void *ctx), const void *ctx)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    int rc = write(f, ctx);
    if (fclose(f) != 0 || rc != 0) {
        free(text);
        return NULL;
    }
    json_t *j = json_loadb(text, len, 0, NULL);
    free(text);
    return j;
}

void bont_report_error(FILE *f, const char *prefix, const bont_error_t *err)
{
    char buf[1400];
    bont_report_put_text(f, prefix);
    fputs(": ", f);
    bont_report_put_text(f, bont_error_format(err, buf, sizeof buf));
    fputc('\n', f);
}
