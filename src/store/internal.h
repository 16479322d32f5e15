/* internal.h: what the store's source files share and nothing outside src/store/ uses. */
#ifndef BONT_STORE_INTERNAL_H
#define BONT_STORE_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>

#include "bont/store.h"

struct bont_store_t {
    sqlite3 *db;        /* owned */
    char path[4096];    /* file name, for messages */
    int schema_version; /* after migration: BONT_STORE_SCHEMA_VERSION */
};

/* Fills err from the connection's last SQLite error and returns BONT_EIO for I/O and disk-full
 * errors, BONT_ESTORE otherwise. */
int bont__store_fail(bont_store_t *s, bont_error_t *err, const char *what);

/* Prepares sql on the store's connection, retrying while another process holds a lock. */
int bont__store_prepare(bont_store_t *s, const char *sql, sqlite3_stmt **st, bont_error_t *err);

/* Days since 1970-01-01 for a valid "YYYY-MM-DD"; -1 otherwise (internal helper). */
int bont__store_day(const char *date, long *day);

/* Writes day (since 1970-01-01) as YYYY-MM-DD into buf (11 bytes). */
void bont__store_format_day(long day, char buf[11]);

/* The data/ file name (e.g. "outcome-scales.json") embedded at build time, parsed; the caller
 * owns the result (json_decref). NULL with err set when missing or malformed. */
json_t *bont__store_data(const char *name, bont_error_t *err);

#endif
