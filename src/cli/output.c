/* output.c: the bont command's output files and the exit code when writing fails. */
#include "cli/output.h"

#include <errno.h>
#include <string.h>

#include "cli/commands.h"

int bont_cli_written(const char *command, int rc, int code)
{
    if (rc == 0)
        return code;
    fprintf(stderr, "bont %s: writing the output failed (%s)\n", command, bont_strerror(rc));
    return BONT_EXIT_INTERNAL;
}

FILE *bont_cli_create(const char *command, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bont %s: ", command);
        bont_report_put_text(stderr, path);
        fprintf(stderr, ": cannot write the file (%s)\n", strerror(errno));
    }
    return f;
}

int bont_cli_finish(const char *command, FILE *f, const char *path, int rc)
{
    if (fclose(f) != 0 && rc == 0)
        rc = BONT_EIO;
    if (rc == 0)
        return BONT_EXIT_OK;
    fprintf(stderr, "bont %s: ", command);
    bont_report_put_text(stderr, path);
    fprintf(stderr, ": writing the file failed (%s)\n", bont_strerror(rc));
    return BONT_EXIT_INTERNAL;
}

void bont_cli_unknown_product(const char *command, const bont_kb_t *kb, const char *name)
{
    const char *sugg[3];
    size_t n = bont_kb_suggest(kb, "product", name, sugg, 3);
    fprintf(stderr, "bont %s: unknown product \"", command);
    bont_report_put_text(stderr, name);
    fprintf(stderr, "\"%s%s\n", n ? "; did you mean " : "", n ? sugg[0] : "");
}
