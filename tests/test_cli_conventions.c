/* test_cli_conventions.c: what every bont command shares: --version, help, global options
 * before or after the command, BONT_DB as the default store, and file errors that say what
 * happened. */
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "test_store.h"

static char out[1 << 16], err[1 << 14];

/* Runs a shell line with $B standing for the binary under test and $D for a fresh folder. */
static int sh(const char *dir, const char *line)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "B=%s; D=%s; %s", bont_test_bin(), dir, line);
    return bont_test_run(cmd, out, sizeof out, err, sizeof err);
}

TEST(cli_version_and_help)
{
    char dir[256];
    store_test_tmpdir(dir, sizeof dir);
    CHECK_INT(sh(dir, "$B --version"), 0);
    CHECK(strncmp(out, "bont ", 5) == 0 && strchr(out, '.') != NULL);
    CHECK_INT(sh(dir, "$B version"), 0);
    CHECK(strncmp(out, "bont ", 5) == 0);
    /* `bont help check` is check's own help, not the command list. */
    CHECK_INT(sh(dir, "$B help check"), 0);
    CHECK(strstr(out, "usage: bont check") != NULL && strstr(out, "--format") != NULL);
    CHECK(strstr(out, "commands:") == NULL);
    char help_cmd[1 << 16];
    snprintf(help_cmd, sizeof help_cmd, "%s", out);
    CHECK_INT(sh(dir, "$B check --help"), 0);
    CHECK_STR(out, help_cmd);
    CHECK_INT(sh(dir, "$B help patient"), 0);
    CHECK(strstr(out, "usage: bont patient") != NULL);
    CHECK_INT(sh(dir, "$B help no-such-command"), 2);
    CHECK(strstr(err, "unknown command \"no-such-command\"") != NULL);
    CHECK_INT(sh(dir, "$B --help"), 0);
    CHECK(strstr(out, "commands:") != NULL);
    store_test_rmdir(dir);
}

TEST(cli_global_options_before_or_after_the_command)
{
    char dir[256];
    store_test_tmpdir(dir, sizeof dir);
    CHECK_INT(sh(dir, "$B patient add --db $D/a.db --name Ann --birth 1980-01-01 --sex female"), 0);
    CHECK_INT(sh(dir, "$B patient list --db $D/a.db"), 0);
    char after[1 << 16];
    snprintf(after, sizeof after, "%s", out);
    CHECK(strstr(after, "Ann") != NULL);
    CHECK_INT(sh(dir, "$B --db $D/a.db patient list"), 0);
    CHECK_STR(out, after);
    CHECK_INT(sh(dir, "$B --db=$D/a.db patient list"), 0);
    CHECK_STR(out, after);
    CHECK_INT(sh(dir, "$B --db $D/a.db --format json patient list"), 0);
    CHECK(strstr(out, "\"patients\"") != NULL);
    CHECK_INT(sh(dir, "$B --format json check examples/glabellar_lines.json"), 0);
    CHECK(strstr(out, "\"verdict\": \"ok\"") != NULL);
    /* An option before the command still needs its value, and a command. */
    CHECK_INT(sh(dir, "$B --db"), 2);
    CHECK(strstr(err, "--db needs a value") != NULL);
    CHECK_INT(sh(dir, "$B --db $D/a.db"), 2);
    CHECK(strstr(err, "no command") != NULL);
    store_test_rmdir(dir);
}

TEST(cli_bont_db_names_the_default_store)
{
    char dir[256];
    store_test_tmpdir(dir, sizeof dir);
    CHECK_INT(sh(dir, "BONT_DB=$D/env.db $B patient add --name Env --birth 1980-01-01 --sex male"),
              0);
    CHECK(access(strcat(strcpy(out, dir), "/env.db"), F_OK) == 0);
    CHECK_INT(sh(dir, "BONT_DB=$D/env.db $B patient list"), 0);
    CHECK(strstr(out, "Env") != NULL);
    /* --db wins over BONT_DB. */
    CHECK_INT(sh(dir, "$B patient add --db $D/other.db --name Other --birth 1980-01-01 --sex male"),
              0);
    CHECK_INT(sh(dir, "BONT_DB=$D/env.db $B patient list --db $D/other.db"), 0);
    CHECK(strstr(out, "Other") != NULL && strstr(out, "Env") == NULL);
    /* A read command on a mistyped BONT_DB creates nothing. */
    CHECK_INT(sh(dir, "BONT_DB=$D/typo.db $B patient list"), 2);
    CHECK(strstr(err, "no bont store at") != NULL);
    CHECK(access(strcat(strcpy(out, dir), "/typo.db"), F_OK) != 0);
    store_test_rmdir(dir);
}

TEST(cli_file_errors_say_what_happened)
{
    char dir[256];
    store_test_tmpdir(dir, sizeof dir);
    CHECK_INT(sh(dir, "$B check $D/missing.json"), 2);
    CHECK(strstr(err, "No such file or directory") != NULL || strstr(err, "no such file") != NULL);
    CHECK_INT(sh(dir, "$B check $D"), 2);
    CHECK(strstr(err, "folder") != NULL || strstr(err, "directory") != NULL);
    CHECK(strstr(err, "input/output error") == NULL);
    CHECK_INT(sh(dir, "$B patient list --db $D"), 2);
    CHECK(strstr(err, "directory") != NULL);
    CHECK(strstr(err, "disk I/O error") == NULL);
    if (geteuid() != 0) { /* root reads anything */
        CHECK_INT(sh(dir, "echo '{}' > $D/locked.json && chmod 000 $D/locked.json && "
                          "$B check $D/locked.json"),
                  2);
        CHECK(strstr(err, "ermission denied") != NULL);
    }
    store_test_rmdir(dir);
}
