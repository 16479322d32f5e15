/* dates.c: the store's date rules: real dates, none after the clinic's today, in order. */
#include <stdio.h>
#include <string.h>

#include "bont/plan.h"
#include "store/internal.h"

/* The plan module owns the calendar; the store only needs "valid or not" and day numbers. */
int bont__store_day(const char *date, long *day)
{
    long d = 0;
    if (bont_date_parse(date, &d) != 0)
        return -1;
    if (day)
        *day = d;
    return 0;
}

void bont__store_format_day(long day, char buf[11])
{
    bont_date_format(day, buf);
}

int bont_store_set_today(bont_store_t *store, const char *today, bont_error_t *err)
{
    if (bont__store_day(today, NULL) != 0) {
        bont_error_setf(err, "--today", "must be a real date as YYYY-MM-DD (got \"%s\")",
                        today ? today : "");
        return BONT_EINVAL;
    }
    snprintf(store->today, sizeof store->today, "%s", today);
    return 0;
}

int bont__store_today(const bont_store_t *s, const char *field, long *today, bont_error_t *err)
{
    /* Without today a date in the future cannot be told from one in the past; refusing is the
     * only safe answer (the caller forgot bont_store_set_today). */
    if (bont__store_day(s->today, today) == 0)
        return 0;
    bont_error_setf(err, field,
                    "the store was not told today's date (bont_store_set_today), so dates cannot "
                    "be checked");
    return BONT_EINVAL;
}

int bont__store_date_check(const bont_store_t *s, const char *date, const char *field,
                           const char *what, bont_error_t *err)
{
    long day, today;
    int ret;
    if (bont__store_day(date, &day) != 0) {
        bont_error_setf(err, field, "%s must be a real date as YYYY-MM-DD (got \"%s\")", what,
                        date ? date : "");
        return BONT_EINVAL;
    }
    if ((ret = bont__store_today(s, field, &today, err)) != 0)
        return ret;
    if (day > today) {
        bont_error_setf(err, field, "%s %s is in the future (today is %s)", what, date, s->today);
        return BONT_ERANGE;
    }
    return 0;
}

int bont__store_date_not_before(const char *date, const char *field, const char *earlier,
                                const char *earlier_what, bont_error_t *err)
{
    if (strcmp(date, earlier) >= 0) /* YYYY-MM-DD compares as text */
        return 0;
    bont_error_setf(err, field, "%s is before %s (%s)", date, earlier_what, earlier);
    return BONT_ERANGE;
}
