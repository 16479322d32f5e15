/* store_cli.h: what the record-store commands share: options, opening the store, errors. */
#ifndef BONT_CLI_STORE_CLI_H
#define BONT_CLI_STORE_CLI_H

#include <stdbool.h>

#include "bont/store.h"

/* Options every store command takes. */
typedef struct bont_store_args_t {
    const char *db;      /* --db FILE, or NULL for the default path */
    int json;            /* --format json */
    const char *command; /* "patient add", for messages */
} bont_store_args_t;

/* Takes "--name VALUE" or "--name=VALUE" at argv[*i]: returns 1 and sets *value (advancing *i)
 * when it matches, 0 when argv[*i] is another option, -1 after printing an error when the value
 * is missing. */
int bont_cli_opt(int argc, char **argv, int *i, const char *name, const char **value);

/* Takes --db and --format at argv[*i]; same returns as bont_cli_opt. */
int bont_cli_common(bont_store_args_t *a, int argc, char **argv, int *i);

/* Opens the store named by --db, or the default one, for a command that only reads: a missing
 * store is "no bont store at PATH" and nothing is created. Returns an exit code: 0, or
 * BONT_EXIT_USAGE / BONT_EXIT_INTERNAL after printing the reason. */
int bont_cli_store_open(const bont_store_args_t *a, bont_store_t **store);

/* The store's path: --db, else the BONT_DB environment variable, else the default file (in
 * buf; its folder made when create_dir). Returns 0 or the library's code with err filled. */
int bont_cli_db_path(const bont_store_args_t *a, bool create_dir, char *buf, size_t size,
                     const char **db, bont_error_t *err);

/* The same for a command that adds records. create: a missing store (and its folder) is
 * created, and that is said once on stderr. today is --today (YYYY-MM-DD) or NULL for the local
 * date; the store refuses records dated after it. */
int bont_cli_store_open_write(const bont_store_args_t *a, bool create, const char *today,
                              bont_store_t **store);

/* Prints err and maps the library's rc to the command's exit code. */
int bont_cli_fail(const bont_store_args_t *a, int rc, const bont_error_t *err);

/* Prints "bont COMMAND: message" and returns BONT_EXIT_USAGE. */
int bont_cli_usage_error(const bont_store_args_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A positive record id from text; 0 when it is not one. */
long long bont_cli_id(const char *text);

#endif
