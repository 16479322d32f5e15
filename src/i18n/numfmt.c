/* numfmt.c: whole numbers, dates and natural frequencies written the way the thread's language
 * writes them (docs/i18n.md, "Numbers, dates and rates"). bont formats these itself: a machine
 * with no generated locale has no ko_KR or zh_CN conventions for strftime or printf to use. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/i18n.h"

void bont_i18n_fmt_int(char *buf, size_t size, long long n)
{
    /* Groups of three with a comma: the convention of English, Chinese and Korean alike. */
    char digits[32];
    unsigned long long u = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;
    int len = snprintf(digits, sizeof digits, "%llu", u);
    char out[48];
    size_t at = 0;
    if (n < 0)
        out[at++] = '-';
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[at++] = ',';
        out[at++] = digits[i];
    }
    out[at] = '\0';
    snprintf(buf, size, "%s", out);
}

static const char *const months_en[12] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

void bont_i18n_fmt_date(char *buf, size_t size, const char *iso_date)
{
    int y, m, d;
    char end;
    if (!iso_date || strlen(iso_date) != 10 ||
        sscanf(iso_date, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31) {
        snprintf(buf, size, "%s", iso_date ? iso_date : "");
        return;
    }
    switch (bont_i18n_thread_lang()) {
    case BONT_LANG_ZH:
        snprintf(buf, size, "%d年%d月%d日", y, m, d);
        break;
    case BONT_LANG_KO:
        snprintf(buf, size, "%d년 %d월 %d일", y, m, d);
        break;
    default:
        snprintf(buf, size, "%d %s %d", d, months_en[m - 1], y);
        break;
    }
}

void bont_i18n_fmt_frequency(char *buf, size_t size, double pct)
{
    char n[32], of[32];
    if (!isfinite(pct) || pct < 0) {
        snprintf(buf, size, "%s", bont_i18n_gettext("how often is not known"));
        return;
    }
    /* Rounded to whole people: per 100 from 1 % up, per 1,000 from 0.1 %, else "fewer than". */
    long long per = pct >= 0.95 ? 100 : 1000;
    long long k = llround(pct * (double)per / 100.0);
    bont_i18n_fmt_int(of, sizeof of, per);
    if (k < 1) {
        snprintf(buf, size, bont_i18n_gettext("fewer than 1 in %s people"), of);
        return;
    }
    bont_i18n_fmt_int(n, sizeof n, k);
    snprintf(buf, size, bont_i18n_gettext("about %s in %s people"), n, of);
}
