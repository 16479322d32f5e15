/* bont/date.h: calendar dates as days since 1970-01-01 (proleptic Gregorian), the one calendar of
 * plans, records and checks. */
#ifndef BONT_DATE_H
#define BONT_DATE_H

/* Days since 1970-01-01 for "YYYY-MM-DD" (years 1900-2200); returns 0 or BONT_EPARSE for a bad
 * or impossible date ("2023-02-29"). */
int bont_date_parse(const char *s, long *day);

/* Writes day as YYYY-MM-DD into buf (at least 11 bytes). */
void bont_date_format(long day, char *buf);

/* Day and minute of "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (a space may stand for the T): *minute is
 * minutes since 1970-01-01 00:00 (the day's start when no time is given) and *has_time says
 * whether a time was given. Returns 0 or BONT_EPARSE. */
int bont_datetime_parse(const char *s, long *day, long long *minute, int *has_time);

#endif
