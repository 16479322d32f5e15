/* schema.h: the store's SQL schema as a list of migrations, oldest first (internal). */
#ifndef BONT_STORE_SCHEMA_H
#define BONT_STORE_SCHEMA_H

#include <stddef.h>

/* bont__store_migrations[i] takes a file from schema version i to version i + 1. A released
 * migration is never edited: a change to the schema is a new entry at the end. */
extern const char *const bont__store_migrations[];
extern const size_t bont__store_n_migrations;

#endif
