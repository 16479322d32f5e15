/* date.c: the calendar: YYYY-MM-DD to days since 1970-01-01 and back, and date-times to the
 * minute (H. Hinnant's days_from_civil and civil_from_days algorithms). */
#include "bont/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/error.h"

static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

int bont_date_parse(const char *s, long *day)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return BONT_EPARSE;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return BONT_EPARSE;
    long y = strtol(s, NULL, 10);
    unsigned m = (unsigned)strtol(s + 5, NULL, 10), d = (unsigned)strtol(s + 8, NULL, 10);
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return BONT_EPARSE;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return BONT_EPARSE;
    *day = days_from_civil(y, m, d);
    return BONT_OK;
}

void bont_date_format(long z, char *buf)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(buf, 11, "%04ld-%02u-%02u", y % 10000, m % 100, d % 100);
}

int bont_datetime_parse(const char *s, long *day, long long *minute, int *has_time)
{
    char date[11] = "";
    unsigned hh = 0, mm = 0;
    size_t n = s ? strlen(s) : 0;
    if (n < 10)
        return BONT_EPARSE;
    snprintf(date, sizeof date, "%.10s", s);
    long d = 0;
    if (bont_date_parse(date, &d) != 0)
        return BONT_EPARSE;
    if (n > 10) {
        int ok = n == 16 && (s[10] == 'T' || s[10] == ' ') && s[13] == ':' && s[11] >= '0' &&
                 s[11] <= '9' && s[12] >= '0' && s[12] <= '9' && s[14] >= '0' && s[14] <= '9' &&
                 s[15] >= '0' && s[15] <= '9';
        if (!ok || sscanf(s + 11, "%2u:%2u", &hh, &mm) != 2 || hh >= 24 || mm >= 60)
            return BONT_EPARSE;
    }
    *day = d;
    *minute = (long long)d * 1440 + hh * 60 + mm;
    *has_time = n > 10;
    return BONT_OK;
}
