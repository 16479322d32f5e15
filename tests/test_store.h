/* test_store.h: helpers the store tests share (test_store*.c). */
#ifndef BONT_TEST_STORE_H
#define BONT_TEST_STORE_H

#include <stddef.h>

#include "bont/store.h"

/* Makes a fresh folder under /tmp (dir is "" on failure) and removes it again. */
void store_test_tmpdir(char *dir, size_t size);
void store_test_rmdir(const char *dir);

/* The clinic's today in the store tests: after every date they record. */
#define STORE_TEST_TODAY "2026-12-31"

/* Opens (creating when missing) the store at path, with today set to STORE_TEST_TODAY. */
int store_test_open(bont_store_t **s, const char *path, bont_error_t *err);

/* One integer from a query on the file at path (read-only, not through the library); -1 when
 * it cannot be run. */
long long store_test_sql_int(const char *path, const char *sql);

/* Seconds on the monotonic clock, and a pause of us microseconds. */
double store_test_now_s(void);
void store_test_sleep_us(long us);

/* A valid patient with the given name. */
bont_store_patient_t store_test_patient(const char *name);

/* A valid cervical-dystonia visit with n_injections injections (owned: bont_store_visit_clear). */
void store_test_visit(bont_store_visit_t *v, long long patient_id, const char *date,
                      const char *lot, size_t n_injections);

#endif
