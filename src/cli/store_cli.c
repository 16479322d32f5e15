/* store_cli.c: options, store opening and errors shared by the record-store commands. */
#include "cli/store_cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bont/report.h"
#include "bont/plan.h"
#include "cli/commands.h"

int bont_cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "bont: %s needs a value\n", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int bont_cli_common(bont_store_args_t *a, int argc, char **argv, int *i)
{
    static const char *const formats[] = {"text", "json", NULL};
    const char *v = NULL;
    int m = bont_cli_opt(argc, argv, i, "--db", &a->db);
    if (m != 0)
        return m;
    if ((m = bont_cli_opt(argc, argv, i, "--format", &v)) != 1)
        return m;
    return bont_cli_format(v, formats, &a->json) == 0 ? 1 : -1;
}

/* The local date: the clinic's today unless --today says otherwise. */
static void local_today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int bont_cli_store_open_write(const bont_store_args_t *a, bool create, const char *today_opt,
                              bont_store_t **store)
{
    bont_error_t err;
    char path[4096], today[11];
    long day = 0;
    bont_error_clear(&err);
    *store = NULL;
    /* --today is checked before the store is opened, so a bad value creates nothing. */
    if (today_opt && bont_date_parse(today_opt, &day) != 0)
        return bont_cli_usage_error(a, "--today must be a real date as YYYY-MM-DD (got \"%s\")",
                                    today_opt);
    if (today_opt)
        snprintf(today, sizeof today, "%s", today_opt);
    else
        local_today(today);
    const char *db = NULL;
    int rc = bont_cli_db_path(a, create, path, sizeof path, &db, &err);
    if (rc != 0)
        return bont_cli_fail(a, rc, &err);
    rc = bont_store_open(store, db, create ? BONT_STORE_CREATE : BONT_STORE_EXISTING, &err);
    if (rc == 0 && bont_store_created(*store))
        fprintf(stderr, "bont: created a new store at %s\n", bont_store_name(*store));
    if (rc == 0)
        rc = bont_store_set_today(*store, today, &err);
    if (rc != 0) {
        bont_store_close(store);
        return bont_cli_fail(a, rc, &err);
    }
    return BONT_EXIT_OK;
}

int bont_cli_db_path(const bont_store_args_t *a, bool create_dir, char *buf, size_t size,
                     const char **db, bont_error_t *err)
{
    const char *env = getenv("BONT_DB");
    *db = a->db ? a->db : (env && *env) ? env : NULL;
    if (*db)
        return 0;
    int rc = bont_store_default_path(buf, size, create_dir, err);
    if (rc == 0)
        *db = buf;
    return rc;
}

int bont_cli_store_open(const bont_store_args_t *a, bont_store_t **store)
{
    return bont_cli_store_open_write(a, false, NULL, store);
}

int bont_cli_fail(const bont_store_args_t *a, int rc, const bont_error_t *err)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "bont %s", a->command);
    bont_report_error(stderr, prefix, err);
    switch (rc) {
    case BONT_ENOMEM:
    case BONT_EIO:
    case BONT_ESTORE:
    case BONT_EKB:
        return BONT_EXIT_INTERNAL;
    case BONT_ECONNECT:
        return BONT_EXIT_CONNECT;
    case BONT_EUNSUPPORTED:
        return BONT_EXIT_UNSUPPORTED;
    default:
        /* Bad arguments, unknown ids, and a store file this bont must not use (newer schema,
         * another program's file) are the user's input to fix. */
        return BONT_EXIT_USAGE;
    }
}

int bont_cli_usage_error(const bont_store_args_t *a, const char *fmt, ...)
{
    va_list ap;
    char msg[2048];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* The message may quote what was typed: shown as text, never as terminal commands. */
    fprintf(stderr, "bont %s: ", a->command);
    bont_report_put_text(stderr, msg);
    fprintf(stderr, "\n`bont %s --help` shows the options.\n", a->command);
    return BONT_EXIT_USAGE;
}

long long bont_cli_id(const char *text)
{
    char *end = NULL;
    if (!text || !*text)
        return 0;
    long long v = strtoll(text, &end, 10);
    return (end && *end == '\0' && v > 0) ? v : 0;
}
