/* commands.h: the bont subcommands, one file each in src/cli/, and what they share. */
#ifndef BONT_CLI_COMMANDS_H
#define BONT_CLI_COMMANDS_H

#include "bont/kb.h"

/* Exit codes of the bont command (documented in README.md and docs/cli.md). */
enum {
    BONT_EXIT_OK = 0,          /* done; for check: no error-level finding */
    BONT_EXIT_VIOLATION = 1,   /* the plan breaks a rule (check, visit record) */
    BONT_EXIT_USAGE = 2,       /* unusable input: bad arguments, malformed or inconsistent file */
    BONT_EXIT_INTERNAL = 3,    /* the program failed (out of memory, I/O, store error) */
    BONT_EXIT_CONNECT = 4,     /* the database server cannot be reached, refused the login, or
                                  the connection was lost */
    BONT_EXIT_UNSUPPORTED = 5, /* not done by bont for this kind of store (backup on
                                  PostgreSQL: pg_dump, pg_basebackup) */
};

typedef int (*bont_cmd_fn_t)(const bont_kb_t *kb, int argc, char **argv);

typedef struct bont_cmd_t {
    const char *name;    /* "check" */
    bont_cmd_fn_t fn;    /* argv[0] is the subcommand name */
    const char *summary; /* one line for `bont help` */
} bont_cmd_t;

int bont_cmd_check(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_dilute(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_convert(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_kb(const bont_kb_t *kb, int argc, char **argv);
/* The model (cmd_simulate.c, cmd_validate.c). */
int bont_cmd_simulate(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_validate(const bont_kb_t *kb, int argc, char **argv);
/* The record store (cmd_patient.c, cmd_visit.c, cmd_outcome.c, cmd_history.c, cmd_export.c). */
int bont_cmd_patient(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_visit(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_outcome(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_ae(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_history(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_recall(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_due(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_export(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_backup(const bont_kb_t *kb, int argc, char **argv);
/* The web app and its logins (cmd_serve.c, cmd_user.c, cmd_audit.c). */
int bont_cmd_serve(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_user(const bont_kb_t *kb, int argc, char **argv);
int bont_cmd_audit(const bont_kb_t *kb, int argc, char **argv);

/* Prints "bont: <formatted error>" on stderr. */
void bont_cli_error(const bont_error_t *err);

/* "text" or "json" from --format; returns 0, or -1 after printing a usage error. */
int bont_cli_format(const char *value, const char *const *allowed, int *out);

#endif
