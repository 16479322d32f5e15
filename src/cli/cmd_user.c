/* cmd_user.c: `bont user add|list|disable`: the logins of the web app (bont serve). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "bont/access.h"
#include "bont/server.h"
#include "cli/commands.h"
#include "cli/store_cli.h"
#include "bont/report.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont user add NAME --role admin|clinician [--db FILE]\n"
               "       bont user list [--db FILE] [--format text|json]\n"
               "       bont user disable NAME [--db FILE]\n"
               "add reads the password from standard input (one line; not echoed on a\n"
               "terminal) and stores only its Argon2id hash. Users are disabled, never deleted:\n"
               "the audit log names them.\n");
}

/* One line from standard input without its newline; no echo when it is a terminal. */
static int read_password(char *buf, size_t size)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "Password: ");
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = fgets(buf, (int)size, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    if (!line)
        return -1;
    size_t n = strcspn(buf, "\r\n");
    if (buf[n] == '\0' && n + 1 == size)
        return -2; /* longer than the buffer */
    buf[n] = '\0';
    return 0;
}

/* The audit entry of a user change made from the command line. */
static int audit_cli(bont_store_t *s, const char *kind, const char *command, const char *detail,
                     bont_error_t *err)
{
    bont_audit_t e = {.status = 0};
    snprintf(e.user, sizeof e.user, "%s", getenv("USER") ? getenv("USER") : "");
    snprintf(e.remote, sizeof e.remote, "local");
    snprintf(e.kind, sizeof e.kind, "%s", kind);
    snprintf(e.method, sizeof e.method, "cli");
    snprintf(e.path, sizeof e.path, "%s", command);
    snprintf(e.detail, sizeof e.detail, "%s", detail);
    return bont_store_audit_add(s, &e, err);
}

static int user_add(bont_store_args_t *a, const char *name, const char *role)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_user_t u;
    memset(&u, 0, sizeof u);
    char password[1100];
    if (!name)
        return bont_cli_usage_error(a, "give the user's name");
    if (bont_user_name_check(name, &err) != 0)
        return bont_cli_usage_error(a, "%s", err.message);
    if (bont_role_parse(role, &u.role) != 0)
        return bont_cli_usage_error(a, "--role must be admin or clinician (got \"%s\")",
                                    role ? role : "");
    int r = read_password(password, sizeof password);
    if (r != 0 || !password[0])
        return bont_cli_usage_error(a, r == -2 ? "the password is longer than 1024 characters"
                                               : "give the password on standard input");
    int rc = bont_password_hash(password, u.password_hash, sizeof u.password_hash, &err);
    explicit_bzero(password, sizeof password);
    if (rc != 0)
        return bont_cli_fail(a, rc, &err);
    snprintf(u.name, sizeof u.name, "%s", name);
    bont_store_t *s = NULL;
    /* The first user is how a clinic's store begins: this command may create it. */
    int exit_code = bont_cli_store_open_write(a, true, NULL, &s);
    if (exit_code != BONT_EXIT_OK)
        return exit_code;
    rc = bont_store_user_add(s, &u, &err);
    if (rc == 0) {
        char detail[96];
        snprintf(detail, sizeof detail, "%s as %s", u.name, bont_role_name(u.role));
        rc = audit_cli(s, "user.add", "bont user add", detail, &err);
    }
    if (rc == 0)
        printf("user %s added (%s)\n", u.name, bont_role_name(u.role));
    else
        exit_code = bont_cli_fail(a, rc, &err);
    bont_store_close(&s);
    return exit_code;
}

static int user_list(bont_store_args_t *a)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_user_t *users = NULL;
    size_t n = 0;
    int exit_code = bont_cli_store_open(a, &s);
    if (exit_code != BONT_EXIT_OK)
        return exit_code;
    int rc = bont_store_user_list(s, &users, &n, &err);
    bont_store_close(&s);
    if (rc != 0)
        return bont_cli_fail(a, rc, &err);
    int wrc = a->json ? bont_report_json_write(stdout, bont_report_users_json(users, n))
                      : bont_report_users_text(stdout, users, n);
    free(users);
    return wrc == 0 ? BONT_EXIT_OK : BONT_EXIT_INTERNAL;
}

static int user_disable(bont_store_args_t *a, const char *name)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_store_t *s = NULL;
    if (!name)
        return bont_cli_usage_error(a, "give the user's name");
    int exit_code = bont_cli_store_open(a, &s);
    if (exit_code != BONT_EXIT_OK)
        return exit_code;
    int rc = bont_store_user_set_disabled(s, name, true, &err);
    if (rc == 0)
        rc = audit_cli(s, "user.disable", "bont user disable", name, &err);
    if (rc == 0) {
        fputs("user ", stdout);
        bont_report_put_text(stdout, name);
        fputs(" disabled; their sessions have ended\n", stdout);
    } else
        exit_code = bont_cli_fail(a, rc, &err);
    bont_store_close(&s);
    return exit_code;
}

int bont_cmd_user(const bont_kb_t *kb, int argc, char **argv)
{
    (void)kb;
    bont_store_args_t a = {.command = "user"};
    const char *sub = argc > 1 ? argv[1] : NULL, *name = NULL, *role = NULL;
    if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        usage(sub ? stdout : stderr);
        return sub ? BONT_EXIT_OK : BONT_EXIT_USAGE;
    }
    char command[32];
    snprintf(command, sizeof command, "user %s", sub);
    a.command = command;
    for (int i = 2; i < argc; i++) {
        int m = bont_cli_common(&a, argc, argv, &i);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m > 0)
            continue;
        if ((m = bont_cli_opt(argc, argv, &i, "--role", &role)) < 0)
            return BONT_EXIT_USAGE;
        if (m > 0)
            continue;
        if (argv[i][0] == '-' || name)
            return bont_cli_usage_error(&a, "unexpected argument \"%s\"", argv[i]);
        name = argv[i];
    }
    if (!strcmp(sub, "add"))
        return user_add(&a, name, role);
    if (!strcmp(sub, "list"))
        return user_list(&a);
    if (!strcmp(sub, "disable"))
        return user_disable(&a, name);
    return bont_cli_usage_error(&a, "unknown subcommand (add, list or disable)");
}
