/* internal.h: what the store's source files share and nothing outside src/store/ uses. */
#ifndef BONT_STORE_INTERNAL_H
#define BONT_STORE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "bont/store.h"
#include "store/backend.h"

struct bont_store_t {
    const bont__store_backend_t *be; /* the database's operations (sqlite or pg) */
    void *conn;         /* the backend's connection (owned; sqlite3 *, or bont__pg_t *) */
    char path[4096];    /* file name, or the database's URI without password: for messages */
    int schema_version; /* after migration: BONT_STORE_SCHEMA_VERSION */
    bool created;       /* bont_store_open made the file */
    char today[11];     /* the clinic's date, YYYY-MM-DD; "" until set */
};

/* Fills err for a store written by a newer bont (schema version) and returns BONT_ESCHEMA;
 * kind names what was left unchanged ("file", "database"). */
int bont__store_newer_schema(bont_error_t *err, long long version, const char *kind);

/* ---- PostgreSQL targets (pg.c) ---- */

/* Whether target is a PostgreSQL connection string (postgresql:// or postgres:// URI, or
 * libpq's keyword=value form) rather than a file name. */
bool bont__store_is_pg(const char *target);

/* target (a connection string) as a name for messages: a URI without the password. */
void bont__pg_describe(const char *target, char *buf, size_t size);

/* ---- dates (dates.c) ---- */

/* Days since 1970-01-01 for a valid "YYYY-MM-DD"; -1 otherwise. */
int bont__store_day(const char *date, long *day);

/* Writes day (since 1970-01-01) as YYYY-MM-DD into buf (11 bytes). */
void bont__store_format_day(long day, char buf[11]);

/* The store's today as a day number; BONT_EINVAL naming field when it was never set. */
int bont__store_today(const bont_store_t *s, const char *field, long *today, bont_error_t *err);

/* A real date (BONT_EINVAL) that is not after the store's today (BONT_ERANGE); what names the
 * date in the message ("the birth date"). BONT_EINVAL when today was never set. */
int bont__store_date_check(const bont_store_t *s, const char *date, const char *field,
                           const char *what, bont_error_t *err);

/* date is not before earlier (BONT_ERANGE, naming field; earlier_what names the earlier date,
 * "the visit"). Both are valid dates. */
int bont__store_date_not_before(const char *date, const char *field, const char *earlier,
                                const char *earlier_what, bont_error_t *err);

/* ---- files (files.c) ---- */

/* Fills err with "PATH: doing: <strerror>" and returns the code for errnum: BONT_EINVAL for a
 * path the user can fix (missing folder, a folder, no permission), BONT_EIO for a failing disk. */
int bont__store_path_error(const char *path, int errnum, const char *doing, bont_error_t *err);

/* Whether path exists as a regular file (*exists). A folder, a symbolic link or a device is
 * BONT_EINVAL saying so; a path that cannot be looked at, the errno's reason. */
int bont__store_path_kind(const char *path, bool *exists, bont_error_t *err);

/* Makes a new empty private file ".NAME.new-XXXXXX" in path's folder and writes its name into
 * tmp; doing says what for in an error ("cannot create the store"). */
int bont__store_temp_beside(const char *path, const char *doing, char *tmp, size_t size,
                            bont_error_t *err);

/* Syncs tmp, links it to path and removes the name tmp, then syncs the folder: path appears whole
 * or not at all. BONT_ECONFLICT (tmp removed) when path exists; it is never replaced. */
int bont__store_publish(const char *tmp, const char *path, bont_error_t *err);

/* Removes a temporary file and the journal, WAL and shared-memory files SQLite made beside it. */
void bont__store_remove_temp(const char *tmp);

/* ---- records (records.c) ---- */

/* Checks a visit's own fields and its dates against the patient (born) and the store's today. */
int bont__store_visit_valid(const bont_store_t *s, const bont_store_visit_t *v,
                            const bont_store_patient_t *patient, bont_error_t *err);

/* Loads the patient and everything recorded for them inside the caller's transaction. */
int bont__store_record_read(bont_store_t *store, long long patient_id, bont_store_record_t **out,
                            bont_error_t *err);

/* ---- memory (alloc.c) ----
 * Every allocation on the store's path goes through these, so that the test build can fail the
 * Nth one (SQLite's fault-injection practice; tests/test_store_oom.c). */
void *bont__store_calloc(size_t n, size_t size);
void *bont__store_realloc(void *p, size_t size);
char *bont__store_strdup(const char *s);

/* Grows *arr (of elem-size entries, *cap of them) so that one more than count fits; new entries
 * are zeroed. BONT_ENOMEM when it cannot. */
int bont__store_grow(void **arr, size_t *cap, size_t count, size_t elem);

#ifdef BONT_TEST_BUILD
/* Test build only: called before each allocation; a nonzero return fails it. NULL: never. */
extern int (*bont__store_alloc_fault)(void);
#endif

/* ---- data files (data.c) ---- */

/* The data/ file name (e.g. "outcome-scales.json") embedded at build time, parsed; the caller
 * owns the result (json_decref). NULL with err set when missing or malformed. */
json_t *bont__store_data(const char *name, bont_error_t *err);

#endif
